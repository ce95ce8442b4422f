#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/core/core_error.hpp"
#include "app/core/search.hpp"
#include "audio/analysis.hpp"
#include "audio/audio_stream.hpp"
#include "scoring/checklist.hpp"
#include "scoring/grades.hpp"
#include "scoring/phrases.hpp"
#include "scoring/sampling.hpp"
#include "scoring/score.hpp"
#include "storage/annotation_store.hpp"
#include "storage/call_store.hpp"
#include "storage/database.hpp"
#include "storage/review_store.hpp"

namespace callqc::core {

/// Where the default checklist and phrase rules live; CALLQC_ASSETS overrides the built-in path.
[[nodiscard]] std::filesystem::path assetsDir();

/// The database path used when none is given: $CALLQC_DB, else
/// $XDG_DATA_HOME/callqc/callqc.db, else ~/.local/share/callqc/callqc.db.
[[nodiscard]] std::filesystem::path defaultDatabasePath();

/// Everything the review screen shows about one call.
struct CallView {
    storage::RecordingRecord recording;
    storage::ProfileRecord profile;
    audio::PeakPyramid peaks;
    audio::SeekIndex seekIndex; ///< empty for calls imported before it was stored
    std::vector<storage::SegmentRecord> segments;
    std::vector<scoring::PhraseHit> hits;
    scoring::Checklist checklist; ///< the version this call is (or will be) scored with
    scoring::Answers answers;     ///< the saved draft or submission, else the suggestions
    std::map<std::string, std::string> suggestions; ///< item id → why it was suggested
    std::string status;                             ///< "", "draft" or "submitted"
};

struct SampleOptions {
    /// The plan's rules (scoring/sampling.hpp); empty `inspectors` means this session's user.
    scoring::SampleRules rules{.perAgent = 2, .seed = 1};
    std::optional<std::string> queue; ///< sample only this queue (技能组/项目); all when empty
};

struct SampleSummary {
    std::int64_t batchId = 0;
    std::string callDate;
    int calls = 0;  ///< calls on that day
    int agents = 0; ///< agents with calls that day
    int picked = 0;
    std::vector<std::string> explanations;   ///< one per agent, e.g. "008012 王芳: 2 of 7 calls"
    std::vector<std::string> shortfalls;     ///< agents with fewer eligible calls than their quota
    std::map<std::string, int> perInspector; ///< picks per inspector
    std::map<std::string, int> perReason;    ///< picks per reason code
};

/// A submitted evaluation scored again from its stored answers with the checklist version it was
/// scored with.
struct RecomputedScore {
    std::int64_t evaluationId = 0;
    std::int64_t recordingId = 0;
    int checklistVersion = 0;
    std::optional<double> stored;
    std::optional<double> recomputed;
    [[nodiscard]] bool unchanged() const;
};

struct ReportLine {
    std::string key;
    std::string label;
    int evaluations = 0;
    double mean = 0;
    double min = 0;
    double max = 0;
    scoring::Grade grade = scoring::Grade::Trainee; ///< of the mean, by the configured bands
};

/// One user's working session on one database: the use cases both front ends call.
///
/// Thread-safety: owns a database connection, so it belongs to the thread that made it; a job
/// thread makes its own Session (or its own storage::Database) on the same file.
class Session {
public:
    [[nodiscard]] static CoreResult<Session> open(const std::filesystem::path& dbPath,
                                                  std::string inspector);

    [[nodiscard]] storage::Database& db() { return m_db; }
    [[nodiscard]] const std::string& inspector() const { return m_inspector; }
    [[nodiscard]] const scoring::Checklist& checklist() const { return m_checklist; }

    /// The inspector's sampled calls, on `callDate` when given, in call-time order.
    [[nodiscard]] CoreResult<std::vector<storage::QueueRow>>
    queue(const std::optional<std::string>& callDate = std::nullopt);

    /// Draws the day's sample by the plan of scoring/sampling.hpp (random calls per agent, extra
    /// for focus agents and new hires, every complaint, spread over the day, split among the
    /// inspectors), reproducibly by seed, and stores the batch.
    [[nodiscard]] CoreResult<SampleSummary> sampleDay(const std::string& callDate,
                                                      const SampleOptions& options);
    [[nodiscard]] CoreResult<SampleSummary> sampleDay(const std::string& callDate, int perAgent,
                                                      std::uint64_t seed) {
        SampleOptions options;
        options.rules.perAgent = perAgent;
        options.rules.seed = seed;
        return sampleDay(callDate, options);
    }

