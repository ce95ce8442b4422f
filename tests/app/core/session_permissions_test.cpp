// Issue 7 through app/core: every role × every Session use case × a call in and out of the
// user's scope, on a real SQLite database with signed-in users, asserting allowed or refused
// (CoreError::Kind::Refused). Then the rules the issue names one by one: masked numbers for a
// trainer, a team lead's own team only, scoring only calls assigned to you, an intact audit chain
// after a submission, and who Session::open by name acts as.

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "app/core/audit.hpp"
#include "app/core/auth.hpp"
#include "app/core/evaluation_history.hpp"
#include "app/core/permissions.hpp"
#include "app/core/session.hpp"
#include "storage/audit_store.hpp"
#include "storage/call_store.hpp"
#include "storage/review_store.hpp"

namespace callqc::core {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kPassword = "matrix-password";
constexpr const char* kInProject = "信用卡服务";
constexpr const char* kOutProject = "宽带报修";
constexpr const char* kInTeam = "一组";
constexpr const char* kOutTeam = "二组";
constexpr const char* kDate = "2024-03-01";

/// The users of the matrix, one per role, each scoped to kInProject (the team lead to kInTeam).
const std::map<Role, std::string>& userOf() {
    static const std::map<Role, std::string> users{
        {Role::Inspector, "qc1"}, {Role::Supervisor, "sup1"}, {Role::Trainer, "tr1"},
        {Role::TeamLead, "tl1"},  {Role::Manager, "mgr1"},    {Role::Administrator, "root"},
    };
    return users;
}

/// One call of the fixture and what identifies it to each use case.
struct Call {
    std::int64_t recordingId = 0;
    std::string callId;
    std::string agentNo;
    std::string queue;
    std::string team;
    std::string phone;
};

/// A database with an administrator and one user of every other role, and three calls of
/// kDate: `in` (kInProject, agent of kInTeam), `out` (kOutProject, agent of kOutTeam), both in
/// the queues of qc1 and sup1, and `other` (kInProject, kInTeam) in qc2's queue only. Each of
/// `in` and `out` has a sealed submitted evaluation by qc9, so reports and recomputes have rows.
class SessionPermissions : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir =
            fs::path(CALLQC_TEST_TMP) / fmt::format("session-perm-{}-{}", info->name(), getpid());
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
        m_dbPath = m_dir / "qc.db";
        m_options.cost = PasswordCost::minimum();
        auto db = storage::Database::open(m_dbPath);
        ASSERT_TRUE(db) << db.error().detail;
        auto admin = createFirstAdministrator(*db, "root", kPassword, m_options);
        ASSERT_TRUE(admin) << admin.error().detail;
        const std::vector<NewUser> users{
            {"qc1", Role::Inspector, "王质检", {kInProject}, {}},
            {"sup1", Role::Supervisor, "李主管", {kInProject}, {}},
            {"tr1", Role::Trainer, "张培训", {kInProject}, {}},
            {"tl1", Role::TeamLead, "赵班长", {}, {kInTeam}},
            {"mgr1", Role::Manager, "钱经理", {kInProject}, {}},
        };
        for (const auto& user : users) {
            auto added = addUser(*db, *admin, user, kPassword, m_options);
            ASSERT_TRUE(added) << added.error().detail;
        }
        m_in = addCall(*db, "C-IN", "001", "王芳", kInTeam, kInProject, "13812341234");
        m_out = addCall(*db, "C-OUT", "002", "赵敏", kOutTeam, kOutProject, "13987654321");
        m_other = addCall(*db, "C-OTHER", "003", "孙丽", kInTeam, kInProject, "13700001111");
        for (const char* inspector : {"qc1", "sup1"}) {
            auto batch = storage::createBatch(*db, kDate, 1, 1, "sup1",
                                              {{m_in.recordingId, "random", inspector, ""},
                                               {m_out.recordingId, "random", inspector, ""}});
            ASSERT_TRUE(batch) << batch.error().detail;
        }
        auto batch = storage::createBatch(*db, kDate, 1, 1, "sup1",
                                          {{m_other.recordingId, "random", "qc2", ""}});
        ASSERT_TRUE(batch) << batch.error().detail;
        // The default checklist, as a session stores it.
        ASSERT_TRUE(Session::open(m_dbPath, *admin));
        auto checklistId = db->prepare("SELECT MAX(id) FROM checklists");
        ASSERT_TRUE(checklistId);
        ASSERT_TRUE(checklistId->step().value_or(false));
        for (const Call* call : {&m_in, &m_out}) {
            storage::EvaluationRecord e;
            e.recordingId = call->recordingId;
            e.checklistId = checklistId->getInt(0);
            e.inspector = "qc9";
            e.status = "submitted";
            e.score = 90;
            auto saved = storage::saveEvaluation(*db, e);
            ASSERT_TRUE(saved) << saved.error().detail;
            m_evaluationOf[call->callId] = *saved;
        }
        auto sealed = sealUnsealedEvaluations(*db, *admin);
        ASSERT_TRUE(sealed) << sealed.error().detail;
        ASSERT_EQ(*sealed, 2);
    }

    static Call addCall(storage::Database& db, const std::string& callId,
                        const std::string& agentNo, const std::string& agentName,
                        const std::string& team, const std::string& queue,
                        const std::string& phone) {
        auto agent = storage::upsertAgent(db, agentNo, agentName, team);
        EXPECT_TRUE(agent);
        storage::RecordingRecord r;
        r.callId = callId;
        r.startTime = fmt::format("{} 09:00:00", kDate);
        r.callDate = kDate;
        r.durationSec = 60;
        r.queue = queue;
        r.customerPhone = phone;
        r.filePath = fmt::format("/calls/{}.wav", callId);
        r.fileSize = 1;
        r.sha256 = std::string(64, 'a');
        r.codec = "pcm_s16le";
        r.container = "wav";
        r.sampleRateHz = 8000;
        r.channels = 2;
        storage::ProfileRecord p;
        p.stereo = true;
        auto id = storage::insertRecording(db, *agent, r, p,
                                           {{"agent", 0.5, 2.5, "您好，请问有什么可以帮您"},
                                            {"customer", 3.0, 5.0, "我想查一下账单"}});
        EXPECT_TRUE(id) << id.error().detail;
        return Call{id.value_or(0), callId, agentNo, queue, team, phone};
    }

    Session signedIn(Role role) {
        auto session = Session::signIn(m_dbPath, userOf().at(role), kPassword, m_options);
        EXPECT_TRUE(session) << session.error().detail;
        return std::move(*session);
    }

    static scoring::Answers allPassing(const scoring::Checklist& checklist) {
        scoring::Answers answers;
        for (const auto& section : checklist.sections) {
            for (const auto& item : section.items) {
                answers[item.id].value = scoring::AnswerValue::Pass;
                answers[item.id].points = item.weight;
            }
        }
        return answers;
    }

    std::vector<std::string> auditActions() {
        auto db = storage::Database::open(m_dbPath);
        EXPECT_TRUE(db);
        auto entries = storage::auditEntriesAfter(*db, 0, 10000);
        EXPECT_TRUE(entries);
        std::vector<std::string> actions;
        for (const auto& e : entries.value_or(std::vector<storage::AuditEntry>{})) {
            actions.push_back(e.action);
        }
        return actions;
    }

    fs::path m_dir;
    fs::path m_dbPath;
    AuthOptions m_options;
    Call m_in;
    Call m_out;
    Call m_other;
    std::map<std::string, std::int64_t> m_evaluationOf; ///< by call id: qc9's sealed evaluation
};

