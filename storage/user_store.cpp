#include "storage/user_store.hpp"

#include <fmt/format.h>

namespace callqc::storage {
namespace {

constexpr std::string_view kUserColumns =
    "SELECT id, name, role, display_name, password_hash, disabled, failed_attempts, "
    "locked_until, created_at FROM users ";

UserRecord readUser(const Statement& s) {
    UserRecord u;
    u.id = s.getInt(0);
    u.name = s.getText(1);
    u.role = s.getText(2);
    u.displayName = s.getText(3);
    u.passwordHash = s.getText(4);
    u.disabled = s.getInt(5) != 0;
    u.failedAttempts = static_cast<int>(s.getInt(6));
    if (!s.isNull(7)) {
        u.lockedUntil = s.getInt(7);
    }
    u.createdAt = s.getText(8);
    return u;
}

Result<void> loadScopes(Database& db, UserRecord& user) {
    auto stmt =
        db.prepare("SELECT kind, value FROM user_scopes WHERE user_id = ? ORDER BY kind, value");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(user.id);
    auto scopes = collect<UserScopeRecord>(*stmt, [](const Statement& s) {
        return UserScopeRecord{s.getText(0), s.getText(1)};
    });
    if (!scopes) {
        return tl::unexpected(scopes.error());
    }
    user.scopes = std::move(*scopes);
    return {};
}

/// Runs `sql` with `args` and then the user name; NotFound when no user row changed.
template <typename... Args>
Result<void> updateUser(Database& db, std::string_view sql, const std::string& name,
                        const Args&... args) {
    return updateExisting(db, sql, fmt::format("no user \"{}\"", name), args..., name);
}

Result<std::int64_t> countOf(Database& db, std::string_view sql) {
    auto stmt = db.prepare(sql);
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    auto row = stmt->step();
    if (!row) {
        return tl::unexpected(row.error());
    }
    return stmt->getInt(0);
}

} // namespace

Result<std::int64_t> insertUser(Database& db, const UserRecord& user) {
    return db.transaction([&]() -> Result<std::int64_t> {
        auto insert = db.prepare("INSERT INTO users(name, role, display_name, password_hash, "
                                 "disabled) VALUES (?, ?, ?, ?, ?)");
        if (!insert) {
            return tl::unexpected(insert.error());
        }
        insert->bindAll(user.name, user.role, user.displayName, user.passwordHash,
                        user.disabled ? 1 : 0);
        if (auto ok = insert->run(); !ok) {
            if (ok.error().kind == StorageError::Kind::Constraint) {
                return tl::unexpected(StorageError{
                    StorageError::Kind::Constraint,
                    fmt::format("user \"{}\" cannot be added: {}", user.name, ok.error().detail)});
            }
            return tl::unexpected(ok.error());
        }
        const std::int64_t id = db.lastInsertId();
        auto scope = db.prepare("INSERT OR IGNORE INTO user_scopes(user_id, kind, value) "
                                "VALUES (?, ?, ?)");
        if (!scope) {
            return tl::unexpected(scope.error());
        }
        for (const auto& s : user.scopes) {
            scope->bindAll(id, s.kind, s.value);
            if (auto ok = scope->run(); !ok) {
                return tl::unexpected(ok.error());
            }
        }
        return id;
    });
}

Result<std::optional<UserRecord>> findUser(Database& db, const std::string& name) {
    auto stmt = db.prepare(fmt::format("{} WHERE name = ?", kUserColumns));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(name);
    auto users = collect<UserRecord>(*stmt, readUser);
    if (!users) {
        return tl::unexpected(users.error());
    }
    if (users->empty()) {
        return std::optional<UserRecord>{};
    }
    UserRecord user = std::move(users->front());
    if (auto ok = loadScopes(db, user); !ok) {
        return tl::unexpected(ok.error());
    }
    return std::optional<UserRecord>(std::move(user));
}

Result<std::vector<UserRecord>> listUsers(Database& db) {
    auto stmt = db.prepare(fmt::format("{} ORDER BY name", kUserColumns));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    auto users = collect<UserRecord>(*stmt, readUser);
    if (!users) {
        return tl::unexpected(users.error());
    }
    for (auto& user : *users) {
        if (auto ok = loadScopes(db, user); !ok) {
            return tl::unexpected(ok.error());
        }
    }
    return users;
}

Result<std::int64_t> countUsers(Database& db) {
    return countOf(db, "SELECT count(*) FROM users");
}

Result<std::int64_t> countActiveAdministrators(Database& db) {
    return countOf(db, "SELECT count(*) FROM users WHERE role = 'administrator' AND disabled = 0");
}

Result<void> setUserDisabled(Database& db, const std::string& name, bool disabled) {
    return updateUser(db, "UPDATE users SET disabled = ? WHERE name = ?", name, disabled ? 1 : 0);
}

Result<void> setUserPasswordHash(Database& db, const std::string& name,
                                 const std::string& passwordHash) {
    return updateUser(db,
                      "UPDATE users SET password_hash = ?, failed_attempts = 0, "
                      "locked_until = NULL WHERE name = ?",
                      name, passwordHash);
}

Result<void> setSignInState(Database& db, const std::string& name, int failedAttempts,
                            std::optional<std::int64_t> lockedUntil) {
    return updateUser(db, "UPDATE users SET failed_attempts = ?, locked_until = ? WHERE name = ?",
                      name, failedAttempts, lockedUntil);
}

} // namespace callqc::storage
