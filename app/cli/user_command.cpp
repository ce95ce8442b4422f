#include "app/cli/user_command.hpp"

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/cli/failure.hpp"
#include "app/cli/sign_in.hpp"
#include "app/core/audit.hpp"
#include "app/core/auth.hpp"
#include "app/core/evaluation_history.hpp"
#include "app/core/permissions.hpp"
#include "app/core/session.hpp"
#include "storage/user_store.hpp"

namespace callqc::cli {
namespace {

std::string envOr(const char* name, const std::string& fallback = "") {
    const char* value = std::getenv(name);
    return value && *value ? std::string(value) : fallback;
}

/// A new password: from `envName`, else asked twice; the error says why there is none.
tl::expected<std::string, std::string> newPassword(const char* envName, const std::string& who) {
    if (const char* env = std::getenv(envName); env != nullptr) {
        return std::string(env);
    }
    auto first = promptNoEcho(fmt::format("new password for {}: ", who));
    if (!first) {
        return tl::unexpected(
            fmt::format("no terminal to ask for {}'s new password: set {}", who, envName));
    }
    auto again = promptNoEcho(fmt::format("new password for {} again: ", who));
    if (!again || *again != *first) {
        return tl::unexpected(std::string("the two passwords differ"));
    }
    return *first;
}

/// Opens the database (which must exist) and signs the acting user in.
struct SignedIn {
    storage::Database db;
    core::Actor actor;
};

tl::expected<SignedIn, std::string> signInFor(const std::string& dbPath,
                                              const std::string& userOption) {
    const std::string user = userOption.empty() ? envOr("CALLQC_USER") : userOption;
    if (user.empty()) {
        return tl::unexpected(std::string("who is acting? give --user NAME or set CALLQC_USER"));
    }
    if (!std::filesystem::exists(dbPath)) {
        return tl::unexpected(
            fmt::format("{}: no such database; create one with `callqc init --db {} --admin NAME`",
                        dbPath, dbPath));
    }
    auto db = storage::Database::open(dbPath);
    if (!db) {
        return tl::unexpected(db.error().message());
    }
    auto password = actingPassword(user);
    if (!password) {
        return tl::unexpected(
            fmt::format("no terminal to ask for {}'s password: set CALLQC_PASSWORD", user));
    }
    auto actor = core::signIn(*db, user, *password);
    if (!actor) {
        return tl::unexpected(actor.error().message());
    }
    return SignedIn{std::move(*db), std::move(*actor)};
}

nlohmann::json userJson(const core::UserInfo& u) {
    return {{"name", u.name},
            {"role", std::string(core::roleName(u.role))},
            {"display_name", u.displayName},
            {"projects", u.projects},
            {"teams", u.teams},
            {"disabled", u.disabled},
            {"locked", u.locked},
            {"failed_attempts", u.failedAttempts},
            {"created_at", u.createdAt}};
}

} // namespace

UserCommands::UserCommands(CLI::App& app)
    : m_init(app.add_subcommand("init", "create a new database with its administrator")),
      m_user(app.add_subcommand("user", "manage user accounts (administrators only)")),
      m_audit(app.add_subcommand("audit", "check the tamper-evident audit trail")),
      m_dbPath(core::defaultDatabasePath().string()) {
    const std::string dbHelp = "SQLite database (default: $CALLQC_DB or per-user path)";
    const std::string userHelp = "who is acting (default: $CALLQC_USER); the password comes from "
                                 "$CALLQC_PASSWORD or a prompt";
    m_init->add_option("--db", m_dbPath, dbHelp);
    m_init->add_option("--admin", m_admin, "the administrator's user name")->required();
    m_init->footer("The administrator's password comes from $CALLQC_PASSWORD or a prompt.");

    m_user->require_subcommand(1);
    m_add = m_user->add_subcommand("add", "add a user");
    m_add->add_option("NAME", m_name, "user name, one word")->required();
    m_add
        ->add_option("--role", m_role,
                     "inspector, supervisor, trainer, team_lead, manager or "
                     "administrator")
        ->required()
        ->check(CLI::IsMember(
            {"inspector", "supervisor", "trainer", "team_lead", "manager", "administrator"}));
    m_add->add_option(
        "--scope", m_scopes,
        "a project (queue, 技能组/项目) they work in; repeat for several; '*' for all");
    m_add->add_option("--team", m_teams, "for a team lead: the team they lead; repeatable");
    m_add->add_option("--name", m_displayName, "display name, e.g. 王芳");
    m_add->footer("The new user's password comes from $CALLQC_NEW_PASSWORD or a prompt.");
    m_list = m_user->add_subcommand("list", "list users with role and scope");
    m_list->add_flag("--json", m_json, "one JSON array of users");
    m_disable = m_user->add_subcommand("disable", "disable a user: they can no longer sign in");
    m_disable->add_option("NAME", m_name, "user name")->required();
    m_passwd = m_user->add_subcommand(
        "passwd", "set a user's password (clears a lock); anyone may set their own");
    m_passwd->add_option("NAME", m_name, "user name")->required();
    m_passwd->footer("The new password comes from $CALLQC_NEW_PASSWORD or a prompt.");
    for (CLI::App* cmd : {m_add, m_list, m_disable, m_passwd}) {
        cmd->add_option("--db", m_dbPath, dbHelp);
        cmd->add_option("--user", m_actingUser, userHelp);
    }

    m_audit->require_subcommand(1);
    m_verify = m_audit->add_subcommand(
        "verify", "walk the audit chain and check sealed evaluations; name what was tampered with");
    m_verify->add_flag("--json", m_json,
                       R"(one object: {"intact": bool, "entries": n, "problems": [...], ...})");
    m_verify->footer("Exit status: 0 when intact, 2 when anything was changed, deleted or "
                     "inserted, 1 on error.");
    m_seal = m_audit->add_subcommand(
        "seal", "seal submitted evaluations made before sealing existed (administrator, "
                "supervisor)");
    for (CLI::App* cmd : {m_verify, m_seal}) {
        cmd->add_option("--db", m_dbPath, dbHelp);
        cmd->add_option("--user", m_actingUser, userHelp);
    }
}

bool UserCommands::parsed() const {
    return m_init->parsed() || m_user->parsed() || m_audit->parsed();
}

int UserCommands::run() const {
    if (m_init->parsed()) {
        return runInit();
    }
    return m_user->parsed() ? runUser() : runAudit();
}

int UserCommands::runInit() const {
    if (std::filesystem::exists(m_dbPath)) {
        auto existing = storage::Database::open(m_dbPath);
        if (!existing) {
            return fail(existing.error().message());
        }
        auto users = storage::countUsers(*existing);
        if (!users) {
            return fail(users.error().message());
        }
        if (*users > 0) {
            return fail(fmt::format("{} already has users; its administrator adds more with "
                                    "`callqc user add`",
                                    m_dbPath));
        }
    }
    auto password = newPassword("CALLQC_PASSWORD", m_admin);
    if (!password) {
        return fail(password.error());
    }
    auto db = storage::Database::open(m_dbPath);
    if (!db) {
        return fail(db.error().message());
    }
    auto admin = core::createFirstAdministrator(*db, m_admin, *password);
    if (!admin) {
        return fail(admin.error().message());
    }
    fmt::print("created {} with administrator {}\n", m_dbPath, m_admin);
    return 0;
}

int UserCommands::runUser() const {
    auto session = signInFor(m_dbPath, m_actingUser);
    if (!session) {
        return fail(session.error());
    }
    auto& [db, actor] = *session;
    if (m_list->parsed()) {
        auto users = core::listUsers(db, actor);
        if (!users) {
            return fail(users.error().message());
        }
        if (m_json) {
            nlohmann::json out = nlohmann::json::array();
            for (const auto& u : *users) {
                out.push_back(userJson(u));
            }
            fmt::print("{}\n", out.dump());
            return 0;
        }
        fmt::print("{:<16} {:<14} {:<24} {}\n", "user", "role", "scope", "state");
        for (const auto& u : *users) {
            std::vector<std::string> scope = u.projects;
            for (const auto& t : u.teams) {
                scope.push_back("team:" + t);
            }
            fmt::print("{:<16} {:<14} {:<24} {}\n", u.name, core::roleName(u.role),
                       scope.empty() ? "-" : fmt::format("{}", fmt::join(scope, ",")),
                       u.disabled ? "disabled" : (u.locked ? "locked" : "active"));
        }
        return 0;
    }
    if (m_disable->parsed()) {
        if (auto ok = core::disableUser(db, actor, m_name); !ok) {
            return fail(ok.error().message());
        }
        fmt::print("user {} disabled\n", m_name);
        return 0;
    }
    if (m_passwd->parsed()) {
        if (m_name != actor.user) {
            // Refuse before asking for a password that would not be used.
            if (auto refusal = core::authorize(actor, core::Action::ManageUsers, {})) {
                return fail(refusal->message());
            }
        }
        auto password = newPassword("CALLQC_NEW_PASSWORD", m_name);
        if (!password) {
            return fail(password.error());
        }
        if (auto ok = core::setPassword(db, actor, m_name, *password); !ok) {
            return fail(ok.error().message());
        }
        fmt::print("password of {} set\n", m_name);
        return 0;
    }
    // add
    if (auto refusal = core::authorize(actor, core::Action::ManageUsers, {})) {
        return fail(refusal->message());
    }
    const auto role = core::roleFromName(m_role);
    if (!role) {
        return fail(fmt::format("unknown role \"{}\"", m_role));
    }
    auto password = newPassword("CALLQC_NEW_PASSWORD", m_name);
    if (!password) {
        return fail(password.error());
    }
    const core::NewUser user{m_name, *role, m_displayName, m_scopes, m_teams};
    if (auto ok = core::addUser(db, actor, user, *password); !ok) {
        return fail(ok.error().message());
    }
    fmt::print("user {} added as {}\n", m_name, m_role);
    return 0;
}

int UserCommands::runAudit() const {
    auto session = signInFor(m_dbPath, m_actingUser);
    if (!session) {
        return fail(session.error());
    }
    auto& [db, actor] = *session;
    if (m_seal->parsed()) {
        auto sealed = core::sealUnsealedEvaluations(db, actor);
        if (!sealed) {
            return fail(sealed.error().message());
        }
        fmt::print("sealed {} submitted evaluations\n", *sealed);
        return 0;
    }
    if (auto refusal = core::authorize(actor, core::Action::AuditVerify, {})) {
        return fail(refusal->message());
    }
    auto report = core::verifyAuditChain(db);
    if (!report) {
        return fail(report.error().message());
    }
    if (m_json) {
        nlohmann::ordered_json problems = nlohmann::ordered_json::array();
        for (const auto& p : report->problems) {
            problems.push_back({{"kind", std::string(core::auditProblemKindName(p.kind))},
                                {"seq", p.seq},
                                {"evaluation_id", p.evaluationId},
                                {"message", p.message}});
        }
        fmt::print("{}\n", nlohmann::ordered_json{{"intact", report->intact()},
                                                  {"entries", report->entries},
                                                  {"evaluations", report->evaluations},
                                                  {"versions", report->versions},
                                                  {"head_hash", report->headHash},
                                                  {"problems", problems}}
                               .dump());
    } else {
        for (const auto& p : report->problems) {
            fmt::print("{:<20} {}\n", core::auditProblemKindName(p.kind), p.message);
        }
        fmt::print("{} audit entries, {} submitted evaluations, {} sealed versions: {}\n",
                   report->entries, report->evaluations, report->versions,
                   report->intact() ? "intact" : "TAMPERED");
        if (!report->headHash.empty()) {
            fmt::print("head hash {}\n", report->headHash);
        }
    }
    return report->intact() ? 0 : 2;
}

} // namespace callqc::cli