/// What one use case did with one call.
enum class Outcome {
    Allowed, ///< done; a list use case showed the call
    Hidden,  ///< a list use case ran but left the call out
    Refused, ///< CoreError::Kind::Refused
    Failed,  ///< any other error: the fixture is wrong
};

std::string_view outcomeName(Outcome outcome) {
    switch (outcome) {
    case Outcome::Allowed:
        return "allowed";
    case Outcome::Hidden:
        return "hidden";
    case Outcome::Refused:
        return "refused";
    case Outcome::Failed:
        break;
    }
    return "failed";
}

template <typename T> Outcome outcomeOf(const CoreResult<T>& result, std::string* why) {
    if (result) {
        return Outcome::Allowed;
    }
    *why = result.error().detail;
    return result.error().kind == CoreError::Kind::Refused ? Outcome::Refused : Outcome::Failed;
}

template <typename T>
Outcome listed(const CoreResult<T>& result, std::string* why,
               const std::function<bool(const T&)>& shows) {
    const auto outcome = outcomeOf(result, why);
    if (outcome != Outcome::Allowed) {
        return outcome;
    }
    return shows(*result) ? Outcome::Allowed : Outcome::Hidden;
}

struct UseCase {
    std::string name;
    bool list; ///< out of scope the call is left out, not refused
    std::function<Outcome(Session&, const Call&, std::string*)> run;
};

