// verifyRecordings: files hashed again against what the import stored.

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "app/core/file_hash.hpp"
#include "app/core/verify.hpp"
#include "storage/call_store.hpp"

namespace callqc::core {
namespace {

namespace fs = std::filesystem;

void writeFile(const fs::path& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << bytes;
}

class Verify : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = fs::path(CALLQC_TEST_TMP) / fmt::format("verify-{}", getpid());
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
        auto db = storage::Database::open(m_dir / "qc.db");
        ASSERT_TRUE(db) << db.error().detail;
        m_db.emplace(std::move(*db));
        auto agent = storage::upsertAgent(*m_db, "008012", "王芳", "客服一组");
        ASSERT_TRUE(agent);
        // C1..C4 on 2024-03-01, C5 on 2024-03-02; each file's bytes are its call id repeated.
        for (int i = 1; i <= 5; ++i) {
            const std::string callId = fmt::format("C{}", i);
            const fs::path file = m_dir / (callId + ".wav");
            writeFile(file, std::string(1000, static_cast<char>('a' + i)));
            auto hash = sha256File(file);
            ASSERT_TRUE(hash) << hash.error();
            storage::RecordingRecord r;
            r.callId = callId;
            r.callDate = i < 5 ? "2024-03-01" : "2024-03-02";
            r.startTime = r.callDate + " 09:00:00";
            r.filePath = file.string();
            r.fileSize = 1000;
            r.sha256 = *hash;
            storage::ProfileRecord p;
            p.peaks = {1};
            ASSERT_TRUE(storage::insertRecording(*m_db, *agent, r, p, {}));
        }
    }

    fs::path m_dir;
    std::optional<storage::Database> m_db;
};

TEST_F(Verify, everyFileAsImportedIsFine) {
    Progress progress;
    auto report = verifyRecordings(*m_db, std::nullopt, &progress);
    ASSERT_TRUE(report) << report.error().detail;
    EXPECT_EQ(report->checked, 5);
    EXPECT_TRUE(report->allFine());
    EXPECT_EQ(progress.done.load(), 5);
    EXPECT_EQ(progress.total.load(), 5);
}

TEST_F(Verify, findsMissingChangedAndResizedFiles) {
    fs::remove(m_dir / "C1.wav");
    writeFile(m_dir / "C2.wav", std::string(999, 'c') + "x"); // same size, other bytes
    writeFile(m_dir / "C3.wav", std::string(10, 'd'));        // truncated
    writeFile(m_dir / "C5.wav", "");                          // another day
    auto report = verifyRecordings(*m_db, std::string("2024-03-01"));
    ASSERT_TRUE(report) << report.error().detail;
    EXPECT_EQ(report->checked, 4);
    ASSERT_EQ(report->problems.size(), 3u);
    EXPECT_EQ(report->problems[0].callId, "C1");
    EXPECT_EQ(report->problems[0].kind, VerifyProblem::Kind::Missing);
    EXPECT_EQ(report->problems[0].path, (m_dir / "C1.wav").string());
    EXPECT_EQ(report->problems[1].callId, "C2");
    EXPECT_EQ(report->problems[1].kind, VerifyProblem::Kind::Changed);
    EXPECT_NE(report->problems[1].detail.find("SHA-256"), std::string::npos);
    EXPECT_EQ(report->problems[2].callId, "C3");
    EXPECT_EQ(report->problems[2].kind, VerifyProblem::Kind::Changed);
    EXPECT_NE(report->problems[2].detail.find("size 10 bytes, imported 1000"), std::string::npos);

    auto all = verifyRecordings(*m_db, std::nullopt);
    ASSERT_TRUE(all);
    EXPECT_EQ(all->problems.size(), 4u) << "C5 changed too";
}

TEST_F(Verify, stopsWhenCancelled) {
    Progress progress;
    progress.cancel = true;
    auto report = verifyRecordings(*m_db, std::nullopt, &progress);
    ASSERT_FALSE(report);
    EXPECT_EQ(report.error().kind, CoreError::Kind::Cancelled);
}

} // namespace
} // namespace callqc::core

namespace callqc::core {
namespace {

TEST(Sha256File, matchesTheStandardsTestVectorsAcrossBufferBoundaries) {
    const auto dir = std::filesystem::path(CALLQC_TEST_TMP) / fmt::format("sha-{}", getpid());
    std::filesystem::create_directories(dir);
    writeFile(dir / "empty", "");
    writeFile(dir / "abc", "abc");
    // FIPS 180-2's long vector: a million 'a's, more than 15 reads of the 64 KiB buffer.
    writeFile(dir / "million", std::string(1000000, 'a'));
    EXPECT_EQ(sha256File(dir / "empty"),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(sha256File(dir / "abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    EXPECT_EQ(sha256File(dir / "million"),
              "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    const auto missing = sha256File(dir / "nope");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().find("nope: cannot open for reading"), std::string::npos);
    std::filesystem::remove_all(dir);
}

} // namespace
} // namespace callqc::core
