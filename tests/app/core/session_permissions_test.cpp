// Issue 7 through app/core: every role × every Session use case × a call in and out of the
// user's scope, on a real SQLite database with signed-in users, asserting allowed or refused
// (CoreError::Kind::Refused). Then the rules the issue names one by one: masked numbers for a
// trainer, a team lead's own team only, scoring only calls assigned to you, an intact audit chain
// after a submission, and who Session::open by name acts as.

#include <algorithm>
#include <cmath>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "app/core/audit.hpp"
#include "app/core/auth.hpp"
#include "app/core/evaluation_history.hpp"
#include "app/core/file_hash.hpp"
#include "app/core/permissions.hpp"
#include "app/core/session.hpp"
#include "storage/audit_store.hpp"
#include "storage/call_store.hpp"
#include "storage/review_store.hpp"
#include "tests/support/export_readback.hpp"

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
            {"qc3", Role::Inspector, "周质检", {kInProject}, {}},
            {"qc4", Role::Inspector, "吴质检", {kOutProject}, {}},
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
        m_exports = m_dir / "导出";
        fs::create_directories(m_exports);
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

    void TearDown() override { fs::remove_all(m_dir); }

    /// A 4 s stereo recording: the agent (left) at 440 Hz, the customer (right) at 660 Hz.
    fs::path writeRecording(const std::string& callId) const {
        audio::PcmBuffer pcm;
        pcm.sampleRateHz = 8000;
        pcm.channels.assign(2, std::vector<float>(4 * 8000));
        for (std::size_t i = 0; i < pcm.frames(); ++i) {
            const double t = static_cast<double>(i) / 8000.0;
            pcm.channels[0][i] = static_cast<float>(0.3 * std::sin(2 * M_PI * 440 * t));
            pcm.channels[1][i] = static_cast<float>(0.3 * std::sin(2 * M_PI * 660 * t));
        }
        const fs::path path = m_dir / fmt::format("{}.wav", callId);
        auto encoded = audio::encodeFile(pcm, path, {});
        EXPECT_TRUE(encoded) << encoded.error().detail;
        return path;
    }

    Call addCall(storage::Database& db, const std::string& callId, const std::string& agentNo,
                 const std::string& agentName, const std::string& team, const std::string& queue,
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
        r.filePath = writeRecording(callId).string();
        r.fileSize = static_cast<std::int64_t>(fs::file_size(r.filePath));
        r.sha256 = sha256File(r.filePath).value_or("");
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
    fs::path m_exports; ///< where exports go
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
        {"playCall",
         {Role::Inspector, Role::Supervisor, Role::Trainer, Role::TeamLead, Role::Manager}},
        {"exportCalls",
         {Role::Inspector, Role::Supervisor, Role::Trainer, Role::TeamLead, Role::Manager}},
        {"exportReport",
         {Role::Inspector, Role::Supervisor, Role::Trainer, Role::TeamLead, Role::Manager}},
        {"exportReportOutside", {Role::Supervisor, Role::Manager}},
        {"exportClip", {Role::Inspector, Role::Supervisor, Role::Trainer}},
        {"reassignCall", {Role::Supervisor}},
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

/// Whether the CSV at `path` has a row of call `callId` (or, for a report, of agent `callId`).
bool csvHasRow(const fs::path& path, const std::string& key) {
    return testing::readBytes(path).find(fmt::format("\r\n{},", key)) != std::string::npos;
}

std::vector<UseCase> useCases(const std::map<std::string, std::int64_t>& evaluations,
                              const fs::path& exports) {
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
        {"playCall", false,
         [](Session& s, const Call& c, std::string* why) {
             return outcomeOf(s.playCall(c.recordingId), why);
         }},
        {"exportCalls", true,
         [exports](Session& s, const Call& c, std::string* why) {
             const fs::path out = exports / "calls.csv";
             fs::remove(out);
             return listed<TableExportSummary>(
                 s.exportCalls({}, {out, storage::TableFormat::Csv}), why,
                 [&](const auto&) { return csvHasRow(out, c.callId); });
         }},
        {"exportReport", true,
         [exports](Session& s, const Call& c, std::string* why) {
             const fs::path out = exports / "report.csv";
             fs::remove(out);
             return listed<TableExportSummary>(
                 s.exportReport(storage::ReportGrouping::Agent, kDate, kDate,
                                {out, storage::TableFormat::Csv}, false),
                 why, [&](const auto&) { return csvHasRow(out, c.agentNo); });
         }},
        {"exportReportOutside", true,
         [exports](Session& s, const Call& c, std::string* why) {
             const fs::path out = exports / "report-outside.csv";
             fs::remove(out);
             return listed<TableExportSummary>(
                 s.exportReport(storage::ReportGrouping::Agent, kDate, kDate,
                                {out, storage::TableFormat::Csv}, true),
                 why, [&](const auto&) { return csvHasRow(out, c.agentNo); });
         }},
        {"reassignCall", false,
         [](Session& s, const Call& c, std::string* why) {
             return outcomeOf(s.reassignCall(c.recordingId, "qc3"), why);
         }},
        {"exportClip", false,
         [exports](Session& s, const Call& c, std::string* why) {
             ClipRequest request;
             request.startSec = 1;
             request.endSec = 2;
             request.outDir = exports;
             return outcomeOf(s.exportClip(c.recordingId, request), why);
         }},
    };
}