/// Which roles may use each use case, in scope only (every use case of Session is about calls,
/// so none is allowed out of scope). The written-down rules of issue 7; permissions.cpp must
/// agree through Session.
const std::map<std::string, std::vector<Role>>& allowedRoles() {
    static const std::map<std::string, std::vector<Role>> table{
        {"queue", {Role::Inspector, Role::Supervisor}},
        {"sampleDay", {Role::Inspector, Role::Supervisor}},
        {"openCall",
         {Role::Inspector, Role::Supervisor, Role::Trainer, Role::TeamLead, Role::Manager}},
        {"saveEvaluation", {Role::Inspector, Role::Supervisor}},
        {"annotations",
         {Role::Inspector, Role::Supervisor, Role::Trainer, Role::TeamLead, Role::Manager}},
        {"addAnnotation", {Role::Inspector, Role::Supervisor}},
        {"setComplaint", {Role::Inspector, Role::Supervisor, Role::Manager}},
        {"setAgentFocus", {Role::Inspector, Role::Supervisor}},
        {"setAgentHireDate", {Role::Inspector, Role::Supervisor}},
        {"search",
         {Role::Inspector, Role::Supervisor, Role::Trainer, Role::TeamLead, Role::Manager}},
        {"report",
         {Role::Inspector, Role::Supervisor, Role::Trainer, Role::TeamLead, Role::Manager}},
        {"recomputeSubmitted",
         {Role::Inspector, Role::Supervisor, Role::Trainer, Role::TeamLead, Role::Manager}},
    };
    return table;
}

class EvaluationIds {
public:
    explicit EvaluationIds(const std::map<std::string, std::int64_t>& ids) : m_ids(ids) {}
    [[nodiscard]] std::int64_t of(const std::string& callId) const { return m_ids.at(callId); }

private:
    const std::map<std::string, std::int64_t>& m_ids;
};

std::vector<UseCase> useCases(const std::map<std::string, std::int64_t>& evaluations) {
    const EvaluationIds ids(evaluations);
    return {
        {"queue", true,
         [](Session& s, const Call& c, std::string* why) {
             return listed<std::vector<storage::QueueRow>>(s.queue(), why, [&](const auto& rows) {
                 return std::any_of(rows.begin(), rows.end(),
                                    [&](const auto& r) { return r.recordingId == c.recordingId; });
             });
         }},
        {"sampleDay", false,
         [](Session& s, const Call& c, std::string* why) {
             SampleOptions options;
             options.queue = c.queue;
             options.rules.minDurationSec = 0;
             return outcomeOf(s.sampleDay(kDate, options), why);
         }},
        {"openCall", false,
         [](Session& s, const Call& c, std::string* why) {
             return outcomeOf(s.openCall(c.recordingId), why);
         }},
        {"saveEvaluation", false,
         [](Session& s, const Call& c, std::string* why) {
             return outcomeOf(s.saveEvaluation(c.recordingId, {}, false), why);
         }},
        {"annotations", false,
         [](Session& s, const Call& c, std::string* why) {
             return outcomeOf(s.annotations(c.recordingId), why);
         }},
        {"addAnnotation", false,
         [](Session& s, const Call& c, std::string* why) {
             return outcomeOf(s.addAnnotation(c.recordingId, 1.0, std::nullopt, "抢话", "1.2"),
                              why);
         }},
        {"setComplaint", false,
         [](Session& s, const Call& c, std::string* why) {
             return outcomeOf(s.setComplaint(c.callId, true), why);
         }},
        {"setAgentFocus", false,
         [](Session& s, const Call& c, std::string* why) {
             return outcomeOf(s.setAgentFocus(c.agentNo, true), why);
         }},
        {"setAgentHireDate", false,
         [](Session& s, const Call& c, std::string* why) {
             return outcomeOf(s.setAgentHireDate(c.agentNo, "2024-01-15"), why);
         }},
        {"search", true,
         [](Session& s, const Call& c, std::string* why) {
             SearchRequest request;
             request.callId = c.callId;
             return listed<SearchResult>(s.search(request), why, [&](const SearchResult& r) {
                 return r.rows.size() == 1 && r.rows.front().callId == c.callId;
             });
         }},
        {"report", true,
         [](Session& s, const Call& c, std::string* why) {
             return listed<std::vector<ReportLine>>(
                 s.report(storage::ReportGrouping::Agent, kDate), why, [&](const auto& lines) {
                     return std::any_of(lines.begin(), lines.end(),
                                        [&](const ReportLine& l) { return l.key == c.agentNo; });
                 });
         }},
        {"recomputeSubmitted", true,
         [ids](Session& s, const Call& c, std::string* why) {
             return listed<std::vector<RecomputedScore>>(
                 s.recomputeSubmitted(), why, [&](const auto& scores) {
                     return std::any_of(scores.begin(), scores.end(), [&](const auto& r) {
                         return r.evaluationId == ids.of(c.callId);
                     });
                 });
         }},
    };
}

