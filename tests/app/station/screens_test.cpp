// The workstation's Library, Import and Settings behaviour over a real database, the real import
// and the settings file, with the database work on its Background thread. No window, no sound.

#include <fstream>
#include <thread>

#include <gtest/gtest.h>

#include "app/core/import_day.hpp"
#include "app/station/station_app.hpp"
#include "assets/demo/demo_day.hpp"
#include "storage/review_store.hpp"
#include "tests/app/station/imgui_harness.hpp"
#include "tests/audio/fixtures.hpp"

namespace callqc::station {
namespace {

constexpr int kCalls = 8;

class ScreensTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_dir = new std::filesystem::path(tests::freshDir("station_screens"));
        demo::DemoOptions options;
        options.calls = kCalls;
        options.seed = 11;
        ASSERT_TRUE(demo::generateDemoDay(*s_dir / "day", options));
        auto db = storage::Database::open(*s_dir / "qc.db");
        ASSERT_TRUE(db);
        ASSERT_EQ(core::importDay(*db, *s_dir / "day")->imported, kCalls);
    }
    static void TearDownTestSuite() { delete s_dir; }

    /// A workstation for `inspector` with one sampled call per agent (of `sampleQueue` only,
    /// when given).
    static std::unique_ptr<StationApp>
    makeApp(const std::string& inspector, StationOptions options = {},
            std::optional<std::string> sampleQueue = std::nullopt) {
        auto session = core::Session::open(*s_dir / "qc.db", inspector);
        EXPECT_TRUE(session) << session.error().detail;
        core::SampleOptions sample;
        sample.rules.perAgent = 1;
        sample.rules.seed = 2;
        sample.queue = sampleQueue;
        EXPECT_TRUE(session->sampleDay("2026-11-25", sample));
        options.settings.language = scoring::Language::En;
        auto app = std::make_unique<StationApp>(std::move(*session), audio::makeNullSink(),
                                                std::move(options));
        app->settle();
        return app;
    }

