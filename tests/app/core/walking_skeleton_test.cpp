// The walking skeleton end to end through app/core: generate a small day, import it, sample it,
// score one call and report it; plus the import's handling of bad rows.

#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "app/core/import_day.hpp"
#include "app/core/session.hpp"
#include "assets/demo/demo_day.hpp"
#include "tests/audio/fixtures.hpp"

namespace callqc::core {
namespace {

const std::string kDate = "2026-11-25";

class WalkingSkeleton : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_day = new std::filesystem::path(tests::freshDir("skeleton_day"));
        demo::DemoOptions options;
        options.calls = 8;
        options.seed = 99;
        options.date = kDate;
        auto made = demo::generateDemoDay(*s_day, options);
        ASSERT_TRUE(made) << made.error();
        ASSERT_EQ(made->calls, 8);
    }
    static void TearDownTestSuite() { delete s_day; }

    static std::filesystem::path freshDb(const std::string& name) {
        return tests::freshDir(name) / "qc.db";
    }

    static scoring::Answers allPassing(const scoring::Checklist& checklist) {
        scoring::Answers answers;
        for (const auto& section : checklist.sections) {
            for (const auto& item : section.items) {
                scoring::ItemAnswer a;
                a.value = scoring::AnswerValue::Pass;
                a.points = item.weight;
                answers[item.id] = a;
            }
        }
        return answers;
    }

    static std::filesystem::path* s_day;
};
std::filesystem::path* WalkingSkeleton::s_day = nullptr;

TEST_F(WalkingSkeleton, importsEveryCallOnceAndReimportChangesNothing) {
    auto db = storage::Database::open(freshDb("import"));
    ASSERT_TRUE(db);
    auto first = importDay(*db, *s_day, {});
    ASSERT_TRUE(first) << first.error().detail;
    EXPECT_EQ(first->imported, 8);
    EXPECT_TRUE(first->rejected.empty()) << first->rejected[0].reason;

    auto calls = storage::recordingsOn(*db, kDate);
    ASSERT_TRUE(calls);
    ASSERT_EQ(calls->size(), 8u);
    for (const auto& call : *calls) {
        EXPECT_EQ(call.sha256.size(), 64u);
        EXPECT_GE(call.durationSec, 20.0) << call.callId;
        EXPECT_LE(call.durationSec, 241.0) << call.callId;
        ASSERT_TRUE(call.metaDurationSec) << call.callId;
        EXPECT_NEAR(call.durationSec, *call.metaDurationSec, 1.0) << call.callId;
        EXPECT_FALSE(storage::segmentsFor(*db, call.id)->empty()) << call.callId;
        const auto profile = storage::profileFor(*db, call.id);
        ASSERT_TRUE(profile);
        EXPECT_GT(profile->agentSpeechSec, 5.0) << call.callId;
        EXPECT_EQ(profile->stereo, call.channels == 2);
    }

    auto again = importDay(*db, *s_day, {});
    ASSERT_TRUE(again);
    EXPECT_EQ(again->imported, 0);
    EXPECT_EQ(again->unchanged, 8);
    EXPECT_EQ(storage::recordingsOn(*db, kDate)->size(), 8u);
}

TEST_F(WalkingSkeleton, samplesScoresAndReports) {
    const auto dbPath = freshDb("skeleton");
    {
        auto db = storage::Database::open(dbPath);
        ASSERT_TRUE(db);
        ASSERT_TRUE(importDay(*db, *s_day, {}));
    }
    auto session = Session::open(dbPath, "qc1");
    ASSERT_TRUE(session) << session.error().detail;

    auto calls = storage::recordingsOn(session->db(), kDate);
    std::set<std::string> agents;
    for (const auto& c : *calls) {
        agents.insert(c.agentNo);
    }
    auto summary = session->sampleDay(kDate, 1, 42);
    ASSERT_TRUE(summary) << summary.error().detail;
    EXPECT_EQ(summary->calls, 8);
    EXPECT_EQ(summary->agents, static_cast<int>(agents.size()));
    EXPECT_EQ(summary->picked, static_cast<int>(agents.size()));

    auto queue = session->queue(kDate);
    ASSERT_TRUE(queue);
    ASSERT_EQ(queue->size(), agents.size());
    std::set<std::string> queuedAgents;
    for (const auto& row : *queue) {
        queuedAgents.insert(row.agentNo);
        EXPECT_EQ(row.reason, "random");
    }
    EXPECT_EQ(queuedAgents, agents);

    const auto first = queue->front();
    auto view = session->openCall(first.recordingId);
    ASSERT_TRUE(view) << view.error().detail;
    EXPECT_EQ(view->recording.callId, first.callId);
    EXPECT_FALSE(view->segments.empty());
    EXPECT_FALSE(view->peaks.channels.empty());
    EXPECT_EQ(view->checklist.itemCount(), 13u);
    EXPECT_FALSE(view->suggestions.empty()); // rule items are pre-filled
    EXPECT_EQ(view->status, "");

    // An unanswered form cannot be submitted; a complete one can, exactly once.
    auto refused = session->saveEvaluation(first.recordingId, {}, true);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, CoreError::Kind::Refused);
    auto score = session->saveEvaluation(first.recordingId, allPassing(view->checklist), true);
    ASSERT_TRUE(score) << score.error().detail;
    EXPECT_DOUBLE_EQ(score->score, 100.0);
    EXPECT_FALSE(session->saveEvaluation(first.recordingId, allPassing(view->checklist), true));

    auto reopened = session->openCall(first.recordingId);
    ASSERT_TRUE(reopened);
    EXPECT_EQ(reopened->status, "submitted");
    EXPECT_TRUE(reopened->suggestions.empty());

    auto byAgent = session->report(storage::ReportGrouping::Agent, kDate);
    ASSERT_TRUE(byAgent);
    ASSERT_EQ(byAgent->size(), 1u);
    EXPECT_EQ((*byAgent)[0].key, first.agentNo);
    EXPECT_EQ((*byAgent)[0].evaluations, 1);
    EXPECT_DOUBLE_EQ((*byAgent)[0].mean, 100.0);
    auto byTeam = session->report(storage::ReportGrouping::Team, kDate);
    ASSERT_TRUE(byTeam);
    ASSERT_EQ(byTeam->size(), 1u);
    EXPECT_EQ((*byTeam)[0].label, first.team);
}

