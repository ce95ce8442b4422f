// callqc end to end as a nightly script runs it: demo, import, sample and report with --json,
// exit codes and one-line errors; the report agrees with what app/core computes.

#include <filesystem>
#include <fstream>
#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "app/core/session.hpp"
#include "tests/app/cli/cli_runner.hpp"
#include "tests/audio/fixtures.hpp"

namespace {

namespace fs = std::filesystem;

using Run = callqc::tests::CliRun;

Run run(const std::string& args, const std::string& env = "") {
    return callqc::tests::runCli(args, callqc::tests::freshDir("cli-run"), env);
}

nlohmann::json json(const Run& r) {
    auto parsed = nlohmann::json::parse(r.out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << r.out;
    return parsed;
}

class Cli : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = callqc::tests::freshDir("cli");
        m_db = m_dir / "qc.db";
    }
    fs::path m_dir;
    fs::path m_db;
};

TEST_F(Cli, demoImportSampleReportAgreeWithTheCore) {
    const auto day = m_dir / "day";
    auto demo =
        run(fmt::format("demo '{}' --calls 10 --seed 11 --date 2026-11-25 --json", day.string()));
    ASSERT_EQ(demo.exitCode, 0) << demo.err;
    EXPECT_EQ(json(demo)["calls"], 10);

    auto imported = run(fmt::format("import '{}' --db '{}' --json", day.string(), m_db.string()));
    ASSERT_EQ(imported.exitCode, 0) << imported.err;
    const auto report = json(imported);
    EXPECT_EQ(report["imported"], 10);
    EXPECT_EQ(report["unchanged"], 0);
    EXPECT_TRUE(report["rejected"].empty());

    auto again = run(fmt::format("import '{}' --db '{}' --json", day.string(), m_db.string()));
    EXPECT_EQ(json(again)["unchanged"], 10);
    EXPECT_EQ(json(again)["imported"], 0);

    auto sample = run(fmt::format(
        "sample --date 2026-11-25 --per-agent 1 --seed 4 --inspector qc --min-duration 0 "
        "--db '{}' --json",
        m_db.string()));
    ASSERT_EQ(sample.exitCode, 0) << sample.err;
    const auto sampled = json(sample);
    EXPECT_EQ(sampled["calls"], 10);
    EXPECT_EQ(sampled["picked"], sampled["agents"]);
    EXPECT_EQ(sampled["explanations"].size(), sampled["agents"].get<std::size_t>());

    // Score every sampled call through the core with a different result each, then compare.
    {
        auto session = callqc::core::Session::open(m_db, "qc");
        ASSERT_TRUE(session) << session.error().detail;
        const auto queue = session->queue("2026-11-25");
        ASSERT_TRUE(queue);
        ASSERT_EQ(queue->size(), sampled["picked"].get<std::size_t>());
        bool failOne = true;
        for (const auto& row : *queue) {
            callqc::scoring::Answers answers;
            for (const auto& section : session->checklist().sections) {
                for (const auto& item : section.items) {
                    callqc::scoring::ItemAnswer a;
                    a.value = callqc::scoring::AnswerValue::Pass;
                    a.points = item.weight;
                    answers[item.id] = a;
                }
            }
            if (failOne) {
                answers["2.1"].value = callqc::scoring::AnswerValue::Fail;
                failOne = false;
            }
            ASSERT_TRUE(session->saveEvaluation(row.recordingId, answers, true));
        }
        for (const char* by : {"agent", "team"}) {
            auto cli = run(fmt::format("report --by {} --date 2026-11-25 --db '{}' --json", by,
                                       m_db.string()));
            ASSERT_EQ(cli.exitCode, 0) << cli.err;
            const auto rows = json(cli)["rows"];
            auto core =
                session->report(std::string(by) == "agent" ? callqc::storage::ReportGrouping::Agent
                                                           : callqc::storage::ReportGrouping::Team,
                                "2026-11-25");
            ASSERT_TRUE(core);
            ASSERT_EQ(rows.size(), core->size()) << by;
            double lowest = 100;
            for (std::size_t i = 0; i < rows.size(); ++i) {
                EXPECT_EQ(rows[i]["key"], (*core)[i].key);
                EXPECT_EQ(rows[i]["name"], (*core)[i].label);
                EXPECT_EQ(rows[i]["evaluations"], (*core)[i].evaluations);
                EXPECT_DOUBLE_EQ(rows[i]["mean"].get<double>(), (*core)[i].mean);
                lowest = std::min(lowest, rows[i]["min"].get<double>());
                const double mean = rows[i]["mean"].get<double>();
                EXPECT_EQ(rows[i]["grade"], mean >= 95 ? "A" : mean >= 90 ? "B" : "C") << mean;
            }
            EXPECT_DOUBLE_EQ(lowest, 90.0) << "item 2.1 is worth 10 of 100 points";
        }
    }

    // A period holding the day gives the same rows; one without it, none.
    auto oneDay =
        run(fmt::format("report --by agent --date 2026-11-25 --db '{}' --json", m_db.string()));
    auto month = run(fmt::format(
        "report --by agent --from 2026-11-01 --to 2026-11-30 --db '{}' --json", m_db.string()));
    ASSERT_EQ(month.exitCode, 0) << month.err;
    EXPECT_EQ(json(month)["rows"], json(oneDay)["rows"]);
    EXPECT_EQ(json(month)["from"], "2026-11-01");
    auto later =
        run(fmt::format("report --by agent --from 2026-11-26 --db '{}' --json", m_db.string()));
    EXPECT_TRUE(json(later)["rows"].empty());
    auto backwards = run(fmt::format(
        "report --by agent --from 2026-11-30 --to 2026-11-01 --db '{}'", m_db.string()));
    EXPECT_EQ(backwards.exitCode, 1);
    EXPECT_NE(backwards.err.find("not two dates in order"), std::string::npos) << backwards.err;

    auto table = run(fmt::format("report --by team --date 2026-11-25 --db '{}'", m_db.string()));
    ASSERT_EQ(table.exitCode, 0);
    EXPECT_NE(table.out.find("mean"), std::string::npos);
}

