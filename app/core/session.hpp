#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/core/auth.hpp"
#include "app/core/core_error.hpp"
#include "app/core/exports.hpp"
#include "app/core/permissions.hpp"
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
#include "storage/evaluation_version_store.hpp"
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

/// A correction of one answer of a submitted evaluation (Session::reviseEvaluation); what is not
/// set stays as it was.
struct AnswerChange {
    std::optional<scoring::AnswerValue> value; ///< pass, fail or not applicable
    /// Points of a Points item, occurrences of a Deduction item (the answer becomes "pass" with
    /// that number); an error for a pass/fail item.
    std::optional<double> number;
    std::optional<std::string> comment;
};

struct RevisionSummary {
    int version = 0; ///< the version the correction made (2 for the first)
    std::optional<double> scoreBefore;
    std::optional<double> scoreAfter;
};

/// One user's working session on one database: the use cases both front ends call. Every use
/// case checks the acting user's role and scope (permissions.hpp) before it reads or writes, and
/// refuses with CoreError::Kind::Refused and a message naming the user, the role and what is
/// missing; list use cases (search, report, queue, recompute) keep only the rows in scope.
///
/// Thread-safety: owns a database connection, so it belongs to the thread that made it; a job
/// thread makes its own Session (or its own storage::Database) on the same file.
class Session {
public:
    /// Signs `user` in with `password` (auth.hpp signIn: audited, slowed down and locked after
    /// repeated failures) and opens a session as them.
    [[nodiscard]] static CoreResult<Session> signIn(const std::filesystem::path& dbPath,
                                                    const std::string& user,
                                                    std::string_view password,
                                                    const AuthOptions& options = {});
    /// Opens a session as `actor`, who the caller has signed in already (signIn above, or
    /// auth.hpp signIn on the same database).
    [[nodiscard]] static CoreResult<Session> open(const std::filesystem::path& dbPath, Actor actor);
    /// Opens a session as the user called `name`, without a password: for tests and for callers
    /// that signed the user in already. When the users table has that user, the session takes
    /// their role and scope (Refused for a disabled account). A database without any user at all
    /// (one made before accounts existed) is opened as a QC inspector of that name scoped to
    /// every project ("*"), as it was then; once any user exists, an unknown name is Refused.
    [[nodiscard]] static CoreResult<Session> open(const std::filesystem::path& dbPath,
                                                  std::string name);

    /// For a front end starting up: signs `user` in with `password` when the database has user
    /// accounts (Refused without a password), else opens it by name as open() above does for a
    /// database from before accounts existed.
    [[nodiscard]] static CoreResult<Session> start(const std::filesystem::path& dbPath,
                                                   const std::string& user,
                                                   const std::optional<std::string>& password,
                                                   const AuthOptions& options = {});

    [[nodiscard]] storage::Database& db() { return m_db; }
    /// The acting user's name (whose queue, annotations and evaluations the session works on).
    [[nodiscard]] const std::string& inspector() const { return m_actor.user; }
    [[nodiscard]] const Actor& actor() const { return m_actor; }
    [[nodiscard]] const scoring::Checklist& checklist() const { return m_checklist; }

    /// The acting user's sampled calls, on `callDate` when given, in call-time order; only those
    /// in their scope. Refused for roles without a queue (ViewQueue).
    [[nodiscard]] CoreResult<std::vector<storage::QueueRow>>
    queue(const std::optional<std::string>& callDate = std::nullopt);

    /// Draws the day's sample by the plan of scoring/sampling.hpp (random calls per agent, extra
    /// for focus agents and new hires, every complaint, spread over the day, split among the
    /// inspectors), reproducibly by seed, stores the batch and audits it ("sample.draw").
    /// Refused unless the user may sample the queue asked for; without a queue, unless their
    /// scope is every project.
    [[nodiscard]] CoreResult<SampleSummary> sampleDay(const std::string& callDate,
                                                      const SampleOptions& options);
    [[nodiscard]] CoreResult<SampleSummary> sampleDay(const std::string& callDate, int perAgent,
                                                      std::uint64_t seed) {
        SampleOptions options;
        options.rules.perAgent = perAgent;
        options.rules.seed = seed;
        return sampleDay(callDate, options);
    }

