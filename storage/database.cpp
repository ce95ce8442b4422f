#include "storage/database.hpp"

#include <utility>

#include <fmt/format.h>
#include <sqlite3.h>

#include "storage/migrations.hpp"

namespace callqc::storage {
namespace {

constexpr int kBusyTimeoutMs = 10000;

StorageError::Kind kindFor(int code) {
    switch (code & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return StorageError::Kind::Locked;
    case SQLITE_CONSTRAINT:
        return StorageError::Kind::Constraint;
    case SQLITE_CANTOPEN:
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
        return StorageError::Kind::Open;
    default:
        return StorageError::Kind::Query;
    }
}

} // namespace

Statement::~Statement() {
    sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement&& other) noexcept
    : m_db(other.m_db), m_stmt(std::exchange(other.m_stmt, nullptr)) {}

Result<bool> Statement::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    return tl::unexpected(StorageError{
        kindFor(rc), fmt::format("{} (in: {})", sqlite3_errmsg(m_db), sqlite3_sql(m_stmt))});
}

Result<void> Statement::run() {
    while (true) {
        auto stepped = step();
        if (!stepped) {
            reset();
            return tl::unexpected(stepped.error());
        }
        if (!*stepped) {
            reset();
            return {};
        }
    }
}

void Statement::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

std::int64_t Statement::getInt(int column) const {
    return sqlite3_column_int64(m_stmt, column);
}
double Statement::getDouble(int column) const {
    return sqlite3_column_double(m_stmt, column);
}
bool Statement::isNull(int column) const {
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

std::string Statement::getText(int column) const {
    const auto* text = sqlite3_column_text(m_stmt, column);
    const int bytes = sqlite3_column_bytes(m_stmt, column);
    return text ? std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(bytes))
                : std::string();
}

std::vector<std::uint8_t> Statement::getBlob(int column) const {
    const auto* data = static_cast<const std::uint8_t*>(sqlite3_column_blob(m_stmt, column));
    const int bytes = sqlite3_column_bytes(m_stmt, column);
    return data ? std::vector<std::uint8_t>(data, data + bytes) : std::vector<std::uint8_t>();
}

void Statement::bindOne(int index, std::int64_t value) {
    sqlite3_bind_int64(m_stmt, index, value);
}
void Statement::bindOne(int index, double value) {
    sqlite3_bind_double(m_stmt, index, value);
}
void Statement::bindOne(int index, std::string_view value) {
    sqlite3_bind_text64(m_stmt, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}
void Statement::bindOne(int index, const std::vector<std::uint8_t>& blob) {
    sqlite3_bind_blob64(m_stmt, index, blob.data(), blob.size(), SQLITE_TRANSIENT);
}
void Statement::bindOne(int index, std::nullopt_t) {
    sqlite3_bind_null(m_stmt, index);
}

Result<Database> Database::open(const std::filesystem::path& path) {
    if (path != ":memory:" && path.has_parent_path()) {
        std::error_code ec;
        std::filesystem::create_directories(path.parent_path(), ec);
        if (ec) {
            return tl::unexpected(
                StorageError{StorageError::Kind::Open, fmt::format("{}: cannot create folder: {}",
                                                                   path.string(), ec.message())});
        }
    }
    sqlite3* raw = nullptr;
    const int rc =
        sqlite3_open_v2(path.c_str(), &raw,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    Database db(raw, path);
    if (rc != SQLITE_OK) {
        return tl::unexpected(db.errorFromDb("cannot open database"));
    }
    sqlite3_busy_timeout(raw, kBusyTimeoutMs);
    sqlite3_extended_result_codes(raw, 1);
    for (const char* pragma :
         {"PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA synchronous=NORMAL"}) {
        if (auto ok = db.exec(pragma); !ok) {
            return tl::unexpected(ok.error());
        }
    }
    if (auto migrated = db.migrate(); !migrated) {
        return tl::unexpected(migrated.error());
    }
    return db;
}

Database::~Database() {
    sqlite3_close_v2(m_db);
}

Database::Database(Database&& other) noexcept
    : m_db(std::exchange(other.m_db, nullptr)), m_path(std::move(other.m_path)) {}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        sqlite3_close_v2(m_db);
        m_db = std::exchange(other.m_db, nullptr);
        m_path = std::move(other.m_path);
    }
    return *this;
}

StorageError Database::errorFromDb(std::string_view what) const {
    const int code = m_db ? sqlite3_extended_errcode(m_db) : SQLITE_CANTOPEN;
    return StorageError{kindFor(code), fmt::format("{}: {}: {}", m_path.string(), what,
                                                   m_db ? sqlite3_errmsg(m_db) : "out of memory")};
}

Result<void> Database::exec(std::string_view sql) {
    const std::string text(sql);
    char* message = nullptr;
    const int rc = sqlite3_exec(m_db, text.c_str(), nullptr, nullptr, &message);
    if (rc != SQLITE_OK) {
        StorageError error{kindFor(rc), fmt::format("{}: {}", m_path.string(),
                                                    message ? message : sqlite3_errstr(rc))};
        sqlite3_free(message);
        return tl::unexpected(std::move(error));
    }
    return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    const int rc =
        sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) {
        return tl::unexpected(errorFromDb(fmt::format("cannot prepare \"{}\"", sql)));
    }
    return Statement(m_db, stmt);
}

std::int64_t Database::lastInsertId() const {
    return sqlite3_last_insert_rowid(m_db);
}

int Database::schemaVersion() const {
    sqlite3_stmt* stmt = nullptr;
    int version = 0;
    if (sqlite3_prepare_v2(m_db, "PRAGMA user_version", -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        version = sqlite3_column_int(stmt, 0);
    }
    sqlite3_finalize(stmt);
    return version;
}

Result<void> Database::migrate() {
    const auto& steps = migrations();
    const int current = schemaVersion();
    if (current > static_cast<int>(steps.size())) {
        return tl::unexpected(StorageError{
            StorageError::Kind::Schema,
            fmt::format("{}: schema version {} is newer than this program knows ({}); upgrade "
                        "CallQC Station",
                        m_path.string(), current, steps.size())});
    }
    for (auto version = static_cast<std::size_t>(current); version < steps.size(); ++version) {
        auto applied = transaction([&]() -> Result<void> {
            if (auto ok = exec(steps[version]); !ok) {
                return tl::unexpected(StorageError{
                    StorageError::Kind::Schema,
                    fmt::format("migration {} failed: {}", version + 1, ok.error().detail)});
            }
            return exec(fmt::format("PRAGMA user_version = {}", version + 1));
        });
        if (!applied) {
            return applied;
        }
    }
    return {};
}

} // namespace callqc::storage
