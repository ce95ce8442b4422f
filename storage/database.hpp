#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include <tl/expected.hpp>

struct sqlite3;
struct sqlite3_stmt;

namespace callqc::storage {

/// An expected failure of the storage layer; `detail` names the database, table or row.
struct StorageError {
    enum class Kind { Open, Locked, Schema, Query, Constraint, NotFound, Input };
    Kind kind;
    std::string detail;

    [[nodiscard]] std::string message() const { return detail; }
};

template <typename T> using Result = tl::expected<T, StorageError>;

/// A prepared statement. Owned by the thread that prepared it, like its Database.
class Statement {
public:
    Statement(sqlite3* db, sqlite3_stmt* stmt) : m_db(db), m_stmt(stmt) {}
    ~Statement();
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    /// Binds parameters 1..n in order. Strings are bound as UTF-8 text, byte vectors as blobs,
    /// std::nullopt as NULL.
    template <typename... Args> Statement& bindAll(const Args&... args) {
        int index = 1;
        (bindOne(index++, args), ...);
        return *this;
    }

    /// Steps once: true when a row is ready, false when done.
    [[nodiscard]] Result<bool> step();
    /// Steps to completion, expecting no rows.
    [[nodiscard]] Result<void> run();
    void reset();

    [[nodiscard]] std::int64_t getInt(int column) const;
    [[nodiscard]] double getDouble(int column) const;
    [[nodiscard]] std::string getText(int column) const;
    [[nodiscard]] std::vector<std::uint8_t> getBlob(int column) const;
    [[nodiscard]] bool isNull(int column) const;

private:
    void bindOne(int index, std::int64_t value);
    void bindOne(int index, int value) { bindOne(index, static_cast<std::int64_t>(value)); }
    void bindOne(int index, double value);
    void bindOne(int index, std::string_view value);
    void bindOne(int index, const std::string& value) { bindOne(index, std::string_view(value)); }
    void bindOne(int index, const char* value) { bindOne(index, std::string_view(value)); }
    void bindOne(int index, const std::vector<std::uint8_t>& blob);
    void bindOne(int index, std::nullopt_t);
    template <typename T> void bindOne(int index, const std::optional<T>& value) {
        if (value) {
            bindOne(index, *value);
        } else {
            bindOne(index, std::nullopt);
        }
    }

    sqlite3* m_db;
    sqlite3_stmt* m_stmt;
};

/// One SQLite connection with the project's schema applied (WAL, foreign keys, busy timeout).
///
/// Thread-safety: a Database and its statements belong to the thread that opened it; every other
/// thread opens its own connection to the same file.
class Database {
public:
    /// Opens (creating if needed) and migrates the database at `path`; ":memory:" works.
    [[nodiscard]] static Result<Database> open(const std::filesystem::path& path);

    /// For tests of upgrades only: opens (creating if needed) the database at `path` and applies
    /// only the first `version` migration steps (0 = none), so a later open() upgrades it.
    [[nodiscard]] static Result<Database> openAtVersion(const std::filesystem::path& path,
                                                        int version);

    ~Database();
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    [[nodiscard]] Result<void> exec(std::string_view sql);
    [[nodiscard]] Result<Statement> prepare(std::string_view sql);
    [[nodiscard]] std::int64_t lastInsertId() const;
    /// Rows the last INSERT, UPDATE or DELETE on this connection changed.
    [[nodiscard]] std::int64_t changes() const;
    [[nodiscard]] int schemaVersion() const;
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }

    /// Copies the whole database to `target` with SQLite's online backup, `pagesPerStep` pages
    /// at a time, calling `progress(pagesDone, pagesTotal)` after each step. Safe while other
    /// connections and processes write: it copies one consistent snapshot (a read transaction
    /// held from the first step to the last; in WAL mode writers go on meanwhile). Writes
    /// `target` + ".tmp" first and renames it over `target` only when complete, so `target` is
    /// never half written. Call it with no transaction open on this connection.
    [[nodiscard]] Result<void>
    backupTo(const std::filesystem::path& target,
             const std::function<void(int pagesDone, int pagesTotal)>& progress = {},
             int pagesPerStep = 1024);

    /// Runs `work` inside BEGIN IMMEDIATE … COMMIT; rolls back when it returns an error.
    template <typename F> auto transaction(F&& work) -> decltype(work()) {
        if (auto begun = exec("BEGIN IMMEDIATE"); !begun) {
            return tl::unexpected(begun.error());
        }
        auto result = work();
        if (result) {
            if (auto committed = exec("COMMIT"); !committed) {
                (void)exec("ROLLBACK");
                return tl::unexpected(committed.error());
            }
        } else {
            (void)exec("ROLLBACK");
        }
        return result;
    }

private:
    Database(sqlite3* db, std::filesystem::path path) : m_db(db), m_path(std::move(path)) {}
    [[nodiscard]] Result<void> migrate();
    [[nodiscard]] static Result<Database> openUpTo(const std::filesystem::path& path,
                                                   std::optional<std::size_t> version);
    [[nodiscard]] Result<void> migrateTo(std::size_t version);
    [[nodiscard]] StorageError errorFromDb(std::string_view what) const;

    sqlite3* m_db = nullptr;
    std::filesystem::path m_path;
};

/// Runs the UPDATE (or DELETE) `sql` with `args`; a NotFound error saying `notFound` when it
/// changed no row.
template <typename... Args>
[[nodiscard]] Result<void> updateExisting(Database& db, std::string_view sql,
                                          std::string_view notFound, const Args&... args) {
    auto stmt = db.prepare(sql);
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(args...);
    if (auto ok = stmt->run(); !ok) {
        return ok;
    }
    if (db.changes() == 0) {
        return tl::unexpected(StorageError{StorageError::Kind::NotFound, std::string(notFound)});
    }
    return {};
}

/// Steps `stmt` through its remaining rows and returns `read(stmt)` of each, in order.
template <typename T, typename Read> Result<std::vector<T>> collect(Statement& stmt, Read&& read) {
    std::vector<T> out;
    while (true) {
        auto row = stmt.step();
        if (!row) {
            return tl::unexpected(row.error());
        }
        if (!*row) {
            return out;
        }
        out.push_back(read(stmt));
    }
}

} // namespace callqc::storage
