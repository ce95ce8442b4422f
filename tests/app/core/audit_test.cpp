// The hash-chained audit log and sealed evaluation versions: an untouched database verifies;
// each kind of tampering a person with sqlite3 can do (change, delete, reorder, insert audit rows;
// edit, delete, swap evaluation rows, answers and versions) is named by verifyAuditChain.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "app/core/audit.hpp"
#include "app/core/evaluation_history.hpp"
#include "storage/audit_store.hpp"
#include "storage/call_store.hpp"
#include "storage/evaluation_version_store.hpp"
#include "storage/review_store.hpp"

namespace callqc::core {
namespace {

namespace fs = std::filesystem;
using Kind = AuditProblem::Kind;

/// What someone with the sqlite3 shell can do first: drop the guards (sqlite3's default is
/// foreign_keys off, too).
void dropGuards(storage::Database& db) {
    for (const char* trigger :
         {"audit_log_no_update", "audit_log_no_delete", "evaluation_versions_in_order",
          "evaluation_versions_no_update", "evaluation_versions_no_delete",
          "evaluations_submitted_no_update", "evaluations_submitted_no_delete",
          "evaluation_answers_sealed_no_insert", "evaluation_answers_sealed_no_update",
          "evaluation_answers_sealed_no_delete"}) {
        ASSERT_TRUE(db.exec(fmt::format("DROP TRIGGER {}", trigger)));
    }
    ASSERT_TRUE(db.exec("PRAGMA foreign_keys = OFF"));
}

void run(storage::Database& db, const std::string& sql) {
    auto done = db.exec(sql);
    ASSERT_TRUE(done) << sql << ": " << done.error().detail;
}

class AuditTrail : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir = fs::path(CALLQC_TEST_TMP) / fmt::format("audit-{}-{}", info->name(), getpid());
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
        auto db = storage::Database::open(m_dir / "qc.db");
        ASSERT_TRUE(db) << db.error().detail;
        m_db.emplace(std::move(*db));
        m_now = std::chrono::system_clock::time_point(std::chrono::seconds(1'764'000'000));
        m_clock = [this] {
            return m_now += std::chrono::seconds(1);
        };
    }

    storage::Database& db() { return *m_db; }

    /// Five entries: seq 1..5, actions "test.1" … "test.5".
    void appendFive() {
        for (int i = 1; i <= 5; ++i) {
            auto entry = recordAudit(
                db(), {"root", fmt::format("test.{}", i), fmt::format("thing:{}", i), {{"n", i}}},
                m_clock);
            ASSERT_TRUE(entry) << entry.error().detail;
            ASSERT_EQ(entry->seq, i);
        }
    }

    AuditVerifyReport verify() {
        auto report = verifyAuditChain(db());
        EXPECT_TRUE(report) << report.error().detail;
        return report.value_or(AuditVerifyReport{});
    }

    /// Two calls of project 信用卡服务 (agents of 一组 and 二组), each with qc1's submitted
    /// evaluation; returns the evaluation ids.
    std::vector<std::int64_t> twoSubmittedEvaluations() {
        std::vector<std::int64_t> ids;
        auto checklist = storage::ensureChecklist(db(), {0, "default", 1, "服务质量", "[x]", "f1"});
        EXPECT_TRUE(checklist);
        for (int i = 0; i < 2; ++i) {
            auto agent = storage::upsertAgent(db(), fmt::format("00{}", i + 1),
                                              i == 0 ? "王芳" : "赵敏", i == 0 ? "一组" : "二组");
            EXPECT_TRUE(agent);
            storage::RecordingRecord r;
            r.callId = fmt::format("C{}", i + 1);
            r.startTime = fmt::format("2024-03-01 09:0{}:00", i);
            r.callDate = "2024-03-01";
            r.durationSec = 60;
            r.queue = "信用卡服务";
            r.customerPhone = "13812341234";
            r.filePath = fmt::format("/calls/C{}.wav", i + 1);
            r.fileSize = 1;
            r.sha256 = std::string(64, 'a');
            storage::ProfileRecord p;
            p.peaks = {1};
            auto recording = storage::insertRecording(db(), *agent, r, p, {});
            EXPECT_TRUE(recording) << recording.error().detail;
            storage::EvaluationRecord e;
            e.recordingId = *recording;
            e.checklistId = checklist->id;
            e.inspector = "qc1";
            e.status = "submitted";
            e.score = 80 + i;
            e.working = "working";
            e.answers = {{"1.1", "pass", 0, 0, "", "pass", "rule"},
                         {"1.2", "fail", 0, 0, "未致歉", "", ""}};
            auto saved = storage::saveEvaluation(db(), e);
            EXPECT_TRUE(saved) << saved.error().detail;
            ids.push_back(*saved);
        }
        return ids;
    }

    std::vector<std::int64_t> twoSealedEvaluations() {
        auto ids = twoSubmittedEvaluations();
        for (auto id : ids) {
            auto sealed = sealEvaluation(db(), m_qc, id, m_clock);
            EXPECT_TRUE(sealed) << sealed.error().detail;
            EXPECT_EQ(sealed.value_or(0), 1);
        }
        return ids;
    }

    fs::path m_dir;
    std::optional<storage::Database> m_db;
    std::chrono::system_clock::time_point m_now;
    Clock m_clock;
    Actor m_qc{"qc1", Role::Inspector, {"信用卡服务"}, {}};
    Actor m_supervisor{"sup1", Role::Supervisor, {"信用卡服务"}, {}};
};

TEST(AuditHash, isSha256OverTheNetstringsOfPrevHashAndContent) {
    storage::AuditEntry e;
    e.seq = 1;
    e.at = "2025-11-24T16:00:00.000Z";
    e.user = "root";
    e.action = "user.init";
    e.subject = "user:root";
    e.detail = "{}";
    e.prevHash = std::string(kGenesisHash);
    // printf '64:000…0,1:1,24:2025-11-24T16:00:00.000Z,4:root,9:user.init,9:user:root,2:{},'
    //   | sha256sum
    EXPECT_EQ(auditEntryHash(e),
              "452acd15d5382b3a7f579a12ea6f756cfbe500f0b15633cf21c1f23fd231bbbe");
    e.detail = "{ }";
    EXPECT_NE(auditEntryHash(e),
              "452acd15d5382b3a7f579a12ea6f756cfbe500f0b15633cf21c1f23fd231bbbe");
}

TEST_F(AuditTrail, anUntouchedLogIsIntactAndChained) {
    appendFive();
    auto entries = storage::auditEntriesAfter(db(), 0, 100);
    ASSERT_TRUE(entries);
    ASSERT_EQ(entries->size(), 5u);
    EXPECT_EQ((*entries)[0].prevHash, kGenesisHash);
    for (std::size_t i = 1; i < entries->size(); ++i) {
        EXPECT_EQ((*entries)[i].prevHash, (*entries)[i - 1].hash);
    }
    EXPECT_EQ((*entries)[2].at, "2025-11-24T16:00:03.000Z");
    EXPECT_EQ((*entries)[2].detail, R"({"n":3})");
    const auto report = verify();
    EXPECT_TRUE(report.intact());
    EXPECT_EQ(report.entries, 5);
    EXPECT_EQ(report.headHash, entries->back().hash);
}

TEST_F(AuditTrail, theSchemaRefusesToUpdateOrDeleteAuditRows) {
    appendFive();
    auto update = db().exec("UPDATE audit_log SET user = 'x' WHERE seq = 2");
    ASSERT_FALSE(update);
    EXPECT_NE(update.error().detail.find("audit_log is append-only"), std::string::npos);
    EXPECT_FALSE(db().exec("DELETE FROM audit_log WHERE seq = 5"));
    EXPECT_TRUE(verify().intact());
}

TEST_F(AuditTrail, aChangedEntryIsNamed) {
    appendFive();
    dropGuards(db());
    run(db(), "UPDATE audit_log SET user = 'someone' WHERE seq = 3");
    const auto report = verify();
    ASSERT_EQ(report.problems.size(), 1u);
    EXPECT_EQ(report.problems[0].kind, Kind::Changed);
    EXPECT_EQ(report.problems[0].seq, 3);
    EXPECT_EQ(report.problems[0].message,
              "audit entry 3 (test.3 thing:3 by \"someone\" at 2025-11-24T16:00:03.000Z) was "
              "changed: its content no longer matches its hash");
}

TEST_F(AuditTrail, aChangedHashIsNamedAndBreaksTheLinkToTheNext) {
    appendFive();
    dropGuards(db());
    run(db(), "UPDATE audit_log SET hash = '" + std::string(64, 'f') + "' WHERE seq = 2");
    const auto report = verify();
    ASSERT_FALSE(report.problems.empty());
    EXPECT_EQ(report.problems[0].kind, Kind::Changed);
    EXPECT_EQ(report.problems[0].seq, 2);
}

TEST_F(AuditTrail, aDeletedEntryIsNamed) {
    appendFive();
    dropGuards(db());
    run(db(), "DELETE FROM audit_log WHERE seq = 3");
    const auto report = verify();
    ASSERT_EQ(report.problems.size(), 1u);
    EXPECT_EQ(report.problems[0].kind, Kind::Deleted);
    EXPECT_EQ(report.problems[0].seq, 3);
    EXPECT_EQ(report.problems[0].message, "audit entry 3 was deleted (the log goes from 2 to 4)");
}

TEST_F(AuditTrail, deletedEntriesAtTheEndAreNamedEvenAfterNewOnes) {
    appendFive();
    dropGuards(db());
    run(db(), "DELETE FROM audit_log WHERE seq >= 4");
    auto report = verify();
    ASSERT_EQ(report.problems.size(), 1u);
    EXPECT_EQ(report.problems[0].kind, Kind::Deleted);
    EXPECT_EQ(report.problems[0].message,
              "audit entries 4 to 5 were deleted (the last entry is 3)");
    // A new entry does not paper over the gap.
    auto next = recordAudit(db(), {"root", "test.6", "", {}}, m_clock);
    ASSERT_TRUE(next);
    EXPECT_EQ(next->seq, 6);
    report = verify();
    ASSERT_EQ(report.problems.size(), 1u);
    EXPECT_EQ(report.problems[0].message,
              "audit entries 4 to 5 were deleted (the log goes from 3 to 6)");
}

TEST_F(AuditTrail, reorderedEntriesAreNamedWithWhereTheyWereWritten) {
    appendFive();
    dropGuards(db());
    run(db(), "UPDATE audit_log SET seq = -2 WHERE seq = 2");
    run(db(), "UPDATE audit_log SET seq = 2 WHERE seq = 3");
    run(db(), "UPDATE audit_log SET seq = 3 WHERE seq = -2");
    const auto report = verify();
    ASSERT_EQ(report.problems.size(), 2u);
    EXPECT_EQ(report.problems[0].kind, Kind::Moved);
    EXPECT_EQ(report.problems[0].seq, 2);
    EXPECT_EQ(report.problems[0].message,
              "audit entry 2 (test.3 thing:3 by \"root\" at 2025-11-24T16:00:03.000Z) was written "
              "as entry 3: entries were reordered");
    EXPECT_EQ(report.problems[1].kind, Kind::Moved);
    EXPECT_EQ(report.problems[1].seq, 3);
}

TEST_F(AuditTrail, anEntryInsertedOutOfOrderIsNamed) {
    appendFive();
    // Appended with a hash of its own content, but chained to entry 2 instead of entry 5.
    auto entries = storage::auditEntriesAfter(db(), 0, 100);
    ASSERT_TRUE(entries);
    storage::AuditEntry forged = (*entries)[2];
    forged.seq = 6;
    forged.action = "test.forged";
    forged.hash = auditEntryHash(forged);
    ASSERT_TRUE(storage::insertAuditEntry(db(), forged));
    const auto report = verify();
    ASSERT_EQ(report.problems.size(), 1u);
    EXPECT_EQ(report.problems[0].kind, Kind::Inserted);
    EXPECT_EQ(report.problems[0].seq, 6);
    EXPECT_EQ(report.problems[0].message,
              "audit entry 6 (test.forged thing:3 by \"root\" at 2025-11-24T16:00:03.000Z) does "
              "not follow entry 5: inserted or reordered");
}

TEST_F(AuditTrail, anEntryInsertedInTheMiddleShowsAsTheNextOneMoved) {
    appendFive();
    dropGuards(db());
    run(db(), "UPDATE audit_log SET seq = seq + 100 WHERE seq >= 3");
    run(db(), "UPDATE audit_log SET seq = seq - 99 WHERE seq >= 100");
    auto second = storage::auditEntriesAfter(db(), 1, 1);
    ASSERT_TRUE(second && second->size() == 1);
    storage::AuditEntry forged;
    forged.seq = 3;
    forged.at = "2025-11-24T16:00:02.500Z";
    forged.user = "root";
    forged.action = "test.forged";
    forged.detail = "{}";
    forged.prevHash = (*second)[0].hash;
    forged.hash = auditEntryHash(forged);
    ASSERT_TRUE(storage::insertAuditEntry(db(), forged));
    const auto report = verify();
    ASSERT_FALSE(report.problems.empty());
    EXPECT_EQ(report.problems[0].kind, Kind::Moved);
    EXPECT_EQ(report.problems[0].seq, 4);
    EXPECT_NE(report.problems[0].message.find("was written as entry 3"), std::string::npos);
}

TEST_F(AuditTrail, sealingMakesASubmittedEvaluationImmutable) {
    const auto ids = twoSealedEvaluations();
    auto head = storage::evaluationHead(db(), ids[0]);
    ASSERT_TRUE(head && *head);
    EXPECT_EQ((*head)->version, 1);
    auto update =
        db().exec(fmt::format("UPDATE evaluations SET score = 100 WHERE id = {}", ids[0]));
    ASSERT_FALSE(update);
    EXPECT_NE(update.error().detail.find("a submitted evaluation is immutable"), std::string::npos);
    EXPECT_FALSE(db().exec(fmt::format("DELETE FROM evaluations WHERE id = {}", ids[0])));
    EXPECT_FALSE(db().exec(fmt::format(
        "UPDATE evaluation_answers SET value = 'pass' WHERE evaluation_id = {}", ids[0])));
    EXPECT_FALSE(
        db().exec(fmt::format("DELETE FROM evaluation_answers WHERE evaluation_id = {}", ids[0])));
    EXPECT_FALSE(db().exec("UPDATE evaluation_versions SET score = 1"));
    EXPECT_FALSE(db().exec("DELETE FROM evaluation_versions"));
    const auto report = verify();
    EXPECT_TRUE(report.intact()) << report.problems.front().message;
    EXPECT_EQ(report.evaluations, 2);
    EXPECT_EQ(report.versions, 2);
    auto submits = storage::auditEntriesWithAction(db(), "evaluation.submit");
    ASSERT_TRUE(submits && submits->size() == 2);
    EXPECT_EQ((*submits)[0].user, "qc1");
    EXPECT_EQ((*submits)[0].subject, fmt::format("evaluation:{}", ids[0]));
    EXPECT_NE((*submits)[0].detail.find("\"content_hash\":\""), std::string::npos);
}

TEST_F(AuditTrail, onlyTheInspectorWhoseEvaluationItIsSealsIt) {
    const auto ids = twoSubmittedEvaluations();
    const Actor other{"qc2", Role::Inspector, {"信用卡服务"}, {}};
    auto refused = sealEvaluation(db(), other, ids[0], m_clock);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, CoreError::Kind::Refused);
    EXPECT_EQ(refused.error().detail, "qc2 (QC inspector) may score calls only of calls assigned "
                                      "to them; this one is assigned to qc1");
}

TEST_F(AuditTrail, anUnsealedSubmittedEvaluationIsReportedUntilSealed) {
    const auto ids = twoSubmittedEvaluations();
    auto report = verify();
    ASSERT_EQ(report.problems.size(), 2u);
    EXPECT_EQ(report.problems[0].kind, Kind::EvaluationUnsealed);
    EXPECT_EQ(report.problems[0].evaluationId, ids[0]);
    EXPECT_EQ(report.problems[0].message,
              fmt::format("evaluation {} (call C1, inspector qc1) is submitted but was never "
                          "sealed: submitted before sealing existed or written outside CallQC",
                          ids[0]));
    EXPECT_FALSE(sealUnsealedEvaluations(db(), m_qc, m_clock));
    auto sealed = sealUnsealedEvaluations(db(), m_supervisor, m_clock);
    ASSERT_TRUE(sealed) << sealed.error().detail;
    EXPECT_EQ(*sealed, 2);
    EXPECT_TRUE(verify().intact());
    EXPECT_EQ(sealUnsealedEvaluations(db(), m_supervisor, m_clock).value_or(-1), 0);
}

TEST_F(AuditTrail, aCorrectionIsANewVersionWithAReasonAndReportsUseIt) {
    const auto ids = twoSealedEvaluations();
    EvaluationCorrection correction;
    correction.checklistId = 1;
    correction.score = 95;
    correction.working = "corrected";
    correction.answers = {{"1.1", "pass", 0, 0, "", "pass", "rule"},
                          {"1.2", "pass", 0, 0, "复听确认已致歉", "", ""}};
    auto noReason = reviseEvaluation(db(), m_supervisor, ids[0], correction, "  ", m_clock);
    ASSERT_FALSE(noReason);
    EXPECT_EQ(noReason.error().kind, CoreError::Kind::Input);
    const Actor lead{"lead1", Role::TeamLead, {}, {"一组"}};
    auto byLead = reviseEvaluation(db(), lead, ids[0], correction, "dispute", m_clock);
    ASSERT_FALSE(byLead);
    EXPECT_EQ(byLead.error().detail, "lead1 (team lead) may not revise evaluations");

    auto version = reviseEvaluation(db(), m_supervisor, ids[0], correction,
                                    "申诉成立：客户挂断前已致歉", m_clock);
    ASSERT_TRUE(version) << version.error().detail;
    EXPECT_EQ(*version, 2);
    auto loaded = storage::loadEvaluation(db(), 1, "qc1");
    ASSERT_TRUE(loaded && *loaded);
    EXPECT_EQ((*loaded)->score, 95.0);
    EXPECT_EQ((*loaded)->answers[1].comment, "复听确认已致歉");
    auto scores =
        storage::submittedScores(db(), storage::ReportGrouping::Agent, "2024-03-01", "2024-03-01");
    ASSERT_TRUE(scores);
    ASSERT_EQ(scores->size(), 2u);
    EXPECT_EQ((*scores)[0].score, 95.0);
    EXPECT_EQ((*scores)[1].score, 81.0);

    auto history = evaluationHistory(db(), lead, ids[0]);
    ASSERT_TRUE(history) << history.error().detail;
    ASSERT_EQ(history->size(), 2u);
    EXPECT_EQ((*history)[0].score, 80.0);
    EXPECT_EQ((*history)[0].reason, "submitted");
    EXPECT_EQ((*history)[0].createdBy, "qc1");
    EXPECT_EQ((*history)[0].answers[1].value, "fail");
    EXPECT_EQ((*history)[1].score, 95.0);
    EXPECT_EQ((*history)[1].reason, "申诉成立：客户挂断前已致歉");
    EXPECT_EQ((*history)[1].createdBy, "sup1");
    const Actor otherLead{"lead2", Role::TeamLead, {}, {"二组"}};
    EXPECT_FALSE(evaluationHistory(db(), otherLead, ids[0]));

    auto revised = storage::auditEntriesWithAction(db(), "evaluation.revise");
    ASSERT_TRUE(revised && revised->size() == 1);
    EXPECT_NE((*revised)[0].detail.find("\"previous_score\":80.0"), std::string::npos)
        << (*revised)[0].detail;
    EXPECT_TRUE(verify().intact());
    // A second correction by the inspector of their own evaluation.
    correction.score = 90;
    EXPECT_EQ(reviseEvaluation(db(), m_qc, ids[0], correction, "typo", m_clock).value_or(0), 3);
    EXPECT_TRUE(verify().intact());
}

TEST_F(AuditTrail, anEvaluationRowEditedInSqliteIsNamed) {
    const auto ids = twoSealedEvaluations();
    dropGuards(db());
    run(db(), fmt::format("UPDATE evaluations SET score = 100 WHERE id = {}", ids[1]));
    const auto report = verify();
    ASSERT_EQ(report.problems.size(), 1u);
    EXPECT_EQ(report.problems[0].kind, Kind::EvaluationChanged);
    EXPECT_EQ(report.problems[0].evaluationId, ids[1]);
    EXPECT_EQ(report.problems[0].message,
              fmt::format("evaluation {} (call C2, inspector qc1) differs from its sealed version "
                          "1: edited outside CallQC",
                          ids[1]));
}

TEST_F(AuditTrail, anAnswerEditedOrDeletedInSqliteIsNamed) {
    const auto ids = twoSealedEvaluations();
    dropGuards(db());
    run(db(), fmt::format("UPDATE evaluation_answers SET value = 'pass' WHERE evaluation_id = {} "
                          "AND item_id = '1.2'",
                          ids[0]));
    run(db(), fmt::format("DELETE FROM evaluation_answers WHERE evaluation_id = {} AND item_id = "
                          "'1.1'",
                          ids[1]));
    const auto report = verify();
    ASSERT_EQ(report.problems.size(), 2u);
    EXPECT_EQ(report.problems[0].kind, Kind::EvaluationChanged);
    EXPECT_EQ(report.problems[0].evaluationId, ids[0]);
    EXPECT_EQ(report.problems[1].kind, Kind::EvaluationChanged);
    EXPECT_EQ(report.problems[1].evaluationId, ids[1]);
}

TEST_F(AuditTrail, swappedEvaluationRowsAreNamed) {
    const auto ids = twoSealedEvaluations();
    dropGuards(db());
    run(db(), fmt::format("UPDATE evaluations SET recording_id = -1 WHERE id = {}", ids[0]));
    run(db(), fmt::format("UPDATE evaluations SET recording_id = 1 WHERE id = {}", ids[1]));
    run(db(), fmt::format("UPDATE evaluations SET recording_id = 2 WHERE id = {}", ids[0]));
    const auto report = verify();
    ASSERT_EQ(report.problems.size(), 2u);
    EXPECT_EQ(report.problems[0].kind, Kind::EvaluationChanged);
    EXPECT_EQ(report.problems[1].kind, Kind::EvaluationChanged);
}

TEST_F(AuditTrail, aDeletedEvaluationIsNamed) {
    const auto ids = twoSealedEvaluations();
    dropGuards(db());
    run(db(), fmt::format("DELETE FROM evaluation_answers WHERE evaluation_id = {}", ids[0]));
    run(db(), fmt::format("DELETE FROM evaluations WHERE id = {}", ids[0]));
    auto report = verify();
    ASSERT_EQ(report.problems.size(), 1u);
    EXPECT_EQ(report.problems[0].kind, Kind::EvaluationDeleted);
    EXPECT_EQ(
        report.problems[0].message,
        fmt::format("evaluation {} was sealed but is deleted or no longer submitted", ids[0]));
    run(db(), fmt::format("UPDATE evaluations SET status = 'draft' WHERE id = {}", ids[1]));
    report = verify();
    ASSERT_EQ(report.problems.size(), 2u);
    EXPECT_EQ(report.problems[1].kind, Kind::EvaluationDeleted);
    EXPECT_EQ(report.problems[1].evaluationId, ids[1]);
}

TEST_F(AuditTrail, aSealedVersionChangedDeletedOrForgedIsNamed) {
    const auto ids = twoSealedEvaluations();
    dropGuards(db());
    // Changed, with its hash recomputed to match: the audit entry still holds the original.
    run(db(),
        fmt::format("UPDATE evaluation_versions SET score = 99 WHERE evaluation_id = {}", ids[0]));
    auto versions = storage::evaluationVersions(db(), ids[0]);
    ASSERT_TRUE(versions && versions->size() == 1);
    run(db(), fmt::format("UPDATE evaluation_versions SET content_hash = '{}' WHERE "
                          "evaluation_id = {}",
                          evaluationContentHash(versions->front()), ids[0]));
    auto report = verify();
    ASSERT_EQ(report.problems.size(), 2u);
    EXPECT_EQ(report.problems[0].kind, Kind::VersionChanged);
    EXPECT_EQ(report.problems[0].message,
              fmt::format("evaluation {} version 1 differs from what audit entry {} recorded "
                          "when it was sealed",
                          ids[0], report.problems[0].seq));
    EXPECT_EQ(report.problems[1].kind, Kind::EvaluationChanged);

    // Deleted.
    run(db(), fmt::format("DELETE FROM evaluation_versions WHERE evaluation_id = {}", ids[1]));
    report = verify();
    ASSERT_EQ(report.problems.size(), 4u);
    EXPECT_EQ(report.problems[1].kind, Kind::VersionDeleted);
    EXPECT_EQ(report.problems[1].evaluationId, ids[1]);
    EXPECT_EQ(report.problems[3].kind, Kind::EvaluationChanged);
    EXPECT_EQ(report.problems[3].message,
              fmt::format("evaluation {} (call C2, inspector qc1) shows version 1, which was "
                          "never sealed",
                          ids[1]));
}

TEST_F(AuditTrail, aVersionWrittenOutsideCallQcIsNamed) {
    const auto ids = twoSealedEvaluations();
    auto versions = storage::evaluationVersions(db(), ids[0]);
    ASSERT_TRUE(versions && versions->size() == 1);
    storage::EvaluationVersionRecord forged = versions->front();
    forged.version = 2;
    forged.score = 100;
    forged.reason = "forged";
    forged.contentHash = evaluationContentHash(forged);
    ASSERT_TRUE(storage::insertEvaluationVersion(db(), forged));
    const auto report = verify();
    ASSERT_EQ(report.problems.size(), 2u);
    EXPECT_EQ(report.problems[0].kind, Kind::VersionUnrecorded);
    EXPECT_EQ(report.problems[0].message,
              fmt::format("evaluation {} version 2 is not in the audit log: written outside "
                          "CallQC",
                          ids[0]));
    EXPECT_EQ(report.problems[1].kind, Kind::EvaluationChanged);
    EXPECT_NE(report.problems[1].message.find("shows version 1 but version 2 exists"),
              std::string::npos);
}

TEST(AuditUpgrade, evaluationsSubmittedBeforeSealingExistedAreReportedThenSealed) {
    const auto dir = fs::path(CALLQC_TEST_TMP) / fmt::format("audit-upgrade-{}", getpid());
    fs::remove_all(dir);
    fs::create_directories(dir);
    {
        auto old = storage::Database::openAtVersion(dir / "qc.db", 7);
        ASSERT_TRUE(old) << old.error().detail;
        for (const char* sql :
             {"INSERT INTO teams(id, name) VALUES (1, '一组')",
              "INSERT INTO agents(id, employee_no, name, team_id) VALUES (1, '001', '王芳', 1)",
              "INSERT INTO recordings(id, call_id, agent_id, start_time, call_date, duration_sec, "
              "queue, file_path, file_size, sha256, codec, container, sample_rate, channels) "
              "VALUES (1, 'C1', 1, '2024-03-01 09:00:00', '2024-03-01', 60, '信用卡服务', "
              "'/c/C1.wav', 1, 'h', 'pcm', 'wav', 8000, 1)",
              "INSERT INTO checklists(id, checklist_key, version, name, source, fingerprint) "
              "VALUES (1, 'k', 1, 'n', 's', 'f')",
              "INSERT INTO evaluations(id, recording_id, checklist_id, inspector, status, score) "
              "VALUES (1, 1, 1, 'qc1', 'submitted', 90)",
              "INSERT INTO evaluation_answers(evaluation_id, item_id, value) "
              "VALUES (1, '1.1', 'pass')"}) {
            ASSERT_TRUE(old->exec(sql)) << sql;
        }
    }
    auto db = storage::Database::open(dir / "qc.db");
    ASSERT_TRUE(db) << db.error().detail;
    auto report = verifyAuditChain(*db);
    ASSERT_TRUE(report);
    ASSERT_EQ(report->problems.size(), 1u);
    EXPECT_EQ(report->problems[0].kind, Kind::EvaluationUnsealed);
    const Actor admin{"root", Role::Administrator, {}, {}};
    EXPECT_EQ(sealUnsealedEvaluations(*db, admin).value_or(-1), 1);
    report = verifyAuditChain(*db);
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->intact());
    auto versions = storage::evaluationVersions(*db, 1);
    ASSERT_TRUE(versions && versions->size() == 1);
    EXPECT_EQ(versions->front().createdBy, "root");
    EXPECT_EQ(versions->front().answers.size(), 1u);
}

