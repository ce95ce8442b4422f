// Checklists are versioned: editing the file makes a new version, an evaluation keeps the version
// it was scored with, and old scores recompute unchanged. Each answer records what the tool
// suggested, so a reader sees whether the inspector confirmed or overrode it.

#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>

#include <gtest/gtest.h>

#include "app/core/import_day.hpp"
#include "app/core/session.hpp"
#include "tests/audio/fixtures.hpp"

namespace callqc::core {
namespace {

namespace fs = std::filesystem;

std::string readText(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// A day of two calls whose agent says a forbidden phrase in the first.
fs::path makeDay(const fs::path& dir) {
    fs::create_directories(dir / "transcripts");
    auto pcm = tests::silence(2, 6.0);
    tests::addTone(pcm, 0, 0.5, 2.5);
    tests::addTone(pcm, 1, 3.0, 5.0, 500.0, 0.2f);
    tests::writeWav16(dir / "a.wav", pcm);
    std::ofstream(dir / "metadata.csv") << "call_id,file,start_time,agent_id,agent_name,team\n"
                                        << "V1,a.wav,2026-11-25 09:00:00,001,王芳,一组\n"
                                        << "V2,a.wav,2026-11-25 10:00:00,001,王芳,一组\n";
    for (const char* id : {"V1", "V2"}) {
        std::ofstream(dir / "transcripts" / (std::string(id) + ".json"))
            << R"({"call_id":")" << id
            << R"(","segments":[{"speaker":"agent","start":0.5,"end":2.5,"text":"您好，这个我不清楚"},)"
            << R"({"speaker":"customer","start":3.0,"end":5.0,"text":"好的，再见"}]})";
    }
    return dir;
}

scoring::Answers allPassing(const scoring::Checklist& checklist) {
    scoring::Answers answers;
    for (const auto& section : checklist.sections) {
        for (const auto& item : section.items) {
            answers[item.id].value = scoring::AnswerValue::Pass;
            answers[item.id].points = item.weight;
        }
    }
    return answers;
}

/// The test's calls are 6 s long, under the plan's default minimum.
SampleOptions shortCalls(int perAgent) {
    SampleOptions options;
    options.rules.perAgent = perAgent;
    options.rules.minDurationSec = 0;
    return options;
}

class ChecklistVersions : public ::testing::Test {
protected:
    void SetUp() override {
        m_root = tests::freshDir("versions");
        fs::create_directories(m_root / "assets");
        fs::copy(fs::path(CALLQC_SOURCE_DIR) / "assets" / "checklists",
                 m_root / "assets" / "checklists");
        ::setenv("CALLQC_ASSETS", (m_root / "assets").c_str(), 1);
        m_db = m_root / "qc.db";
        auto db = storage::Database::open(m_db);
        ASSERT_TRUE(db);
        ASSERT_EQ(importDay(*db, makeDay(m_root / "day"))->imported, 2);
    }
    void TearDown() override { ::unsetenv("CALLQC_ASSETS"); }

    fs::path checklistFile() const { return m_root / "assets" / "checklists" / "default.toml"; }