    static void waitForImport(StationApp& app) {
        for (int i = 0; i < 3000 && app.importRunning(); ++i) {
            app.update();
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        ASSERT_FALSE(app.importRunning()) << "the import did not finish in 30 s";
        app.settle();
    }

    static std::filesystem::path* s_dir;
};
std::filesystem::path* ScreensTest::s_dir = nullptr;

TEST_F(ScreensTest, theLibraryListsEveryCallNewestFirstAndFiltersByAgent) {
    auto app = makeApp("qc-library");
    app->showScreen(Screen::Library);
    EXPECT_EQ(app->screen(), Screen::Library);
    app->settle();
    ASSERT_EQ(app->libraryRows().size(), static_cast<std::size_t>(kCalls));
    EXPECT_EQ(app->libraryCount(), kCalls);
    for (std::size_t i = 1; i < app->libraryRows().size(); ++i) {
        EXPECT_GE(app->libraryRows()[i - 1].startTime, app->libraryRows()[i].startTime);
    }

    const std::string agent = app->libraryRows()[2].agentNo;
    const auto expected = std::count_if(app->libraryRows().begin(), app->libraryRows().end(),
                                        [&](const auto& row) { return row.agentNo == agent; });
    app->libraryFilter().agent = agent;
    app->searchLibrary();
    app->settle();
    ASSERT_EQ(app->libraryRows().size(), static_cast<std::size_t>(expected));
    for (const auto& row : app->libraryRows()) {
        EXPECT_EQ(row.agentNo, agent);
    }

    app->libraryFilter().from = "2026-13-01";
    app->searchLibrary();
    app->settle();
    EXPECT_NE(app->libraryStatus().find("2026-13-01"), std::string::npos)
        << "the message names the bad value: " << app->libraryStatus();
    EXPECT_TRUE(app->libraryRows().empty());

    app->clearLibraryFilter();
    app->settle();
    EXPECT_EQ(app->libraryRows().size(), static_cast<std::size_t>(kCalls));
    EXPECT_EQ(app->libraryStatus(), "");
}

TEST_F(ScreensTest, aCallOpenedFromTheLibraryIsReadOnlyUnlessItIsInTheQueue) {
    // Only one queue's calls are sampled: the others are in the library, not in the queue.
    auto app = makeApp("qc-readonly", {}, "信用卡服务");
    app->showScreen(Screen::Library);
    app->settle();
    std::optional<std::int64_t> mine;
    std::optional<std::int64_t> notMine;
    for (const auto& row : app->libraryRows()) {
        const bool queued = std::any_of(app->queue().begin(), app->queue().end(),
                                        [&](const auto& q) { return q.recordingId == row.id; });
        (queued ? mine : notMine) = row.id;
    }
    ASSERT_TRUE(mine && notMine) << "one call per agent is sampled; agents have several";

    app->openFromLibrary(*notMine);
    app->settle();
    ASSERT_TRUE(app->call());
    EXPECT_EQ(app->screen(), Screen::Review) << "opening shows the review layout";
    EXPECT_FALSE(app->editable());
    const auto before = app->answers();
    app->run(Command::Pass);
    app->run(Command::Fail);
    EXPECT_EQ(app->answers(), before) << "keys answer nothing on a call that is not yours";

    app->openFromLibrary(*mine);
    app->settle();
    EXPECT_TRUE(app->editable());
}

TEST_F(ScreensTest, ctrlTwoShowsTheLibraryAndEnterOpensTheRowUnderTheCursor) {
    auto app = makeApp("qc-library-keys");
    tests::ImGuiHarness ui(1600, 900);
    ui.wrapInWindow(false);
    const auto body = [&] {
        app->settle();
        app->update();
        app->handleKeys();
        app->draw();
    };
    ui.press(body, '2', {.ctrl = true});
    EXPECT_EQ(app->screen(), Screen::Library);
    ASSERT_EQ(app->libraryRows().size(), static_cast<std::size_t>(kCalls));
    ui.press(body, tests::glfw::kDown);
    ui.press(body, tests::glfw::kDown);
    ui.press(body, tests::glfw::kEnter);
    ASSERT_TRUE(app->call());
    EXPECT_EQ(app->call()->recording.id, app->libraryRows()[2].id);
    EXPECT_EQ(app->screen(), Screen::Review);
    ui.press(body, '4', {.ctrl = true});
    EXPECT_EQ(app->screen(), Screen::Settings);
    ui.press(body, '1', {.ctrl = true});
    EXPECT_EQ(app->screen(), Screen::Review);
}

TEST_F(ScreensTest, importFromTheWorkstationReportsRejectedRowsAndTheLibraryShowsTheNewCalls) {
    const auto day = *s_dir / "day-26";
    demo::DemoOptions options;
    options.calls = 4;
    options.seed = 5;
    options.date = "2026-11-26";
    ASSERT_TRUE(demo::generateDemoDay(day, options));
    {
        std::ofstream csv(day / "metadata.csv", std::ios::app);
        csv << "C20261126-9999,audio/missing.wav,2026-11-26 10:00:00,60,008012,王丽娜,客服一组,"
               "信用卡服务,inbound,13800001234\n";
    }
    StationOptions stationOptions;
    stationOptions.importFolder = *s_dir;
    auto app = makeApp("qc-import", stationOptions);
    app->browseTo(day.string());
    app->showScreen(Screen::Library); // the library was looked at before the import
    app->settle();
    EXPECT_EQ(app->libraryRows().size(), static_cast<std::size_t>(kCalls));
    app->startImport();
    EXPECT_TRUE(app->importRunning());
    EXPECT_TRUE(app->animating()) << "the progress bar keeps the window drawing";
    waitForImport(*app);
    ASSERT_TRUE(app->importReport()) << app->importError();
    EXPECT_EQ(app->importReport()->imported, 4);
    ASSERT_EQ(app->importReport()->rejected.size(), 1u);
    EXPECT_EQ(app->importReport()->rejected[0].callId, "C20261126-9999");
    EXPECT_EQ(app->importReport()->rejected[0].row, 6);
    EXPECT_EQ(app->libraryRows().size(), static_cast<std::size_t>(kCalls + 4))
        << "the library searched again when the import ended";

    app->startImport(); // the same day again: nothing changes
    waitForImport(*app);
    ASSERT_TRUE(app->importReport());
    EXPECT_EQ(app->importReport()->imported, 0);
    EXPECT_EQ(app->importReport()->unchanged, 4);
}

TEST_F(ScreensTest, aCancelledImportKeepsWhatItWroteAndSaysSo) {
    const auto day = *s_dir / "day-27";
    demo::DemoOptions options;
    options.calls = 30;
    options.seed = 6;
    options.date = "2026-11-27";
    ASSERT_TRUE(demo::generateDemoDay(day, options));
    auto app = makeApp("qc-cancel");
    app->browseTo(day.string());
    app->settle();
    app->startImport();
    app->cancelImport();
    waitForImport(*app);
    ASSERT_TRUE(app->importReport()) << app->importError();
    EXPECT_TRUE(app->importReport()->cancelled);
    EXPECT_LT(app->importReport()->imported, 30);
    auto db = storage::Database::open(*s_dir / "qc.db");
    ASSERT_TRUE(db);
    auto stmt = db->prepare("SELECT count(*) FROM recordings WHERE call_id LIKE 'C20261127-%'");
    ASSERT_TRUE(stmt);
    const auto row = stmt->step();
    ASSERT_TRUE(row && *row);
    EXPECT_EQ(stmt->getInt(0), app->importReport()->imported)
        << "every row the report counts is in, and no other";
}

TEST_F(ScreensTest, changedSettingsApplyAtOnceAndAreKeptInTheFile) {
    const auto file = *s_dir / "config" / "station.toml";
    StationOptions options;
    options.settingsPath = file;
    auto app = makeApp("qc-settings", options);
    StationSettings changed = app->settings();
    changed.language = scoring::Language::Zh;
    changed.speed = 1.5;
    changed.skipSilence = true;
    const int generation = app->textGeneration();
    app->changeSettings(changed);
    EXPECT_NE(app->textGeneration(), generation) << "the font is rebuilt for the new language";
    EXPECT_NE(app->allText().find("录音库"), std::string::npos);
    app->settle();
    auto stored = loadSettings(file);
    ASSERT_TRUE(stored) << stored.error();
    EXPECT_EQ(*stored, changed);

    // The next call opens with the new defaults.
    app->openCall(app->queue().front().recordingId);
    app->settle();
    EXPECT_DOUBLE_EQ(app->player().speed(), 1.5);
    EXPECT_TRUE(app->player().skipSilence());
}

TEST_F(ScreensTest, aDraftStillUnsavedWhenTheWorkstationClosesIsWritten) {
    std::int64_t recording = 0;
    {
        auto app = makeApp("qc-close");
        recording = app->queue().front().recordingId;
        app->openCall(recording);
        app->settle();
        scoring::ItemAnswer fail;
        fail.value = scoring::AnswerValue::Fail;
        fail.comment = "未核实身份";
        app->setAnswer("1.2", fail);
    } // closed within the autosave delay
    auto db = storage::Database::open(*s_dir / "qc.db");
    auto stored = storage::loadEvaluation(*db, recording, "qc-close");
    ASSERT_TRUE(stored && stored->has_value());
    EXPECT_EQ((*stored)->status, "draft");
    bool found = false;
    for (const auto& answer : (*stored)->answers) {
        if (answer.itemId == "1.2") {
            found = true;
            EXPECT_EQ(answer.comment, "未核实身份");
        }
    }
    EXPECT_TRUE(found);
}

TEST_F(ScreensTest, aCommentBeingTypedIsInTheAutosavedDraftAndEscTakesItBack) {
    auto app = makeApp("qc-typing");
    const auto recording = app->queue().front().recordingId;
    app->openCall(recording);
    app->settle();
    app->run(Command::Comment);
    ASSERT_TRUE(app->edit());
    const std::string item = app->edit()->itemId;
    app->editText("客户情绪激动，坐席");
    const auto storedComment = [&]() -> std::optional<std::string> {
        auto db = storage::Database::open(*s_dir / "qc.db");
        auto stored = storage::loadEvaluation(*db, recording, "qc-typing");
        if (!stored || !stored->has_value()) {
            return std::nullopt;
        }
        for (const auto& answer : (*stored)->answers) {
            if (answer.itemId == item) {
                return answer.comment;
            }
        }
        return std::string();
    };
    // Nothing is written while the field is open until the autosave's pause has passed.
    std::this_thread::sleep_for(std::chrono::milliseconds(1700));
    app->update();
    app->settle();
    EXPECT_EQ(storedComment(), "客户情绪激动，坐席") << "typing reached the draft without Enter";

    app->finishEdit(false); // Esc
    EXPECT_EQ(app->answers().at(item).comment, "");
    std::this_thread::sleep_for(std::chrono::milliseconds(1700));
    app->update();
    app->settle();
    EXPECT_EQ(storedComment(), "") << "Esc took the comment back out of the draft too";
}

} // namespace
} // namespace callqc::station
