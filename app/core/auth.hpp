#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/core/core_error.hpp"
#include "storage/database.hpp"

namespace callqc::core {

/// The roles of the client's manual (domain/README.md).
enum class Role { Inspector, Supervisor, Trainer, TeamLead, Manager, Administrator };

inline constexpr std::array kAllRoles{Role::Inspector, Role::Supervisor, Role::Trainer,
                                      Role::TeamLead,  Role::Manager,    Role::Administrator};

/// "inspector", "supervisor", "trainer", "team_lead", "manager", "administrator": the names
/// stored in users.role and given to `callqc user add --role`.
[[nodiscard]] std::string_view roleName(Role role);
/// The role named `name` as roleName() spells it, or none.
[[nodiscard]] std::optional<Role> roleFromName(std::string_view name);
/// For people: "QC inspector", "quality supervisor", "team lead", …
[[nodiscard]] std::string_view roleLabel(Role role);

/// The scope value that stands for every project.
inline constexpr std::string_view kAllProjects = "*";

/// Who is acting: a signed-in user, their role and their scope. Every use case takes one.
struct Actor {
    std::string user;
    Role role = Role::Inspector;
    std::vector<std::string> projects; ///< queues (技能组/项目) they work in; "*" for all
    std::vector<std::string> teams;    ///< for a team lead: the teams they lead
};

/// The time now; tests pass a fake one.
using Clock = std::function<std::chrono::system_clock::time_point()>;
[[nodiscard]] Clock systemClock();

/// Argon2id work factors for crypto_pwhash_str. interactive() is libsodium's
/// OPSLIMIT/MEMLIMIT_INTERACTIVE (2 passes, 64 MiB), used for every stored password; tests may
/// pass minimum() to keep them fast.
struct PasswordCost {
    unsigned long long opsLimit = 0;
    std::size_t memLimitBytes = 0;
    [[nodiscard]] static PasswordCost interactive();
    [[nodiscard]] static PasswordCost minimum();
};

/// Repeated failed sign-ins first slow down, then lock the account: after failure number n
/// (n >= slowAfter and n < lockAfter) the next attempt is refused for
/// firstDelay * 2^(n - slowAfter); from failure lockAfter on, every failure locks it for
/// lockFor. A success clears the count.
struct LockoutPolicy {
    int slowAfter = 3;
    std::chrono::seconds firstDelay{2};
    int lockAfter = 6;
    std::chrono::seconds lockFor{std::chrono::minutes(15)};
};

struct AuthOptions {
    Clock clock = systemClock();
    PasswordCost cost = PasswordCost::interactive();
    LockoutPolicy lockout;
};

/// Passwords shorter than this are refused when set.
inline constexpr std::size_t kMinPasswordLength = 8;

/// An Argon2id hash string of `password` (crypto_pwhash_str: salt and parameters included).
[[nodiscard]] CoreResult<std::string> hashPassword(std::string_view password,
                                                   const PasswordCost& cost);
/// True when `password` matches `hash` (crypto_pwhash_str_verify); false for any malformed hash.
[[nodiscard]] bool verifyPassword(const std::string& hash, std::string_view password);

/// Checks `password` for `user` and returns the Actor. Refused (CoreError::Kind::Refused) for an
/// unknown user or a wrong password (the same message for both), a disabled account, or an
/// account still slowed down or locked by earlier failures (then the password is not checked).
/// Audits every attempt ("auth.sign_in", "auth.sign_in_failed", "auth.locked"); the password is
/// never stored or logged.
[[nodiscard]] CoreResult<Actor> signIn(storage::Database& db, const std::string& user,
                                       std::string_view password, const AuthOptions& options = {});

/// A user as the administration screen and `callqc user list` show them (no password hash).
struct UserInfo {
    std::string name;
    Role role = Role::Inspector;
    std::string displayName;
    std::vector<std::string> projects;
    std::vector<std::string> teams;
    bool disabled = false;
    bool locked = false; ///< slowed down or locked now
    int failedAttempts = 0;
    std::string createdAt;
};

struct NewUser {
    std::string name;
    Role role = Role::Inspector;
    std::string displayName;
    std::vector<std::string> projects;
    std::vector<std::string> teams;
};

/// Creates the first user of a database, an administrator; refused once any user exists.
[[nodiscard]] CoreResult<Actor> createFirstAdministrator(storage::Database& db,
                                                         const std::string& name,
                                                         std::string_view password,
                                                         const AuthOptions& options = {});
/// User management, refused unless `by` is an administrator (permissions.hpp, ManageUsers).
/// Each change is audited.
[[nodiscard]] CoreResult<void> addUser(storage::Database& db, const Actor& by, const NewUser& user,
                                       std::string_view password, const AuthOptions& options = {});
[[nodiscard]] CoreResult<std::vector<UserInfo>> listUsers(storage::Database& db, const Actor& by,
                                                          const AuthOptions& options = {});
/// Refused for the last active administrator, so the database keeps one.
[[nodiscard]] CoreResult<void> disableUser(storage::Database& db, const Actor& by,
                                           const std::string& name,
                                           const AuthOptions& options = {});
/// Sets a new password and clears failed attempts and any lock. An administrator may set
/// anyone's; every user may set their own (they signed in with the old one).
[[nodiscard]] CoreResult<void> setPassword(storage::Database& db, const Actor& by,
                                           const std::string& name, std::string_view password,
                                           const AuthOptions& options = {});

/// UTC as 'YYYY-MM-DDTHH:MM:SS.mmmZ', the audit log's time format.
[[nodiscard]] std::string isoUtc(std::chrono::system_clock::time_point at);

} // namespace callqc::core
