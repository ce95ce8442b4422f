// The workstation's state machine over a real database and decoder: open a call, answer, submit,
// and the next call opens; the evaluation is in SQLite. No window and no sound device.

#include <thread>

#include <gtest/gtest.h>

#include "app/core/import_day.hpp"
#include "app/station/station_app.hpp"
#include "assets/demo/demo_day.hpp"
#include "tests/audio/fixtures.hpp"

namespace callqc::station {
namespace {

class StationAppTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        const auto dir = tests::freshDir("station_app");
        s_db = new std::filesystem::path(dir / "qc.db");
        demo::DemoOptions options;
        options.calls = 5;
        options.seed = 3;
        ASSERT_TRUE(demo::generateDemoDay(dir / "day", options));
        auto db = storage::Database::open(*s_db);
        ASSERT_TRUE(db);
        ASSERT_EQ(core::importDay(*db, dir / "day")->imported, 5);
    }
    static void TearDownTestSuite() { delete s_db; }

    static StationApp makeApp(const std::string& inspector) {
        auto session = core::Session::open(*s_db, inspector);
        EXPECT_TRUE(session) << session.error().detail;
        EXPECT_TRUE(session->sampleDay("2026-11-25", 5, 1));
        return StationApp(std::move(*session), audio::makeNullSink(), scoring::Language::En);
    }

    static void waitForAudio(StationApp& app) {
        for (int i = 0; i < 500 && !app.audioReady(); ++i) {
            app.update();
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    }

    static std::filesystem::path* s_db;
};
std::filesystem::path* StationAppTest::s_db = nullptr;

TEST_F(StationAppTest, opensACallWithAudioAndSuggestions) {
    auto app = makeApp("qc-open");
    app.settle(); // the queue is read on the database thread
    ASSERT_EQ(app.queue().size(), 5u);
    app.openCall(app.queue()[0].recordingId);
    EXPECT_FALSE(app.call()) << "the call is read on the database thread, not in openCall";
    app.settle();
    ASSERT_TRUE(app.call());
    EXPECT_EQ(app.call()->recording.id, app.queue()[0].recordingId);
    EXPECT_FALSE(app.call()->suggestions.empty());
    waitForAudio(app);
    EXPECT_TRUE(app.audioReady());
    app.seek(10.0);
    app.togglePlay();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    app.togglePlay();
}

TEST_F(StationAppTest, aRecordingChangedSinceImportIsFlaggedWhenOpened) {
    auto app = makeApp("qc-integrity");
    app.settle(); // the queue is read on the database thread
    const auto first = app.queue()[0].recordingId;
    const auto second = app.queue()[1].recordingId;
    app.openCall(first);
    app.settle();
    ASSERT_TRUE(app.call());
    for (int i = 0; i < 500 && app.integrityChecksPending(); ++i) {
        app.update();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_EQ(app.integrityWarning(), "") << "an untouched file is what was imported";

    // Someone replaces the file's content after import.
    const std::filesystem::path file = app.call()->recording.filePath;
    auto bytes = tests::readBytes(file);
    bytes.back() = static_cast<std::uint8_t>(bytes.back() ^ 0x5a);
    tests::writeBytes(file, bytes);
    app.openCall(second);
    app.openCall(first);
    app.settle();
    for (int i = 0; i < 500 && app.integrityChecksPending(); ++i) {
        app.update();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_NE(app.integrityWarning().find("changed since it was imported"), std::string::npos)
        << app.integrityWarning();
}

TEST_F(StationAppTest, submittingStoresTheEvaluationAndOpensTheNextCall) {
    auto app = makeApp("qc-submit");
    app.settle(); // the queue is read on the database thread
    const auto first = app.queue()[0].recordingId;
    app.openCall(first);
    app.settle();
    app.submit(); // incomplete: refused, stays on the call
    app.settle();
    EXPECT_FALSE(app.message().empty());
    EXPECT_EQ(app.call()->recording.id, first);
    for (const auto& section : app.call()->checklist.sections) {
        for (const auto& item : section.items) {
            scoring::ItemAnswer answer;
            answer.value = scoring::AnswerValue::Pass;
            answer.points = item.weight;
            app.setAnswer(item.id, answer);
        }
    }
    app.submit();
    app.settle();
    ASSERT_TRUE(app.call());
    EXPECT_NE(app.call()->recording.id, first);
    EXPECT_EQ(app.queue()[0].status, "submitted");
    ASSERT_TRUE(app.queue()[0].score);
    EXPECT_DOUBLE_EQ(*app.queue()[0].score, 100.0);

    auto db = storage::Database::open(*s_db);
    auto stored = storage::loadEvaluation(*db, first, "qc-submit");
    ASSERT_TRUE(stored && stored->has_value());
    EXPECT_EQ((*stored)->status, "submitted");
    EXPECT_EQ((*stored)->answers.size(), 13u);
}

TEST_F(StationAppTest, answersAreKeptAsADraftWhenLeavingACall) {
    auto app = makeApp("qc-draft");
    app.settle(); // the queue is read on the database thread
    const auto first = app.queue()[0].recordingId;
    app.openCall(first);
    app.settle();
    scoring::ItemAnswer fail;
    fail.value = scoring::AnswerValue::Fail;
    fail.comment = "语气生硬";
    app.setAnswer("1.2", fail);
    app.openCall(app.queue()[1].recordingId); // leaving saves the draft at once
    app.openCall(first); // read after the draft is written: the jobs run in order
    app.settle();
    EXPECT_EQ(app.call()->status, "draft");
    ASSERT_TRUE(app.call()->answers.contains("1.2"));
    EXPECT_EQ(app.call()->answers.at("1.2").value, scoring::AnswerValue::Fail);
    EXPECT_EQ(app.call()->answers.at("1.2").comment, "语气生硬");
}

} // namespace
} // namespace callqc::station