TEST_F(WalkingSkeleton, sameSeedSameSampleOnAnotherDatabase) {
    std::vector<std::vector<std::string>> picked;
    for (const char* name : {"seed_a", "seed_b"}) {
        const auto dbPath = freshDb(name);
        {
            auto db = storage::Database::open(dbPath);
            ImportOptions options;
            options.jobs = 1;
            ASSERT_TRUE(importDay(*db, *s_day, options));
        }
        auto session = Session::open(dbPath, "qc1");
        ASSERT_TRUE(session->sampleDay(kDate, 2, 7));
        std::vector<std::string> ids;
        const auto queue = session->queue(kDate);
        ASSERT_TRUE(queue);
        for (const auto& row : *queue) {
            ids.push_back(row.callId);
        }
        picked.push_back(ids);
    }
    EXPECT_EQ(picked[0], picked[1]);
}

TEST(ImportDay, rejectsBadRowsWithReasonsAndKeepsTheGoodOnes) {
    const auto day = tests::freshDir("bad_day");
    std::filesystem::create_directories(day / "audio");
    auto pcm = tests::silence(2, 3.0);
    tests::addTone(pcm, 0, 0.5, 2.5);
    tests::writeWav16(day / "audio" / "好的 录音.wav", pcm);
    std::ofstream(day / "audio" / "text.wav") << "not audio at all";
    std::ofstream(day / "audio" / "empty.wav").close();
    std::filesystem::create_directories(day / "transcripts");
    std::ofstream(day / "transcripts" / "G2.json") << "{broken";
    std::ofstream(day / "metadata.csv")
        << "call_id,file,start_time,duration_sec,agent_id,agent_name,team,queue,direction,"
           "customer_phone\n"
        << "G1,audio/好的 录音.wav,2026-11-25 "
           "09:00:00,3,000123,王芳,一组,服务,inbound,13800000000\n"
        << "M1,audio/missing.wav,2026-11-25 09:01:00,3,000123,王芳,一组,服务,inbound,1\n"
        << "T1,audio/好的 录音.wav,yesterday noon,3,000123,王芳,一组,服务,inbound,1\n"
        << "G1,audio/好的 录音.wav,2026-11-25 09:03:00,3,000123,王芳,一组,服务,inbound,1\n"
        << "X1,audio/text.wav,2026-11-25 09:04:00,3,000124,李雷,一组,服务,inbound,1\n"
        << "E1,audio/empty.wav,2026-11-25 09:05:00,3,000124,李雷,一组,服务,inbound,1\n"
        << "S1,audio/好的 录音.wav,2026-11-25 09:06:00\n"
        << ",audio/好的 录音.wav,2026-11-25 09:07:00,3,000124,李雷,一组,服务,inbound,1\n"
        << "G2,audio/好的 录音.wav,2026-11-25T09:08:00,3,000125,韩梅梅,二组,服务,outbound,1\n";

    auto db = storage::Database::open(":memory:");
    ASSERT_TRUE(db);
    auto report = importDay(*db, day, {});
    ASSERT_TRUE(report) << report.error().detail;
    EXPECT_EQ(report->imported, 2);
    ASSERT_EQ(report->rejected.size(), 7u);
    const auto reasonOf = [&](int row) {
        for (const auto& r : report->rejected) {
            if (r.row == row) {
                return r.reason;
            }
        }
        return std::string("(not rejected)");
    };
    EXPECT_NE(reasonOf(3).find("audio file not found"), std::string::npos) << reasonOf(3);
    EXPECT_NE(reasonOf(4).find("start_time \"yesterday noon\""), std::string::npos);
    EXPECT_EQ(reasonOf(5), "duplicate call_id in this file");
    EXPECT_NE(reasonOf(6).find("text.wav"), std::string::npos) << reasonOf(6);
    EXPECT_NE(reasonOf(7).find("empty"), std::string::npos) << reasonOf(7);
    EXPECT_EQ(reasonOf(8), "has 3 columns, header has 10");
    EXPECT_EQ(reasonOf(9), "\"call_id\" is empty");
    ASSERT_EQ(report->warnings.size(), 1u);
    EXPECT_NE(report->warnings[0].find("G2.json: not valid JSON"), std::string::npos);

    auto g1 = storage::recordingById(*db, storage::findRecording(*db, "G1")->value().id);
    ASSERT_TRUE(g1);
    EXPECT_EQ(g1->agentNo, "000123");
    EXPECT_DOUBLE_EQ(g1->durationSec, 3.0);
    EXPECT_EQ(g1->startTime, "2026-11-25 09:00:00");
    auto g2 = storage::recordingById(*db, storage::findRecording(*db, "G2")->value().id);
    EXPECT_EQ(g2->startTime, "2026-11-25 09:08:00");
    EXPECT_TRUE(storage::segmentsFor(*db, g2->id)->empty());
}

