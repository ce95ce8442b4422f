// Upgrades from every earlier schema version to the latest: a database made at version v (the
// first v migration steps) with rows typical of that version opens normally, ends at the latest
// version and keeps every row. Loops over however many steps migrations() has.

#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "storage/database.hpp"
#include "storage/migrations.hpp"

namespace callqc::storage {
namespace {

std::filesystem::path freshDb(int version) {
    const auto dir = std::filesystem::path(CALLQC_TEST_TMP) /
                     fmt::format("migrate-from-{}-{}", version, ::getpid());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir / "qc.db";
}

bool hasColumn(Database& db, const std::string& table, const std::string& column) {
    auto info = db.prepare(
        fmt::format("SELECT 1 FROM pragma_table_info('{}') WHERE name = '{}'", table, column));
    return info && info->step().value_or(false);
}

std::string text(Database& db, const std::string& sql) {
    auto stmt = db.prepare(sql);
    EXPECT_TRUE(stmt) << stmt.error().detail;
    if (!stmt) {
        return "(no statement)";
    }
    auto row = stmt->step();
    EXPECT_TRUE(row && *row) << sql;
    return row && *row ? stmt->getText(0) : "(no row)";
}

/// Rows a database of the walking skeleton's shape holds after a day's work: a team, an agent
/// with a leading-zero number, a call with its profile and transcript, a checklist, a sample, a
/// submitted evaluation; plus the columns the later steps this database has added.
void insertTypicalRows(Database& db) {
    const auto ok = [&](const std::string& sql) {
        auto done = db.exec(sql);
        ASSERT_TRUE(done) << done.error().detail;
    };
    ok("INSERT INTO teams(id, name) VALUES (1, '一组')");
    ok("INSERT INTO agents(id, employee_no, name, team_id) VALUES (1, '000123', '王芳', 1)");
    ok("INSERT INTO recordings(id, call_id, agent_id, start_time, call_date, duration_sec, "
       "meta_duration_sec, direction, queue, customer_phone, file_path, file_size, sha256, codec, "
       "container, sample_rate, channels) VALUES (1, 'C20261125-0001', 1, '2026-11-25 09:13:05', "
       "'2026-11-25', 61.5, 62, 'inbound', '信用卡服务', '138-1234-5678', '/data/a.wav', 1234, "
       "'" +
       std::string(64, 'a') + "', 'pcm_mulaw', 'wav', 8000, 2)");
    ok("INSERT INTO audio_profiles(recording_id, stereo, agent_speech_sec, customer_speech_sec, "
       "talk_ratio, longest_silence_sec, agent_speech, customer_speech, dead_air, overtalk, peaks) "
       "VALUES (1, 1, 30, 20, 0.6, 9.5, '[[0.5,10.25]]', '[]', '[[20,29.5]]', '[[3,3.75]]', "
       "x'010203')");
    ok("INSERT INTO transcript_segments(recording_id, seq, speaker, start_sec, end_sec, text) "
       "VALUES (1, 0, 'agent', 0.5, 2.0, '您好，很高兴为您服务'), "
       "(1, 1, 'customer', 2.5, 4.0, '我想查一下账单')");
    ok("INSERT INTO checklists(id, checklist_key, version, name, source, fingerprint) VALUES "
       "(1, 'default', 1, '服务质量', '[checklist]', 'f1')");
    const char* batchBy =
        hasColumn(db, "sample_batches", "created_by") ? "created_by" : "inspector";
    ok(fmt::format("INSERT INTO sample_batches(id, call_date, per_agent, seed, {}) VALUES "
                   "(1, '2026-11-25', 2, 7, 'qc1')",
                   batchBy));
    ok("INSERT INTO queue_items(batch_id, recording_id, inspector, reason) VALUES "
       "(1, 1, 'qc1', 'random')");
    ok("INSERT INTO evaluations(id, recording_id, checklist_id, inspector, status, score, "
       "submitted_at) VALUES (1, 1, 1, 'qc1', 'submitted', 92.5, '2026-11-26T01:00:00Z')");
    ok("INSERT INTO evaluation_answers(evaluation_id, item_id, value, points, comment) VALUES "
       "(1, '2.1', 'fail', 0, '未核实身份')");
    if (hasColumn(db, "evaluation_answers", "suggested")) {
        ok("UPDATE evaluation_answers SET suggested = 'fail', suggestion_reason = 'rule'");
    }
    if (hasColumn(db, "agents", "focus")) {
        ok("UPDATE agents SET focus = 1, hire_date = '2026-11-01'");
        ok("UPDATE recordings SET complaint = 1");
        ok("UPDATE queue_items SET explanation = '000123 王芳: 1 of 1 calls'");
    }
    if (hasColumn(db, "audio_profiles", "seek_index")) {
        ok("UPDATE audio_profiles SET seek_index = x'0A0B'");
    }
}

TEST(Migrations, everyEarlierVersionUpgradesToTheLatestKeepingItsRows) {
    const int latest = static_cast<int>(migrations().size());
    ASSERT_GE(latest, 4);
    for (int version = 0; version < latest; ++version) {
        SCOPED_TRACE(fmt::format("from version {}", version));
        const auto path = freshDb(version);
        bool focus = false;
        bool suggested = false;
        bool seekIndex = false;
        {
            auto old = Database::openAtVersion(path, version);
            ASSERT_TRUE(old) << old.error().detail;
            ASSERT_EQ(old->schemaVersion(), version);
            if (version >= 1) {
                insertTypicalRows(*old);
                if (HasFatalFailure()) {
                    return;
                }
                focus = hasColumn(*old, "agents", "focus");
                suggested = hasColumn(*old, "evaluation_answers", "suggested");
                seekIndex = hasColumn(*old, "audio_profiles", "seek_index");
            }
        }
        auto db = Database::open(path);
        ASSERT_TRUE(db) << db.error().detail;
        EXPECT_EQ(db->schemaVersion(), latest);
        EXPECT_EQ(text(*db, "PRAGMA integrity_check"), "ok");
        auto orphans = db->prepare("PRAGMA foreign_key_check");
        ASSERT_TRUE(orphans);
        EXPECT_FALSE(*orphans->step()) << "a row lost its parent";
        if (version == 0) {
            EXPECT_EQ(text(*db, "SELECT count(*) FROM recordings"), "0");
            continue;
        }
        EXPECT_EQ(text(*db, "SELECT call_id || '|' || start_time || '|' || sha256 || '|' || "
                            "duration_sec || '|' || customer_phone || '|' || queue "
                            "FROM recordings"),
                  "C20261125-0001|2026-11-25 09:13:05|" + std::string(64, 'a') +
                      "|61.5|138-1234-5678|信用卡服务");
        EXPECT_EQ(text(*db, "SELECT a.employee_no || '|' || a.name || '|' || t.name FROM agents a "
                            "JOIN teams t ON t.id = a.team_id"),
                  "000123|王芳|一组");
        EXPECT_EQ(text(*db, "SELECT group_concat(speaker || ':' || text, '/') FROM "
                            "(SELECT * FROM transcript_segments ORDER BY seq)"),
                  "agent:您好，很高兴为您服务/customer:我想查一下账单");
        EXPECT_EQ(text(*db, "SELECT dead_air || '|' || hex(peaks) FROM audio_profiles"),
                  "[[20,29.5]]|010203");
        EXPECT_EQ(text(*db, "SELECT status || '|' || score || '|' || e.inspector || '|' || "
                            "a.value || '|' || a.comment FROM evaluations e JOIN "
                            "evaluation_answers a ON a.evaluation_id = e.id"),
                  "submitted|92.5|qc1|fail|未核实身份");
        EXPECT_EQ(text(*db, "SELECT source FROM checklists"), "[checklist]");
        EXPECT_EQ(text(*db, "SELECT created_by FROM sample_batches"), "qc1");
        EXPECT_EQ(text(*db, "SELECT reason FROM queue_items"), "random");
        if (suggested) {
            EXPECT_EQ(text(*db, "SELECT suggested FROM evaluation_answers"), "fail");
        }
        if (focus) {
            EXPECT_EQ(text(*db, "SELECT focus || '|' || hire_date FROM agents"), "1|2026-11-01");
            EXPECT_EQ(text(*db, "SELECT complaint FROM recordings"), "1");
            EXPECT_EQ(text(*db, "SELECT explanation FROM queue_items"),
                      "000123 王芳: 1 of 1 calls");
        }
        if (seekIndex) {
            EXPECT_EQ(text(*db, "SELECT hex(seek_index) FROM audio_profiles"), "0A0B");
        }
    }
}

TEST(Migrations, openAtVersionStopsThereAndOpenFinishesTheRest) {
    const auto path = freshDb(99);
    {
        auto db = Database::openAtVersion(path, 2);
        ASSERT_TRUE(db) << db.error().detail;
        EXPECT_EQ(db->schemaVersion(), 2);
        EXPECT_FALSE(hasColumn(*db, "agents", "focus"));
    }
    auto db = Database::open(path);
    ASSERT_TRUE(db);
    EXPECT_EQ(db->schemaVersion(), static_cast<int>(migrations().size()));
    EXPECT_TRUE(hasColumn(*db, "agents", "focus"));
}

} // namespace
} // namespace callqc::storage
