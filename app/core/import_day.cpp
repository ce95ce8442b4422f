#include "app/core/import_day.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <unordered_map>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/core/file_hash.hpp"
#include "app/core/session.hpp"
#include "audio/decoder.hpp"
#include "storage/call_store.hpp"
#include "storage/csv.hpp"
#include "storage/metadata_columns.hpp"
#include "storage/text_encoding.hpp"
#include "storage/time_zone.hpp"
#include "storage/transcript.hpp"

namespace callqc::core {
namespace {

namespace fs = std::filesystem;
using storage::MetadataField;

constexpr std::array<MetadataField, 4> kRequired = {
    MetadataField::CallId, MetadataField::File, MetadataField::StartTime, MetadataField::AgentId};
constexpr int kWriteAttempts = 5;

using Fields = std::array<std::string, storage::kMetadataFieldCount>;

std::string& at(Fields& fields, MetadataField field) {
    return fields[static_cast<std::size_t>(field)];
}
const std::string& at(const Fields& fields, MetadataField field) {
    return fields[static_cast<std::size_t>(field)];
}

/// A cell's value: trimmed, and unwrapped from the ="000123" that spreadsheet-safe exports use to
/// keep leading zeros.
std::string cellValue(std::string_view raw) {
    std::string value = storage::trimField(raw);
    if (value.size() >= 3 && value.starts_with("=\"") && value.ends_with('"')) {
        value = value.substr(2, value.size() - 3);
    }
    return value;
}

/// True when `path` (after resolving "..", "." and symbolic links) lies inside `root`.
bool isInside(const fs::path& path, const fs::path& root) {
    std::error_code ec;
    const auto resolved = fs::weakly_canonical(path, ec);
    if (ec) {
        return false;
    }
    const auto base = fs::weakly_canonical(root, ec);
    if (ec) {
        return false;
    }
    const auto [rootEnd, pathAt] =
        std::mismatch(base.begin(), base.end(), resolved.begin(), resolved.end());
    return rootEnd == base.end() || (std::next(rootEnd) == base.end() && rootEnd->empty());
}

/// Seconds from "205", "205.5", "3:25" or "00:03:25".
std::optional<double> parseDuration(const std::string& text) {
    double total = 0;
    std::size_t at = 0;
    int parts = 0;
    while (at <= text.size()) {
        const auto colon = text.find(':', at);
        const auto part =
            text.substr(at, colon == std::string::npos ? std::string::npos : colon - at);
        if (part.empty() || part.find_first_not_of("0123456789.") != std::string::npos ||
            std::count(part.begin(), part.end(), '.') > 1 || part == ".") {
            return std::nullopt;
        }
        total = total * 60 + std::stod(part);
        ++parts;
        if (colon == std::string::npos) {
            break;
        }
        at = colon + 1;
    }
    if (parts > 3) {
        return std::nullopt;
    }
    return total;
}

/// A call id usable as a file name under transcripts/.
bool safeFileStem(const std::string& id) {
    return !id.empty() && id != "." && id != ".." && id.find('/') == std::string::npos &&
           id.find('\\') == std::string::npos && id.find('\0') == std::string::npos;
}

struct Row {
    int line = 0;
    Fields fields;
    std::vector<fs::path> candidates; ///< the file as named, then as GBK bytes
    std::uintmax_t bytes = 0;         ///< size of the first candidate found, for scheduling
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

std::string audioReason(const audio::AudioError& error, const std::string& file) {
    switch (error.kind) {
    case audio::AudioError::Kind::NotAudio:
        return fmt::format("not an audio file: {}", file);
    case audio::AudioError::Kind::Empty:
        return fmt::format("audio file is empty: {}", file);
    case audio::AudioError::Kind::Unsupported:
        return fmt::format("audio format not supported: {}", error.detail);
    case audio::AudioError::Kind::Corrupt:
        return fmt::format("audio cannot be decoded: {}", error.detail);
    default:
        return error.detail;
    }
}

void attachTranscript(Outcome& out, const fs::path& dir, const std::string& callId) {
    if (!safeFileStem(callId)) {
        out.warnings.push_back("call_id cannot name a file, so no transcript was looked for");
        return;
    }
    for (const char* extension : {".json", ".srt", ".vtt"}) {
        const auto path = dir / "transcripts" / (callId + extension);
        std::error_code ec;
        if (!fs::exists(path, ec)) {
            continue;
        }
        auto segments = storage::loadTranscript(path);
        if (segments) {
            out.segments = std::move(*segments);
        } else {
            out.warnings.push_back(
                fmt::format("{}; call imported without transcript", segments.error()));
        }
        return;
    }
}

Outcome processRow(const Row& row, const fs::path& dir,
                   const std::optional<storage::StoredFingerprint>& stored,
                   const ImportOptions& options) {
    Outcome out;
    const auto& f = row.fields;
    const std::string& fileField = at(f, MetadataField::File);
    std::error_code ec;
    const auto found = std::find_if(row.candidates.begin(), row.candidates.end(),
                                    [&](const fs::path& p) { return fs::is_regular_file(p, ec); });
    if (found == row.candidates.end()) {
        out.reason = fmt::format("audio file not found: {}", row.candidates.front().string());
        return out;
    }
    const fs::path& file = *found;
    const auto size = fs::file_size(file, ec);
    if (ec) {
        out.reason = fmt::format("{}: cannot read ({})", file.string(), ec.message());
        return out;
    }
    if (size == 0) {
        out.reason = fmt::format("audio file is empty: {}", fileField);
        return out;
    }
    auto hash = sha256File(file);
    if (!hash) {
        out.reason = hash.error();
        return out;
    }
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
    // Decoded and analysed in one pass, never held whole in memory.
    auto decoded = audio::analyzeFile(file, options.analysis);
    if (!decoded) {
        out.reason = audioReason(decoded.error(), fileField);
        return out;
    }
    if (decoded->frames == 0) {
        out.reason = fmt::format("audio file has no samples: {}", fileField);
        return out;
    }
    out.warnings = decoded->warnings;
    const auto& profile = decoded->profile;

    auto& r = out.recording;
    r.callId = at(f, MetadataField::CallId);
    r.agentNo = at(f, MetadataField::AgentId);
    r.agentName =
        at(f, MetadataField::AgentName).empty() ? r.agentNo : at(f, MetadataField::AgentName);
    r.team = at(f, MetadataField::Team);
    r.startTime = at(f, MetadataField::StartTime);
    r.callDate = r.startTime.substr(0, 10);
    r.durationSec = decoded->durationSec();
    if (const auto& duration = at(f, MetadataField::DurationSec); !duration.empty()) {
        r.metaDurationSec = parseDuration(duration);
        if (!r.metaDurationSec) {
            out.warnings.push_back(
                fmt::format("duration_sec \"{}\" is not a number of seconds; ignored", duration));
        }
    }
    r.direction = at(f, MetadataField::Direction);
    r.queue = at(f, MetadataField::Queue);
    r.customerPhone = at(f, MetadataField::CustomerPhone);
    r.filePath = fs::absolute(file).lexically_normal().string();
    r.fileSize = static_cast<std::int64_t>(size);
    r.sha256 = *hash;
    r.codec = decoded->codec;
    r.container = decoded->container;
    r.sampleRateHz = decoded->sampleRateHz;
    r.channels = decoded->channels;
    out.profile = toProfileRecord(profile);
    out.profile.seekIndex = audio::serializeSeekIndex(decoded->seekIndex);
    attachTranscript(out, dir, r.callId);
    out.kind = Outcome::Kind::Imported;
    return out;
}

Outcome processRowSafely(const Row& row, const fs::path& dir,
                         const std::optional<storage::StoredFingerprint>& stored,
                         const ImportOptions& options) {
    try {
        return processRow(row, dir, stored, options);
    } catch (const std::exception& error) {
        Outcome out;
        out.reason = fmt::format("internal error while reading it: {}", error.what());
        return out;
    }
}

/// assets/import/columns.toml; the built-in assets' copy when a CALLQC_ASSETS folder has none.
fs::path defaultColumnsFile() {
    const auto configured = assetsDir() / "import" / "columns.toml";
    std::error_code ec;
    if (fs::exists(configured, ec)) {
        return configured;
    }
    return fs::path(CALLQC_ASSETS_DIR) / "import" / "columns.toml";
}

/// The metadata CSV, decoded to UTF-8 as it is read.
class MetadataReader {
public:
    static CoreResult<std::unique_ptr<MetadataReader>> open(const fs::path& path) {
        auto reader = std::unique_ptr<MetadataReader>(new MetadataReader);
        std::error_code ec;
        if (!fs::is_directory(path, ec)) {
            reader->m_file.open(path, std::ios::binary);
        }
        if (!reader->m_file) {
            return tl::unexpected(inputError(fmt::format("{}: cannot open", path.string())));
        }
        reader->m_encoding = storage::detectEncoding(reader->m_file);
        reader->m_file.clear();
        reader->m_file.seekg(0);
        std::streambuf* text = reader->m_file.rdbuf();
        if (reader->m_encoding == storage::TextEncoding::Gb18030) {
            reader->m_decoder = std::make_unique<storage::Gb18030ToUtf8Buf>(*text);
            text = reader->m_decoder.get();
        }
        reader->m_csv = std::make_unique<storage::CsvReader>(*text);
        return reader;
    }
    storage::CsvReader& csv() { return *m_csv; }
    [[nodiscard]] storage::TextEncoding encoding() const { return m_encoding; }
    [[nodiscard]] int replaced() const { return m_decoder ? m_decoder->replaced() : 0; }

private:
    MetadataReader() = default;
    std::ifstream m_file;
    storage::TextEncoding m_encoding = storage::TextEncoding::Utf8;
    std::unique_ptr<storage::Gb18030ToUtf8Buf> m_decoder;
    std::unique_ptr<storage::CsvReader> m_csv;
};

/// Rows handed to workers and their outcomes, shared between the workers and the writer.
struct Pipeline {
    std::mutex mutex;
    std::condition_variable ready; ///< a row finished
    std::condition_variable room;  ///< the writer committed rows, or stop
    std::vector<Outcome> outcomes;
    std::vector<char> finished;
    std::vector<char> handedOut;
    std::size_t firstWaiting = 0; ///< rows [0, firstWaiting) are all handed out
    std::size_t inFlight = 0;     ///< handed out, not finished
    std::size_t contiguous = 0;   ///< rows [0, contiguous) are finished
    std::size_t committed = 0;    ///< rows [0, committed) are written
    bool stop = false;
};

/// The row a worker takes next, with `pipeline.mutex` held: of the rows not yet handed out that
/// lie within `window` rows of the commit point, the biggest file (the earliest of equals), so
/// that a long call late in the day does not run alone on one core at the end while the other
/// cores idle (longest processing time first, Graham 1969). `rows.size()` when there is none.
std::size_t pickRow(const Pipeline& pipe, const std::vector<Row>& rows, std::size_t window) {
    const std::size_t end = std::min(rows.size(), pipe.committed + window);
    std::size_t best = rows.size();
    for (std::size_t i = pipe.firstWaiting; i < end; ++i) {
        if (!pipe.handedOut[i] && (best == rows.size() || rows[i].bytes > rows[best].bytes)) {
            best = i;
        }
    }
    return best;
}

/// Sets `stop` on every way out of importDay, so workers never wait for a writer that is gone.
struct StopOnExit {
    Pipeline& pipeline;
    ~StopOnExit() {
        const std::lock_guard lock(pipeline.mutex);
        pipeline.stop = true;
        pipeline.room.notify_all();
    }
};

} // namespace

CoreResult<ImportReport> importDay(storage::Database& db, const fs::path& source,
                                   const ImportOptions& options, Progress* progress) {
    std::error_code ec;
    const bool sourceIsFile = fs::is_regular_file(source, ec);
    const fs::path metadataPath = sourceIsFile ? source : source / "metadata.csv";
    const fs::path dir =
        sourceIsFile ? (source.has_parent_path() ? source.parent_path() : ".") : source;

    auto columns = storage::loadColumnMap(defaultColumnsFile());
    if (columns && !options.columnsFile.empty()) {
        columns = storage::loadColumnMap(options.columnsFile, *columns);
    }
    if (!columns) {
        return tl::unexpected(inputError(columns.error()));
    }
    const auto zone = storage::TimeZone::load(options.timeZone);
    if (!zone) {
        return tl::unexpected(inputError(zone.error()));
    }
    auto metadata = MetadataReader::open(metadataPath);
    if (!metadata) {
        return tl::unexpected(metadata.error());
    }
    auto& csv = (*metadata)->csv();

    ImportReport report;
    report.encoding = std::string(storage::encodingName((*metadata)->encoding()));
    auto header = csv.next();
    if (!header) {
        return tl::unexpected(inputError(fmt::format("{}: empty file", metadataPath.string())));
    }
    if (header->defect == storage::CsvDefect::Overlong ||
        header->defect == storage::CsvDefect::Unclosed) {
        return tl::unexpected(
            inputError(fmt::format("{}: header {}", metadataPath.string(), csv.describe(*header))));
    }
    const auto columnOf = storage::matchHeader(*columns, header->fields);
    for (const auto field : kRequired) {
        if (!columnOf[static_cast<std::size_t>(field)]) {
            return tl::unexpected(inputError(
                fmt::format("{}: header has no \"{}\" column (looked for: {})",
                            metadataPath.string(), storage::fieldName(field),
                            fmt::join(columns->names[static_cast<std::size_t>(field)], ", "))));
        }
    }

    // Validate rows first; only well-formed rows go to the workers.
    const auto& roots =
        options.recordingRoots.empty() ? std::vector<fs::path>{dir} : options.recordingRoots;
    const auto confined = [&](const fs::path& p) {
        return std::any_of(roots.begin(), roots.end(),
                           [&](const fs::path& root) { return isInside(p, root); });
    };
    std::vector<Row> rows;
    std::unordered_map<std::string, int> firstRowOf;
    const std::size_t headerSize = header->fields.size();
    while (auto csvRow = csv.next()) {
        Row row;
        row.line = csvRow->line;
        for (std::size_t field = 0; field < storage::kMetadataFieldCount; ++field) {
            const auto column = columnOf[field];
            if (column && *column < csvRow->fields.size()) {
                row.fields[field] = cellValue(csvRow->fields[*column]);
            }
        }
        const auto& callId = at(row.fields, MetadataField::CallId);
        const auto& file = at(row.fields, MetadataField::File);
        RejectedRow rejected{row.line, callId, file, ""};
        const auto missing =
            std::find_if(kRequired.begin(), kRequired.end(),
                         [&](MetadataField field) { return at(row.fields, field).empty(); });
        const auto extra = std::find_if(
            csvRow->fields.begin() +
                static_cast<std::ptrdiff_t>(std::min(headerSize, csvRow->fields.size())),
            csvRow->fields.end(), [](const std::string& v) { return !cellValue(v).empty(); });
        std::optional<tl::expected<std::string, std::string>> time;
        if (csvRow->defect == storage::CsvDefect::Overlong) {
            rejected.reason =
                fmt::format("row is longer than {} bytes; not read", storage::kMaxCsvRecordBytes);
        } else if (csvRow->defect == storage::CsvDefect::Unclosed) {
            rejected.reason = fmt::format("a quoted field on this row is never closed; lines {}–{} "
                                          "were not read",
                                          csvRow->line, csvRow->lastLine);
        } else if (csvRow->fields.size() < headerSize || extra != csvRow->fields.end()) {
            rejected.reason =
                fmt::format("has {} columns, header has {}", csvRow->fields.size(), headerSize);
        } else if (file.find('\0') != std::string::npos) {
            rejected.reason = "file name contains a NUL byte; not read";
        } else if (missing != kRequired.end()) {
            rejected.reason = fmt::format("\"{}\" is empty", storage::fieldName(*missing));
        } else if (time =
                       storage::toLocalTimestamp(at(row.fields, MetadataField::StartTime), *zone);
                   !*time) {
            rejected.reason = fmt::format("start_time \"{}\" {}",
                                          at(row.fields, MetadataField::StartTime), time->error());
        } else if (!firstRowOf.emplace(callId, row.line).second) {
            rejected.reason = "duplicate call_id in this file";
        } else {
            if (csvRow->defect == storage::CsvDefect::StrayQuote) {
                report.warnings.push_back(
                    fmt::format("{}: {}", metadataPath.string(), csv.describe(*csvRow)));
            }
            at(row.fields, MetadataField::StartTime) = **time;
            const fs::path named(file);
            const fs::path resolved = named.is_absolute() ? named : dir / named;
            if (!confined(resolved)) {
                rejected.reason =
                    fmt::format("file \"{}\" is outside the recording folders; not read", file);
                report.rejected.push_back(std::move(rejected));
                continue;
            }
            row.candidates.push_back(resolved);
            if (const auto gbk = storage::utf8ToGb18030(file); gbk && *gbk != file) {
                const fs::path gbkNamed(*gbk);
                const fs::path gbkResolved = gbkNamed.is_absolute() ? gbkNamed : dir / gbkNamed;
                if (confined(gbkResolved)) {
                    row.candidates.push_back(gbkResolved);
                }
            }
            for (const auto& candidate : row.candidates) {
                std::error_code sizeEc;
                if (fs::is_regular_file(candidate, sizeEc)) {
                    const auto size = fs::file_size(candidate, sizeEc);
                    row.bytes = sizeEc ? 0 : size;
                    break;
                }
            }
            rows.push_back(std::move(row));
            continue;
        }
        report.rejected.push_back(std::move(rejected));
    }
    if (const int replaced = (*metadata)->replaced(); replaced > 0) {
        report.warnings.push_back(fmt::format("{}: {} bytes are neither UTF-8 nor GB18030; read "
                                              "as U+FFFD",
                                              metadataPath.string(), replaced));
    }

    std::vector<std::optional<storage::StoredFingerprint>> stored(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        auto found = storage::findRecording(db, at(rows[i].fields, MetadataField::CallId));
        if (!found) {
            return tl::unexpected(CoreError{CoreError::Kind::Storage, found.error().message()});
        }
        stored[i] = *found;
    }

    const std::size_t n = rows.size();
    const auto batchSize = static_cast<std::size_t>(std::max(1, options.rowsPerTransaction));
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const auto workers = static_cast<std::size_t>(
        std::clamp<int>(options.jobs > 0 ? options.jobs : static_cast<int>(cores), 1, 64));
    const std::size_t window = std::max(batchSize * 2, workers * 2);
    if (progress) {
        progress->total = static_cast<int>(n);
        progress->done = 0;
    }
    const auto cancelRequested = [&] {
        return progress && progress->cancel.load();
    };

    Pipeline pipe;
    pipe.outcomes.resize(n);
    pipe.finished.assign(n, 0);
    pipe.handedOut.assign(n, 0);
    std::vector<std::jthread> pool;
    const StopOnExit stopOnExit{pipe};
    for (std::size_t w = 0; w < std::min(workers, n); ++w) {
        pool.emplace_back([&] {
            while (true) {
                std::size_t i = n;
                {
                    std::unique_lock lock(pipe.mutex);
                    pipe.room.wait(lock, [&] {
                        if (pipe.stop || cancelRequested() || pipe.firstWaiting >= n) {
                            return true;
                        }
                        i = pickRow(pipe, rows, window);
                        return i < n;
                    });
                    if (pipe.stop || cancelRequested() || pipe.firstWaiting >= n) {
                        return;
                    }
                    pipe.handedOut[i] = 1;
                    while (pipe.firstWaiting < n && pipe.handedOut[pipe.firstWaiting]) {
                        ++pipe.firstWaiting;
                    }
                    ++pipe.inFlight;
                }
                Outcome outcome = processRowSafely(rows[i], dir, stored[i], options);
                {
                    const std::lock_guard lock(pipe.mutex);
                    pipe.outcomes[i] = std::move(outcome);
                    pipe.finished[i] = 1;
                    --pipe.inFlight;
                    while (pipe.contiguous < n && pipe.finished[pipe.contiguous]) {
                        ++pipe.contiguous;
                    }
                }
                pipe.ready.notify_all();
                if (progress) {
                    ++progress->done;
                }
            }
        });
    }

    // Write in order, in short transactions: each batch is all-or-nothing, and a call already in
    // the database (an earlier run, or another process) is looked up again inside the transaction.
    std::size_t start = 0;
    while (start < n) {
        std::size_t end = std::min(n, start + batchSize);
        {
            std::unique_lock lock(pipe.mutex);
            while (true) {
                if (cancelRequested() && !pipe.stop) {
                    pipe.stop = true;
                    pipe.room.notify_all();
                }
                if (pipe.stop) {
                    if (pipe.inFlight == 0) {
                        end = std::min(end, pipe.contiguous);
                        break;
                    }
                } else if (pipe.contiguous >= end) {
                    break;
                }
                pipe.ready.wait_for(lock, std::chrono::milliseconds(50));
            }
        }
        if (end <= start) {
            break;
        }
        std::vector<Outcome::Kind> decided(end - start);
        std::vector<std::string> reasons(end - start);
        storage::Result<void> written;
        for (int attempt = 1; attempt <= kWriteAttempts; ++attempt) {
            written = db.transaction([&]() -> storage::Result<void> {
                for (std::size_t i = start; i < end; ++i) {
                    const auto& o = pipe.outcomes[i];
                    decided[i - start] = o.kind;
                    reasons[i - start].clear();
                    if (o.kind != Outcome::Kind::Imported) {
                        continue;
                    }
                    auto existing = storage::findRecording(db, o.recording.callId);
                    if (!existing) {
                        return tl::unexpected(existing.error());
                    }
                    if (*existing) {
                        if ((*existing)->sha256 == o.recording.sha256) {
                            decided[i - start] = Outcome::Kind::Unchanged;
                        } else {
                            decided[i - start] = Outcome::Kind::Rejected;
                            reasons[i - start] = fmt::format(
                                "already imported with different content (stored SHA-256 {}…, "
                                "file now {}…); not replaced",
                                (*existing)->sha256.substr(0, 12),
                                o.recording.sha256.substr(0, 12));
                        }
                        continue;
                    }
                    auto agent = storage::upsertAgent(db, o.recording.agentNo,
                                                      o.recording.agentName, o.recording.team);
                    if (!agent) {
                        return tl::unexpected(agent.error());
                    }
                    auto id =
                        storage::insertRecording(db, *agent, o.recording, o.profile, o.segments);
                    if (!id) {
                        return tl::unexpected(id.error());
                    }
                }
                return {};
            });
            if (written || written.error().kind != storage::StorageError::Kind::Locked) {
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt));
        }
        if (!written) {
            return tl::unexpected(
                CoreError{CoreError::Kind::Storage,
                          fmt::format("writing rows {}–{} failed: {}", rows[start].line,
                                      rows[end - 1].line, written.error().message())});
        }
        for (std::size_t i = start; i < end; ++i) {
            auto& o = pipe.outcomes[i];
            const auto& row = rows[i];
            const auto& callId = at(row.fields, MetadataField::CallId);
            for (const auto& w : o.warnings) {
                report.warnings.push_back(fmt::format("row {} ({}): {}", row.line, callId, w));
            }
            switch (decided[i - start]) {
            case Outcome::Kind::Imported:
                ++report.imported;
                break;
            case Outcome::Kind::Unchanged:
                ++report.unchanged;
                break;
            case Outcome::Kind::Rejected:
                report.rejected.push_back(
                    {row.line, callId, at(row.fields, MetadataField::File),
                     reasons[i - start].empty() ? o.reason : reasons[i - start]});
                break;
            }
            o = Outcome{}; // the profile and transcript are in the database now
        }
        {
            const std::lock_guard lock(pipe.mutex);
            pipe.committed = end;
        }
        pipe.room.notify_all();
        start = end;
    }
    if (start < n) {
        report.cancelled = true;
        report.warnings.push_back(fmt::format("import cancelled: {} of {} calls were not "
                                              "processed; import the day again to finish",
                                              n - start, n));
    }
    std::stable_sort(report.rejected.begin(), report.rejected.end(),
                     [](const RejectedRow& a, const RejectedRow& b) { return a.row < b.row; });
    return report;
}

} // namespace callqc::core
