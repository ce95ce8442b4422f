#include "app/core/session.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>

#include <fmt/format.h>

#include "app/core/audit.hpp"
#include "app/core/core_transaction.hpp"
#include "app/core/evaluation_history.hpp"
#include "app/core/file_hash.hpp"
#include "scoring/report.hpp"
#include "scoring/sampling.hpp"
#include "scoring/suggestions.hpp"
#include "storage/audit_store.hpp"
#include "storage/user_store.hpp"

namespace callqc::core {
namespace {

Subject subjectOf(const storage::CallScope& scope) {
    return Subject{scope.queue, scope.team, scope.assignedInspector};
}

bool coversAllProjects(const Actor& actor) {
    return std::find(actor.projects.begin(), actor.projects.end(), kAllProjects) !=
           actor.projects.end();
}

/// The Actor of a stored user, as auth.cpp signIn makes it.
Actor actorOf(const storage::UserRecord& user) {
    Actor actor;
    actor.user = user.name;
    actor.role = roleFromName(user.role).value_or(Role::Inspector);
    for (const auto& scope : user.scopes) {
        (scope.kind == "team" ? actor.teams : actor.projects).push_back(scope.value);
    }
    return actor;
}

/// The configuration files a session loads, by the name the audit gives them.
constexpr std::array<std::pair<const char*, const char*>, 3> kConfigurationFiles{
    {{"checklist", "default.toml"}, {"phrases", "phrases.toml"}, {"grades", "grades.toml"}}};

/// Audits a change of configuration: when the checklist, phrase list or grade bands differ (by
/// SHA-256) from what the last "config.changed" entry recorded, or none was recorded yet, a new
/// entry names the files that changed, in the name of the user whose session first loaded them.
CoreResult<void> noteConfiguration(storage::Database& db, const Actor& actor,
                                   const std::filesystem::path& folder) {
    nlohmann::json files = nlohmann::json::object();
    for (const auto& [name, file] : kConfigurationFiles) {
        auto hash = sha256File(folder / file);
        if (!hash) {
            return tl::unexpected(CoreError{CoreError::Kind::Input, hash.error()});
        }
        files[name] = *hash;
    }
    auto seen = storage::auditEntriesWithAction(db, "config.changed");
    if (!seen) {
        return tl::unexpected(fromStorage(seen.error()));
    }
    nlohmann::json previous = nlohmann::json::object();
    if (!seen->empty()) {
        auto detail = nlohmann::json::parse(seen->back().detail, nullptr, false);
        if (detail.is_object() && detail.contains("files")) {
            previous = detail["files"];
        }
    }
    if (previous == files) {
        return {};
    }
    std::vector<std::string> changed;
    for (const auto& [name, hash] : files.items()) {
        if (!previous.contains(name) || previous[name] != hash) {
            changed.push_back(name);
        }
    }
    auto recorded = recordAudit(db, {actor.user,
                                     "config.changed",
                                     "config",
                                     {{"changed", changed},
                                      {"files", files},
                                      {"folder", folder.string()},
                                      {"first_seen", seen->empty()}}});
    if (!recorded) {
        return tl::unexpected(recorded.error());
    }
    return {};
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

CoreResult<Session> Session::signIn(const std::filesystem::path& dbPath, const std::string& user,
                                    std::string_view password, const AuthOptions& options) {
    auto db = storage::Database::open(dbPath);
    if (!db) {
        return tl::unexpected(fromStorage(db.error()));
    }
    auto actor = core::signIn(*db, user, password, options);
    if (!actor) {
        return tl::unexpected(actor.error());
    }
    return make(std::move(*db), std::move(*actor));
}

CoreResult<Session> Session::open(const std::filesystem::path& dbPath, Actor actor) {
    auto db = storage::Database::open(dbPath);
    if (!db) {
        return tl::unexpected(fromStorage(db.error()));
    }
    return make(std::move(*db), std::move(actor));
}

CoreResult<Session> Session::open(const std::filesystem::path& dbPath, std::string name) {
    auto db = storage::Database::open(dbPath);
    if (!db) {
        return tl::unexpected(fromStorage(db.error()));
    }
    auto user = storage::findUser(*db, name);
    if (!user) {
        return tl::unexpected(fromStorage(user.error()));
    }
    if (*user) {
        if ((*user)->disabled) {
            return tl::unexpected(
                refusedError(fmt::format("the account of {} is disabled", (*user)->name)));
        }
        return make(std::move(*db), actorOf(**user));
    }
    auto users = storage::countUsers(*db);
    if (!users) {
        return tl::unexpected(fromStorage(users.error()));
    }
    if (*users > 0) {
        return tl::unexpected(refusedError(
            fmt::format("{} has user accounts and \"{}\" is not one of them: sign in as a user "
                        "(--user NAME or CALLQC_USER, the password from CALLQC_PASSWORD)",
                        dbPath.string(), name)));
    }
    Actor legacy{std::move(name), Role::Inspector, {std::string(kAllProjects)}, {}};
    return make(std::move(*db), std::move(legacy));
}

CoreResult<Session> Session::start(const std::filesystem::path& dbPath, const std::string& user,
                                   const std::optional<std::string>& password,
                                   const AuthOptions& options) {
    auto db = storage::Database::open(dbPath);
    if (!db) {
        return tl::unexpected(fromStorage(db.error()));
    }
    auto users = storage::countUsers(*db);
    if (!users) {
        return tl::unexpected(fromStorage(users.error()));
    }
    if (*users == 0) {
        return open(dbPath, user);
    }
    if (!password) {
        return tl::unexpected(refusedError(
            fmt::format("{} has user accounts: {} signs in with a password (CALLQC_PASSWORD)",
                        dbPath.string(), user)));
    }
    auto actor = core::signIn(*db, user, *password, options);
    if (!actor) {
        return tl::unexpected(actor.error());
    }
    return make(std::move(*db), std::move(*actor));
}

CoreResult<Session> Session::make(storage::Database db, Actor actor) {
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
    auto record = storage::ensureChecklist(db, wanted);
    if (!record) {
        return tl::unexpected(fromStorage(record.error()));
    }
    checklist->version = record->version; // the database numbers the versions it froze
    if (auto noted = noteConfiguration(db, actor, assetsDir() / "checklists"); !noted) {
        return tl::unexpected(noted.error());
    }
    return Session(std::move(db), std::move(actor), std::move(*checklist), std::move(*record),
                   std::move(*rules), *grades);
}

std::optional<CoreError> Session::refusalFor(Action action, std::int64_t recordingId) {
    auto scope = storage::callScope(m_db, recordingId, m_actor.user);
    if (!scope) {
        return fromStorage(scope.error());
    }
    return authorize(m_actor, action, subjectOf(*scope));
}

CoreResult<void> Session::audit(std::string action, std::string subject, nlohmann::json detail) {
    auto recorded =
        recordAudit(m_db, {m_actor.user, std::move(action), std::move(subject), std::move(detail)});
    if (!recorded) {
        return tl::unexpected(recorded.error());
    }
    return {};
}

CoreResult<std::vector<storage::QueueRow>>
Session::queue(const std::optional<std::string>& callDate) {
    if (auto refusal = authorizeRole(m_actor, Action::ViewQueue)) {
        return tl::unexpected(*refusal);
    }
    auto rows = storage::queueFor(m_db, m_actor.user, callDate);
    if (!rows) {
        return tl::unexpected(fromStorage(rows.error()));
    }
    std::erase_if(*rows, [&](const storage::QueueRow& row) {
        return !inScope(m_actor, {row.queue, row.team, m_actor.user});
    });
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
    if (auto refusal = authorizeRole(m_actor, Action::SampleDay)) {
        return tl::unexpected(*refusal);
    }
    if (options.queue) {
        if (auto refusal = authorize(m_actor, Action::SampleDay, {*options.queue, "", ""})) {
            return tl::unexpected(*refusal);
        }
    } else if (!coversAllProjects(m_actor)) {
        return tl::unexpected(refusedError(
            fmt::format("{} ({}) may sample only their own projects ({}): name one as the queue",
                        m_actor.user, roleLabel(m_actor.role), fmt::join(m_actor.projects, ", "))));
    }
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
        rules.inspectors = {m_actor.user};
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
        storage::createBatch(m_db, callDate, rules.perAgent, rules.seed, m_actor.user, picks);
    if (!batch) {
        return tl::unexpected(fromStorage(batch.error()));
    }
    if (auto audited = audit("sample.draw", fmt::format("batch:{}", *batch),
                             {{"date", callDate},
                              {"queue", options.queue.value_or("")},
                              {"per_agent", rules.perAgent},
                              {"seed", rules.seed},
                              {"picked", picks.size()},
                              {"per_inspector", summary.perInspector}});
        !audited) {
        return tl::unexpected(audited.error());
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

/// None when `actor` may change the agent: in one of the queues of the agent's calls (or, without
/// calls, in project ""), for a team lead in the agent's team.
std::optional<CoreError> agentRefusal(storage::Database& db, const Actor& actor,
                                      const std::string& employeeNo) {
    if (auto refusal = authorizeRole(actor, Action::SetAgentFocus)) {
        return refusal;
    }
    auto scope = storage::agentScope(db, employeeNo);
    if (!scope) {
        return fromStorage(scope.error());
    }
    if (scope->queues.empty()) {
        scope->queues.emplace_back();
    }
    std::optional<CoreError> first;
    for (const auto& queue : scope->queues) {
        auto refusal = authorize(actor, Action::SetAgentFocus, {queue, scope->team, ""});
        if (!refusal) {
            return std::nullopt;
        }
        if (!first) {
            first = std::move(refusal);
        }
    }
    return first;
}

} // namespace

CoreResult<void> Session::setAgentFocus(const std::string& employeeNo, bool focus) {
    if (auto refusal = agentRefusal(m_db, m_actor, employeeNo)) {
        return tl::unexpected(*refusal);
    }
    return fromStorageResult(storage::setAgentFocus(m_db, employeeNo, focus));
}

CoreResult<void> Session::setAgentHireDate(const std::string& employeeNo,
                                           const std::string& hireDate) {
    if (auto refusal = agentRefusal(m_db, m_actor, employeeNo)) {
        return tl::unexpected(*refusal);
    }
    if (!daysBetween(hireDate, hireDate)) {
        return tl::unexpected(
            CoreError{CoreError::Kind::Input,
                      fmt::format("hire date \"{}\" is not a YYYY-MM-DD date", hireDate)});
    }
    return fromStorageResult(storage::setAgentHireDate(m_db, employeeNo, hireDate));
}

CoreResult<void> Session::setComplaint(const std::string& callId, bool complaint) {
    if (auto refusal = authorizeRole(m_actor, Action::SetComplaint)) {
        return tl::unexpected(*refusal);
    }
    auto scope = storage::callScopeByCallId(m_db, callId, m_actor.user);
    if (!scope) {
        return tl::unexpected(fromStorage(scope.error()));
    }
    if (auto refusal = authorize(m_actor, Action::SetComplaint, subjectOf(*scope))) {
        return tl::unexpected(*refusal);
    }
    return fromStorageResult(storage::setComplaint(m_db, callId, complaint));
}

CoreResult<void> Session::reassignCall(std::int64_t recordingId, const std::string& to) {
    auto scope = storage::callScope(m_db, recordingId);
    if (!scope) {
        return tl::unexpected(fromStorage(scope.error()));
    }
    if (auto refusal = authorize(m_actor, Action::ReassignCall, subjectOf(*scope))) {
        return tl::unexpected(*refusal);
    }
    const std::string& from = scope->assignedInspector;
    const auto input = [](std::string detail) {
        return tl::unexpected(inputError(std::move(detail)));
    };
    if (from.empty()) {
        return input(
            fmt::format("call {} is in no inspector's queue; sample its day first", scope->callId));
    }
    auto already = storage::inQueueOf(m_db, recordingId, to);
    if (!already) {
        return tl::unexpected(fromStorage(already.error()));
    }
    if (*already) {
        return input(fmt::format("call {} is already in {}'s queue", scope->callId, to));
    }
    auto users = storage::countUsers(m_db);
    if (!users) {
        return tl::unexpected(fromStorage(users.error()));
    }
    if (*users > 0) {
        auto user = storage::findUser(m_db, to);
        if (!user) {
            return tl::unexpected(fromStorage(user.error()));
        }
        if (!*user || (*user)->disabled) {
            return input(fmt::format("\"{}\" is not an active user", to));
        }
        const Actor target = actorOf(**user);
        if (target.role != Role::Inspector && target.role != Role::Supervisor) {
            return input(fmt::format("{} is a {}, not an inspector: only inspectors and "
                                     "supervisors have queues",
                                     to, roleName(target.role)));
        }
        Subject subject = subjectOf(*scope);
        subject.assignedInspector = to;
        if (auto refusal = authorize(target, Action::ScoreCall, subject)) {
            return input(
                fmt::format("{} may not score call {}: {}", to, scope->callId, refusal->detail));
        }
    }
    auto evaluation = storage::loadEvaluation(m_db, recordingId, from);
    if (!evaluation) {
        return tl::unexpected(fromStorage(evaluation.error()));
    }
    if (*evaluation && (*evaluation)->status == "submitted") {
        return input(fmt::format("{} has submitted call {}; correct it with a revision instead "
                                 "of moving it",
                                 from, scope->callId));
    }
    return coreTransaction(m_db, [&]() -> CoreResult<void> {
        if (auto moved = storage::moveQueueItems(m_db, recordingId, from, to); !moved) {
            return tl::unexpected(fromStorage(moved.error()));
        }
        auto audited = recordAuditWithin(
            m_db,
            {m_actor.user, "queue.reassign", fmt::format("recording:{}", recordingId),
             nlohmann::json{{"call_id", scope->callId}, {"from", from}, {"to", to}}},
            systemClock());
        if (!audited) {
            return tl::unexpected(audited.error());
        }
        return {};
    });
}

CoreResult<CallView> Session::openCall(std::int64_t recordingId) {
    if (auto refusal = refusalFor(Action::OpenCall, recordingId)) {
        return tl::unexpected(*refusal);
    }
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
    if (auto audited = audit("call.open", fmt::format("recording:{}", recordingId),
                             {{"call_id", view.recording.callId}});
        !audited) {
        return tl::unexpected(audited.error());
    }

    const auto suggested = suggestionsFor(view.segments, view.profile, &view.hits);
    auto saved = storage::loadEvaluation(m_db, recordingId, m_actor.user);
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
    if (auto refusal = authorizeRole(m_actor, Action::ReadEvaluation)) {
        return tl::unexpected(*refusal);
    }
    auto heads = storage::submittedEvaluationHeads(m_db);
    if (!heads) {
        return tl::unexpected(fromStorage(heads.error()));
    }
    std::vector<RecomputedScore> out;
    for (const auto& head : *heads) {
        if (authorize(m_actor, Action::ReadEvaluation,
                      {head.queue, head.team, head.record.inspector})) {
            continue;
        }
        const auto& e = head.record;
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
    if (auto refusal = refusalFor(Action::ScoreCall, recordingId)) {
        return tl::unexpected(*refusal);
    }
    if (submit) {
        const auto blockers = scoring::validateForSubmit(m_checklist, answers);
        if (!blockers.empty()) {
            return tl::unexpected(
                CoreError{CoreError::Kind::Refused,
                          fmt::format("cannot submit: {}",
                                      scoring::describe(blockers, scoring::Language::Zh))});
        }
    }
    const auto score = scoring::computeScore(m_checklist, answers, scoring::Language::Zh);
    storage::EvaluationRecord record;
    record.recordingId = recordingId;
    record.checklistId = m_checklistRecord.id;
    record.inspector = m_actor.user;
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
    if (!submit) {
        if (auto saved = storage::saveEvaluation(m_db, record); !saved) {
            return tl::unexpected(fromStorage(saved.error()));
        }
        return score;
    }
    // A submission and its seal (version 1 and the audit entry) commit together or not at all.
    auto sealed = coreTransaction(m_db, [&]() -> CoreResult<int> {
        auto saved = storage::saveEvaluationWithin(m_db, record);
        if (!saved) {
            return tl::unexpected(fromStorage(saved.error()));
        }
        return sealEvaluationWithin(m_db, m_actor, *saved, systemClock());
    });
    if (!sealed) {
        return tl::unexpected(sealed.error());
    }
    return score;
}

CoreResult<SearchResult> Session::search(const SearchRequest& request) {
    if (auto refusal = authorizeRole(m_actor, Action::Search)) {
        return tl::unexpected(*refusal);
    }
    auto criteria = searchCriteria(request);
    if (!criteria) {
        return tl::unexpected(criteria.error());
    }
    if (criteria->phoneDigits || request.fullNumbers) {
        if (auto refusal = authorizeRole(m_actor, Action::SearchFullNumber)) {
            return tl::unexpected(refusedError(
                fmt::format("{}: search by the last 4 digits instead, numbers are shown masked",
                            refusal->detail)));
        }
    }
    // Narrow the query to a scope of one, so pages stay full; the filter below is the rule.
    SearchRequest scoped = request;
    if (m_actor.role == Role::TeamLead && m_actor.teams.size() == 1 && !scoped.team) {
        scoped.team = m_actor.teams.front();
    } else if (m_actor.role != Role::TeamLead && m_actor.projects.size() == 1 &&
               !coversAllProjects(m_actor) && !scoped.queue) {
        scoped.queue = m_actor.projects.front();
    }
    auto result = searchCalls(m_db, scoped);
    if (!result) {
        return tl::unexpected(result.error());
    }
    std::erase_if(result->rows, [&](const storage::SearchRow& row) {
        return !inScope(m_actor, {row.queue, row.team, ""});
    });
    for (auto& row : result->rows) {
        row.customerPhone = phoneFor(m_actor, row.customerPhone, request.fullNumbers);
    }
    return result;
}

CoreResult<Session::ReportData> Session::reportData(storage::ReportGrouping by,
                                                    const std::string& fromDate,
                                                    const std::string& toDate) {
    if (const auto days = daysBetween(fromDate, toDate); !days || *days < 0) {
        return tl::unexpected(CoreError{
            CoreError::Kind::Input,
            fmt::format("the period {} to {} is not two dates in order", fromDate, toDate)});
    }
    if (auto refusal = authorizeRole(m_actor, Action::ExportReport)) {
        return tl::unexpected(*refusal);
    }
    auto rows = storage::submittedScores(m_db, by, fromDate, toDate);
    if (!rows) {
        return tl::unexpected(fromStorage(rows.error()));
    }
    std::vector<scoring::ScoredRow> scored;
    for (const auto& r : *rows) {
        if (inScope(m_actor, {r.queue, r.team, ""})) {
            scored.push_back({r.groupKey, r.groupLabel, r.score});
        }
    }
    ReportData data;
    data.evaluations = scored.size();
    for (const auto& g : scoring::summarize(scored)) {
        data.lines.push_back({g.groupKey, g.groupLabel, static_cast<int>(g.count), g.mean, g.min,
                              g.max, scoring::gradeFor(g.mean, m_grades)});
    }
    return data;
}

CoreResult<std::vector<ReportLine>> Session::report(storage::ReportGrouping by,
                                                    const std::string& fromDate,
                                                    const std::string& toDate) {
    auto data = reportData(by, fromDate, toDate);
    if (!data) {
        return tl::unexpected(data.error());
    }
    if (auto audited = audit("export.report", fmt::format("report:{}..{}", fromDate, toDate),
                             {{"by", by == storage::ReportGrouping::Team ? "team" : "agent"},
                              {"from", fromDate},
                              {"to", toDate},
                              {"rows", data->lines.size()},
                              {"evaluations", data->evaluations},
                              {"masked", true}});
        !audited) {
        return tl::unexpected(audited.error());
    }
    return std::move(data->lines);
}

CoreResult<void> Session::requireOpenForAnnotation(std::int64_t recordingId) {
    if (auto refusal = refusalFor(Action::Annotate, recordingId)) {
        return tl::unexpected(*refusal);
    }
    auto saved = storage::loadEvaluation(m_db, recordingId, m_actor.user);
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
    if (auto refusal = refusalFor(Action::OpenCall, recordingId)) {
        return tl::unexpected(*refusal);
    }
    auto rows = storage::annotationsFor(m_db, recordingId, m_actor.user);
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
    record.inspector = m_actor.user;
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
    if (auto ok = storage::updateAnnotationNote(m_db, annotation.id, m_actor.user, note); !ok) {
        return tl::unexpected(fromStorage(ok.error()));
    }
    return {};
}

CoreResult<void> Session::deleteAnnotation(const storage::AnnotationRecord& annotation) {
    if (auto open = requireOpenForAnnotation(annotation.recordingId); !open) {
        return open;
    }
    if (auto ok = storage::deleteAnnotation(m_db, annotation.id, m_actor.user); !ok) {
        return tl::unexpected(fromStorage(ok.error()));
    }
    return {};
}

} // namespace callqc::core
