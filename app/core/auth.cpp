#include "app/core/auth.hpp"

#include <algorithm>
#include <ctime>

#include <fmt/format.h>
#include <sodium.h>

#include "app/core/audit.hpp"
#include "app/core/core_transaction.hpp"
#include "app/core/permissions.hpp"
#include "storage/user_store.hpp"

namespace callqc::core {
namespace {

CoreError storageError(const storage::StorageError& e) {
    return fromStorage(e);
}

bool sodiumReady() {
    static const bool ready = sodium_init() >= 0;
    return ready;
}

std::int64_t unixSeconds(std::chrono::system_clock::time_point at) {
    return std::chrono::duration_cast<std::chrono::seconds>(at.time_since_epoch()).count();
}

std::string isoSeconds(std::int64_t unix) {
    return isoUtc(std::chrono::system_clock::time_point(std::chrono::seconds(unix)));
}

Actor actorFrom(const storage::UserRecord& user, Role role) {
    Actor actor{user.name, role, {}, {}};
    for (const auto& scope : user.scopes) {
        (scope.kind == "team" ? actor.teams : actor.projects).push_back(scope.value);
    }
    return actor;
}

CoreResult<std::string> checkedHash(std::string_view password, const PasswordCost& cost) {
    if (password.size() < kMinPasswordLength) {
        return tl::unexpected(refusedError(
            fmt::format("a password needs at least {} characters", kMinPasswordLength)));
    }
    return hashPassword(password, cost);
}

/// Appends an audit entry; a failure to audit fails the use case.
CoreResult<void> audit(storage::Database& db, const AuditEvent& event, const Clock& clock) {
    auto recorded = recordAudit(db, event, clock);
    if (!recorded) {
        return tl::unexpected(recorded.error());
    }
    return {};
}

std::vector<storage::UserScopeRecord> scopesOf(const std::vector<std::string>& projects,
                                               const std::vector<std::string>& teams) {
    std::vector<storage::UserScopeRecord> scopes;
    for (const auto& p : projects) {
        scopes.push_back({"project", p});
    }
    for (const auto& t : teams) {
        scopes.push_back({"team", t});
    }
    return scopes;
}

} // namespace

std::string_view roleName(Role role) {
    switch (role) {
    case Role::Inspector:
        return "inspector";
    case Role::Supervisor:
        return "supervisor";
    case Role::Trainer:
        return "trainer";
    case Role::TeamLead:
        return "team_lead";
    case Role::Manager:
        return "manager";
    case Role::Administrator:
        return "administrator";
    }
    return "inspector";
}

std::optional<Role> roleFromName(std::string_view name) {
    for (Role role : kAllRoles) {
        if (roleName(role) == name) {
            return role;
        }
    }
    return std::nullopt;
}

std::string_view roleLabel(Role role) {
    switch (role) {
    case Role::Inspector:
        return "QC inspector";
    case Role::Supervisor:
        return "quality supervisor";
    case Role::Trainer:
        return "trainer";
    case Role::TeamLead:
        return "team lead";
    case Role::Manager:
        return "manager";
    case Role::Administrator:
        return "administrator";
    }
    return "user";
}

Clock systemClock() {
    return [] {
        return std::chrono::system_clock::now();
    };
}

PasswordCost PasswordCost::interactive() {
    return {crypto_pwhash_OPSLIMIT_INTERACTIVE, crypto_pwhash_MEMLIMIT_INTERACTIVE};
}

PasswordCost PasswordCost::minimum() {
    return {crypto_pwhash_OPSLIMIT_MIN, crypto_pwhash_MEMLIMIT_MIN};
}

std::string isoUtc(std::chrono::system_clock::time_point at) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(at.time_since_epoch());
    const std::time_t seconds = static_cast<std::time_t>(ms.count() / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900,
                       tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                       ms.count() % 1000);
}

