#include "app/core/session.hpp"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

#include <fmt/format.h>

#include "scoring/report.hpp"
#include "scoring/sampling.hpp"
#include "scoring/suggestions.hpp"

namespace callqc::core {
namespace {

CoreError fromStorage(const storage::StorageError& e) {
    return CoreError{e.kind == storage::StorageError::Kind::NotFound ? CoreError::Kind::NotFound
                                                                     : CoreError::Kind::Storage,
                     e.message()};
}

CoreError fromScoring(const scoring::ScoringError& e) {
    return CoreError{CoreError::Kind::Scoring, e.detail};
}

} // namespace

std::string answerValueName(scoring::AnswerValue v) {
    switch (v) {
    case scoring::AnswerValue::Pass:
        return "pass";
    case scoring::AnswerValue::Fail:
        return "fail";
    case scoring::AnswerValue::NotApplicable:
        return "na";
    case scoring::AnswerValue::Unanswered:
        break;
    }
    return "unanswered";
}

namespace {

scoring::AnswerValue valueFrom(const std::string& name) {
    if (name == "pass") {
        return scoring::AnswerValue::Pass;
    }
    if (name == "fail") {
        return scoring::AnswerValue::Fail;
    }
    if (name == "na") {
        return scoring::AnswerValue::NotApplicable;
    }
    return scoring::AnswerValue::Unanswered;
}

scoring::Speaker speakerFrom(const std::string& name) {
    if (name == "agent") {
        return scoring::Speaker::Agent;
    }
    if (name == "customer") {
        return scoring::Speaker::Customer;
    }
    return scoring::Speaker::Unknown;
}

} // namespace

std::filesystem::path assetsDir() {
    if (const char* env = std::getenv("CALLQC_ASSETS"); env && *env) {
        return env;
    }
    return CALLQC_ASSETS_DIR;
}

std::filesystem::path defaultDatabasePath() {
    if (const char* env = std::getenv("CALLQC_DB"); env && *env) {
        return env;
    }
    if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg && *xdg) {
        return std::filesystem::path(xdg) / "callqc" / "callqc.db";
    }
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home ? home : ".") / ".local" / "share" / "callqc" / "callqc.db";
}

std::vector<storage::AnswerRecord> toAnswerRecords(const scoring::Answers& answers) {
    std::vector<storage::AnswerRecord> out;
    for (const auto& [id, a] : answers) {
        if (a.value == scoring::AnswerValue::Unanswered) {
            continue;
        }
        out.push_back({id, answerValueName(a.value), a.points, a.occurrences, a.comment, "", ""});
    }
    return out;
}

scoring::Answers fromAnswerRecords(const std::vector<storage::AnswerRecord>& rows) {
    scoring::Answers answers;
    for (const auto& r : rows) {
        answers[r.itemId] =
            scoring::ItemAnswer{valueFrom(r.value), r.points, r.occurrences, r.comment};
    }
    return answers;
}

CoreResult<Session> Session::open(const std::filesystem::path& dbPath, std::string inspector) {
    auto db = storage::Database::open(dbPath);
    if (!db) {
        return tl::unexpected(fromStorage(db.error()));
    }
    const auto checklistPath = assetsDir() / "checklists" / "default.toml";
    auto checklist = scoring::loadChecklist(checklistPath);
    if (!checklist) {
        return tl::unexpected(fromScoring(checklist.error()));
    }
    auto rules = scoring::loadPhraseRules(assetsDir() / "checklists" / "phrases.toml");
    if (!rules) {
        return tl::unexpected(fromScoring(rules.error()));
    }
    auto grades = scoring::loadGradeThresholds(assetsDir() / "checklists" / "grades.toml");
    if (!grades) {
        return tl::unexpected(fromScoring(grades.error()));
    }
    storage::ChecklistRecord wanted{0,
                                    checklist->id,
                                    checklist->version,
                                    checklist->name.zh,
                                    scoring::canonicalChecklistToml(*checklist),
                                    scoring::checklistFingerprint(*checklist)};
    auto record = storage::ensureChecklist(*db, wanted);
    if (!record) {
        return tl::unexpected(fromStorage(record.error()));
    }
    checklist->version = record->version; // the database numbers the versions it froze
    return Session(std::move(*db), std::move(inspector), std::move(*checklist), std::move(*record),
                   std::move(*rules), *grades);
}

CoreResult<std::vector<storage::QueueRow>>
Session::queue(const std::optional<std::string>& callDate) {
    auto rows = storage::queueFor(m_db, m_inspector, callDate);
    if (!rows) {
        return tl::unexpected(fromStorage(rows.error()));
    }
    return std::move(*rows);
}

