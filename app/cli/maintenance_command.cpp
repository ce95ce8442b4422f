#include "app/cli/maintenance_command.hpp"

#include <atomic>
#include <chrono>
#include <optional>
#include <regex>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "app/cli/sign_in.hpp"
#include "app/core/audit.hpp"
#include "app/core/permissions.hpp"
#include "app/core/session.hpp"
#include "app/core/verify.hpp"

namespace callqc::cli {
namespace {

/// Draws "what [#####     ] 40/100" on stderr when it is a terminal.
void drawProgress(const char* what, int done, int total) {
    if (!isatty(STDERR_FILENO) || total <= 0) {
        return;
    }
    constexpr int kWidth = 30;
    const int filled = done * kWidth / total;
    fmt::print(stderr, "\r{} [{:<{}}] {}/{}", what,
               std::string(static_cast<std::size_t>(filled), '#'), kWidth, done, total);
    if (done >= total) {
        fmt::print(stderr, "\n");
    }
}

/// Opens the database as the acting user and checks they may do `action` (a database without
/// user accounts has nobody to check, as before accounts existed); prints why not.
std::optional<Acting> actingFor(const std::string& dbPath, const std::string& user,
                                core::Action action) {
    auto acting = openActing(dbPath, user, nameWithoutAccounts(user));
    if (!acting) {
        fmt::print(stderr, "callqc: {}\n", acting.error());
        return std::nullopt;
    }
    if (acting->accounts) {
        if (auto refusal = core::authorize(acting->actor, action, {})) {
            fmt::print(stderr, "callqc: {}\n", refusal->message());
            return std::nullopt;
        }
    }
    return std::move(*acting);
}

} // namespace

MaintenanceCommands::MaintenanceCommands(CLI::App& app)
    : m_verify(app.add_subcommand(
          "verify", "hash the recordings again: list files that are missing or changed since "
                    "import")),
      m_backup(app.add_subcommand(
          "backup", "copy the database to OUT.db, safely while others are writing to it")),
      m_dbPath(core::defaultDatabasePath().string()) {
    const std::string dbHelp = "SQLite database (default: $CALLQC_DB or per-user path)";
    m_verify->add_option("--date", m_date, "only the calls of this day, YYYY-MM-DD");
    const std::string userHelp = "who is acting (default: $CALLQC_USER); the password comes from "
                                 "$CALLQC_PASSWORD or a prompt";
    m_verify->add_option("--db", m_dbPath, dbHelp);
    m_verify->add_option("--user", m_user, userHelp);
    m_verify->add_flag("--json", m_json,
                       R"(one object: {"checked": n, "missing": [...], "changed": [...], ...})");
    m_verify->footer("Exit status: 0 when every file is as imported, 1 when any is missing, "
                     "changed or unreadable.");
    m_backup->add_option("OUT", m_backupPath, "the copy, e.g. callqc-2024-03-01.db")->required();
    m_backup->add_option("--db", m_dbPath, dbHelp);
    m_backup->add_option("--user", m_user, userHelp);
    m_backup->footer("Writes OUT.tmp and renames it to OUT when complete.");
}

bool MaintenanceCommands::parsed() const {
    return m_verify->parsed() || m_backup->parsed();
}

int MaintenanceCommands::run() const {
    return m_verify->parsed() ? runVerify() : runBackup();
}

int MaintenanceCommands::runVerify() const {
    static const std::regex kDate(R"(\d{4}-\d{2}-\d{2})");
    if (!m_date.empty() && !std::regex_match(m_date, kDate)) {
        fmt::print(stderr, "callqc: verify: --date \"{}\" is not YYYY-MM-DD\n", m_date);
        return 1;
    }
    auto acting = actingFor(m_dbPath, m_user, core::Action::Verify);
    if (!acting) {
        return 1;
    }
    auto* db = &acting->db;
    core::Progress progress;
    std::atomic<bool> finished{false};
    std::jthread ticker([&] {
        while (!finished.load()) {
            std::this_thread::sleep_for(std::chrono::milliseconds(200));
            if (!finished.load()) {
                drawProgress("verify", progress.done.load(), progress.total.load());
            }
        }
    });
    auto report = core::verifyRecordings(
        *db, m_date.empty() ? std::nullopt : std::optional<std::string>(m_date), &progress);
    finished = true;
    ticker.join();
    drawProgress("verify", progress.done.load(), progress.total.load());
    if (!report) {
        fmt::print(stderr, "callqc: verify: {}\n", report.error().message());
        return 1;
    }
    if (m_json) {
        nlohmann::ordered_json out{
            {"checked", report->checked},
            {"ok", report->checked - static_cast<int>(report->problems.size())}};
        for (const auto kind :
             {core::VerifyProblem::Kind::Missing, core::VerifyProblem::Kind::Changed,
              core::VerifyProblem::Kind::Unreadable}) {
            auto list = nlohmann::ordered_json::array();
            for (const auto& p : report->problems) {
                if (p.kind == kind) {
                    list.push_back({{"call_id", p.callId}, {"path", p.path}, {"detail", p.detail}});
                }
            }
            out[core::verifyKindName(kind)] = std::move(list);
        }
        fmt::print("{}\n", out.dump());
    } else {
        for (const auto& p : report->problems) {
            fmt::print("{:<10} {:<20} {}  ({})\n", core::verifyKindName(p.kind), p.callId, p.path,
                       p.detail);
        }
        fmt::print("{} recordings checked: {} as imported, {} not\n", report->checked,
                   report->checked - static_cast<int>(report->problems.size()),
                   report->problems.size());
    }
    return report->allFine() ? 0 : 1;
}

int MaintenanceCommands::runBackup() const {
    auto acting = actingFor(m_dbPath, m_user, core::Action::Backup);
    if (!acting) {
        return 1;
    }
    auto* db = &acting->db;
    int pages = 0;
    auto copied = db->backupTo(m_backupPath, [&](int done, int total) {
        pages = total;
        drawProgress("backup", done, total);
    });
    if (!copied) {
        fmt::print(stderr, "callqc: {}\n", copied.error().message());
        return 1;
    }
    if (auto audited =
            core::recordAudit(*db, {acting->actor.user,
                                    "export.backup",
                                    fmt::format("database:{}", m_dbPath),
                                    {{"to", m_backupPath}, {"pages", pages}, {"masked", false}}});
        !audited) {
        fmt::print(stderr, "callqc: {}\n", audited.error().message());
        return 1;
    }
    fmt::print("backed up {} to {} ({} pages)\n", m_dbPath, m_backupPath, pages);
    return 0;
}

} // namespace callqc::cli
