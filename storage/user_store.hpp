#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.hpp"

namespace callqc::storage {

/// One line of a user's scope: a project (a queue, 技能组/项目; "*" for every project) or, for a
/// team lead, a team (teams.name).
struct UserScopeRecord {
    std::string kind; ///< "project" | "team"
    std::string value;

    friend bool operator==(const UserScopeRecord&, const UserScopeRecord&) = default;
};

struct UserRecord {
    std::int64_t id = 0;
    std::string name;
    std::string role; ///< "inspector" | "supervisor" | "trainer" | "team_lead" | "manager" |
                      ///< "administrator"
    std::string displayName;
    std::string passwordHash; ///< an Argon2id string (crypto_pwhash_str), never a password
    bool disabled = false;
    int failedAttempts = 0;                  ///< failed sign-ins since the last success
    std::optional<std::int64_t> lockedUntil; ///< Unix seconds, UTC; none when not locked
    std::string createdAt;                   ///< UTC, 'YYYY-MM-DDTHH:MM:SSZ'
    std::vector<UserScopeRecord> scopes;     ///< ordered by kind, then value
};

/// Stores a new user with its scopes; a Constraint error when the name is taken. Returns its id.
[[nodiscard]] Result<std::int64_t> insertUser(Database& db, const UserRecord& user);
/// The user called `name` with its scopes, or none.
[[nodiscard]] Result<std::optional<UserRecord>> findUser(Database& db, const std::string& name);
/// Every user with scopes, by name.
[[nodiscard]] Result<std::vector<UserRecord>> listUsers(Database& db);
[[nodiscard]] Result<std::int64_t> countUsers(Database& db);
/// Users with role "administrator" that are not disabled.
[[nodiscard]] Result<std::int64_t> countActiveAdministrators(Database& db);

/// NotFound for an unknown user in each of these.
[[nodiscard]] Result<void> setUserDisabled(Database& db, const std::string& name, bool disabled);
/// Replaces the password hash and clears failed attempts and any lock.
[[nodiscard]] Result<void> setUserPasswordHash(Database& db, const std::string& name,
                                               const std::string& passwordHash);
/// Records the sign-in counters: after a failure the new count and lock, after a success 0 and
/// none.
[[nodiscard]] Result<void> setSignInState(Database& db, const std::string& name, int failedAttempts,
                                          std::optional<std::int64_t> lockedUntil);

} // namespace callqc::storage