TEST_F(Cli, complaintsJoinTheSampleSplitAmongInspectors) {
    const auto day = m_dir / "day";
    ASSERT_EQ(run(fmt::format("demo '{}' --calls 12 --seed 21", day.string())).exitCode, 0);
    ASSERT_EQ(run(fmt::format("import '{}' --db '{}'", day.string(), m_db.string())).exitCode, 0);

    auto marked = run(fmt::format("complaint C20261125-0003 --db '{}'", m_db.string()));
    ASSERT_EQ(marked.exitCode, 0) << marked.err;
    auto flagged =
        run(fmt::format("agent 008012 --focus on --hire-date 2026-11-01 --db '{}'", m_db.string()));
    EXPECT_EQ(flagged.exitCode, 0) << flagged.err;
    EXPECT_EQ(flagged.out, "agent 008012 updated\n");
    auto unknown = run(fmt::format("agent 999999 --focus on --db '{}'", m_db.string()));
    EXPECT_EQ(unknown.exitCode, 1);
    EXPECT_EQ(unknown.err, "callqc: no agent \"999999\"\n");
    auto badDate = run(fmt::format("agent 008012 --hire-date 2026-02-30 --db '{}'", m_db.string()));
    EXPECT_EQ(badDate.exitCode, 1);
    EXPECT_NE(badDate.err.find("2026-02-30"), std::string::npos) << badDate.err;

    auto sample = run(fmt::format("sample --date 2026-11-25 --per-agent 1 --seed 2 --inspector "
                                  "甲 --inspector 乙 --inspector 丙 --db '{}' --json",
                                  m_db.string()));
    ASSERT_EQ(sample.exitCode, 0) << sample.err;
    const auto plan = json(sample);
    EXPECT_EQ(plan["per_reason"]["complaint"], 1);
    int total = 0;
    int least = 1000;
    int most = 0;
    for (const auto& [who, count] : plan["per_inspector"].items()) {
        total += count.get<int>();
        least = std::min(least, count.get<int>());
        most = std::max(most, count.get<int>());
    }
    EXPECT_EQ(plan["per_inspector"].size(), 3u);
    EXPECT_EQ(total, plan["picked"].get<int>());
    EXPECT_LE(most - least, 1);

    // The complained-of call is in someone's queue with its reason.
    bool found = false;
    for (const char* who : {"甲", "乙", "丙"}) {
        auto session = callqc::core::Session::open(m_db, who);
        ASSERT_TRUE(session);
        const auto queue = session->queue("2026-11-25");
        ASSERT_TRUE(queue);
        for (const auto& row : *queue) {
            if (row.callId == "C20261125-0003") {
                found = true;
                EXPECT_EQ(row.reason, "complaint");
                EXPECT_FALSE(row.explanation.empty());
            }
        }
    }
    EXPECT_TRUE(found);
}