    /// Flags an agent for focused listening (重点监听) or clears the flag.
    [[nodiscard]] CoreResult<void> setAgentFocus(const std::string& employeeNo, bool focus);
    /// Sets an agent's hire date, 'YYYY-MM-DD'.
    [[nodiscard]] CoreResult<void> setAgentHireDate(const std::string& employeeNo,
                                                    const std::string& hireDate);
    /// Marks a call as complained about (every sample then includes it) or clears the mark.
    [[nodiscard]] CoreResult<void> setComplaint(const std::string& callId, bool complaint);

    [[nodiscard]] CoreResult<CallView> openCall(std::int64_t recordingId);

    /// One page of calls matching `request` (app/core/search.hpp).
    [[nodiscard]] CoreResult<SearchResult> search(const SearchRequest& request) {
        return searchCalls(m_db, request);
    }

    /// Scores and stores the inspector's answers as a draft, or as a submission when `submit`
    /// (which first requires every item answered and every required comment present).
    [[nodiscard]] CoreResult<scoring::ScoreResult>
    saveEvaluation(std::int64_t recordingId, const scoring::Answers& answers, bool submit);

    /// This inspector's annotations of the recording, in time order.
    [[nodiscard]] CoreResult<std::vector<storage::AnnotationRecord>>
    annotations(std::int64_t recordingId);
    /// Marks a moment (or, with `endSec`, a stretch) of the recording with a note, optionally
    /// about checklist item `itemId`; returns it as stored. Refused once this inspector has
    /// submitted the call's evaluation. One small INSERT on the calling thread.
    [[nodiscard]] CoreResult<storage::AnnotationRecord>
    addAnnotation(std::int64_t recordingId, double startSec, std::optional<double> endSec,
                  const std::string& note, const std::optional<std::string>& itemId);
    /// Replaces the note of one of this inspector's annotations; refused once submitted.
    [[nodiscard]] CoreResult<void> updateAnnotationNote(const storage::AnnotationRecord& annotation,
                                                        const std::string& note);
    /// Deletes one of this inspector's annotations; refused once submitted.
    [[nodiscard]] CoreResult<void> deleteAnnotation(const storage::AnnotationRecord& annotation);

    /// Every submitted evaluation scored again with its own checklist version.
    [[nodiscard]] CoreResult<std::vector<RecomputedScore>> recomputeSubmitted();

    /// Submitted evaluations of calls from `fromDate` to `toDate` (inclusive), grouped by agent
    /// or team, each group's mean graded by the configured bands.
    [[nodiscard]] CoreResult<std::vector<ReportLine>>
    report(storage::ReportGrouping by, const std::string& fromDate, const std::string& toDate);
    [[nodiscard]] CoreResult<std::vector<ReportLine>> report(storage::ReportGrouping by,
                                                             const std::string& callDate) {
        return report(by, callDate, callDate);
    }

private:
    struct Suggested {
        scoring::AnswerValue value;
        std::string reason;
    };
    /// What the phrase rules (over the transcript) and the acoustic rules (over the audio
    /// profile) suggest; the phrase hits go to `hits` if given.
    [[nodiscard]] std::map<std::string, Suggested>
    suggestionsFor(const std::vector<storage::SegmentRecord>& segments,
                   const storage::ProfileRecord& profile,
                   std::vector<scoring::PhraseHit>* hits = nullptr) const;
    [[nodiscard]] CoreResult<scoring::Checklist> checklistVersion(std::int64_t checklistId);
    /// Refused when this inspector's evaluation of the recording is submitted.
    [[nodiscard]] CoreResult<void> requireOpenForAnnotation(std::int64_t recordingId);

    Session(storage::Database db, std::string inspector, scoring::Checklist checklist,
            storage::ChecklistRecord record, std::vector<scoring::PhraseRule> rules,
            scoring::GradeThresholds grades)
        : m_db(std::move(db)), m_inspector(std::move(inspector)), m_checklist(std::move(checklist)),
          m_checklistRecord(std::move(record)), m_phraseMatcher(std::move(rules)),
          m_grades(grades) {}

    storage::Database m_db;
    std::string m_inspector;
    scoring::Checklist m_checklist;
    storage::ChecklistRecord m_checklistRecord;
    scoring::PhraseMatcher m_phraseMatcher; ///< built once: openCall and every save use it
    scoring::GradeThresholds m_grades;
};

/// Answers as stored rows and back.
[[nodiscard]] std::vector<storage::AnswerRecord> toAnswerRecords(const scoring::Answers& answers);
[[nodiscard]] std::string answerValueName(scoring::AnswerValue value);
[[nodiscard]] scoring::Answers fromAnswerRecords(const std::vector<storage::AnswerRecord>& rows);

} // namespace callqc::core
