#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace callqc::cli {

/// Accounts and the audit trail from the command line:
/// - `callqc init --db DB --admin NAME`: a new database and its administrator;
/// - `callqc user add NAME --role ROLE [--scope PROJECT]... [--team TEAM]... [--name TEXT]`,
///   `callqc user list [--json]`, `callqc user disable NAME`, `callqc user passwd NAME`;
/// - `callqc audit verify [--json]`, `callqc audit seal`.
/// The acting user comes from --user or $CALLQC_USER, their password from $CALLQC_PASSWORD or a
/// prompt on the terminal without echo; a new password (init's, add's, passwd's) from
/// $CALLQC_NEW_PASSWORD (init: $CALLQC_PASSWORD) or the prompt, asked twice. Exit status: 0 ok,
/// 1 error or refusal, 2 when `audit verify` finds tampering.
/// Construction registers the subcommands on `app`; the object must outlive parsing, since CLI11
/// writes the options into it.
class UserCommands {
public:
    explicit UserCommands(CLI::App& app);
    UserCommands(const UserCommands&) = delete;
    UserCommands& operator=(const UserCommands&) = delete;

    /// True when one of the subcommands was given.
    [[nodiscard]] bool parsed() const;
    [[nodiscard]] int run() const;

private:
    [[nodiscard]] int runInit() const;
    [[nodiscard]] int runUser() const;
    [[nodiscard]] int runAudit() const;

    CLI::App* m_init = nullptr;
    CLI::App* m_user = nullptr;
    CLI::App* m_add = nullptr;
    CLI::App* m_list = nullptr;
    CLI::App* m_disable = nullptr;
    CLI::App* m_passwd = nullptr;
    CLI::App* m_audit = nullptr;
    CLI::App* m_verify = nullptr;
    CLI::App* m_seal = nullptr;
    std::string m_dbPath;
    std::string m_actingUser;
    std::string m_admin;
    std::string m_name;
    std::string m_role;
    std::string m_displayName;
    std::vector<std::string> m_scopes;
    std::vector<std::string> m_teams;
    bool m_json = false;
};

} // namespace callqc::cli