    fs::path m_root;
    fs::path m_db;
};

TEST_F(ChecklistVersions, editedChecklistIsANewVersionAndOldScoresStay) {
    double firstScore = 0;
    std::int64_t firstId = 0;
    {
        auto session = Session::open(m_db, "qc");
        ASSERT_TRUE(session) << session.error().detail;
        ASSERT_TRUE(session->sampleDay("2026-11-25", shortCalls(2)));
        const auto queue = session->queue();
        ASSERT_TRUE(queue);
        ASSERT_EQ(queue->size(), 2u);
        firstId = queue->front().recordingId;
        auto answers = allPassing(session->checklist());
        answers["1.2"].value = scoring::AnswerValue::Fail;
        answers["1.2"].comment = "打断客户";
        auto score = session->saveEvaluation(firstId, answers, true);
        ASSERT_TRUE(score) << score.error().detail;
        firstScore = score->score;
        EXPECT_NEAR(firstScore, 92.0, 1e-9) << score->working; // 1.2 is 8 of 100 points
    }

    // A supervisor doubles the weight of 1.2 in the file.
    const auto text = readText(checklistFile());
    const std::regex weight(R"((id = "1\.2"[\s\S]*?weight = )8)");
    const auto edited =
        std::regex_replace(text, weight, "$0116", std::regex_constants::format_first_only);
    ASSERT_NE(edited, text);
    // The declared totals must follow, or the file is refused (the session would not open).
    std::ofstream(checklistFile()) << edited;
    ASSERT_FALSE(Session::open(m_db, "qc"));
    const auto rebalanced = std::regex_replace(
        std::regex_replace(edited, std::regex("\ntotal = 100\n"), "\ntotal = 108\n"),
        std::regex("\ntotal = 60\n"), "\ntotal = 68\n");
    ASSERT_NE(rebalanced, edited);
    std::ofstream(checklistFile()) << rebalanced;

    auto session = Session::open(m_db, "qc");
    ASSERT_TRUE(session) << session.error().detail;
    const auto queue = session->queue();
    ASSERT_TRUE(queue);
    ASSERT_EQ(queue->size(), 2u);
    const auto secondId = queue->back().recordingId;
    ASSERT_NE(secondId, firstId);
    auto answers = allPassing(session->checklist());
    answers["1.2"].value = scoring::AnswerValue::Fail;
    answers["1.2"].comment = "打断客户";
    auto second = session->saveEvaluation(secondId, answers, true);
    ASSERT_TRUE(second);
    EXPECT_NEAR(second->score, 100.0 * (108 - 16) / 108, 1e-9) << second->working;
    EXPECT_EQ(session->checklist().version, 2);

    // The first call still shows and scores with version 1.
    auto first = session->openCall(firstId);
    ASSERT_TRUE(first);
    EXPECT_EQ(first->checklist.findItem("1.2")->weight, 8);
    EXPECT_EQ(session->openCall(secondId)->checklist.findItem("1.2")->weight, 16);

    auto recomputed = session->recomputeSubmitted();
    ASSERT_TRUE(recomputed) << recomputed.error().detail;
    ASSERT_EQ(recomputed->size(), 2u);
    EXPECT_EQ((*recomputed)[0].recordingId, firstId);
    EXPECT_EQ((*recomputed)[0].checklistVersion, 1);
    EXPECT_EQ((*recomputed)[1].checklistVersion, 2);
    for (const auto& r : *recomputed) {
        EXPECT_TRUE(r.unchanged()) << r.evaluationId;
    }
    EXPECT_DOUBLE_EQ(*(*recomputed)[0].recomputed, firstScore);
}

TEST_F(ChecklistVersions, reportsGradeByTheConfiguredBands) {
    {
        auto session = Session::open(m_db, "qc");
        ASSERT_TRUE(session);
        ASSERT_TRUE(session->sampleDay("2026-11-25", shortCalls(1)));
        const auto queue = session->queue();
        ASSERT_TRUE(queue);
        ASSERT_EQ(queue->size(), 1u);
        auto answers = allPassing(session->checklist());
        answers["1.2"].value = scoring::AnswerValue::Fail; // 92 of 100
        answers["1.2"].comment = "打断客户";
        ASSERT_TRUE(session->saveEvaluation(queue->front().recordingId, answers, true));
        auto report = session->report(storage::ReportGrouping::Agent, "2026-11-25");
        ASSERT_TRUE(report);
        ASSERT_EQ(report->size(), 1u);
        EXPECT_EQ((*report)[0].grade, scoring::Grade::B); // the manual's bands: B from 90
    }
    // A supervisor raises B to 93: the same mean is now a C.
    std::ofstream(m_root / "assets" / "checklists" / "grades.toml") << "b = 93\n";
    auto session = Session::open(m_db, "qc");
    ASSERT_TRUE(session);
    auto report = session->report(storage::ReportGrouping::Agent, "2026-11-25");
    ASSERT_TRUE(report);
    ASSERT_EQ(report->size(), 1u);
    EXPECT_DOUBLE_EQ((*report)[0].mean, 92.0);
    EXPECT_EQ((*report)[0].grade, scoring::Grade::C);
}

TEST_F(ChecklistVersions, answersRecordWhatWasSuggested) {
    auto session = Session::open(m_db, "qc");
    ASSERT_TRUE(session);
    ASSERT_TRUE(session->sampleDay("2026-11-25", shortCalls(1)));
    const auto queue = session->queue();
    ASSERT_TRUE(queue);
    ASSERT_EQ(queue->size(), 1u);
    const auto id = queue->front().recordingId;
    auto view = session->openCall(id);
    ASSERT_TRUE(view);
    ASSERT_TRUE(view->suggestions.contains("1.3")) << "the agent said 我不清楚";
    EXPECT_EQ(view->answers.at("1.3").value, scoring::AnswerValue::Fail);

    // The inspector overrides the forbidden-phrase suggestion and confirms the others.
    auto answers = allPassing(session->checklist());
    ASSERT_TRUE(session->saveEvaluation(id, answers, true));
    auto stored = storage::loadEvaluation(session->db(), id, "qc");
    ASSERT_TRUE(stored && stored->has_value());
    int overridden = 0;
    for (const auto& a : (*stored)->answers) {
        if (a.itemId == "1.3") {
            EXPECT_EQ(a.value, "pass");
            EXPECT_EQ(a.suggested, "fail");
            EXPECT_NE(a.suggestionReason.find("我不清楚"), std::string::npos) << a.suggestionReason;
        }
        if (!a.suggested.empty() && a.suggested != a.value) {
            ++overridden;
        }
    }
    EXPECT_GE(overridden, 1);
}

} // namespace
} // namespace callqc::core