CoreResult<std::string> hashPassword(std::string_view password, const PasswordCost& cost) {
    if (!sodiumReady()) {
        return tl::unexpected(CoreError{CoreError::Kind::Input, "libsodium failed to initialise"});
    }
    std::array<char, crypto_pwhash_STRBYTES> out{};
    if (crypto_pwhash_str_alg(out.data(), password.data(), password.size(), cost.opsLimit,
                              cost.memLimitBytes, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        return tl::unexpected(CoreError{CoreError::Kind::Input,
                                        "cannot hash the password: out of memory for Argon2id"});
    }
    return std::string(out.data());
}

bool verifyPassword(const std::string& hash, std::string_view password) {
    if (!sodiumReady()) {
        return false;
    }
    return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

CoreResult<Actor> signIn(storage::Database& db, const std::string& name, std::string_view password,
                         const AuthOptions& options) {
    const auto now = options.clock();
    const std::int64_t nowSec = unixSeconds(now);
    const std::string wrong = "sign-in refused: wrong user name or password";
    auto found = storage::findUser(db, name);
    if (!found) {
        return tl::unexpected(storageError(found.error()));
    }
    if (!*found) {
        // Spend the time a real check takes, so a wrong name cannot be told from a wrong password.
        static const std::string dummy = hashPassword("not a password", options.cost).value_or("");
        (void)verifyPassword(dummy, password);
        if (auto ok =
                audit(db, {"", "auth.sign_in_failed", "user:" + name, {{"reason", "unknown user"}}},
                      options.clock);
            !ok) {
            return tl::unexpected(ok.error());
        }
        return tl::unexpected(refusedError(wrong));
    }
    const storage::UserRecord& user = **found;
    const auto role = roleFromName(user.role);
    if (!role) {
        return tl::unexpected(
            CoreError{CoreError::Kind::Storage,
                      fmt::format("user \"{}\" has an unknown role \"{}\"", name, user.role)});
    }
    if (user.lockedUntil && nowSec < *user.lockedUntil) {
        const std::int64_t wait = *user.lockedUntil - nowSec;
        if (auto ok = audit(db,
                            {name,
                             "auth.sign_in_failed",
                             "user:" + name,
                             {{"reason", "locked"}, {"until", isoSeconds(*user.lockedUntil)}}},
                            options.clock);
            !ok) {
            return tl::unexpected(ok.error());
        }
        return tl::unexpected(refusedError(fmt::format(
            "sign-in refused: {} failed attempts; account \"{}\" is locked for {} more s "
            "(until {})",
            user.failedAttempts, name, wait, isoSeconds(*user.lockedUntil))));
    }
    if (!verifyPassword(user.passwordHash, password)) {
        const int failures = user.failedAttempts + 1;
        const auto& policy = options.lockout;
        std::optional<std::int64_t> lockedUntil;
        if (failures >= policy.lockAfter) {
            lockedUntil = nowSec + policy.lockFor.count();
        } else if (failures >= policy.slowAfter) {
            lockedUntil =
                nowSec + policy.firstDelay.count() *
                             (std::int64_t{1} << std::min(failures - policy.slowAfter, 20));
        }
        if (auto ok = storage::setSignInState(db, name, failures, lockedUntil); !ok) {
            return tl::unexpected(storageError(ok.error()));
        }
        nlohmann::json detail{{"reason", "wrong password"}, {"failed_attempts", failures}};
        if (lockedUntil) {
            detail["locked_until"] = isoSeconds(*lockedUntil);
        }
        if (auto ok =
                audit(db,
                      {name, failures >= policy.lockAfter ? "auth.locked" : "auth.sign_in_failed",
                       "user:" + name, detail},
                      options.clock);
            !ok) {
            return tl::unexpected(ok.error());
        }
        if (failures >= policy.lockAfter) {
            return tl::unexpected(refusedError(fmt::format(
                "sign-in refused: wrong user name or password; after {} failed attempts account "
                "\"{}\" is locked until {}",
                failures, name, isoSeconds(*lockedUntil))));
        }
        if (lockedUntil) {
            return tl::unexpected(refusedError(
                fmt::format("sign-in refused: wrong user name or password; next attempt in {} s",
                            *lockedUntil - nowSec)));
        }
        return tl::unexpected(refusedError(wrong));
    }
    if (user.disabled) {
        if (auto ok =
                audit(db, {name, "auth.sign_in_failed", "user:" + name, {{"reason", "disabled"}}},
                      options.clock);
            !ok) {
            return tl::unexpected(ok.error());
        }
        return tl::unexpected(
            refusedError(fmt::format("sign-in refused: account \"{}\" is disabled", name)));
    }
    if (user.failedAttempts != 0 || user.lockedUntil) {
        if (auto ok = storage::setSignInState(db, name, 0, std::nullopt); !ok) {
            return tl::unexpected(storageError(ok.error()));
        }
    }
    if (auto ok = audit(db, {name, "auth.sign_in", "user:" + name, {}}, options.clock); !ok) {
        return tl::unexpected(ok.error());
    }
    return actorFrom(user, *role);
}

CoreResult<Actor> createFirstAdministrator(storage::Database& db, const std::string& name,
                                           std::string_view password, const AuthOptions& options) {
    if (name.empty()) {
        return tl::unexpected(CoreError{CoreError::Kind::Input, "the administrator needs a name"});
    }
    auto hash = checkedHash(password, options.cost);
    if (!hash) {
        return tl::unexpected(hash.error());
    }
    // Two first runs racing would both see no users; the second insert of the same name then
    // fails, and different names leave two administrators, which is harmless.
    auto count = storage::countUsers(db);
    if (!count) {
        return tl::unexpected(storageError(count.error()));
    }
    if (*count > 0) {
        return tl::unexpected(refusedError(
            fmt::format("{} already has users; its administrator adds more", db.path().string())));
    }
    storage::UserRecord user;
    user.name = name;
    user.role = std::string(roleName(Role::Administrator));
    user.passwordHash = *hash;
    if (auto ok = storage::insertUser(db, user); !ok) {
        return tl::unexpected(storageError(ok.error()));
    }
    if (auto ok = audit(db,
                        {name,
                         "user.init",
                         "user:" + name,
                         {{"role", std::string(roleName(Role::Administrator))}}},
                        options.clock);
        !ok) {
        return tl::unexpected(ok.error());
    }
    return Actor{name, Role::Administrator, {}, {}};
}

CoreResult<void> addUser(storage::Database& db, const Actor& by, const NewUser& user,
                         std::string_view password, const AuthOptions& options) {
    if (auto refusal = authorize(by, Action::ManageUsers, {})) {
        return tl::unexpected(*refusal);
    }
    if (user.name.empty() || user.name.find_first_of(" \t\n:") != std::string::npos) {
        return tl::unexpected(
            CoreError{CoreError::Kind::Input,
                      fmt::format("\"{}\" is not a user name: give one word without spaces or ':'",
                                  user.name)});
    }
    if (user.role == Role::TeamLead && user.teams.empty()) {
        return tl::unexpected(
            CoreError{CoreError::Kind::Input,
                      fmt::format("team lead \"{}\" needs a team (--team)", user.name)});
    }
    auto hash = checkedHash(password, options.cost);
    if (!hash) {
        return tl::unexpected(hash.error());
    }
    storage::UserRecord record;
    record.name = user.name;
    record.role = std::string(roleName(user.role));
    record.displayName = user.displayName;
    record.passwordHash = *hash;
    record.scopes = scopesOf(user.projects, user.teams);
    if (auto ok = storage::insertUser(db, record); !ok) {
        return tl::unexpected(ok.error().kind == storage::StorageError::Kind::Constraint
                                  ? CoreError{CoreError::Kind::Input,
                                              fmt::format("user \"{}\" already exists", user.name)}
                                  : storageError(ok.error()));
    }
    return audit(db,
                 {by.user,
                  "user.add",
                  "user:" + user.name,
                  {{"role", record.role}, {"projects", user.projects}, {"teams", user.teams}}},
                 options.clock);
}

CoreResult<std::vector<UserInfo>> listUsers(storage::Database& db, const Actor& by,
                                            const AuthOptions& options) {
    if (auto refusal = authorize(by, Action::ManageUsers, {})) {
        return tl::unexpected(*refusal);
    }
    auto users = storage::listUsers(db);
    if (!users) {
        return tl::unexpected(storageError(users.error()));
    }
    const std::int64_t nowSec = unixSeconds(options.clock());
    std::vector<UserInfo> out;
    for (const auto& u : *users) {
        const Actor scope = actorFrom(u, roleFromName(u.role).value_or(Role::Inspector));
        out.push_back(UserInfo{u.name, scope.role, u.displayName, scope.projects, scope.teams,
                               u.disabled, u.lockedUntil && nowSec < *u.lockedUntil,
                               u.failedAttempts, u.createdAt});
    }
    return out;
}

CoreResult<void> disableUser(storage::Database& db, const Actor& by, const std::string& name,
                             const AuthOptions& options) {
    if (auto refusal = authorize(by, Action::ManageUsers, {})) {
        return tl::unexpected(*refusal);
    }
    return coreTransaction(db, [&]() -> CoreResult<void> {
        auto user = storage::findUser(db, name);
        if (!user) {
            return tl::unexpected(storageError(user.error()));
        }
        if (!*user) {
            return tl::unexpected(
                CoreError{CoreError::Kind::NotFound, fmt::format("no user \"{}\"", name)});
        }
        if ((*user)->role == roleName(Role::Administrator) && !(*user)->disabled) {
            auto admins = storage::countActiveAdministrators(db);
            if (!admins) {
                return tl::unexpected(storageError(admins.error()));
            }
            if (*admins <= 1) {
                return tl::unexpected(refusedError(fmt::format(
                    "\"{}\" is the last active administrator and cannot be disabled", name)));
            }
        }
        if (auto ok = storage::setUserDisabled(db, name, true); !ok) {
            return tl::unexpected(storageError(ok.error()));
        }
        auto recorded =
            recordAuditWithin(db, {by.user, "user.disable", "user:" + name, {}}, options.clock);
        return recorded ? CoreResult<void>{} : tl::unexpected(recorded.error());
    });
}

CoreResult<void> setPassword(storage::Database& db, const Actor& by, const std::string& name,
                             std::string_view password, const AuthOptions& options) {
    if (by.user != name) {
        if (auto refusal = authorize(by, Action::ManageUsers, {})) {
            return tl::unexpected(*refusal);
        }
    }
    auto hash = checkedHash(password, options.cost);
    if (!hash) {
        return tl::unexpected(hash.error());
    }
    if (auto ok = storage::setUserPasswordHash(db, name, *hash); !ok) {
        return tl::unexpected(storageError(ok.error()));
    }
    return audit(db, {by.user, "user.passwd", "user:" + name, {}}, options.clock);
}

} // namespace callqc::core