TEST_F(SessionPermissions, everyRoleEveryUseCaseInAndOutOfScope) {
    const auto cases = useCases(m_evaluationOf, m_exports);
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

/// The text a reader of an exported table sees: the CSV, the XLSX sheet, the PDF's text.
std::string exportedText(const fs::path& file, storage::TableFormat format) {
    switch (format) {
    case storage::TableFormat::Csv:
        return testing::readBytes(file);
    case storage::TableFormat::Xlsx:
        return testing::zipMember(file, "xl/worksheets/sheet1.xml").value_or("(no sheet)");
    case storage::TableFormat::Pdf:
        return testing::pdfText(file).value_or("(pdftotext failed)");
    }
    return {};
}

/// `text` as UTF-16LE, as ID3v2.3 tags hold it.
std::string utf16le(const std::string& ascii) {
    std::string out;
    for (const char c : ascii) {
        out += c;
        out += '\0';
    }
    return out;
}

TEST_F(SessionPermissions, aTrainersExportsCarryNoFullCustomerNumber) {
    auto trainer = signedIn(Role::Trainer);
    for (const auto format :
         {storage::TableFormat::Csv, storage::TableFormat::Xlsx, storage::TableFormat::Pdf}) {
        const fs::path out =
            m_exports / fmt::format("通话 trainer.{}", storage::tableFormatName(format));
        auto written = trainer.exportCalls({}, {out, format});
        ASSERT_TRUE(written) << written.error().detail;
        EXPECT_EQ(written->rows, 2u); // C-IN and C-OTHER: kInProject only
        EXPECT_TRUE(written->masked);
        const std::string text = exportedText(out, format);
        for (const char* masked : {"138****1234", "137****1111", "C-IN", "C-OTHER"}) {
            EXPECT_NE(text.find(masked), std::string::npos)
                << storage::tableFormatName(format) << " lacks " << masked;
        }
        for (const Call* call : {&m_in, &m_out, &m_other}) {
            EXPECT_EQ(text.find(call->phone), std::string::npos)
                << storage::tableFormatName(format) << " holds " << call->phone;
        }
        EXPECT_EQ(text.find("C-OUT"), std::string::npos);
        if (format != storage::TableFormat::Csv) { // a CSV is data only, without notes
            EXPECT_NE(text.find("客户号码已脱敏"), std::string::npos);
        }
    }
    for (const auto format :
         {audio::EncodeFormat::PcmS16Wav, audio::EncodeFormat::Mp3, audio::EncodeFormat::OpusOgg}) {
        ClipRequest request;
        request.startSec = 0.5;
        request.endSec = 3.25;
        request.format = format;
        request.outDir = m_exports;
        auto clip = trainer.exportClip(m_in.recordingId, request);
        ASSERT_TRUE(clip) << clip.error().detail;
        EXPECT_TRUE(clip->masked);
        EXPECT_EQ(
            clip->file.filename().string(),
            fmt::format("C-IN_001_00m00s-00m03s.{}", clip->file.extension().string().substr(1)));
        EXPECT_EQ(
            clip->comment,
            fmt::format("坐席 001 王芳 · 班组 {} · 技能组 {} · {} 09:00:00 · 客户 138****1234",
                        kInTeam, kInProject, kDate));
        EXPECT_NEAR(clip->durationSec, 2.75, 0.001);
        const std::string bytes = testing::readBytes(clip->file);
        EXPECT_EQ(bytes.find(m_in.phone), std::string::npos) << clip->file;
        EXPECT_EQ(bytes.find(utf16le(m_in.phone)), std::string::npos) << clip->file;
        const bool utf16 = format == audio::EncodeFormat::Mp3; // ID3v2.3 text is UTF-16
        EXPECT_NE(bytes.find(utf16 ? utf16le("138****1234") : "138****1234"), std::string::npos)
            << "the masked number is in the tags of " << clip->file;
    }
    ClipRequest full;
    full.startSec = 0;
    full.endSec = 1;
    full.outDir = m_exports;
    full.fullNumbers = true;
    auto asked = trainer.exportClip(m_in.recordingId, full);
    ASSERT_FALSE(asked);
    EXPECT_EQ(asked.error().kind, CoreError::Kind::Refused);
    EXPECT_EQ(asked.error().detail,
              "tr1 (trainer) may not export customer numbers in full; leave that out to export "
              "them masked");
    auto fullList =
        trainer.exportCalls({}, {m_exports / "full.csv", storage::TableFormat::Csv, true});
    ASSERT_FALSE(fullList);
    EXPECT_EQ(fullList.error().kind, CoreError::Kind::Refused);
    EXPECT_FALSE(fs::exists(m_exports / "full.csv"));
}

TEST_F(SessionPermissions, aSupervisorExportsFullNumbersOnlyWhenAskingAndItIsAudited) {
    auto supervisor = signedIn(Role::Supervisor);
    const fs::path masked = m_exports / "masked.csv";
    ASSERT_TRUE(supervisor.exportCalls({}, {masked, storage::TableFormat::Csv}));
    EXPECT_EQ(testing::readBytes(masked).find(m_in.phone), std::string::npos);
    const fs::path full = m_exports / "full.csv";
    auto written = supervisor.exportCalls({}, {full, storage::TableFormat::Csv, true});
    ASSERT_TRUE(written) << written.error().detail;
    EXPECT_FALSE(written->masked);
    EXPECT_NE(testing::readBytes(full).find("," + m_in.phone + ","), std::string::npos);

    ClipRequest request;
    request.startSec = 0;
    request.endSec = 1;
    request.outDir = m_exports;
    request.fullNumbers = true;
    request.language = scoring::Language::En;
    auto clip = supervisor.exportClip(m_in.recordingId, request);
    ASSERT_TRUE(clip) << clip.error().detail;
    EXPECT_NE(clip->comment.find("customer " + m_in.phone), std::string::npos) << clip->comment;

    auto db = storage::Database::open(m_dbPath);
    ASSERT_TRUE(db);
    auto entries = storage::auditEntriesAfter(*db, 0, 10000);
    ASSERT_TRUE(entries);
    std::vector<nlohmann::json> exports;
    for (const auto& e : *entries) {
        if (e.action.rfind("export.", 0) == 0) {
            auto detail = nlohmann::json::parse(e.detail);
            detail["action"] = e.action;
            detail["user"] = e.user;
            exports.push_back(detail);
        }
    }
    ASSERT_EQ(exports.size(), 3u);
    EXPECT_EQ(exports[0]["action"], "export.calls");
    EXPECT_EQ(exports[0]["user"], "sup1");
    EXPECT_EQ(exports[0]["rows"], 2);
    EXPECT_EQ(exports[0]["masked"], true);
    EXPECT_EQ(exports[0]["format"], "csv");
    EXPECT_EQ(exports[0]["file"], masked.string());
    EXPECT_EQ(exports[1]["masked"], false);
    EXPECT_EQ(exports[2]["action"], "export.clip");
    EXPECT_EQ(exports[2]["call_id"], "C-IN");
    EXPECT_EQ(exports[2]["masked"], false);
    auto chain = verifyAuditChain(*db);
    ASSERT_TRUE(chain);
    EXPECT_TRUE(chain->intact());
}

TEST_F(SessionPermissions, aReportLeavesTheTeamOnlyThroughSupervisorsAndManagers) {
    auto lead = signedIn(Role::TeamLead);
    const fs::path inside = m_exports / "team.xlsx";
    auto written = lead.exportReport(storage::ReportGrouping::Team, kDate, kDate,
                                     {inside, storage::TableFormat::Xlsx}, false);
    ASSERT_TRUE(written) << written.error().detail;
    EXPECT_EQ(written->rows, 1u);
    const std::string sheet = exportedText(inside, storage::TableFormat::Xlsx);
    EXPECT_NE(sheet.find(fmt::format("<t>{}</t>", kInTeam)), std::string::npos);
    EXPECT_EQ(sheet.find(fmt::format("<t>{}</t>", kOutTeam)), std::string::npos);
    EXPECT_NE(sheet.find("用途：团队内部"), std::string::npos);

    auto outside = lead.exportReport(storage::ReportGrouping::Team, kDate, kDate,
                                     {m_exports / "out.pdf", storage::TableFormat::Pdf}, true);
    ASSERT_FALSE(outside);
    EXPECT_EQ(outside.error().kind, CoreError::Kind::Refused);
    EXPECT_FALSE(fs::exists(m_exports / "out.pdf"));

    auto manager = signedIn(Role::Manager);
    const fs::path sent = m_exports / "sent.pdf";
    ASSERT_TRUE(manager.exportReport(storage::ReportGrouping::Agent, kDate, kDate,
                                     {sent, storage::TableFormat::Pdf}, true));
    const std::string text = exportedText(sent, storage::TableFormat::Pdf);
    EXPECT_NE(text.find("用途：外发（团队以外）"), std::string::npos) << text;
    EXPECT_NE(text.find("王芳"), std::string::npos) << text;
    EXPECT_EQ(text.find("赵敏"), std::string::npos) << text;
}

TEST_F(SessionPermissions, aRecordingChangedSinceImportIsNotExportedAndTheMismatchIsAudited) {
    {
        std::ofstream tamper(m_dir / "C-IN.wav", std::ios::binary | std::ios::app);
        tamper << "x";
    }
    auto trainer = signedIn(Role::Trainer);
    ClipRequest request;
    request.startSec = 0;
    request.endSec = 1;
    request.outDir = m_exports;
    auto clip = trainer.exportClip(m_in.recordingId, request);
    ASSERT_FALSE(clip);
    EXPECT_EQ(clip.error().kind, CoreError::Kind::Input);
    EXPECT_NE(clip.error().detail.find("C-IN.wav changed since it was imported"), std::string::npos)
        << clip.error().detail;
    EXPECT_TRUE(fs::is_empty(m_exports));
    EXPECT_EQ(auditActions().back(), "recording.mismatch");
}

TEST_F(SessionPermissions, aSupervisorReassignsAQueuedCallToAnInspectorWhoMayScoreIt) {
    auto supervisor = signedIn(Role::Supervisor);
    const auto input = [&](const std::string& to, const std::string& detail) {
        auto moved = supervisor.reassignCall(m_other.recordingId, to);
        ASSERT_FALSE(moved) << to;
        EXPECT_EQ(moved.error().kind, CoreError::Kind::Input) << to;
        EXPECT_EQ(moved.error().detail, detail);
    };
    input("nobody", "\"nobody\" is not an active user");
    input("tr1", "tr1 is a trainer, not an inspector: only inspectors and supervisors have queues");
    input("qc4", "qc4 may not score call C-OTHER: qc4 (QC inspector) may score calls only in "
                 "their own projects (宽带报修), not in project \"信用卡服务\"");
    auto qc = signedIn(Role::Inspector);
    ASSERT_FALSE(qc.saveEvaluation(m_other.recordingId, {}, false)) << "qc2's call, not qc1's";

    ASSERT_TRUE(supervisor.reassignCall(m_other.recordingId, "qc1"));
    input("qc1", "call C-OTHER is already in qc1's queue");
    auto queue = qc.queue();
    ASSERT_TRUE(queue);
    EXPECT_EQ(
        std::count_if(queue->begin(), queue->end(),
                      [&](const auto& row) { return row.recordingId == m_other.recordingId; }),
        1);
    auto submitted = qc.saveEvaluation(m_other.recordingId, allPassing(qc.checklist()), true);
    ASSERT_TRUE(submitted) << submitted.error().detail;
    input("qc3", "qc1 has submitted call C-OTHER; correct it with a revision instead of moving it");

    const auto actions = auditActions();
    EXPECT_EQ(std::count(actions.begin(), actions.end(), "queue.reassign"), 1);
    auto chain = verifyAuditChain(qc.db());
    ASSERT_TRUE(chain);
    EXPECT_TRUE(chain->intact());
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

TEST_F(SessionPermissions, aSubmissionThatCannotBeSealedIsNotStoredAsSubmitted) {
    auto qc = signedIn(Role::Inspector);
    ASSERT_TRUE(qc.saveEvaluation(m_in.recordingId, allPassing(qc.checklist()), false));
    // Sealing writes evaluation_versions; make that fail as a full disk would.
    ASSERT_TRUE(qc.db().exec("CREATE TEMP TRIGGER no_versions BEFORE INSERT ON "
                             "evaluation_versions BEGIN SELECT RAISE(ABORT, 'disk full'); END"));
    const auto before = auditActions().size();
    auto submitted = qc.saveEvaluation(m_in.recordingId, allPassing(qc.checklist()), true);
    ASSERT_FALSE(submitted);
    EXPECT_NE(submitted.error().detail.find("disk full"), std::string::npos)
        << submitted.error().detail;
    auto stored = storage::loadEvaluation(qc.db(), m_in.recordingId, "qc1");
    ASSERT_TRUE(stored && *stored);
    EXPECT_EQ((*stored)->status, "draft") << "the submission rolled back with its seal";
    EXPECT_EQ(auditActions().size(), before);

    ASSERT_TRUE(qc.db().exec("DROP TRIGGER no_versions"));
    ASSERT_TRUE(qc.saveEvaluation(m_in.recordingId, allPassing(qc.checklist()), true));
    auto chain = verifyAuditChain(qc.db());
    ASSERT_TRUE(chain);
    EXPECT_TRUE(chain->intact());
}

TEST_F(SessionPermissions, aChangedPhraseListIsAuditedByTheFirstSessionThatLoadsIt) {
    const auto changes = [&] {
        auto db = storage::Database::open(m_dbPath);
        EXPECT_TRUE(db);
        auto entries = storage::auditEntriesWithAction(*db, "config.changed");
        EXPECT_TRUE(entries);
        return entries.value_or(std::vector<storage::AuditEntry>{});
    };
    ASSERT_EQ(changes().size(), 1u) << "the first session recorded what it loaded";
    EXPECT_EQ(nlohmann::json::parse(changes()[0].detail)["first_seen"], true);

    // The same files elsewhere are the same configuration.
    const fs::path assets = m_dir / "assets";
    fs::create_directories(assets);
    fs::copy(assetsDir() / "checklists", assets / "checklists", fs::copy_options::recursive);
    ASSERT_EQ(setenv("CALLQC_ASSETS", assets.c_str(), 1), 0);
    ASSERT_TRUE(Session::signIn(m_dbPath, "sup1", kPassword, m_options));
    EXPECT_EQ(changes().size(), 1u);

    {
        std::ofstream phrases(assets / "checklists" / "phrases.toml", std::ios::app);
        phrases << "\n# 主管修改\n";
    }
    ASSERT_TRUE(Session::signIn(m_dbPath, "tr1", kPassword, m_options));
    ASSERT_TRUE(Session::signIn(m_dbPath, "qc1", kPassword, m_options));
    unsetenv("CALLQC_ASSETS");
    const auto seen = changes();
    ASSERT_EQ(seen.size(), 2u) << "one new entry, by the first session after the change";
    EXPECT_EQ(seen[1].user, "tr1");
    const auto detail = nlohmann::json::parse(seen[1].detail);
    EXPECT_EQ(detail["changed"], nlohmann::json::array({"phrases"}));
    EXPECT_EQ(detail["folder"], (assets / "checklists").string());
    EXPECT_EQ(detail["files"]["phrases"],
              sha256File(assets / "checklists" / "phrases.toml").value_or(""));
}

TEST_F(SessionPermissions, aSubmissionIsCorrectedByANewVersionWithItsReason) {
    auto qc = signedIn(Role::Inspector);
    const scoring::Checklist& checklist = qc.checklist();
    const scoring::Answers passing = allPassing(checklist);
    ASSERT_TRUE(qc.saveEvaluation(m_in.recordingId, passing, true));
    const scoring::ChecklistItem* item = nullptr;
    for (const auto& section : checklist.sections) {
        for (const auto& candidate : section.items) {
            if (item == nullptr && candidate.kind == scoring::ItemKind::PassFail) {
                item = &candidate;
            }
        }
    }
    ASSERT_NE(item, nullptr);
    std::map<std::string, AnswerChange> changes;
    changes[item->id].value = scoring::AnswerValue::Fail;
    changes[item->id].comment = "复听发现未按规范开场";

    const auto refusedFor = [&](Role role) {
        auto session = signedIn(role);
        auto revised = session.reviseEvaluation(m_in.recordingId, "qc1", changes, "复核");
        ASSERT_FALSE(revised) << roleName(role);
        EXPECT_EQ(revised.error().kind, CoreError::Kind::Refused) << revised.error().detail;
    };
    refusedFor(Role::Trainer);
    refusedFor(Role::TeamLead);
    refusedFor(Role::Manager);

    auto empty = qc.reviseEvaluation(m_in.recordingId, "qc1", changes, "  ");
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().kind, CoreError::Kind::Input) << "a correction needs its reason";
    std::map<std::string, AnswerChange> unknown{{"9.9", {scoring::AnswerValue::Fail, {}, {}}}};
    auto wrongItem = qc.reviseEvaluation(m_in.recordingId, "qc1", unknown, "复核");
    ASSERT_FALSE(wrongItem);
    EXPECT_NE(wrongItem.error().detail.find("has no item 9.9"), std::string::npos);

    auto revised = qc.reviseEvaluation(m_in.recordingId, "qc1", changes, "复核：开场白");
    ASSERT_TRUE(revised) << revised.error().detail;
    EXPECT_EQ(revised->version, 2);
    scoring::Answers corrected = passing;
    corrected[item->id].value = scoring::AnswerValue::Fail;
    corrected[item->id].comment = "复听发现未按规范开场";
    const auto expected = scoring::computeScore(checklist, corrected);
    ASSERT_TRUE(revised->scoreBefore && revised->scoreAfter);
    EXPECT_DOUBLE_EQ(*revised->scoreBefore, 100.0);
    EXPECT_DOUBLE_EQ(*revised->scoreAfter, expected.score);
    EXPECT_LT(*revised->scoreAfter, 100.0);

    // A supervisor corrects it back; every version stays readable, the row shows the last.
    auto supervisor = signedIn(Role::Supervisor);
    std::map<std::string, AnswerChange> back;
    back[item->id].value = scoring::AnswerValue::Pass;
    auto again = supervisor.reviseEvaluation(m_in.recordingId, "qc1", back, "申诉成立");
    ASSERT_TRUE(again) << again.error().detail;
    EXPECT_EQ(again->version, 3);
    auto versions = supervisor.evaluationVersions(m_in.recordingId, "qc1");
    ASSERT_TRUE(versions) << versions.error().detail;
    ASSERT_EQ(versions->size(), 3u);
    EXPECT_EQ((*versions)[0].reason, "submitted");
    EXPECT_EQ((*versions)[1].reason, "复核：开场白");
    EXPECT_EQ((*versions)[1].createdBy, "qc1");
    EXPECT_EQ((*versions)[2].reason, "申诉成立");
    EXPECT_EQ((*versions)[2].createdBy, "sup1");
    auto stored = storage::loadEvaluation(qc.db(), m_in.recordingId, "qc1");
    ASSERT_TRUE(stored && *stored);
    EXPECT_EQ((*stored)->score, std::optional<double>(100.0));
    auto chain = verifyAuditChain(qc.db());
    ASSERT_TRUE(chain);
    EXPECT_TRUE(chain->intact());
    EXPECT_FALSE(supervisor.evaluationVersions(m_out.recordingId, "qc9")) << "out of scope";
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
