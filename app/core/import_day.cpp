#include "app/core/import_day.hpp"

#include <algorithm>
#include <atomic>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "app/core/file_hash.hpp"
#include "audio/decoder.hpp"
#include "storage/call_store.hpp"
#include "storage/csv.hpp"
#include "storage/transcript.hpp"

namespace callqc::core {
namespace {

/// Header names recognised for each field (English and common Chinese exports).
const std::map<std::string, std::vector<std::string>>& columnAliases() {
    static const std::map<std::string, std::vector<std::string>> aliases = {
        {"call_id", {"call_id", "录音编号", "通话ID", "通话id"}},
        {"file", {"file", "录音文件", "文件名"}},
        {"start_time", {"start_time", "开始时间", "通话开始时间"}},
        {"duration_sec", {"duration_sec", "时长", "通话时长"}},
        {"agent_id", {"agent_id", "坐席工号", "工号"}},
        {"agent_name", {"agent_name", "坐席姓名", "姓名"}},
        {"team", {"team", "班组", "组别"}},
        {"queue", {"queue", "技能组", "项目"}},
        {"direction", {"direction", "呼叫方向"}},
        {"customer_phone", {"customer_phone", "客户号码", "主叫号码"}},
    };
    return aliases;
}

const std::vector<std::string> kRequired = {"call_id", "file", "start_time", "agent_id"};

std::string trim(std::string s) {
    const auto notSpace = [](unsigned char c) {
        return !std::isspace(c);
    };
    s.erase(s.begin(), std::find_if(s.begin(), s.end(), notSpace));
    s.erase(std::find_if(s.rbegin(), s.rend(), notSpace).base(), s.end());
    return s;
}

/// 'YYYY-MM-DD HH:MM:SS' (a 'T' separator is accepted); returns the normalised text.
std::optional<std::string> parseLocalTime(const std::string& text) {
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0;
    char sep = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2d%c%2d:%2d:%2d", &y, &mo, &d, &sep, &h, &mi, &s) !=
            7 ||
        (sep != ' ' && sep != 'T')) {
        return std::nullopt;
    }
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) {
        return std::nullopt;
    }
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", y, mo, d, h, mi, s);
}

/// True when `path` (after resolving "..", "." and symbolic links) lies inside `root`.
bool isInside(const std::filesystem::path& path, const std::filesystem::path& root) {
    std::error_code ec;
    const auto resolved = std::filesystem::weakly_canonical(path, ec);
    if (ec) {
        return false;
    }
    const auto base = std::filesystem::weakly_canonical(root, ec);
    if (ec) {
        return false;
    }
    const auto [rootEnd, pathAt] =
        std::mismatch(base.begin(), base.end(), resolved.begin(), resolved.end());
    return rootEnd == base.end() || (std::next(rootEnd) == base.end() && rootEnd->empty());
}

struct Row {
    int line = 0;
    std::map<std::string, std::string> fields;
    std::filesystem::path file;
};

struct Outcome {
    enum class Kind { Imported, Unchanged, Rejected } kind = Kind::Rejected;
    std::string reason;
    std::vector<std::string> warnings;
    storage::RecordingRecord recording;
    storage::ProfileRecord profile;
    std::vector<storage::SegmentRecord> segments;
};

storage::ProfileRecord toProfileRecord(const audio::AudioProfile& p) {
    const auto spans = [](const std::vector<audio::Interval>& list) {
        std::vector<storage::Span> out;
        out.reserve(list.size());
        for (const auto& i : list) {
            out.emplace_back(i.startSec, i.endSec);
        }
        return out;
    };
    storage::ProfileRecord r;
    r.stereo = p.stereo;
    r.agentSpeechSec = p.agentSpeechSec;
    r.customerSpeechSec = p.customerSpeechSec;
    r.talkRatio = p.talkRatio;
    r.longestSilenceSec = p.longestSilenceSec;
    r.agentSpeech = spans(p.agentSpeech);
    r.customerSpeech = spans(p.customerSpeech);
    r.deadAir = spans(p.deadAir);
    r.overtalk = spans(p.overtalk);
    r.peaks = audio::serializePeaks(p.peaks);
    return r;
}

