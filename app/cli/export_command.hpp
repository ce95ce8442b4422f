#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <tl/expected.hpp>

#include "app/core/search.hpp"

namespace callqc::cli {

/// The period of a report from --date, or --from and --to (default: --from): the first and last
/// day, or the message saying which flag is wrong.
[[nodiscard]] tl::expected<std::pair<std::string, std::string>, std::string>
reportPeriod(const std::string& date, const std::string& from, const std::string& to);

/// `callqc export calls|report|clip`:
/// - `export calls [search criteria] --out FILE [--format csv|xlsx|pdf] [--full-numbers]
///   [--lang zh|en]`: every call matching the criteria of `callqc search`, in the user's scope;
/// - `export report --by agent|team (--date D | --from D [--to D]) --out FILE [--format …]
///   [--outside] [--lang zh|en]`: the report of `callqc report` as a file; --outside for data
///   leaving the team (supervisors and managers);
/// - `export clip CALL_ID --start SEC --end SEC [--format wav|mp3|opus] [--out-dir DIR]
///   [--mute-customer] [--beep START-END]... [--full-numbers] [--lang zh|en]`: a stretch of a
///   call as training material.
/// Customer numbers are masked unless --full-numbers is given by a role that sees them. Each
/// prints what it wrote (with --json one object: {"file", "rows" or "duration_sec", "masked"}).
/// Construction registers the subcommands on `app`; the object must outlive parsing.
class ExportCommands {
public:
    explicit ExportCommands(CLI::App& app);
    ExportCommands(const ExportCommands&) = delete;
    ExportCommands& operator=(const ExportCommands&) = delete;

    [[nodiscard]] bool parsed() const;
    /// 0 when the file was written, 1 on any error (printed on stderr).
    [[nodiscard]] int run();

private:
    [[nodiscard]] int runCalls();
    [[nodiscard]] int runReport();
    [[nodiscard]] int runClip();

    CLI::App* m_export = nullptr;
    CLI::App* m_calls = nullptr;
    CLI::App* m_report = nullptr;
    CLI::App* m_clip = nullptr;

    core::SearchRequest m_request;
    std::string m_evaluated;
    std::string m_out;
    std::string m_format;
    bool m_fullNumbers = false;
    std::string m_language = "zh";

    std::string m_by = "agent";
    std::string m_date;
    std::string m_from;
    std::string m_to;
    bool m_outside = false;

    std::string m_callId;
    double m_startSec = 0;
    double m_endSec = 0;
    std::string m_clipFormat = "wav";
    std::string m_outDir = ".";
    bool m_muteCustomer = false;
    std::vector<std::string> m_beeps;

    std::string m_dbPath;
    std::string m_user;
    bool m_json = false;
};

} // namespace callqc::cli
