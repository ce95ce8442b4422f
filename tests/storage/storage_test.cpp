#include <filesystem>

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "storage/call_store.hpp"
#include "storage/csv.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "storage/review_store.hpp"
#include "storage/transcript.hpp"

namespace callqc::storage {
namespace {

Database memoryDb() {
    auto db = Database::open(":memory:");
    EXPECT_TRUE(db) << db.error().detail;
    return std::move(*db);
}

RecordingRecord recording(const std::string& callId, const std::string& start) {
    RecordingRecord r;
    r.callId = callId;
    r.startTime = start;
    r.callDate = start.substr(0, 10);
    r.durationSec = 61.5;
    r.metaDurationSec = 62;
    r.direction = "inbound";
    r.queue = "信用卡服务";
    r.customerPhone = "13812345678";
    r.filePath = "/data/" + callId + ".wav";
    r.fileSize = 1234;
    r.sha256 = std::string(64, 'a');
    r.codec = "pcm_mulaw";
    r.container = "wav";
    r.sampleRateHz = 8000;
    r.channels = 2;
    return r;
}

ProfileRecord profile() {
    ProfileRecord p;
    p.stereo = true;
    p.agentSpeechSec = 30;
    p.customerSpeechSec = 20;
    p.talkRatio = 0.6;
    p.longestSilenceSec = 9.5;
    p.agentSpeech = {{0.5, 10.25}};
    p.deadAir = {{20, 29.5}};
    p.overtalk = {{3, 3.75}, {8, 9}};
    p.peaks = {1, 2, 3, 250};
    return p;
}

std::int64_t addCall(Database& db, const std::string& callId, const std::string& agentNo,
                     const std::string& team, const std::string& start) {
    auto agent = upsertAgent(db, agentNo, "王芳" + agentNo, team);
    EXPECT_TRUE(agent) << agent.error().detail;
    auto id = insertRecording(
        db, *agent, recording(callId, start), profile(),
        {{"agent", 0.5, 2.0, "您好，很高兴为您服务"}, {"customer", 2.5, 4.0, "我想查一下账单"}});
    EXPECT_TRUE(id) << id.error().detail;
    return *id;
}

TEST(Database, migratesToTheLatestVersionWithWal) {
    const auto path = std::filesystem::path(CALLQC_TEST_TMP) / "migrate.db";
    std::filesystem::create_directories(path.parent_path());
    std::filesystem::remove(path);
    {
        auto db = Database::open(path);
        ASSERT_TRUE(db) << db.error().detail;
        EXPECT_EQ(db->schemaVersion(), static_cast<int>(migrations().size()));
        auto mode = db->prepare("PRAGMA journal_mode");
        ASSERT_TRUE(mode);
        ASSERT_TRUE(*mode->step());
        EXPECT_EQ(mode->getText(0), "wal");
    }
    auto again = Database::open(path);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->schemaVersion(), static_cast<int>(migrations().size()));
}

TEST(Database, upgradesAVersionOneDatabaseKeepingItsRows) {
    const auto path = std::filesystem::path(CALLQC_TEST_TMP) / "upgrade.db";
    std::filesystem::create_directories(path.parent_path());
    std::filesystem::remove(path);
    {
        // A database as version 1 of the program left it, built with version 1's own step.
        sqlite3* raw = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
        ASSERT_EQ(sqlite3_exec(raw, migrations()[0].c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
        ASSERT_EQ(
            sqlite3_exec(raw,
                         "PRAGMA user_version = 1;"
                         "INSERT INTO teams(name) VALUES ('一组');"
                         "INSERT INTO agents(employee_no, name, team_id) VALUES ('001', 'a', 1);"
                         "INSERT INTO recordings(call_id, agent_id, start_time, call_date, "
                         "duration_sec, file_path, file_size, sha256, codec, container, "
                         "sample_rate, channels) VALUES ('C1', 1, '2026-11-25 09:00:00', "
                         "'2026-11-25', 10, '/x.wav', 1, 'h', 'pcm', 'wav', 8000, 1);"
                         "INSERT INTO checklists(checklist_key, version, name, source, "
                         "fingerprint) VALUES ('k', 1, 'n', 's', 'f');"
                         "INSERT INTO evaluations(recording_id, checklist_id, inspector, "
                         "status, score) VALUES (1, 1, 'qc', 'submitted', 90);"
                         "INSERT INTO evaluation_answers(evaluation_id, item_id, value) "
                         "VALUES (1, '1.1', 'pass');",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
        sqlite3_close(raw);
    }
    auto db = Database::open(path);
    ASSERT_TRUE(db) << db.error().detail;
    EXPECT_EQ(db->schemaVersion(), static_cast<int>(migrations().size()));
    auto loaded = loadEvaluation(*db, 1, "qc");
    ASSERT_TRUE(loaded && loaded->has_value());
    EXPECT_EQ((*loaded)->score, 90.0);
    ASSERT_EQ((*loaded)->answers.size(), 1u);
    EXPECT_EQ((*loaded)->answers[0].value, "pass");
    EXPECT_EQ((*loaded)->answers[0].suggested, "");
}

TEST(Database, refusesASchemaNewerThanItKnows) {
    const auto path = std::filesystem::path(CALLQC_TEST_TMP) / "future.db";
    std::filesystem::create_directories(path.parent_path());
    std::filesystem::remove(path);
    {
        auto db = Database::open(path);
        ASSERT_TRUE(db);
        ASSERT_TRUE(db->exec("PRAGMA user_version = 99"));
    }
    auto db = Database::open(path);
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().kind, StorageError::Kind::Schema);
    EXPECT_NE(db.error().detail.find("99"), std::string::npos);
}

TEST(Database, transactionRollsBackOnError) {
    auto db = memoryDb();
    auto result = db.transaction([&]() -> Result<void> {
        EXPECT_TRUE(db.exec("INSERT INTO teams(name) VALUES ('一组')"));
        return tl::unexpected(StorageError{StorageError::Kind::Input, "stop"});
    });
    EXPECT_FALSE(result);
    auto count = db.prepare("SELECT COUNT(*) FROM teams");
    ASSERT_TRUE(count && *count->step());
    EXPECT_EQ(count->getInt(0), 0);
}

TEST(CallStore, recordingRoundTripsWithProfileAndTranscript) {
    auto db = memoryDb();
    const auto id = addCall(db, "C001", "008012", "客服一组", "2026-11-25 09:13:05");
    auto r = recordingById(db, id);
    ASSERT_TRUE(r) << r.error().detail;
    EXPECT_EQ(r->callId, "C001");
    EXPECT_EQ(r->agentNo, "008012");
    EXPECT_EQ(r->agentName, "王芳008012");
    EXPECT_EQ(r->team, "客服一组");
    EXPECT_EQ(r->callDate, "2026-11-25");
    EXPECT_EQ(r->queue, "信用卡服务");
    EXPECT_EQ(r->metaDurationSec, 62.0);
    auto p = profileFor(db, id);
    ASSERT_TRUE(p);
    EXPECT_EQ(p->overtalk, (std::vector<Span>{{3, 3.75}, {8, 9}}));
    EXPECT_EQ(p->deadAir, (std::vector<Span>{{20, 29.5}}));
    EXPECT_EQ(p->peaks, (std::vector<std::uint8_t>{1, 2, 3, 250}));
    auto segments = segmentsFor(db, id);
    ASSERT_TRUE(segments);
    ASSERT_EQ(segments->size(), 2u);
    EXPECT_EQ((*segments)[1].text, "我想查一下账单");
    auto found = findRecording(db, "C001");
    ASSERT_TRUE(found && found->has_value());
    EXPECT_EQ((*found)->id, id);
    EXPECT_FALSE(findRecording(db, "C999")->has_value());
    EXPECT_EQ(recordingById(db, 999).error().kind, StorageError::Kind::NotFound);
}

TEST(CallStore, agentUpsertKeepsOneRowAndFollowsTeamChanges) {
    auto db = memoryDb();
    auto first = upsertAgent(db, "000123", "李雷", "一组");
    auto second = upsertAgent(db, "000123", "李雷", "二组");
    ASSERT_TRUE(first && second);
    EXPECT_EQ(*first, *second);
    addCall(db, "C1", "000123", "二组", "2026-11-25 10:00:00");
    EXPECT_EQ(recordingsOn(db, "2026-11-25")->front().team, "二组");
    EXPECT_EQ(recordingsOn(db, "2026-11-25")->front().agentNo, "000123");
}

TEST(CallStore, duplicateCallIdIsAConstraintError) {
    auto db = memoryDb();
    addCall(db, "C1", "1", "一组", "2026-11-25 10:00:00");
    auto again = insertRecording(db, *upsertAgent(db, "1", "x", "一组"),
                                 recording("C1", "2026-11-25 10:00:00"), profile(), {});
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().kind, StorageError::Kind::Constraint);
}

TEST(ReviewStore, checklistVersionsAreFrozenByFingerprint) {
    auto db = memoryDb();
    ChecklistRecord v1{0, "default", 1, "默认", "source one", "f1"};
    auto a = ensureChecklist(db, v1);
    auto b = ensureChecklist(db, v1);
    ASSERT_TRUE(a && b);
    EXPECT_EQ(a->id, b->id);
    EXPECT_EQ(a->version, 1);
    auto changed = ensureChecklist(db, {0, "default", 1, "默认", "source two", "f2"});
    ASSERT_TRUE(changed);
    EXPECT_NE(changed->id, a->id);
    EXPECT_EQ(changed->version, 2);
    EXPECT_EQ(checklistById(db, a->id)->source, "source one");
}

TEST(ReviewStore, queueEvaluationsAndReportRows) {
    auto db = memoryDb();
    const auto c1 = addCall(db, "C1", "001", "一组", "2026-11-25 09:00:00");
    const auto c2 = addCall(db, "C2", "002", "二组", "2026-11-25 08:00:00");
    addCall(db, "C3", "002", "二组", "2026-11-26 08:00:00");
    const auto checklist = ensureChecklist(db, {0, "default", 1, "默认", "s", "f"});
    ASSERT_TRUE(checklist);
    auto batch =
        createBatch(db, "2026-11-25", 1, 42, "lead",
                    {{c1, "random", "qc1", "随机抽样"}, {c2, "complaint", "qc1", "客户投诉"}});
    ASSERT_TRUE(batch) << batch.error().detail;

    auto queue = queueFor(db, "qc1", std::nullopt);
    ASSERT_TRUE(queue) << queue.error().detail;
    ASSERT_EQ(queue->size(), 2u);
    EXPECT_EQ((*queue)[0].callId, "C2"); // earlier call first
    EXPECT_EQ((*queue)[0].overtalkCount, 2);
    EXPECT_EQ((*queue)[0].deadAirCount, 1);
    EXPECT_EQ((*queue)[0].status, "");
    EXPECT_EQ((*queue)[0].reason, "complaint");
    EXPECT_EQ((*queue)[0].explanation, "客户投诉");
    EXPECT_TRUE(queueFor(db, "someone else", std::nullopt)->empty());

    EvaluationRecord e;
    e.recordingId = c1;
    e.checklistId = checklist->id;
    e.inspector = "qc1";
    e.status = "draft";
    e.score = 80;
    e.answers = {{"1.1", "pass", 0, 0, "", "pass", "4 种礼貌用语"},
                 {"1.3", "fail", 0, 0, "说了我不清楚", "pass", "未发现服务忌语"}};
    ASSERT_TRUE(saveEvaluation(db, e));
    e.status = "submitted";
    e.score = 75;
    ASSERT_TRUE(saveEvaluation(db, e));
    e.score = 100;
    auto overwrite = saveEvaluation(db, e);
    ASSERT_FALSE(overwrite);
    EXPECT_EQ(overwrite.error().kind, StorageError::Kind::Constraint);

    auto loaded = loadEvaluation(db, c1, "qc1");
    ASSERT_TRUE(loaded && loaded->has_value());
    EXPECT_EQ((*loaded)->status, "submitted");
    EXPECT_EQ((*loaded)->score, 75.0);
    EXPECT_FALSE((*loaded)->submittedAt.empty());
    ASSERT_EQ((*loaded)->answers.size(), 2u);
    EXPECT_EQ((*loaded)->answers[1].comment, "说了我不清楚");
    EXPECT_EQ((*loaded)->answers[1].suggested, "pass"); // overridden by the inspector
    EXPECT_EQ((*loaded)->answers[0].suggestionReason, "4 种礼貌用语");

    auto submitted = evaluationsWithStatus(db, "submitted");
    ASSERT_TRUE(submitted);
    ASSERT_EQ(submitted->size(), 1u);
    EXPECT_EQ((*submitted)[0].recordingId, c1);
    EXPECT_EQ((*submitted)[0].answers.size(), 2u);
    EXPECT_TRUE(evaluationsWithStatus(db, "draft")->empty());

    auto byAgent = submittedScores(db, ReportGrouping::Agent, "2026-11-25", "2026-11-25");
    ASSERT_TRUE(byAgent);
    ASSERT_EQ(byAgent->size(), 1u);
    EXPECT_EQ((*byAgent)[0].groupKey, "001");
    EXPECT_EQ((*byAgent)[0].score, 75.0);
    auto byTeam = submittedScores(db, ReportGrouping::Team, "2026-11-25", "2026-11-25");
    ASSERT_TRUE(byTeam);
    EXPECT_EQ((*byTeam)[0].groupLabel, "一组");
    EXPECT_TRUE(submittedScores(db, ReportGrouping::Team, "2026-11-26", "2026-11-30")->empty());
    EXPECT_EQ(submittedScores(db, ReportGrouping::Team, "2026-11-01", "2026-11-30")->size(), 1u);
}

TEST(ReviewStore, sampleCandidatesCarryFlagsTheSamplerWeighs) {
    auto db = memoryDb();
    const auto c1 = addCall(db, "C1", "001", "一组", "2026-11-25 09:00:00");
    addCall(db, "C2", "002", "一组", "2026-11-25 14:30:00");
    addCall(db, "C3", "002", "一组", "2026-11-26 08:00:00");
    ASSERT_TRUE(setAgentFocus(db, "002", true));
    ASSERT_TRUE(setAgentHireDate(db, "001", "2026-11-01"));
    ASSERT_TRUE(setComplaint(db, "C2", true));
    EXPECT_EQ(setAgentFocus(db, "999", true).error().detail, "no agent \"999\"");
    EXPECT_EQ(setComplaint(db, "C9", true).error().kind, StorageError::Kind::NotFound);
    const auto checklist = ensureChecklist(db, {0, "default", 1, "默认", "s", "f"});
    EvaluationRecord e;
    e.recordingId = c1;
    e.checklistId = checklist->id;
    e.inspector = "qc1";
    e.status = "draft";
    ASSERT_TRUE(saveEvaluation(db, e));

    EXPECT_EQ(sampleCandidates(db, "2026-11-25", "信用卡服务")->size(), 2u);
    EXPECT_TRUE(sampleCandidates(db, "2026-11-25", "宽带报修")->empty());
    auto rows = sampleCandidates(db, "2026-11-25");
    ASSERT_TRUE(rows) << rows.error().detail;
    ASSERT_EQ(rows->size(), 2u);
    const auto& first = (*rows)[0];
    EXPECT_EQ(first.callId, "C1");
    EXPECT_EQ(first.agentNo, "001");
    EXPECT_EQ(first.startTime, "2026-11-25 09:00:00");
    EXPECT_TRUE(first.evaluated);
    EXPECT_FALSE(first.complaint);
    EXPECT_FALSE(first.focusAgent);
    EXPECT_EQ(first.hireDate, "2026-11-01");
    const auto& second = (*rows)[1];
    EXPECT_FALSE(second.evaluated);
    EXPECT_TRUE(second.complaint);
    EXPECT_TRUE(second.focusAgent);
    EXPECT_EQ(second.hireDate, "");
}

TEST(Csv, parsesQuotesCommasNewlinesBomAndCrlf) {
    const auto table = parseCsv("\xEF\xBB\xBF"
                                "id,name,note\r\n"
                                "1,王芳,\"说 \"\"您好\"\", 然后\n挂断\"\r\n"
                                "\r\n"
                                "2,李雷,\r\n");
    EXPECT_TRUE(table.problems.empty());
    ASSERT_EQ(table.rows.size(), 3u);
    EXPECT_EQ(table.rows[0].fields, (std::vector<std::string>{"id", "name", "note"}));
    EXPECT_EQ(table.rows[1].fields[2], "说 \"您好\", 然后\n挂断");
    EXPECT_EQ(table.rows[1].line, 2);
    EXPECT_EQ(table.rows[2].line, 5);
    EXPECT_EQ(table.rows[2].fields, (std::vector<std::string>{"2", "李雷", ""}));
}

TEST(Csv, reportsAnUnclosedQuoteWithItsLine) {
    const auto table = parseCsv("a,b\n1,2\n3,\"oops\n");
    ASSERT_EQ(table.problems.size(), 1u);
    EXPECT_EQ(table.problems[0], "line 3: quoted field is never closed");
    EXPECT_EQ(table.rows.size(), 2u);
}

TEST(Transcript, parsesSegmentsAndIgnoresUnknownKeys) {
    auto segments = parseTranscriptJson(
        R"({"call_id":"C1","lang":"zh","segments":[{"speaker":"agent","start":1.25,"end":3.5,"text":"您好","conf":0.9}]})",
        "C1.json");
    ASSERT_TRUE(segments) << segments.error();
    ASSERT_EQ(segments->size(), 1u);
    EXPECT_EQ((*segments)[0].speaker, "agent");
    EXPECT_DOUBLE_EQ((*segments)[0].startSec, 1.25);
    EXPECT_EQ((*segments)[0].text, "您好");
}

TEST(Transcript, errorsNameTheFileAndSegment) {
    EXPECT_EQ(parseTranscriptJson("{not json", "x.json").error(), "x.json: not valid JSON");
    EXPECT_EQ(parseTranscriptJson(
                  R"({"segments":[{"speaker":"agent","start":2,"end":1,"text":""}]})", "y.json")
                  .error(),
              "y.json: segment 1: end 1.00 before start 2.00");
    EXPECT_EQ(
        parseTranscriptJson(R"({"segments":[{"start":0,"end":1,"text":"a"}]})", "z.json").error(),
        "z.json: segment 1: \"speaker\" missing or not text");
}

} // namespace
} // namespace callqc::storage
