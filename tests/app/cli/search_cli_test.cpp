// callqc search, verify and backup as a script uses them: --json output, cursors, exit codes.

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "app/core/file_hash.hpp"
#include "storage/call_store.hpp"
#include "storage/database.hpp"
#include "tests/app/cli/cli_runner.hpp"

namespace {

namespace fs = std::filesystem;
namespace storage = callqc::storage;
using callqc::tests::CliRun;

class SearchCli : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = fs::path(CALLQC_TEST_TMP) / fmt::format("search-cli-{}", getpid());
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
        m_db = m_dir / "qc.db";
        auto db = storage::Database::open(m_db);
        ASSERT_TRUE(db) << db.error().detail;
        auto wang = storage::upsertAgent(*db, "008012", "王芳", "客服一组");
        auto zhao = storage::upsertAgent(*db, "009104", "赵敏", "客服二组");
        ASSERT_TRUE(wang && zhao);
        // Six calls a minute apart; odd ones are 赵敏's; each has a file of its own.
        for (int i = 0; i < 6; ++i) {
            storage::RecordingRecord r;
            r.callId = fmt::format("C20240301-{:03}", i);
            r.startTime = fmt::format("2024-03-01 09:{:02}:00", i);
            r.callDate = "2024-03-01";
            r.durationSec = 60 + i;
            r.queue = i % 2 ? "宽带报修" : "信用卡服务";
            r.customerPhone = fmt::format("138-0000-{:04}", 1000 + i % 3);
            r.filePath = (m_dir / (r.callId + ".wav")).string();
            {
                std::ofstream file(r.filePath, std::ios::binary);
                file << std::string(100 + static_cast<std::size_t>(i), 'x');
            }
            r.fileSize = 100 + i;
            r.sha256 = *callqc::core::sha256File(r.filePath);
            storage::ProfileRecord p;
            p.peaks = {1};
            if (i == 4) {
                p.deadAir = {{10, 20}};
            }
            const std::string text = i == 2 ? "您的账单已经寄出" : "您好，请问有什么可以帮您";
            ASSERT_TRUE(storage::insertRecording(*db, i % 2 ? *zhao : *wang, r, p,
                                                 {{"agent", 0, 1, text}}));
        }
    }

    CliRun run(const std::string& args) const {
        return callqc::tests::runCli(args + fmt::format(" --db '{}'", m_db.string()), m_dir);
    }

    static nlohmann::json json(const CliRun& r) {
        auto parsed = nlohmann::json::parse(r.out, nullptr, false);
        EXPECT_FALSE(parsed.is_discarded()) << r.out << r.err;
        return parsed;
    }

    static std::vector<std::string> callIds(const nlohmann::json& page) {
        std::vector<std::string> ids;
        for (const auto& row : page["rows"]) {
            ids.push_back(row["call_id"]);
        }
        return ids;
    }

    fs::path m_dir;
    fs::path m_db;
};

TEST_F(SearchCli, jsonRowsAndANextCursorUntilTheLastPage) {
    auto first = run("search --json --limit 4");
    ASSERT_EQ(first.exitCode, 0) << first.err;
    const auto page1 = json(first);
    EXPECT_EQ(callIds(page1), (std::vector<std::string>{"C20240301-005", "C20240301-004",
                                                        "C20240301-003", "C20240301-002"}));
    ASSERT_TRUE(page1["next"].is_string());
    const auto& row = page1["rows"][1];
    EXPECT_EQ(row["start_time"], "2024-03-01 09:04:00");
    EXPECT_EQ(row["duration_sec"], 64.0);
    EXPECT_EQ(row["agent_no"], "008012");
    EXPECT_EQ(row["agent_name"], "王芳");
    EXPECT_EQ(row["team"], "客服一组");
    EXPECT_EQ(row["queue"], "信用卡服务");
    // Without accounts the CLI acts as a QC inspector, who sees customer numbers masked.
    EXPECT_EQ(row["customer_phone"], "138****1001");
    EXPECT_EQ(row["dead_air"], 1);
    EXPECT_EQ(row["overtalk"], 0);
    EXPECT_EQ(row["evaluation"], "none");
    EXPECT_TRUE(row["score"].is_null());

    auto second =
        run(fmt::format("search --json --limit 4 --after {}", page1["next"].get<std::string>()));
    ASSERT_EQ(second.exitCode, 0) << second.err;
    const auto page2 = json(second);
    EXPECT_EQ(callIds(page2), (std::vector<std::string>{"C20240301-001", "C20240301-000"}));
    EXPECT_TRUE(page2["next"].is_null());
}