TEST_F(SessionPermissions, everyRoleEveryUseCaseInAndOutOfScope) {
    const auto cases = useCases(m_evaluationOf);
    ASSERT_EQ(cases.size(), allowedRoles().size());
    int checked = 0;
    for (const Role role : kAllRoles) {
        auto session = signedIn(role);
        ASSERT_EQ(session.actor().role, role);
        for (const auto& useCase : cases) {
            const auto& roles = allowedRoles().at(useCase.name);
            const bool allowed = std::find(roles.begin(), roles.end(), role) != roles.end();
            for (const bool inScope : {true, false}) {
                const Call& call = inScope ? m_in : m_out;
                std::string why;
                const Outcome got = useCase.run(session, call, &why);
                const Outcome want = !allowed       ? Outcome::Refused
                                     : inScope      ? Outcome::Allowed
                                     : useCase.list ? Outcome::Hidden
                                                    : Outcome::Refused;
                EXPECT_EQ(got, want)
                    << roleName(role) << " × " << useCase.name << " × "
                    << (inScope ? "in scope" : "out of scope") << ": got " << outcomeName(got)
                    << ", want " << outcomeName(want) << (why.empty() ? "" : " — ") << why;
                if (got == Outcome::Refused) {
                    EXPECT_NE(why.find(userOf().at(role)), std::string::npos)
                        << "a refusal names the user: " << why;
                }
                ++checked;
            }
        }
    }
    EXPECT_EQ(checked, static_cast<int>(kAllRoles.size() * cases.size() * 2));
}

TEST_F(SessionPermissions, aTrainersSearchShowsNoFullCustomerNumber) {
    auto trainer = signedIn(Role::Trainer);
    auto all = trainer.search({});
    ASSERT_TRUE(all) << all.error().detail;
    ASSERT_EQ(all->rows.size(), 2u); // C-IN and C-OTHER: kInProject only
    for (const auto& row : all->rows) {
        EXPECT_EQ(row.queue, kInProject);
        EXPECT_NE(row.customerPhone.find("****"), std::string::npos) << row.customerPhone;
        for (const Call* call : {&m_in, &m_out, &m_other}) {
            EXPECT_EQ(row.customerPhone.find(call->phone), std::string::npos) << row.customerPhone;
        }
    }
    SearchRequest lastFour;
    lastFour.phone = "1234";
    auto byLastFour = trainer.search(lastFour);
    ASSERT_TRUE(byLastFour) << byLastFour.error().detail;
    ASSERT_EQ(byLastFour->rows.size(), 1u);
    EXPECT_EQ(byLastFour->rows.front().customerPhone, "138****1234");

    SearchRequest full;
    full.fullNumbers = true;
    auto asked = trainer.search(full);
    ASSERT_FALSE(asked);
    EXPECT_EQ(asked.error().kind, CoreError::Kind::Refused);
    EXPECT_NE(asked.error().detail.find("tr1 (trainer)"), std::string::npos)
        << asked.error().detail;
    SearchRequest byNumber;
    byNumber.phone = m_in.phone;
    auto searched = trainer.search(byNumber);
    ASSERT_FALSE(searched);
    EXPECT_EQ(searched.error().kind, CoreError::Kind::Refused);

    // A supervisor handling a complaint searches by the whole number and sees it when asking.
    auto supervisor = signedIn(Role::Supervisor);
    byNumber.fullNumbers = true;
    auto found = supervisor.search(byNumber);
    ASSERT_TRUE(found) << found.error().detail;
    ASSERT_EQ(found->rows.size(), 1u);
    EXPECT_EQ(found->rows.front().customerPhone, m_in.phone);
    byNumber.fullNumbers = false;
    found = supervisor.search(byNumber);
    ASSERT_TRUE(found) << found.error().detail;
    EXPECT_EQ(found->rows.front().customerPhone, "138****1234");
}

