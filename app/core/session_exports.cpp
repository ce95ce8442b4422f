// The export use cases of Session: call lists and reports as CSV, XLSX or PDF, and clips.

#include <cmath>
#include <ctime>

#include <fmt/format.h>

#include "app/core/core_transaction.hpp"
#include "app/core/file_hash.hpp"
#include "app/core/session.hpp"
#include "audio/clip_export.hpp"
#include "audio/decoder.hpp"

namespace callqc::core {
namespace {

using scoring::Language;

const char* pick(Language language, const char* zh, const char* en) {
    return language == Language::Zh ? zh : en;
}

/// The local time now, 'YYYY-MM-DD HH:MM'.
std::string localNow() {
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char text[32];
    return std::strftime(text, sizeof text, "%Y-%m-%d %H:%M", &local) > 0 ? text : "";
}

/// "Exported by …" and "numbers masked" lines of a table's notes.
std::vector<std::string> exportNotes(const Actor& actor, bool masked, Language language) {
    return {
        fmt::format(fmt::runtime(pick(language, "导出人 {}（{}）· {}", "Exported by {} ({}) · {}")),
                    actor.user, roleName(actor.role), localNow()),
        masked ? pick(language, "客户号码已脱敏", "Customer numbers masked")
               : pick(language, "客户号码完整显示（经授权导出）",
                      "Customer numbers in full (authorised export)")};
}

/// The criteria of a search as one line, customer numbers as the reader may see them.
std::string criteriaLine(const Actor& actor, const SearchRequest& r, Language language) {
    std::vector<std::string> parts;
    const auto add = [&](const char* name, const std::optional<std::string>& value) {
        if (value) {
            parts.push_back(fmt::format("{}={}", name, *value));
        }
    };
    add("call-id", r.callId);
    if (r.phone) {
        parts.push_back(fmt::format("phone={}", phoneFor(actor, *r.phone, r.fullNumbers)));
    }
    add("agent", r.agent);
    add("team", r.team);
    add("queue", r.queue);
    add("from", r.from);
    add("to", r.to);
    if (r.minDurationSec) {
        parts.push_back(fmt::format("min-duration={}", *r.minDurationSec));
    }
    if (r.maxDurationSec) {
        parts.push_back(fmt::format("max-duration={}", *r.maxDurationSec));
    }
    if (r.deadAir) {
        parts.emplace_back("dead-air");
    }
    if (r.overtalk) {
        parts.emplace_back("overtalk");
    }
    if (r.evaluated) {
        parts.push_back(fmt::format("evaluated={}", *r.evaluated ? "yes" : "no"));
    }
    if (r.minScore) {
        parts.push_back(fmt::format("min-score={}", *r.minScore));
    }
    if (r.maxScore) {
        parts.push_back(fmt::format("max-score={}", *r.maxScore));
    }
    add("failed-item", r.failedItem);
    add("text", r.text);
    return fmt::format("{}{}", pick(language, "条件：", "Criteria: "),
                       parts.empty() ? pick(language, "全部通话", "all calls")
                                     : fmt::format("{}", fmt::join(parts, ", ")));
}

std::string evaluationText(const std::string& status, Language language) {
    if (status == "submitted") {
        return pick(language, "已提交", "submitted");
    }
    if (status == "draft") {
        return pick(language, "草稿", "draft");
    }
    return pick(language, "未质检", "none");
}

/// "01m05s": minutes and seconds of call time, for file names.
std::string minutesSeconds(double sec, const char* minutes, const char* seconds) {
    const auto whole = static_cast<long>(std::floor(std::max(0.0, sec)));
    return fmt::format("{:02}{}{:02}{}", whole / 60, minutes, whole % 60, seconds);
}

/// Refused when `full` is asked by a role that does not see full numbers.
std::optional<CoreError> fullNumbersRefusal(const Actor& actor, bool full) {
    if (full && !seesFullNumbers(actor.role)) {
        return refusedError(fmt::format(
            "{} ({}) may not export customer numbers in full; leave that out to export them "
            "masked",
            actor.user, roleName(actor.role)));
    }
    return std::nullopt;
}

} // namespace

std::string clipFileName(const storage::RecordingRecord& recording, double startSec, double endSec,
                         audio::EncodeFormat format) {
    std::string name =
        fmt::format("{}_{}_{}-{}", recording.callId, recording.agentNo,
                    minutesSeconds(startSec, "m", "s"), minutesSeconds(endSec, "m", "s"));
    for (char& c : name) {
        if (static_cast<unsigned char>(c) < 0x20 ||
            std::string_view("/\\:*?\"<>|").find(c) != std::string_view::npos) {
            c = '_';
        }
    }
    const char* extension = format == audio::EncodeFormat::Mp3       ? "mp3"
                            : format == audio::EncodeFormat::OpusOgg ? "opus"
                                                                     : "wav";
    return fmt::format("{}.{}", name, extension);
}

CoreResult<TableExportSummary> Session::exportCalls(const SearchRequest& request,
                                                    const TableExportOptions& options) {
    if (auto refusal = authorizeRole(m_actor, Action::ExportReport)) {
        return tl::unexpected(*refusal);
    }
    if (auto refusal = fullNumbersRefusal(m_actor, options.fullNumbers)) {
        return tl::unexpected(*refusal);
    }
    const Language language = options.language;
    storage::ExportTable table;
    table.title = pick(language, "通话清单", "Calls");
    table.notes = exportNotes(m_actor, !options.fullNumbers, language);
    table.notes.push_back(criteriaLine(m_actor, request, language));
    const bool zh = language == Language::Zh;
    for (const auto& [heading, numeric] :
         std::vector<std::pair<const char*, bool>>{{zh ? "通话编号" : "Call ID", false},
                                                   {zh ? "开始时间" : "Start", false},
                                                   {zh ? "时长(秒)" : "Duration (s)", true},
                                                   {zh ? "工号" : "Employee no.", false},
                                                   {zh ? "坐席" : "Agent", false},
                                                   {zh ? "班组" : "Team", false},
                                                   {zh ? "技能组" : "Queue", false},
                                                   {zh ? "客户号码" : "Customer number", false},
                                                   {zh ? "静默段" : "Dead air", true},
                                                   {zh ? "抢话段" : "Overtalk", true},
                                                   {zh ? "质检" : "Evaluation", false},
                                                   {zh ? "得分" : "Score", true}}) {
        table.columns.push_back({heading, numeric});
    }

    SearchRequest page = request;
    page.limit = kMaxSearchLimit;
    page.after.reset();
    page.countUpTo = 0;
    page.fullNumbers = options.fullNumbers;
    while (true) {
        auto result = search(page);
        if (!result) {
            return tl::unexpected(result.error());
        }
        for (const auto& row : result->rows) {
            table.rows.push_back({row.callId, row.startTime, fmt::format("{:.1f}", row.durationSec),
                                  row.agentNo, row.agentName, row.team, row.queue,
                                  row.customerPhone, fmt::format("{}", row.deadAirCount),
                                  fmt::format("{}", row.overtalkCount),
                                  evaluationText(row.evaluationStatus, language),
                                  row.score ? fmt::format("{:.1f}", *row.score) : std::string()});
        }
        if (table.rows.size() > kMaxExportedCalls) {
            return tl::unexpected(inputError(
                fmt::format("more than {} calls match; narrow the search", kMaxExportedCalls)));
        }
        if (!result->next) {
            break;
        }
        page.after = result->next;
    }
    if (auto written = storage::writeTable(table, options.out, options.format); !written) {
        return tl::unexpected(inputError(written.error().message()));
    }
    TableExportSummary summary{options.out, table.rows.size(), !options.fullNumbers};
    if (auto audited = audit("export.calls", fmt::format("file:{}", options.out.string()),
                             {{"format", storage::tableFormatName(options.format)},
                              {"rows", summary.rows},
                              {"masked", summary.masked},
                              {"file", options.out.string()},
                              {"criteria", criteriaLine(m_actor, request, Language::En)}});
        !audited) {
        return tl::unexpected(audited.error());
    }
    return summary;
}

CoreResult<TableExportSummary>
Session::exportReport(storage::ReportGrouping by, const std::string& fromDate,
                      const std::string& toDate, const TableExportOptions& options, bool outside) {
    if (outside) {
        if (auto refusal = authorizeRole(m_actor, Action::ExportReportOutside)) {
            return tl::unexpected(*refusal);
        }
    }
    if (auto refusal = fullNumbersRefusal(m_actor, options.fullNumbers)) {
        return tl::unexpected(*refusal);
    }
    auto data = reportData(by, fromDate, toDate);
    if (!data) {
        return tl::unexpected(data.error());
    }
    const Language language = options.language;
    const bool zh = language == Language::Zh;
    const bool byTeam = by == storage::ReportGrouping::Team;
    storage::ExportTable table;
    table.title =
        zh ? fmt::format("质检报表（按{}）{} 至 {}", byTeam ? "班组" : "坐席", fromDate, toDate)
           : fmt::format("Quality report by {}, {} to {}", byTeam ? "team" : "agent", fromDate,
                         toDate);
    table.notes = exportNotes(m_actor, true, language);
    table.notes.emplace_back(
        outside ? pick(language, "用途：外发（团队以外）", "For use outside the team")
                : pick(language, "用途：团队内部", "For use inside the team"));
    table.columns = {
        {byTeam ? pick(language, "班组", "Team") : pick(language, "工号", "Employee no."), false},
        {pick(language, "名称", "Name"), false},
        {pick(language, "评估数", "Evaluations"), true},
        {pick(language, "平均分", "Mean"), true},
        {pick(language, "最低分", "Min"), true},
        {pick(language, "最高分", "Max"), true},
        {pick(language, "等级", "Grade"), false}};
    for (const auto& line : data->lines) {
        table.rows.push_back({line.key, line.label, fmt::format("{}", line.evaluations),
                              fmt::format("{:.1f}", line.mean), fmt::format("{:.1f}", line.min),
                              fmt::format("{:.1f}", line.max),
                              std::string(scoring::gradeName(line.grade, language))});
    }
    if (auto written = storage::writeTable(table, options.out, options.format); !written) {
        return tl::unexpected(inputError(written.error().message()));
    }
    TableExportSummary summary{options.out, table.rows.size(), true};
    if (auto audited = audit("export.report", fmt::format("report:{}..{}", fromDate, toDate),
                             {{"by", byTeam ? "team" : "agent"},
                              {"from", fromDate},
                              {"to", toDate},
                              {"rows", summary.rows},
                              {"evaluations", data->evaluations},
                              {"masked", true},
                              {"format", storage::tableFormatName(options.format)},
                              {"file", options.out.string()},
                              {"outside", outside}});
        !audited) {
        return tl::unexpected(audited.error());
    }
    return summary;
}

CoreResult<ClipSummary> Session::exportClip(std::int64_t recordingId, const ClipRequest& request) {
    if (auto refusal = refusalFor(Action::ExportClip, recordingId)) {
        return tl::unexpected(*refusal);
    }
    if (auto refusal = fullNumbersRefusal(m_actor, request.fullNumbers)) {
        return tl::unexpected(*refusal);
    }
    if (request.format != audio::EncodeFormat::PcmS16Wav &&
        request.format != audio::EncodeFormat::Mp3 &&
        request.format != audio::EncodeFormat::OpusOgg) {
        return tl::unexpected(inputError("a clip is exported as WAV, MP3 or Opus"));
    }
    if (!std::filesystem::is_directory(request.outDir)) {
        return tl::unexpected(
            inputError(fmt::format("the folder {} does not exist", request.outDir.string())));
    }
    auto recording = storage::recordingById(m_db, recordingId);
    if (!recording) {
        return tl::unexpected(fromStorage(recording.error()));
    }
    if (!recording->sha256.empty()) {
        auto hash = sha256File(recording->filePath);
        if (!hash) {
            return tl::unexpected(inputError(hash.error()));
        }
        if (*hash != recording->sha256) {
            const std::string problem = fmt::format(
                "{} changed since it was imported (SHA-256 {} then, {} now)", recording->filePath,
                recording->sha256.substr(0, 12), hash->substr(0, 12));
            (void)audit("recording.mismatch", fmt::format("recording:{}", recordingId),
                        {{"problem", problem}});
            return tl::unexpected(inputError(fmt::format("{}; not exported", problem)));
        }
    }
    auto decoded = audio::decodeFile(recording->filePath);
    if (!decoded) {
        return tl::unexpected(CoreError{CoreError::Kind::Audio, decoded.error().message()});
    }
    const Language language = request.language;
    const bool full = request.fullNumbers;
    ClipSummary summary;
    summary.masked = !full;
    summary.title =
        fmt::format("{} {}–{}", recording->callId, minutesSeconds(request.startSec, ":", ""),
                    minutesSeconds(request.endSec, ":", ""));
    summary.comment =
        fmt::format(fmt::runtime(pick(language, "坐席 {} {} · 班组 {} · 技能组 {} · {} · 客户 {}",
                                      "Agent {} {} · team {} · queue {} · {} · customer {}")),
                    recording->agentNo, recording->agentName, recording->team, recording->queue,
                    recording->startTime, phoneFor(m_actor, recording->customerPhone, full));

    audio::ClipOptions clip;
    clip.startSec = request.startSec;
    clip.endSec = request.endSec;
    clip.encode.format = request.format;
    clip.encode.title = summary.title;
    clip.encode.comment = summary.comment;
    clip.muteCustomer = request.muteCustomer;
    clip.customerChannel = request.customerChannel;
    clip.beeps = request.beeps;
    summary.file =
        request.outDir / clipFileName(*recording, request.startSec, request.endSec, request.format);
    auto exported = audio::exportClip(decoded->pcm, summary.file, clip);
    if (!exported) {
        return tl::unexpected(CoreError{CoreError::Kind::Audio, exported.error().message()});
    }
    summary.durationSec = exported->durationSec;
    if (auto audited = audit("export.clip", fmt::format("recording:{}", recordingId),
                             {{"call_id", recording->callId},
                              {"from", request.startSec},
                              {"to", request.endSec},
                              {"format", audio::formatName(request.format)},
                              {"masked", summary.masked},
                              {"mute_customer", request.muteCustomer},
                              {"beeps", request.beeps.size()},
                              {"file", summary.file.string()}});
        !audited) {
        return tl::unexpected(audited.error());
    }
    return summary;
}

CoreResult<void> Session::playCall(std::int64_t recordingId) {
    if (auto refusal = refusalFor(Action::PlayCall, recordingId)) {
        return tl::unexpected(*refusal);
    }
    auto recording = storage::recordingById(m_db, recordingId);
    if (!recording) {
        return tl::unexpected(fromStorage(recording.error()));
    }
    return audit("call.play", fmt::format("recording:{}", recordingId),
                 {{"call_id", recording->callId}});
}

} // namespace callqc::core