TEST_F(SearchCli, criteriaCombine) {
    auto r = run("search --json --phone 1001 --agent 赵敏");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(callIds(json(r)), std::vector<std::string>{"C20240301-001"});
    r = run("search --json --text 账单 --from 2024-03-01 --to 2024-03-01");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(callIds(json(r)), std::vector<std::string>{"C20240301-002"});
    r = run("search --json --team 客服二组 --min-duration 62 --evaluated no");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(callIds(json(r)), (std::vector<std::string>{"C20240301-005", "C20240301-003"}));
    r = run("search --json --call-id 'C20240301-00*' --dead-air");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(callIds(json(r)), std::vector<std::string>{"C20240301-004"});
    r = run("search --json --queue 宽带报修 --count 100 --limit 1");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(json(r)["count"], 3);
}

TEST_F(SearchCli, tableForPeopleAndOneLineErrors) {
    auto r = run("search --text 账单");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("C20240301-002"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("王芳"), std::string::npos);
    r = run("search --agent nobody");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("(no calls match)"), std::string::npos) << r.out;

    r = run("search --from 2024-02-30");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("--from \"2024-02-30\""), std::string::npos) << r.err;
    r = run("search --phone 12");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("--phone"), std::string::npos) << r.err;
    r = run("search --after xyz");
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_NE(r.err.find("--after"), std::string::npos) << r.err;
}

TEST_F(SearchCli, verifyExitsOneListingMissingAndChangedFiles) {
    auto fine = run("verify --json");
    ASSERT_EQ(fine.exitCode, 0) << fine.err;
    EXPECT_EQ(json(fine)["checked"], 6);
    EXPECT_TRUE(json(fine)["missing"].empty());

    fs::remove(m_dir / "C20240301-001.wav");
    {
        std::ofstream changed(m_dir / "C20240301-003.wav", std::ios::binary | std::ios::trunc);
        changed << std::string(103, 'y');
    }
    auto bad = run("verify --json --date 2024-03-01");
    ASSERT_EQ(bad.exitCode, 1) << bad.err;
    const auto report = json(bad);
    EXPECT_EQ(report["checked"], 6);
    EXPECT_EQ(report["ok"], 4);
    ASSERT_EQ(report["missing"].size(), 1u);
    EXPECT_EQ(report["missing"][0]["call_id"], "C20240301-001");
    ASSERT_EQ(report["changed"].size(), 1u);
    EXPECT_EQ(report["changed"][0]["call_id"], "C20240301-003");
    EXPECT_EQ(report["changed"][0]["path"], (m_dir / "C20240301-003.wav").string());

    auto text = run("verify");
    EXPECT_EQ(text.exitCode, 1);
    EXPECT_NE(text.out.find("missing"), std::string::npos) << text.out;
    EXPECT_NE(text.out.find("6 recordings checked: 4 as imported, 2 not"), std::string::npos)
        << text.out;
    auto otherDay = run("verify --date 2024-03-02 --json");
    EXPECT_EQ(otherDay.exitCode, 0) << otherDay.err;
    EXPECT_EQ(json(otherDay)["checked"], 0);
}

TEST_F(SearchCli, backupWritesACopyThatSearchesTheSame) {
    const auto copy = m_dir / "backup" / "copy.db";
    auto r = run(fmt::format("backup '{}'", copy.string()));
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("backed up"), std::string::npos) << r.out;
    EXPECT_TRUE(fs::exists(copy));
    EXPECT_FALSE(fs::exists(copy.string() + ".tmp"));
    auto original = run("search --json --text 请问");
    auto copied = callqc::tests::runCli(
        fmt::format("search --json --text 请问 --db '{}'", copy.string()), m_dir);
    ASSERT_EQ(copied.exitCode, 0) << copied.err;
    EXPECT_EQ(json(copied), json(original));
    EXPECT_EQ(json(copied)["rows"].size(), 5u);
}

} // namespace