TEST_F(SessionPermissions, aTeamLeadsSearchAndReportShowOnlyTheirTeam) {
    auto lead = signedIn(Role::TeamLead);
    auto all = lead.search({});
    ASSERT_TRUE(all) << all.error().detail;
    ASSERT_EQ(all->rows.size(), 2u);
    for (const auto& row : all->rows) {
        EXPECT_EQ(row.team, kInTeam) << row.callId;
    }
    SearchRequest otherTeam;
    otherTeam.team = kOutTeam;
    auto other = lead.search(otherTeam);
    ASSERT_TRUE(other) << other.error().detail;
    EXPECT_TRUE(other->rows.empty());

    auto byTeam = lead.report(storage::ReportGrouping::Team, kDate);
    ASSERT_TRUE(byTeam) << byTeam.error().detail;
    ASSERT_EQ(byTeam->size(), 1u);
    EXPECT_EQ(byTeam->front().key, kInTeam);

    // A supervisor of every project sees both teams.
    auto everywhere = Session::open(m_dbPath, Actor{"sup9", Role::Supervisor, {"*"}, {}});
    ASSERT_TRUE(everywhere) << everywhere.error().detail;
    auto both = everywhere->report(storage::ReportGrouping::Team, kDate);
    ASSERT_TRUE(both) << both.error().detail;
    EXPECT_EQ(both->size(), 2u);
    const auto actions = auditActions();
    EXPECT_EQ(std::count(actions.begin(), actions.end(), "export.report"), 2);
}

TEST_F(SessionPermissions, anInspectorCannotScoreACallAssignedToSomeoneElse) {
    auto qc = signedIn(Role::Inspector);
    auto refused = qc.saveEvaluation(m_other.recordingId, {}, false);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, CoreError::Kind::Refused);
    EXPECT_NE(refused.error().detail.find("assigned to qc2"), std::string::npos)
        << refused.error().detail;
    auto annotated = qc.addAnnotation(m_other.recordingId, 1.0, std::nullopt, "x", std::nullopt);
    ASSERT_FALSE(annotated);
    EXPECT_EQ(annotated.error().kind, CoreError::Kind::Refused);
    // It may still open it (in their project) and read its own notes, and a supervisor may
    // score it.
    EXPECT_TRUE(qc.openCall(m_other.recordingId));
    EXPECT_TRUE(qc.annotations(m_other.recordingId));
    auto supervisor = signedIn(Role::Supervisor);
    EXPECT_TRUE(supervisor.saveEvaluation(m_other.recordingId, {}, false));
}

TEST_F(SessionPermissions, aSubmissionThroughSessionIsSealedAndTheAuditChainStaysIntact) {
    auto qc = signedIn(Role::Inspector);
    ASSERT_TRUE(qc.openCall(m_in.recordingId));
    auto submitted = qc.saveEvaluation(m_in.recordingId, allPassing(qc.checklist()), true);
    ASSERT_TRUE(submitted) << submitted.error().detail;
    SampleOptions options;
    options.queue = kInProject;
    ASSERT_TRUE(qc.sampleDay(kDate, options));

    auto report = verifyAuditChain(qc.db());
    ASSERT_TRUE(report) << report.error().detail;
    for (const auto& p : report->problems) {
        ADD_FAILURE() << p.message;
    }
    EXPECT_TRUE(report->intact());
    EXPECT_EQ(report->evaluations, 3); // qc9's two and qc1's
    const auto actions = auditActions();
    for (const char* action : {"auth.sign_in", "call.open", "evaluation.submit", "sample.draw"}) {
        EXPECT_NE(std::find(actions.begin(), actions.end(), action), actions.end()) << action;
    }
    // Submitted means final: a second save is refused by the store.
    EXPECT_FALSE(qc.saveEvaluation(m_in.recordingId, allPassing(qc.checklist()), false));
}