TEST_F(AuditTrail, draftsStayEditableUntilSubmitted) {
    auto checklist = storage::ensureChecklist(db(), {0, "default", 1, "服务质量", "[x]", "f1"});
    auto agent = storage::upsertAgent(db(), "001", "王芳", "一组");
    ASSERT_TRUE(checklist && agent);
    storage::RecordingRecord r;
    r.callId = "C1";
    r.startTime = "2024-03-01 09:00:00";
    r.callDate = "2024-03-01";
    r.filePath = "/c/C1.wav";
    r.sha256 = "h";
    r.queue = "信用卡服务";
    storage::ProfileRecord p;
    p.peaks = {1};
    auto recording = storage::insertRecording(db(), *agent, r, p, {});
    ASSERT_TRUE(recording);
    storage::EvaluationRecord e{0, *recording, checklist->id, "qc1", "draft", 50, "", "", {}};
    e.answers = {{"1.1", "fail", 0, 0, "", "", ""}};
    ASSERT_TRUE(storage::saveEvaluation(db(), e));
    e.answers[0].value = "pass";
    e.score = 100;
    ASSERT_TRUE(storage::saveEvaluation(db(), e));
    e.status = "submitted";
    auto id = storage::saveEvaluation(db(), e);
    ASSERT_TRUE(id) << id.error().detail;
    // Sealing checks scope: the call must be in the inspector's project.
    const Actor elsewhere{"qc1", Role::Inspector, {"宽带报修"}, {}};
    EXPECT_FALSE(sealEvaluation(db(), elsewhere, *id, m_clock));
    ASSERT_TRUE(sealEvaluation(db(), m_qc, *id, m_clock));
    e.score = 10;
    auto again = storage::saveEvaluation(db(), e);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().kind, storage::StorageError::Kind::Constraint);
    auto draft = sealEvaluation(db(), m_qc, *id, m_clock);
    EXPECT_EQ(draft.value_or(0), 1); // sealing twice is harmless
    EXPECT_TRUE(verify().intact());
}

} // namespace
} // namespace callqc::core
