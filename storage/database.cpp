#include "storage/database.hpp"

#include <algorithm>
#include <cassert>
#include <memory>
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
    if (blob.empty()) {
        // A null data pointer would bind NULL; an empty blob is a value.
        sqlite3_bind_zeroblob(m_stmt, index, 0);
        return;
    }
    sqlite3_bind_blob64(m_stmt, index, blob.data(), blob.size(), SQLITE_TRANSIENT);
}
void Statement::bindOne(int index, std::nullopt_t) {
    sqlite3_bind_null(m_stmt, index);
}

Result<Database> Database::open(const std::filesystem::path& path) {
    return openUpTo(path, std::nullopt);
}

Result<Database> Database::openAtVersion(const std::filesystem::path& path, int version) {
    return openUpTo(path, static_cast<std::size_t>(std::max(0, version)));
}

Result<Database> Database::openUpTo(const std::filesystem::path& path,
                                    std::optional<std::size_t> version) {
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
    if (auto migrated = version ? db.migrateTo(*version) : db.migrate(); !migrated) {
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

std::int64_t Database::changes() const {
    return sqlite3_changes64(m_db);
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
    return migrateTo(migrations().size());
}

Result<void> Database::migrateTo(std::size_t target) {
    const auto& steps = migrations();
    const int current = schemaVersion();
    if (current > static_cast<int>(steps.size())) {
        return tl::unexpected(StorageError{
            StorageError::Kind::Schema,
            fmt::format("{}: schema version {} is newer than this program knows ({}); upgrade "
                        "CallQC Station",
                        m_path.string(), current, steps.size())});
    }
    for (auto version = static_cast<std::size_t>(current); version < std::min(target, steps.size());
         ++version) {
        auto applied = transaction([&]() -> Result<void> {
            if (schemaVersion() > static_cast<int>(version)) {
                return {}; // another connection applied it while this one waited for the lock
            }
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

Result<void> Database::backupTo(const std::filesystem::path& target,
                                const std::function<void(int, int)>& progress, int pagesPerStep) {
    assert(pagesPerStep > 0);
    auto temp = target;
    temp += ".tmp";
    const auto fail = [&](std::string_view what, const std::string& why) {
        return tl::unexpected(StorageError{
            StorageError::Kind::Query, fmt::format("backup of {} to {}: {}: {}", m_path.string(),
                                                   target.string(), what, why)});
    };
    std::error_code ec;
    for (const char* suffix : {"", "-journal", "-wal", "-shm"}) {
        auto stale = temp;
        stale += suffix;
        std::filesystem::remove(stale, ec);
    }
    if (target.has_parent_path()) {
        std::filesystem::create_directories(target.parent_path(), ec);
    }

    sqlite3* raw = nullptr;
    const int opened =
        sqlite3_open_v2(temp.c_str(), &raw,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    std::unique_ptr<sqlite3, int (*)(sqlite3*)> dest(raw, &sqlite3_close_v2);
    if (opened != SQLITE_OK) {
        return fail("cannot create", raw ? sqlite3_errmsg(raw) : sqlite3_errstr(opened));
    }

    // One read transaction on the source for the whole copy: every step reads the same snapshot,
    // so the backup never restarts however much other connections write meanwhile (in WAL mode
    // they are not blocked by it).
    if (auto begun = exec("BEGIN"); !begun) {
        return tl::unexpected(begun.error());
    }
    if (auto read = exec("SELECT count(*) FROM sqlite_schema"); !read) {
        (void)exec("ROLLBACK");
        return tl::unexpected(read.error());
    }
    sqlite3_backup* backup = sqlite3_backup_init(dest.get(), "main", m_db, "main");
    if (backup == nullptr) {
        (void)exec("ROLLBACK");
        return fail("cannot start", sqlite3_errmsg(dest.get()));
    }
    constexpr int kMaxBusyRetries = 2000;
    int busyRetries = 0;
    int stepped = SQLITE_OK;
    while (true) {
        stepped = sqlite3_backup_step(backup, pagesPerStep);
        if (progress) {
            const int total = sqlite3_backup_pagecount(backup);
            progress(total - sqlite3_backup_remaining(backup), total);
        }
        if (stepped == SQLITE_OK) {
            continue;
        }
        if ((stepped == SQLITE_BUSY || stepped == SQLITE_LOCKED) &&
            ++busyRetries < kMaxBusyRetries) {
            sqlite3_sleep(5);
            continue;
        }
        break;
    }
    const int finished = sqlite3_backup_finish(backup);
    (void)exec("ROLLBACK");
    if (stepped != SQLITE_DONE) {
        return fail("copy failed", sqlite3_errstr(stepped));
    }
    if (finished != SQLITE_OK) {
        return fail("copy failed", sqlite3_errmsg(dest.get()));
    }
    if (const int closed = sqlite3_close(dest.release()); closed != SQLITE_OK) {
        return fail("cannot close", sqlite3_errstr(closed));
    }
    std::filesystem::rename(temp, target, ec);
    if (ec) {
        return fail(fmt::format("cannot rename {}", temp.string()), ec.message());
    }
    return {};
}

} // namespace callqc::storage