Outcome processRow(const Row& row, const std::filesystem::path& dir,
                   const std::optional<storage::StoredFingerprint>& stored,
                   const ImportOptions& options) {
    Outcome out;
    const auto& f = row.fields;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(row.file, ec)) {
        out.reason = fmt::format("audio file not found: {}", row.file.string());
        return out;
    }
    auto hash = sha256File(row.file);
    if (!hash) {
        out.reason = hash.error();
        return out;
    }
    const auto size = static_cast<std::int64_t>(std::filesystem::file_size(row.file, ec));
    if (stored) {
        if (stored->sha256 == *hash) {
            out.kind = Outcome::Kind::Unchanged;
            return out;
        }
        out.reason = fmt::format("already imported with different content (stored SHA-256 {}…, "
                                 "file now {}…); not replaced",
                                 stored->sha256.substr(0, 12), hash->substr(0, 12));
        return out;
    }
    auto decoded = audio::decodeFile(row.file);
    if (!decoded) {
        out.reason = decoded.error().message();
        return out;
    }
    out.warnings = decoded->warnings;
    const auto profile = audio::analyze(decoded->pcm, options.analysis);

    auto& r = out.recording;
    r.callId = f.at("call_id");
    r.agentNo = f.at("agent_id");
    r.agentName =
        f.contains("agent_name") && !f.at("agent_name").empty() ? f.at("agent_name") : r.agentNo;
    r.team = f.contains("team") ? f.at("team") : "";
    r.startTime = f.at("start_time");
    r.callDate = r.startTime.substr(0, 10);
    r.durationSec = decoded->pcm.durationSec();
    if (f.contains("duration_sec") && !f.at("duration_sec").empty()) {
        try {
            r.metaDurationSec = std::stod(f.at("duration_sec"));
        } catch (const std::exception&) {
            out.warnings.push_back(
                fmt::format("duration_sec \"{}\" is not a number; ignored", f.at("duration_sec")));
        }
    }
    r.direction = f.contains("direction") ? f.at("direction") : "";
    r.queue = f.contains("queue") ? f.at("queue") : "";
    r.customerPhone = f.contains("customer_phone") ? f.at("customer_phone") : "";
    r.filePath = std::filesystem::absolute(row.file).lexically_normal().string();
    r.fileSize = size;
    r.sha256 = *hash;
    r.codec = decoded->codec;
    r.container = decoded->container;
    r.sampleRateHz = decoded->pcm.sampleRateHz;
    r.channels = decoded->pcm.channelCount();
    out.profile = toProfileRecord(profile);
    out.profile.seekIndex = audio::serializeSeekIndex(decoded->seekIndex);

    const auto transcriptPath = dir / "transcripts" / (r.callId + ".json");
    if (std::filesystem::exists(transcriptPath, ec)) {
        std::ifstream in(transcriptPath, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        auto segments = storage::parseTranscriptJson(text.str(), transcriptPath.string());
        if (segments) {
            out.segments = std::move(*segments);
        } else {
            out.warnings.push_back(
                fmt::format("{}; call imported without transcript", segments.error()));
        }
    }
    out.kind = Outcome::Kind::Imported;
    return out;
}

} // namespace

