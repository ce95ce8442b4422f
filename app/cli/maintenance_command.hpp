#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace callqc::cli {

/// The database keeper's subcommands:
/// - `callqc verify [--date D] [--db DB] [--json]`: hashes the recordings again and lists missing
///   and changed files; exit status 0 when all are as imported, 1 otherwise.
/// - `callqc backup OUT.db [--db DB]`: a consistent copy of the database, safe while others
///   write; written to OUT.db.tmp, then renamed.
/// Construction registers both on `app`; the object must outlive parsing, since CLI11 writes the
/// options into it.
class MaintenanceCommands {
public:
    explicit MaintenanceCommands(CLI::App& app);
    MaintenanceCommands(const MaintenanceCommands&) = delete;
    MaintenanceCommands& operator=(const MaintenanceCommands&) = delete;

    /// True when one of the subcommands was given.
    [[nodiscard]] bool parsed() const;
    [[nodiscard]] int run() const;

private:
    [[nodiscard]] int runVerify() const;
    [[nodiscard]] int runBackup() const;

    CLI::App* m_verify = nullptr;
    CLI::App* m_backup = nullptr;
    std::string m_dbPath;
    std::string m_user;
    std::string m_date;
    std::string m_backupPath;
    bool m_json = false;
};

} // namespace callqc::cli