    /// Flags an agent for focused listening (重点监听) or clears the flag. Refused unless the
    /// agent works in the user's scope (their team, or a queue of one of their calls).
    [[nodiscard]] CoreResult<void> setAgentFocus(const std::string& employeeNo, bool focus);
    /// Sets an agent's hire date, 'YYYY-MM-DD'; permitted like setAgentFocus.
    [[nodiscard]] CoreResult<void> setAgentHireDate(const std::string& employeeNo,
                                                    const std::string& hireDate);
    /// Marks a call as complained about (every sample then includes it) or clears the mark.
    [[nodiscard]] CoreResult<void> setComplaint(const std::string& callId, bool complaint);

    /// Opens a call for review (OpenCall) and audits it ("call.open").
    [[nodiscard]] CoreResult<CallView> openCall(std::int64_t recordingId);

    /// One page of calls matching `request` (app/core/search.hpp), only those in the user's
    /// scope. Customer numbers come masked (maskPhone) unless the role sees full numbers and
    /// `request.fullNumbers` asks for them; asking for them, or searching by a whole number, is
    /// Refused for other roles (searching by the last 4 digits is not).
    [[nodiscard]] CoreResult<SearchResult> search(const SearchRequest& request);

    /// Scores and stores the user's answers as a draft, or as a submission when `submit` (which
    /// first requires every item answered and every required comment present). Refused unless
    /// the user may score the call: an inspector only calls in their queue, a supervisor any
    /// call of their projects. A submission is sealed (evaluation_history.hpp), which audits it
    /// ("evaluation.submit").
    [[nodiscard]] CoreResult<scoring::ScoreResult>
    saveEvaluation(std::int64_t recordingId, const scoring::Answers& answers, bool submit);

    /// This user's annotations of the recording, in time order; refused unless they may open
    /// the call. Adding, changing and deleting one is refused unless they may annotate it
    /// (Annotate: an inspector only calls in their queue).
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

    /// Every submitted evaluation in the user's scope scored again with its own checklist
    /// version; refused for roles that may not read evaluations.
    [[nodiscard]] CoreResult<std::vector<RecomputedScore>> recomputeSubmitted();

    /// Submitted evaluations of calls from `fromDate` to `toDate` (inclusive) in the user's
    /// scope (a team lead: their teams), grouped by agent or team, each group's mean graded by
    /// the configured bands. Refused for roles that may not export reports; audited
    /// ("export.report").
    [[nodiscard]] CoreResult<std::vector<ReportLine>>
    report(storage::ReportGrouping by, const std::string& fromDate, const std::string& toDate);
    [[nodiscard]] CoreResult<std::vector<ReportLine>> report(storage::ReportGrouping by,
                                                             const std::string& callDate) {
        return report(by, callDate, callDate);
    }

    /// Writes every call matching `request` (same criteria, scope and masking as search(); its
    /// limit and cursor are ignored) as a table in `options.format`, newest first: call id,
    /// start, duration, agent, team, queue, customer number, dead air and overtalk counts,
    /// evaluation and score. Customer numbers are masked unless `options.fullNumbers` is asked
    /// by a role that sees them (Refused for others). Refused for roles that may not export
    /// (ExportReport); Input when more than kMaxExportedCalls match. Audited ("export.calls":
    /// format, rows, masked, file).
    [[nodiscard]] CoreResult<TableExportSummary> exportCalls(const SearchRequest& request,
                                                             const TableExportOptions& options);

    /// report() as a table (group, name, evaluations, mean, min, max, grade). `outside`: the
    /// data is to leave the team (运营报表数据外发), which only supervisors and managers may do
    /// (ExportReportOutside); it is said in the file's notes and in the audit entry
    /// ("export.report": by, period, rows, format, file, outside).
    [[nodiscard]] CoreResult<TableExportSummary>
    exportReport(storage::ReportGrouping by, const std::string& fromDate, const std::string& toDate,
                 const TableExportOptions& options, bool outside);

