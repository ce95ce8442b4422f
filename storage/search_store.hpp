#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "storage/call_store.hpp"
#include "storage/database.hpp"

namespace callqc::storage {

/// What a search asks for, already checked and normalised (app/core/search.hpp does that for
/// people's input). Every criterion that is set must hold.
struct SearchCriteria {
    std::optional<std::string> callId;
    bool callIdPrefix = false;              ///< callId is a prefix of the call id
    std::optional<std::string> phoneDigits; ///< the whole customer number, digits only
    std::optional<std::string> phoneLast4;  ///< the customer number's last 4 digits
    std::optional<std::string> agent;       ///< employee number, or the exact name
    std::optional<std::string> team;        ///< the agent's team name
    std::optional<std::string> queue;
    std::optional<std::string> fromTime;  ///< 'YYYY-MM-DD HH:MM:SS', inclusive
    std::optional<std::string> untilTime; ///< 'YYYY-MM-DD HH:MM:SS', exclusive
    std::optional<double> minDurationSec; ///< inclusive
    std::optional<double> maxDurationSec; ///< inclusive
    bool deadAir = false;                 ///< at least one dead-air interval
    bool overtalk = false;                ///< at least one overtalk interval
    std::optional<bool> evaluated;        ///< has a submitted evaluation (true) or none (false)
    /// A submitted evaluation scored at least minScore, at most maxScore, and failed failedItem
    /// (value "fail", or a deduction that occurred): all that are set hold for one evaluation.
    std::optional<double> minScore;
    std::optional<double> maxScore;
    std::optional<std::string> failedItem;
    /// Text said in one transcript segment, as a substring, ASCII case ignored. Text of 3 or more
    /// characters goes through the trigram index, 1 or 2 characters through the gram index.
    std::optional<std::string> text;
};

/// Which page, newest calls first: calls are ordered by (start_time DESC, id DESC).
struct PageRequest {
    int limit = 50;                       ///< 1 or more
    std::optional<std::int64_t> afterKey; ///< SearchPage::nextKey of the page before
    int countUpTo = 0; ///< also count all matches (not just after afterKey), up to this many
};

struct SearchRow {
    std::int64_t id = 0;
    std::string callId;
    std::string startTime; ///< local 'YYYY-MM-DD HH:MM:SS'
    double durationSec = 0;
    std::string agentNo;
    std::string agentName;
    std::string team;
    std::string queue;
    std::string customerPhone; ///< as stored
    int deadAirCount = 0;
    int overtalkCount = 0;
    std::string evaluationStatus; ///< "" (none), "draft" or "submitted" (a submission wins)
    std::optional<double> score;  ///< of that evaluation
    std::int64_t sortKey = 0;     ///< the row's place in the order; see nextKey
};

struct SearchPage {
    std::vector<SearchRow> rows;
    std::optional<std::int64_t> nextKey; ///< set when more calls match after this page
    std::optional<std::int64_t> count;   ///< when asked: all matches, at most countUpTo
    bool countCapped = false;            ///< more than countUpTo match
};

/// One page of the calls that match every criterion. Read-only; any thread with its own Database.
[[nodiscard]] Result<SearchPage> searchRecordings(Database& db, const SearchCriteria& criteria,
                                                  const PageRequest& page);

/// How searchRecordings runs this search: the driver it picks ("call_id", "phone", "agent",
/// "candidates:<what>", "evaluations", "text", "grams" or "scan") on the first line, then
/// SQLite's query plan.
[[nodiscard]] Result<std::string> explainSearch(Database& db, const SearchCriteria& criteria);

/// Adds a call's transcript to the search tables. insertRecording calls it; it needs the
/// recording row (its sort_key) to exist.
[[nodiscard]] Result<void> indexTranscript(Database& db, std::int64_t recordingId,
                                           const std::vector<SegmentRecord>& segments);

/// indexTranscript with its statements prepared once, for a writer of many calls (a data
/// generator). Belongs to the thread of the Database it was prepared on, and must not outlive it.
class TranscriptIndexer {
public:
    [[nodiscard]] static Result<TranscriptIndexer> prepare(Database& db);
    [[nodiscard]] Result<void> add(std::int64_t recordingId,
                                   const std::vector<SegmentRecord>& segments);

private:
    TranscriptIndexer(Statement fts, Statement grams)
        : m_fts(std::move(fts)), m_grams(std::move(grams)) {}
    Statement m_fts;
    Statement m_grams;
};

/// The digits of a phone number as typed or exported ("+86 138-1234-5678" → "8613812345678").
[[nodiscard]] std::string phoneDigits(std::string_view phone);

/// The gram index's document for a transcript text: every distinct 1- and 2-character substring,
/// separated by spaces (characters are UTF-8 sequences, as SQLite's substr counts them).
[[nodiscard]] std::string transcriptGrams(std::string_view text);

/// A recorded file as imported, for checking that it is still there and unchanged.
struct RecordingFile {
    std::int64_t id = 0;
    std::string callId;
    std::string callDate;
    std::string filePath;
    std::int64_t fileSize = 0;
    std::string sha256;
};

/// The files of the calls of `callDate` ('YYYY-MM-DD'), or of every call, in call-id order.
[[nodiscard]] Result<std::vector<RecordingFile>>
recordingFiles(Database& db, const std::optional<std::string>& callDate);

} // namespace callqc::storage