CoreResult<ImportReport> importDay(storage::Database& db, const std::filesystem::path& dir,
                                   const ImportOptions& options, Progress* progress) {
    const auto metadataPath = dir / "metadata.csv";
    std::ifstream in(metadataPath, std::ios::binary);
    if (!in) {
        return tl::unexpected(CoreError{CoreError::Kind::Input,
                                        fmt::format("{}: cannot open", metadataPath.string())});
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    const auto table = storage::parseCsv(buffer.str());
    if (table.rows.empty()) {
        return tl::unexpected(CoreError{CoreError::Kind::Input,
                                        fmt::format("{}: empty file", metadataPath.string())});
    }

    ImportReport report;
    for (const auto& problem : table.problems) {
        report.warnings.push_back(fmt::format("{}: {}", metadataPath.string(), problem));
    }
    std::map<std::string, std::size_t> columnOf;
    const auto& header = table.rows[0].fields;
    for (std::size_t c = 0; c < header.size(); ++c) {
        const auto name = trim(header[c]);
        for (const auto& [field, names] : columnAliases()) {
            if (std::find(names.begin(), names.end(), name) != names.end() &&
                !columnOf.contains(field)) {
                columnOf[field] = c;
            }
        }
    }
    for (const auto& field : kRequired) {
        if (!columnOf.contains(field)) {
            return tl::unexpected(
                CoreError{CoreError::Kind::Input, fmt::format("{}: header has no \"{}\" column",
                                                              metadataPath.string(), field)});
        }
    }

    // Validate rows first; only well-formed rows go to the workers.
    std::vector<Row> rows;
    std::set<std::string> seenIds;
    for (std::size_t i = 1; i < table.rows.size(); ++i) {
        const auto& csvRow = table.rows[i];
        Row row;
        row.line = csvRow.line;
        for (const auto& [field, column] : columnOf) {
            row.fields[field] = column < csvRow.fields.size() ? trim(csvRow.fields[column]) : "";
        }
        RejectedRow rejected{row.line, row.fields["call_id"], row.fields["file"], ""};
        if (csvRow.fields.size() < header.size()) {
            rejected.reason =
                fmt::format("has {} columns, header has {}", csvRow.fields.size(), header.size());
        } else if (const auto missing = std::find_if(
                       kRequired.begin(), kRequired.end(),
                       [&](const std::string& field) { return row.fields[field].empty(); });
                   missing != kRequired.end()) {
            rejected.reason = fmt::format("\"{}\" is empty", *missing);
        } else if (const auto time = parseLocalTime(row.fields["start_time"]); !time) {
            rejected.reason = fmt::format("start_time \"{}\" is not 'YYYY-MM-DD HH:MM:SS'",
                                          row.fields["start_time"]);
        } else if (!seenIds.insert(row.fields["call_id"]).second) {
            rejected.reason = "duplicate call_id in this file";
        } else {
            row.fields["start_time"] = *time;
            const std::filesystem::path file(row.fields["file"]);
            row.file = file.is_absolute() ? file : dir / file;
            const auto& roots = options.recordingRoots.empty()
                                    ? std::vector<std::filesystem::path>{dir}
                                    : options.recordingRoots;
            if (std::none_of(roots.begin(), roots.end(), [&](const std::filesystem::path& root) {
                    return isInside(row.file, root);
                })) {
                rejected.reason = fmt::format("file \"{}\" is outside the recording folders; not "
                                              "read",
                                              row.fields["file"]);
                report.rejected.push_back(std::move(rejected));
                continue;
            }
            rows.push_back(std::move(row));
            continue;
        }
        report.rejected.push_back(std::move(rejected));
    }

    std::vector<std::optional<storage::StoredFingerprint>> stored(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        auto found = storage::findRecording(db, rows[i].fields["call_id"]);
        if (!found) {
            return tl::unexpected(CoreError{CoreError::Kind::Storage, found.error().message()});
        }
        stored[i] = *found;
    }

    if (progress) {
        progress->total = static_cast<int>(rows.size());
        progress->done = 0;
    }
    std::vector<Outcome> outcomes(rows.size());
    std::atomic<std::size_t> next{0};
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const auto workers = static_cast<unsigned>(
        std::clamp<int>(options.jobs > 0 ? options.jobs : static_cast<int>(cores), 1, 64));
    std::vector<std::jthread> pool;
    for (unsigned w = 0; w < std::min<std::size_t>(workers, std::max<std::size_t>(rows.size(), 1));
         ++w) {
        pool.emplace_back([&] {
            for (std::size_t i = next++; i < rows.size(); i = next++) {
                if (progress && progress->cancel.load()) {
                    return;
                }
                outcomes[i] = processRow(rows[i], dir, stored[i], options);
                if (progress) {
                    ++progress->done;
                }
            }
        });
    }
    pool.clear();
    if (progress && progress->cancel.load()) {
        return tl::unexpected(CoreError{CoreError::Kind::Cancelled, "import cancelled"});
    }

    // Write in batches: each batch is all-or-nothing, and rows already in are skipped on a rerun,
    // so an interrupted import resumes cleanly.
    const auto batchSize = static_cast<std::size_t>(std::max(1, options.rowsPerTransaction));
    for (std::size_t start = 0; start < rows.size(); start += batchSize) {
        const std::size_t end = std::min(rows.size(), start + batchSize);
        auto written = db.transaction([&]() -> storage::Result<void> {
            for (std::size_t i = start; i < end; ++i) {
                auto& o = outcomes[i];
                if (o.kind != Outcome::Kind::Imported) {
                    continue;
                }
                auto agent = storage::upsertAgent(db, o.recording.agentNo, o.recording.agentName,
                                                  o.recording.team);
                if (!agent) {
                    return tl::unexpected(agent.error());
                }
                auto id = storage::insertRecording(db, *agent, o.recording, o.profile, o.segments);
                if (!id) {
                    return tl::unexpected(id.error());
                }
            }
            return {};
        });
        if (!written) {
            return tl::unexpected(
                CoreError{CoreError::Kind::Storage,
                          fmt::format("writing rows {}–{} failed: {}", rows[start].line,
                                      rows[end - 1].line, written.error().message())});
        }
    }

    for (std::size_t i = 0; i < rows.size(); ++i) {
        auto& o = outcomes[i];
        for (const auto& w : o.warnings) {
            report.warnings.push_back(
                fmt::format("row {} ({}): {}", rows[i].line, rows[i].fields["call_id"], w));
        }
        switch (o.kind) {
        case Outcome::Kind::Imported:
            ++report.imported;
            break;
        case Outcome::Kind::Unchanged:
            ++report.unchanged;
            break;
        case Outcome::Kind::Rejected:
            report.rejected.push_back(
                {rows[i].line, rows[i].fields["call_id"], rows[i].fields["file"], o.reason});
            break;
        }
    }
    std::sort(report.rejected.begin(), report.rejected.end(),
              [](const RejectedRow& a, const RejectedRow& b) { return a.row < b.row; });
    return report;
}

} // namespace callqc::core
