// Database::backupTo: a copy that opens, passes integrity_check and holds one consistent
// snapshot, also while another connection keeps writing.

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include "storage/call_store.hpp"
#include "storage/database.hpp"
#include "storage/search_store.hpp"

namespace callqc::storage {
namespace {

namespace fs = std::filesystem;

fs::path freshDir(const std::string& name) {
    const auto dir = fs::path(CALLQC_TEST_TMP) / fmt::format("{}-{}", name, getpid());
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

/// Inserts `count` calls numbered from `first`, each with two transcript segments, in one
/// transaction.
void addCalls(Database& db, int first, int count) {
    auto done = db.transaction([&]() -> Result<void> {
        auto agent = upsertAgent(db, "008012", "王芳", "客服一组");
        if (!agent) {
            return tl::unexpected(agent.error());
        }
        for (int i = first; i < first + count; ++i) {
            RecordingRecord r;
            r.callId = fmt::format("C{:06}", i);
            r.startTime =
                fmt::format("2024-03-01 {:02}:{:02}:{:02}", i / 3600 % 24, i / 60 % 60, i % 60);
            r.callDate = "2024-03-01";
            r.customerPhone = fmt::format("138{:08}", i);
            r.filePath = fmt::format("/data/{}.wav", r.callId);
            ProfileRecord p;
            p.peaks = std::vector<std::uint8_t>(512, 9);
            auto id = insertRecording(db, *agent, r, p,
                                      {{"agent", 0, 1, fmt::format("您好，工号{}为您服务", i)},
                                       {"customer", 1, 2, "我想查一下账单"}});
            if (!id) {
                return tl::unexpected(id.error());
            }
        }
        return {};
    });
    ASSERT_TRUE(done) << done.error().detail;
}

/// Opens a copy read-only with plain SQLite and reads one integer.
std::int64_t queryInt(const fs::path& path, const char* sql) {
    sqlite3* raw = nullptr;
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    std::int64_t value = -1;
    if (sqlite3_prepare_v2(raw, sql, -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        value = sqlite3_column_int64(stmt, 0);
    } else {
        ADD_FAILURE() << sql << ": " << sqlite3_errmsg(raw);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(raw);
    return value;
}

std::string integrity(const fs::path& path) {
    sqlite3* raw = nullptr;
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
    sqlite3_stmt* stmt = nullptr;
    std::string result;
    if (sqlite3_prepare_v2(raw, "PRAGMA integrity_check", -1, &stmt, nullptr) == SQLITE_OK) {
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            result += reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
        }
    }
    sqlite3_finalize(stmt);
    sqlite3_close(raw);
    return result;
}

constexpr const char* kTables[] = {"recordings", "audio_profiles", "transcript_segments", "agents",
                                   "teams"};

TEST(Backup, copiesEveryRowAndPassesTheIntegrityCheck) {
    const auto dir = freshDir("backup");
    auto db = Database::open(dir / "qc.db");
    ASSERT_TRUE(db) << db.error().detail;
    addCalls(*db, 0, 300);
    int steps = 0;
    int lastDone = -1;
    int lastTotal = 0;
    auto copied = db->backupTo(
        dir / "copy.db",
        [&](int done, int total) {
            ++steps;
            EXPECT_GE(done, lastDone);
            lastDone = done;
            lastTotal = total;
        },
        16);
    ASSERT_TRUE(copied) << copied.error().detail;
    EXPECT_GT(steps, 2) << "copied in steps";
    EXPECT_EQ(lastDone, lastTotal);
    EXPECT_FALSE(fs::exists(dir / "copy.db.tmp"));
    EXPECT_EQ(integrity(dir / "copy.db"), "ok");
    for (const char* table : kTables) {
        const auto sql = fmt::format("SELECT count(*) FROM {}", table);
        EXPECT_EQ(queryInt(dir / "copy.db", sql.c_str()), queryInt(dir / "qc.db", sql.c_str()))
            << table;
    }
    // The copy is a working database: it opens at the same schema and its search finds calls.
    auto copy = Database::open(dir / "copy.db");
    ASSERT_TRUE(copy) << copy.error().detail;
    EXPECT_EQ(copy->schemaVersion(), db->schemaVersion());
    SearchCriteria c;
    c.text = "工号123为";
    auto found = searchRecordings(*copy, c, {});
    ASSERT_TRUE(found) << found.error().detail;
    ASSERT_EQ(found->rows.size(), 1u);
    EXPECT_EQ(found->rows[0].callId, "C000123");
}

TEST(Backup, copiesOneSnapshotWhileAnotherConnectionWrites) {
    const auto dir = freshDir("backup-busy");
    {
        auto db = Database::open(dir / "qc.db");
        ASSERT_TRUE(db);
        addCalls(*db, 0, 400);
    }
    std::atomic<bool> stop{false};
    std::atomic<int> written{0};
    std::jthread writer([&] {
        auto db = Database::open(dir / "qc.db");
        ASSERT_TRUE(db) << db.error().detail;
        for (int batch = 0; !stop.load(); ++batch) {
            addCalls(*db, 1000 + batch * 5, 5);
            written += 5;
        }
    });
    while (written.load() < 10) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    auto db = Database::open(dir / "qc.db");
    ASSERT_TRUE(db);
    const int writtenBefore = written.load();
    auto copied = db->backupTo(
        dir / "copy.db",
        [](int, int) { std::this_thread::sleep_for(std::chrono::milliseconds(2)); }, 4);
    const int writtenDuring = written.load() - writtenBefore;
    stop = true;
    writer.join();
    ASSERT_TRUE(copied) << copied.error().detail;
    EXPECT_GT(writtenDuring, 0) << "the writer went on during the copy";

    EXPECT_EQ(integrity(dir / "copy.db"), "ok");
    const auto calls = queryInt(dir / "copy.db", "SELECT count(*) FROM recordings");
    EXPECT_GE(calls, 400 + writtenBefore);
    EXPECT_EQ(calls % 5, 0) << "whole transactions only";
    EXPECT_EQ(queryInt(dir / "copy.db", "SELECT count(*) FROM transcript_segments"), 2 * calls);
    EXPECT_EQ(queryInt(dir / "copy.db", "SELECT count(*) FROM audio_profiles"), calls);
    EXPECT_LT(calls, queryInt(dir / "qc.db", "SELECT count(*) FROM recordings"));
}

TEST(Backup, replacesTheTargetOnlyWhenComplete) {
    const auto dir = freshDir("backup-replace");
    auto db = Database::open(dir / "qc.db");
    ASSERT_TRUE(db);
    addCalls(*db, 0, 10);
    {
        std::ofstream old(dir / "copy.db");
        old << "yesterday's copy";
    }
    ASSERT_TRUE(db->backupTo(dir / "copy.db"));
    EXPECT_EQ(queryInt(dir / "copy.db", "SELECT count(*) FROM recordings"), 10);

    // A target whose folder cannot be made: an error, and nothing half written anywhere.
    {
        std::ofstream file(dir / "plain-file");
        file << "x";
    }
    auto failed = db->backupTo(dir / "plain-file" / "copy.db");
    ASSERT_FALSE(failed);
    EXPECT_NE(failed.error().detail.find("plain-file"), std::string::npos) << failed.error().detail;
}

} // namespace
} // namespace callqc::storage
