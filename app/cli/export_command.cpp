#include "app/cli/export_command.hpp"

#include <cstdio>
#include <regex>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/cli/failure.hpp"
#include "app/cli/search_command.hpp"
#include "app/cli/sign_in.hpp"
#include "app/core/session.hpp"
#include "storage/review_store.hpp"

namespace callqc::cli {
namespace {

/// "65.5-70" → [65.5, 70): a beep range in seconds of call time.
std::optional<audio::Interval> parseRange(const std::string& text) {
    static const std::regex pattern(R"(\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*)");
    std::smatch match;
    if (!std::regex_match(text, match, pattern)) {
        return std::nullopt;
    }
    return audio::Interval{std::stod(match[1].str()), std::stod(match[2].str())};
}

} // namespace

tl::expected<std::pair<std::string, std::string>, std::string>
reportPeriod(const std::string& date, const std::string& from, const std::string& to) {
    if (date.empty() && from.empty()) {
        return tl::unexpected(
            std::string("give --date YYYY-MM-DD or --from YYYY-MM-DD [--to YYYY-MM-DD]"));
    }
    std::pair<std::string, std::string> period{date.empty() ? from : date, to};
    if (period.second.empty()) {
        period.second = period.first;
    }
    static const std::regex pattern(R"(\d{4}-\d{2}-\d{2})");
    for (const auto& [flag, value] :
         {std::pair("--date/--from", period.first), std::pair("--to", period.second)}) {
        if (!std::regex_match(value, pattern)) {
            return tl::unexpected(fmt::format("{} \"{}\" is not YYYY-MM-DD", flag, value));
        }
    }
    return period;
}

ExportCommands::ExportCommands(CLI::App& app)
    : m_export(app.add_subcommand(
          "export", "write calls, a report or a clip to a file (customer numbers masked)")),
      m_dbPath(core::defaultDatabasePath().string()) {
    m_export->require_subcommand(1);
    m_calls = m_export->add_subcommand(
        "calls", "the calls matching search criteria as CSV, XLSX or PDF, newest first");
    m_report = m_export->add_subcommand(
        "report", "mean scores of submitted evaluations by agent or team as CSV, XLSX or PDF");
    m_clip = m_export->add_subcommand("clip", "a stretch of a call as WAV, MP3 or Opus");

    addSearchCriteria(*m_calls, m_request, m_evaluated);

    m_report->add_option("--by", m_by, "agent or team")->check(CLI::IsMember({"agent", "team"}));
    auto* date = m_report->add_option("--date", m_date, "the day of the calls, YYYY-MM-DD");
    auto* from =
        m_report->add_option("--from", m_from, "first day of a period, YYYY-MM-DD")->excludes(date);
    m_report->add_option("--to", m_to, "last day of a period, YYYY-MM-DD (default: --from)")
        ->excludes(date)
        ->needs(from);
    m_report->add_flag(
        "--outside", m_outside,
        "the data leaves the team (运营报表数据外发): supervisors and managers only");

    for (auto* table : {m_calls, m_report}) {
        table->add_option("--out", m_out, "the file to write, e.g. calls.xlsx")->required();
        table->add_option("--format", m_format, "csv, xlsx or pdf (default: the --out extension)")
            ->check(CLI::IsMember({"csv", "xlsx", "pdf"}));
    }

    m_clip->add_option("CALL_ID", m_callId, "the call")->required();
    m_clip->add_option("--start", m_startSec, "start, seconds of call time")
        ->required()
        ->check(CLI::Range(0.0, 1e7));
    m_clip->add_option("--end", m_endSec, "end, seconds of call time")
        ->required()
        ->check(CLI::Range(0.0, 1e7));
    m_clip->add_option("--format", m_clipFormat, "wav, mp3 or opus (default wav)")
        ->check(CLI::IsMember({"wav", "mp3", "opus"}));
    m_clip->add_option("--out-dir", m_outDir, "folder of the clip (default: the current one)");
    m_clip->add_flag("--mute-customer", m_muteCustomer, "silence the customer's channel");
    m_clip->add_option("--beep", m_beeps,
                       "cover START-END seconds of call time with a beep (repeatable), e.g. "
                       "65.5-70");

    for (auto* command : {m_calls, m_report, m_clip}) {
        if (command != m_report) {
            command->add_flag("--full-numbers", m_fullNumbers,
                              "customer numbers in full (quality supervisors and managers); "
                              "masked otherwise");
        }
        command->add_option("--lang", m_language, "language of headings and tags: zh or en")
            ->check(CLI::IsMember({"zh", "en"}));
        command->add_option("--db", m_dbPath,
                            "SQLite database (default: $CALLQC_DB or per-user path)");
        command->add_option("--user", m_user,
                            "who is acting (default: $CALLQC_USER); the password comes from "
                            "$CALLQC_PASSWORD or a prompt");
        command->add_flag("--json", m_json, "one JSON object describing the file written");
    }
}

bool ExportCommands::parsed() const {
    return m_export->parsed();
}

int ExportCommands::run() {
    if (m_calls->parsed()) {
        return runCalls();
    }
    if (m_report->parsed()) {
        return runReport();
    }
    return runClip();
}

namespace {

/// The table format from --format, else from the --out extension.
tl::expected<storage::TableFormat, std::string> tableFormat(const std::string& format,
                                                            const std::string& out) {
    if (!format.empty()) {
        return *storage::tableFormatFromName(format);
    }
    if (auto byExtension = storage::tableFormatOf(out)) {
        return *byExtension;
    }
    return tl::unexpected(
        fmt::format("--out \"{}\" does not end in .csv, .xlsx or .pdf; give --format", out));
}

int printTable(const core::TableExportSummary& summary, bool json) {
    if (json) {
        fmt::print("{}\n", nlohmann::ordered_json{{"file", summary.file.string()},
                                                  {"rows", summary.rows},
                                                  {"masked", summary.masked}}
                               .dump());
    } else {
        fmt::print("wrote {} ({} rows, customer numbers {})\n", summary.file.string(), summary.rows,
                   summary.masked ? "masked" : "in full");
    }
    return 0;
}

} // namespace

int ExportCommands::runCalls() {
    if (auto wrong = finishSearchCriteria(m_request, m_evaluated)) {
        return fail("export calls", *wrong);
    }
    auto format = tableFormat(m_format, m_out);
    if (!format) {
        return fail("export calls", format.error());
    }
    auto session = openSession(m_dbPath, m_user, nameWithoutAccounts(m_user));
    if (!session) {
        return fail("export calls", session.error());
    }
    const core::TableExportOptions options{m_out, *format, m_fullNumbers,
                                           m_language == "en" ? scoring::Language::En
                                                              : scoring::Language::Zh};
    auto written = session->exportCalls(m_request, options);
    if (!written) {
        return fail("export calls", written.error().message());
    }
    return printTable(*written, m_json);
}

int ExportCommands::runReport() {
    auto period = reportPeriod(m_date, m_from, m_to);
    if (!period) {
        return fail("export report", period.error());
    }
    auto format = tableFormat(m_format, m_out);
    if (!format) {
        return fail("export report", format.error());
    }
    auto session = openSession(m_dbPath, m_user, nameWithoutAccounts(m_user));
    if (!session) {
        return fail("export report", session.error());
    }
    const core::TableExportOptions options{
        m_out, *format, false, m_language == "en" ? scoring::Language::En : scoring::Language::Zh};
    auto written = session->exportReport(m_by == "team" ? storage::ReportGrouping::Team
                                                        : storage::ReportGrouping::Agent,
                                         period->first, period->second, options, m_outside);
    if (!written) {
        return fail("export report", written.error().message());
    }
    return printTable(*written, m_json);
}

int ExportCommands::runClip() {
    core::ClipRequest request;
    request.startSec = m_startSec;
    request.endSec = m_endSec;
    request.format = m_clipFormat == "mp3"    ? audio::EncodeFormat::Mp3
                     : m_clipFormat == "opus" ? audio::EncodeFormat::OpusOgg
                                              : audio::EncodeFormat::PcmS16Wav;
    request.muteCustomer = m_muteCustomer;
    request.outDir = m_outDir;
    request.fullNumbers = m_fullNumbers;
    request.language = m_language == "en" ? scoring::Language::En : scoring::Language::Zh;
    for (const auto& text : m_beeps) {
        auto range = parseRange(text);
        if (!range || range->startSec >= range->endSec) {
            return fail("export clip", fmt::format("--beep \"{}\" is not START-END in seconds with "
                                                   "START before END, e.g. 65.5-70",
                                                   text));
        }
        request.beeps.push_back(*range);
    }
    auto session = openSession(m_dbPath, m_user, nameWithoutAccounts(m_user));
    if (!session) {
        return fail("export clip", session.error());
    }
    auto scope = storage::callScopeByCallId(session->db(), m_callId);
    if (!scope) {
        return fail("export clip", scope.error().message());
    }
    auto clip = session->exportClip(scope->recordingId, request);
    if (!clip) {
        return fail("export clip", clip.error().message());
    }
    if (m_json) {
        fmt::print("{}\n", nlohmann::ordered_json{{"file", clip->file.string()},
                                                  {"duration_sec", clip->durationSec},
                                                  {"masked", clip->masked},
                                                  {"title", clip->title},
                                                  {"comment", clip->comment}}
                               .dump());
    } else {
        fmt::print("wrote {} ({:.1f} s, customer number {})\n", clip->file.string(),
                   clip->durationSec, clip->masked ? "masked" : "in full");
    }
    return 0;
}

} // namespace callqc::cli