    /// Exports a stretch of a call as a clip (audio/clip_export.hpp) into `request.outDir`,
    /// named by clipFileName(), its title and comment tags naming the call, agent, team, start
    /// and customer number (masked unless asked for by a role that sees full numbers). The
    /// recording's SHA-256 is checked first: a file changed since import is refused and audited
    /// ("recording.mismatch"). Refused unless the user may export clips of the call
    /// (ExportClip). Audited ("export.clip": call, stretch, format, masked, file).
    [[nodiscard]] CoreResult<ClipSummary> exportClip(std::int64_t recordingId,
                                                     const ClipRequest& request);

    /// Corrects `inspector`'s submitted evaluation of the recording: applies `changes` to its
    /// answers, scores them with the checklist version it was scored with, and stores the next
    /// version with `reason` (evaluation_history.hpp reviseEvaluation: audited, earlier
    /// versions stay readable, reports use the latest). Refused unless the user may revise it
    /// (the inspector their own, a supervisor in their projects); Input when nothing changes,
    /// an item is unknown or the answers could not be submitted; NotFound without a
    /// submission.
    [[nodiscard]] CoreResult<RevisionSummary>
    reviseEvaluation(std::int64_t recordingId, const std::string& inspector,
                     const std::map<std::string, AnswerChange>& changes, const std::string& reason);
    /// Every version of `inspector`'s evaluation of the recording, oldest first; refused unless
    /// the user may read evaluations of the call.
    [[nodiscard]] CoreResult<std::vector<storage::EvaluationVersionRecord>>
    evaluationVersions(std::int64_t recordingId, const std::string& inspector);

    /// Moves a sampled call from the queue it is in to inspector `to`'s, as a supervisor
    /// balances work (ReassignCall). Refused for other roles and out of scope; once the accounts
    /// exist `to` must be an enabled inspector or supervisor whose scope covers the call. Input
    /// when the call is in no queue, already in `to`'s, or already submitted by its inspector
    /// (a submission is revised, not moved). Audited ("queue.reassign": call, from, to).
    [[nodiscard]] CoreResult<void> reassignCall(std::int64_t recordingId, const std::string& to);

    /// Records that the user started playing a call (PlayCall; audited "call.play"). Front ends
    /// call it once per opening of a call, on the first play.
    [[nodiscard]] CoreResult<void> playCall(std::int64_t recordingId);

private:
    struct ReportData {
        std::vector<ReportLine> lines;
        std::size_t evaluations = 0;
    };
    /// What report() returns, without auditing it.
    [[nodiscard]] CoreResult<ReportData>
    reportData(storage::ReportGrouping by, const std::string& fromDate, const std::string& toDate);

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
    /// Refused unless the user may annotate the recording, and when their evaluation of it is
    /// submitted.
    [[nodiscard]] CoreResult<void> requireOpenForAnnotation(std::int64_t recordingId);
    /// None when the user may do `action` on the recording, else why not (or why it could not
    /// be looked up).
    [[nodiscard]] std::optional<CoreError> refusalFor(Action action, std::int64_t recordingId);
    /// Appends an audit entry by this user.
    [[nodiscard]] CoreResult<void> audit(std::string action, std::string subject,
                                         nlohmann::json detail);

    /// Loads the checklist, phrase rules and grade bands and makes the session.
    [[nodiscard]] static CoreResult<Session> make(storage::Database db, Actor actor);

    Session(storage::Database db, Actor actor, scoring::Checklist checklist,
            storage::ChecklistRecord record, std::vector<scoring::PhraseRule> rules,
            scoring::GradeThresholds grades)
        : m_db(std::move(db)), m_actor(std::move(actor)), m_checklist(std::move(checklist)),
          m_checklistRecord(std::move(record)), m_phraseMatcher(std::move(rules)),
          m_grades(grades) {}

    storage::Database m_db;
    Actor m_actor;
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