TEST_F(Cli, sampleOfOneQueueTakesOnlyItsCalls) {
    const auto day = m_dir / "day";
    ASSERT_EQ(run(fmt::format("demo '{}' --calls 12 --seed 8", day.string())).exitCode, 0);
    ASSERT_EQ(run(fmt::format("import '{}' --db '{}'", day.string(), m_db.string())).exitCode, 0);
    std::map<std::string, int> callsPerQueue;
    {
        auto db = callqc::storage::Database::open(m_db);
        ASSERT_TRUE(db);
        const auto calls = callqc::storage::recordingsOn(*db, "2026-11-25");
        ASSERT_TRUE(calls);
        for (const auto& r : *calls) {
            ++callsPerQueue[r.queue];
        }
    }
    ASSERT_GE(callsPerQueue.size(), 2u);
    const auto& [queue, count] = *callsPerQueue.begin();
    auto sample = run(fmt::format("sample --date 2026-11-25 --queue '{}' --per-agent 50 "
                                  "--min-duration 0 --inspector q --db '{}' --json",
                                  queue, m_db.string()));
    ASSERT_EQ(sample.exitCode, 0) << sample.err;
    EXPECT_EQ(json(sample)["picked"], count) << queue;
    auto none =
        run(fmt::format("sample --date 2026-11-25 --queue 没有这个 --db '{}'", m_db.string()));
    EXPECT_EQ(none.exitCode, 1);
    EXPECT_NE(none.err.find("没有这个"), std::string::npos) << none.err;
}

TEST_F(Cli, databaseComesFromCallqcDbWhenNoFlagIsGiven) {
    auto sample =
        run("sample --date 2026-11-25 --json", fmt::format("CALLQC_DB='{}'", m_db.string()));
    EXPECT_EQ(sample.exitCode, 1);
    EXPECT_NE(sample.err.find("no calls imported for 2026-11-25"), std::string::npos) << sample.err;
    EXPECT_TRUE(fs::exists(m_db));
}

TEST_F(Cli, failuresExitNonZeroWithOneLine) {
    auto badDate = run(fmt::format("sample --date 2026-1-5 --db '{}'", m_db.string()));
    EXPECT_NE(badDate.exitCode, 0);
    EXPECT_EQ(badDate.err, "callqc: --date \"2026-1-5\" is not YYYY-MM-DD\n");

    auto noDay =
        run(fmt::format("import '{}' --db '{}'", (m_dir / "nothing").string(), m_db.string()));
    EXPECT_EQ(noDay.exitCode, 1);
    EXPECT_NE(noDay.err.find("metadata.csv: cannot open"), std::string::npos) << noDay.err;
    EXPECT_EQ(std::count(noDay.err.begin(), noDay.err.end(), '\n'), 1);

    auto badBy = run(fmt::format("report --by month --date 2026-11-25 --db '{}'", m_db.string()));
    EXPECT_NE(badBy.exitCode, 0);
}

} // namespace