namespace {

/// Days from `from` to `to`, both 'YYYY-MM-DD'; nullopt when either is not a valid date.
std::optional<int> daysBetween(const std::string& from, const std::string& to) {
    const auto parse = [](const std::string& text) -> std::optional<std::chrono::sys_days> {
        int y = 0;
        unsigned m = 0;
        unsigned d = 0;
        if (std::sscanf(text.c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3) {
            return std::nullopt;
        }
        const std::chrono::year_month_day date{std::chrono::year(y), std::chrono::month(m),
                                               std::chrono::day(d)};
        if (!date.ok()) {
            return std::nullopt;
        }
        return std::chrono::sys_days(date);
    };
    const auto a = parse(from);
    const auto b = parse(to);
    if (!a || !b) {
        return std::nullopt;
    }
    return static_cast<int>((*b - *a).count());
}

int secondsOfDay(const std::string& startTime) {
    int h = 0;
    int m = 0;
    int sec = 0;
    if (startTime.size() < 19 ||
        std::sscanf(startTime.c_str() + 11, "%2d:%2d:%2d", &h, &m, &sec) != 3) {
        return 0;
    }
    return h * 3600 + m * 60 + sec;
}

} // namespace

CoreResult<SampleSummary> Session::sampleDay(const std::string& callDate,
                                             const SampleOptions& options) {
    auto calls = storage::sampleCandidates(m_db, callDate, options.queue);
    if (!calls) {
        return tl::unexpected(fromStorage(calls.error()));
    }
    if (calls->empty()) {
        return tl::unexpected(CoreError{
            CoreError::Kind::NotFound,
            options.queue
                ? fmt::format("no calls of queue \"{}\" imported for {}", *options.queue, callDate)
                : fmt::format("no calls imported for {}", callDate)});
    }
    std::vector<scoring::SampleCandidate> candidates;
    std::map<std::string, std::int64_t> idOf;
    std::map<std::string, std::string> names;
    for (const auto& c : *calls) {
        names[c.agentNo] = c.agentName;
        scoring::SampleCandidate candidate;
        candidate.callId = c.callId;
        candidate.agentId = c.agentNo;
        candidate.durationSec = c.durationSec;
        candidate.startSecOfDay = secondsOfDay(c.startTime);
        candidate.complaint = c.complaint;
        candidate.alreadyEvaluated = c.evaluated;
        candidate.focusAgent = c.focusAgent;
        if (!c.hireDate.empty()) {
            candidate.daysSinceHire = daysBetween(c.hireDate, callDate);
        }
        candidates.push_back(std::move(candidate));
        idOf[c.callId] = c.recordingId;
    }
    scoring::SampleRules rules = options.rules;
    if (rules.inspectors.empty()) {
        rules.inspectors = {m_inspector};
    }
    const auto plan = scoring::planSample(candidates, rules, scoring::Language::Zh);

    std::vector<storage::QueuePick> picks;
    SampleSummary summary;
    for (const auto& p : plan.picks) {
        picks.push_back({idOf.at(p.callId), p.reason, p.inspector, p.explanation});
        ++summary.perInspector[p.inspector];
        ++summary.perReason[p.reason];
    }
    auto batch =
        storage::createBatch(m_db, callDate, rules.perAgent, rules.seed, m_inspector, picks);
    if (!batch) {
        return tl::unexpected(fromStorage(batch.error()));
    }
    summary.batchId = *batch;
    summary.callDate = callDate;
    summary.calls = static_cast<int>(calls->size());
    summary.agents = static_cast<int>(plan.agents.size());
    summary.picked = static_cast<int>(picks.size());
    for (const auto& a : plan.agents) {
        summary.explanations.push_back(
            fmt::format("{} {}: {}", a.agentId, names[a.agentId], a.explanation));
    }
    for (const auto& s : plan.shortfalls) {
        summary.shortfalls.push_back(fmt::format("{} {}: 应抽 {} 通，只有 {} 通可抽", s.agentId,
                                                 names[s.agentId], s.wanted, s.eligible));
    }
    return summary;
}

namespace {

CoreResult<void> fromStorageResult(const storage::Result<void>& result) {
    if (!result) {
        return tl::unexpected(fromStorage(result.error()));
    }
    return {};
}

} // namespace

CoreResult<void> Session::setAgentFocus(const std::string& employeeNo, bool focus) {
    return fromStorageResult(storage::setAgentFocus(m_db, employeeNo, focus));
}

CoreResult<void> Session::setAgentHireDate(const std::string& employeeNo,
                                           const std::string& hireDate) {
    if (!daysBetween(hireDate, hireDate)) {
        return tl::unexpected(
            CoreError{CoreError::Kind::Input,
                      fmt::format("hire date \"{}\" is not a YYYY-MM-DD date", hireDate)});
    }
    return fromStorageResult(storage::setAgentHireDate(m_db, employeeNo, hireDate));
}

CoreResult<void> Session::setComplaint(const std::string& callId, bool complaint) {
    return fromStorageResult(storage::setComplaint(m_db, callId, complaint));
}

CoreResult<CallView> Session::openCall(std::int64_t recordingId) {
    CallView view;
    auto recording = storage::recordingById(m_db, recordingId);
    if (!recording) {
        return tl::unexpected(fromStorage(recording.error()));
    }
    view.recording = std::move(*recording);
    auto profile = storage::profileFor(m_db, recordingId);
    if (!profile) {
        return tl::unexpected(fromStorage(profile.error()));
    }
    view.profile = std::move(*profile);
    view.peaks = audio::deserializePeaks(view.profile.peaks);
    view.seekIndex = audio::deserializeSeekIndex(view.profile.seekIndex);
    auto segments = storage::segmentsFor(m_db, recordingId);
    if (!segments) {
        return tl::unexpected(fromStorage(segments.error()));
    }
    view.segments = std::move(*segments);

    const auto suggested = suggestionsFor(view.segments, view.profile, &view.hits);
    auto saved = storage::loadEvaluation(m_db, recordingId, m_inspector);
    if (!saved) {
        return tl::unexpected(fromStorage(saved.error()));
    }
    view.checklist = m_checklist;
    if (*saved) {
        const auto& evaluation = **saved;
        view.status = evaluation.status;
        view.answers = fromAnswerRecords(evaluation.answers);
        auto checklist = checklistVersion(evaluation.checklistId);
        if (!checklist) {
            return tl::unexpected(checklist.error());
        }
        view.checklist = std::move(*checklist);
        return view;
    }
    for (const auto& [itemId, s] : suggested) {
        view.answers[itemId].value = s.value;
        view.suggestions[itemId] = s.reason;
    }
    return view;
}

std::map<std::string, Session::Suggested>
Session::suggestionsFor(const std::vector<storage::SegmentRecord>& segments,
                        const storage::ProfileRecord& profile,
                        std::vector<scoring::PhraseHit>* hits) const {
    std::vector<scoring::Segment> forMatching;
    for (const auto& s : segments) {
        forMatching.push_back({speakerFrom(s.speaker), s.startSec, s.endSec, s.text});
    }
    auto found = m_phraseMatcher.match(forMatching);
    std::map<std::string, Suggested> out;
    const scoring::AcousticFacts facts{profile.deadAir, profile.longestSilenceSec};
    for (const auto& s :
         scoring::suggestAnswers(m_checklist, found, facts, scoring::Language::Zh)) {
        out[s.itemId] = {s.value, s.reason};
    }
    if (hits != nullptr) {
        *hits = std::move(found);
    }
    return out;
}

CoreResult<scoring::Checklist> Session::checklistVersion(std::int64_t checklistId) {
    if (checklistId == m_checklistRecord.id) {
        return m_checklist;
    }
    auto stored = storage::checklistById(m_db, checklistId);
    if (!stored) {
        return tl::unexpected(fromStorage(stored.error()));
    }
    auto parsed =
        scoring::parseChecklist(stored->source, fmt::format("stored checklist {} version {}",
                                                            stored->key, stored->version));
    if (!parsed) {
        return tl::unexpected(fromScoring(parsed.error()));
    }
    parsed->version = stored->version; // the database numbers the versions it froze
    return std::move(*parsed);
}

bool RecomputedScore::unchanged() const {
    if (stored.has_value() != recomputed.has_value()) {
        return false;
    }
    return !stored || std::abs(*stored - *recomputed) < 1e-9;
}

CoreResult<std::vector<RecomputedScore>> Session::recomputeSubmitted() {
    auto evaluations = storage::evaluationsWithStatus(m_db, "submitted");
    if (!evaluations) {
        return tl::unexpected(fromStorage(evaluations.error()));
    }
    std::vector<RecomputedScore> out;
    for (const auto& e : *evaluations) {
        auto checklist = checklistVersion(e.checklistId);
        if (!checklist) {
            return tl::unexpected(checklist.error());
        }
        const auto score = scoring::computeScore(*checklist, fromAnswerRecords(e.answers));
        RecomputedScore r{e.id, e.recordingId, checklist->version, e.score, std::nullopt};
        if (score.anyApplicable) {
            r.recomputed = score.score;
        }
        out.push_back(r);
    }
    return out;
}

CoreResult<scoring::ScoreResult>
Session::saveEvaluation(std::int64_t recordingId, const scoring::Answers& answers, bool submit) {
    if (submit) {
        const auto blockers = scoring::validateForSubmit(m_checklist, answers);
        if (!blockers.empty()) {
            std::string reasons;
            for (const auto& b : blockers) {
                reasons +=
                    (reasons.empty() ? "" : "; ") + scoring::describe(b, scoring::Language::Zh);
            }
            return tl::unexpected(
                CoreError{CoreError::Kind::Refused, fmt::format("cannot submit: {}", reasons)});
        }
    }
    const auto score = scoring::computeScore(m_checklist, answers, scoring::Language::Zh);
    storage::EvaluationRecord record;
    record.recordingId = recordingId;
    record.checklistId = m_checklistRecord.id;
    record.inspector = m_inspector;
    record.status = submit ? "submitted" : "draft";
    if (score.anyApplicable) {
        record.score = score.score;
    }
    record.working = score.working;
    record.answers = toAnswerRecords(answers);
    auto segments = storage::segmentsFor(m_db, recordingId);
    if (!segments) {
        return tl::unexpected(fromStorage(segments.error()));
    }
    auto profile = storage::profileFor(m_db, recordingId);
    if (!profile) {
        return tl::unexpected(fromStorage(profile.error()));
    }
    const auto suggested = suggestionsFor(*segments, *profile);
    for (auto& a : record.answers) {
        if (const auto it = suggested.find(a.itemId); it != suggested.end()) {
            a.suggested = answerValueName(it->second.value);
            a.suggestionReason = it->second.reason;
        }
    }
    auto saved = storage::saveEvaluation(m_db, record);
    if (!saved) {
        return tl::unexpected(fromStorage(saved.error()));
    }
    return score;
}

CoreResult<std::vector<ReportLine>> Session::report(storage::ReportGrouping by,
                                                    const std::string& fromDate,
                                                    const std::string& toDate) {
    if (const auto days = daysBetween(fromDate, toDate); !days || *days < 0) {
        return tl::unexpected(CoreError{
            CoreError::Kind::Input,
            fmt::format("the period {} to {} is not two dates in order", fromDate, toDate)});
    }
    auto rows = storage::submittedScores(m_db, by, fromDate, toDate);
    if (!rows) {
        return tl::unexpected(fromStorage(rows.error()));
    }
    std::vector<scoring::ScoredRow> scored;
    for (const auto& r : *rows) {
        scored.push_back({r.groupKey, r.groupLabel, r.score});
    }
    std::vector<ReportLine> out;
    for (const auto& g : scoring::summarize(scored)) {
        out.push_back({g.groupKey, g.groupLabel, static_cast<int>(g.count), g.mean, g.min, g.max,
                       scoring::gradeFor(g.mean, m_grades)});
    }
    return out;
}

CoreResult<void> Session::requireOpenForAnnotation(std::int64_t recordingId) {
    auto saved = storage::loadEvaluation(m_db, recordingId, m_inspector);
    if (!saved) {
        return tl::unexpected(fromStorage(saved.error()));
    }
    if (*saved && (*saved)->status == "submitted") {
        return tl::unexpected(
            CoreError{CoreError::Kind::Refused,
                      fmt::format("recording {} is already submitted: its annotations are final",
                                  recordingId)});
    }
    return {};
}

CoreResult<std::vector<storage::AnnotationRecord>> Session::annotations(std::int64_t recordingId) {
    auto rows = storage::annotationsFor(m_db, recordingId, m_inspector);
    if (!rows) {
        return tl::unexpected(fromStorage(rows.error()));
    }
    return std::move(*rows);
}

CoreResult<storage::AnnotationRecord>
Session::addAnnotation(std::int64_t recordingId, double startSec, std::optional<double> endSec,
                       const std::string& note, const std::optional<std::string>& itemId) {
    if (auto open = requireOpenForAnnotation(recordingId); !open) {
        return tl::unexpected(open.error());
    }
    storage::AnnotationRecord record;
    record.recordingId = recordingId;
    record.inspector = m_inspector;
    record.startSec = startSec;
    record.endSec = endSec;
    record.note = note;
    record.itemId = itemId;
    auto stored = storage::addAnnotation(m_db, record);
    if (!stored) {
        return tl::unexpected(fromStorage(stored.error()));
    }
    return std::move(*stored);
}

CoreResult<void> Session::updateAnnotationNote(const storage::AnnotationRecord& annotation,
                                               const std::string& note) {
    if (auto open = requireOpenForAnnotation(annotation.recordingId); !open) {
        return open;
    }
    if (auto ok = storage::updateAnnotationNote(m_db, annotation.id, m_inspector, note); !ok) {
        return tl::unexpected(fromStorage(ok.error()));
    }
    return {};
}

CoreResult<void> Session::deleteAnnotation(const storage::AnnotationRecord& annotation) {
    if (auto open = requireOpenForAnnotation(annotation.recordingId); !open) {
        return open;
    }
    if (auto ok = storage::deleteAnnotation(m_db, annotation.id, m_inspector); !ok) {
        return tl::unexpected(fromStorage(ok.error()));
    }
    return {};
}

} // namespace callqc::core