TEST(ImportDay, filesOutsideTheRecordingFoldersAreRejectedUnread) {
    const auto root = tests::freshDir("confined");
    const auto day = root / "day";
    std::filesystem::create_directories(day / "audio");
    auto pcm = tests::silence(1, 2.0);
    tests::addTone(pcm, 0, 0.5, 1.5);
    tests::writeWav16(day / "audio" / "in.wav", pcm);
    tests::writeWav16(root / "outside.wav", pcm);
    std::filesystem::create_symlink(root / "outside.wav", day / "audio" / "link.wav");
    std::ofstream(day / "metadata.csv")
        << "call_id,file,start_time,agent_id\n"
        << "A1,audio/in.wav,2026-11-25 10:00:00,7\n"
        << "A2,../outside.wav,2026-11-25 10:01:00,7\n"
        << "A3,../../../../etc/passwd,2026-11-25 10:02:00,7\n"
        << "A4," << (root / "outside.wav").string() << ",2026-11-25 10:03:00,7\n"
        << "A5,audio/link.wav,2026-11-25 10:04:00,7\n"
        << "A6,audio/../audio/in.wav,2026-11-25 10:05:00,7\n";
    auto db = storage::Database::open(":memory:");
    auto report = importDay(*db, day, {});
    ASSERT_TRUE(report) << report.error().detail;
    EXPECT_EQ(report->imported, 2); // A1 and A6
    ASSERT_EQ(report->rejected.size(), 4u);
    for (const auto& r : report->rejected) {
        EXPECT_NE(r.reason.find("outside the recording folders"), std::string::npos)
            << r.callId << ": " << r.reason;
    }
    EXPECT_EQ(report->rejected[1].reason,
              "file \"../../../../etc/passwd\" is outside the recording folders; not read");

    // A configured root admits files under it.
    ImportOptions options;
    options.recordingRoots = {day, root};
    auto db2 = storage::Database::open(":memory:");
    auto wider = importDay(*db2, day, options);
    ASSERT_TRUE(wider);
    EXPECT_EQ(wider->imported, 5);
    ASSERT_EQ(wider->rejected.size(), 1u);
    EXPECT_EQ(wider->rejected[0].callId, "A3");
}

TEST(ImportDay, changedFileIsReportedNotReplaced) {
    const auto day = tests::freshDir("changed_day");
    auto pcm = tests::silence(1, 2.0);
    tests::addTone(pcm, 0, 0.5, 1.5);
    tests::writeWav16(day / "a.wav", pcm);
    std::ofstream(day / "metadata.csv") << "call_id,file,start_time,agent_id\n"
                                        << "A1,a.wav,2026-11-25 10:00:00,7\n";
    auto db = storage::Database::open(":memory:");
    ASSERT_EQ(importDay(*db, day, {})->imported, 1);
    tests::addTone(pcm, 0, 0.0, 2.0, 1000.0, 0.1f);
    tests::writeWav16(day / "a.wav", pcm);
    auto again = importDay(*db, day, {});
    ASSERT_TRUE(again);
    ASSERT_EQ(again->rejected.size(), 1u);
    EXPECT_NE(again->rejected[0].reason.find("different content"), std::string::npos);
}

TEST(ImportDay, missingMetadataOrColumnIsAnError) {
    const auto day = tests::freshDir("no_metadata");
    auto db = storage::Database::open(":memory:");
    auto missing = importDay(*db, day, {});
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().detail.find("metadata.csv: cannot open"), std::string::npos);
    std::ofstream(day / "metadata.csv") << "call_id,start_time,agent_id\nA,2026-11-25 10:00:00,1\n";
    auto noFile = importDay(*db, day, {});
    ASSERT_FALSE(noFile);
    EXPECT_NE(noFile.error().detail.find("no \"file\" column"), std::string::npos);
}

} // namespace
} // namespace callqc::core