TEST_F(SessionPermissions, signInRefusesAWrongPasswordAndAuditsIt) {
    auto wrong = Session::signIn(m_dbPath, "qc1", "not-the-password", m_options);
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().kind, CoreError::Kind::Refused);
    const auto actions = auditActions();
    EXPECT_EQ(actions.back(), "auth.sign_in_failed");
}

TEST_F(SessionPermissions, openByNameTakesTheUsersRoleAndRefusesStrangersOnceUsersExist) {
    auto lead = Session::open(m_dbPath, std::string("tl1"));
    ASSERT_TRUE(lead) << lead.error().detail;
    EXPECT_EQ(lead->actor().role, Role::TeamLead);
    EXPECT_EQ(lead->actor().teams, std::vector<std::string>{kInTeam});
    EXPECT_FALSE(lead->queue()); // a team lead has no queue

    auto stranger = Session::open(m_dbPath, std::string("nobody"));
    ASSERT_FALSE(stranger);
    EXPECT_EQ(stranger.error().kind, CoreError::Kind::Refused);
    EXPECT_NE(stranger.error().detail.find("\"nobody\" is not one of them"), std::string::npos)
        << stranger.error().detail;
}

TEST_F(SessionPermissions, startSignsInOnceTheDatabaseHasUsers) {
    auto withoutPassword = Session::start(m_dbPath, "qc1", std::nullopt, m_options);
    ASSERT_FALSE(withoutPassword);
    EXPECT_EQ(withoutPassword.error().kind, CoreError::Kind::Refused);
    EXPECT_FALSE(Session::start(m_dbPath, "qc1", std::string("wrong-password"), m_options));
    auto signedIn = Session::start(m_dbPath, "qc1", std::string(kPassword), m_options);
    ASSERT_TRUE(signedIn) << signedIn.error().detail;
    EXPECT_EQ(signedIn->actor().projects, std::vector<std::string>{kInProject});

    const auto legacy = m_dir / "legacy.db";
    auto unguarded = Session::start(legacy, "qc1", std::nullopt, m_options);
    ASSERT_TRUE(unguarded) << unguarded.error().detail;
    EXPECT_EQ(unguarded->actor().projects, std::vector<std::string>{"*"});
}

TEST(SessionWithoutAccounts, actsAsAnInspectorOfEveryProjectUntilTheFirstUserExists) {
    const auto dir = fs::path(CALLQC_TEST_TMP) / fmt::format("session-legacy-{}", getpid());
    fs::remove_all(dir);
    fs::create_directories(dir);
    const auto dbPath = dir / "qc.db";
    {
        auto session = Session::open(dbPath, std::string("anyone"));
        ASSERT_TRUE(session) << session.error().detail;
        EXPECT_EQ(session->actor().role, Role::Inspector);
        EXPECT_EQ(session->actor().projects, std::vector<std::string>{"*"});
        EXPECT_TRUE(session->search({}));
        SearchRequest full;
        full.fullNumbers = true;
        EXPECT_FALSE(session->search(full)); // an inspector sees numbers masked
    }
    AuthOptions options;
    options.cost = PasswordCost::minimum();
    {
        auto db = storage::Database::open(dbPath);
        ASSERT_TRUE(db);
        ASSERT_TRUE(createFirstAdministrator(*db, "root", kPassword, options));
    }
    auto refused = Session::open(dbPath, std::string("anyone"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, CoreError::Kind::Refused);
    auto admin = Session::open(dbPath, std::string("root"));
    ASSERT_TRUE(admin) << admin.error().detail;
    EXPECT_EQ(admin->actor().role, Role::Administrator);
    EXPECT_FALSE(admin->search({})); // no call content for administrators
}

} // namespace
} // namespace callqc::core
