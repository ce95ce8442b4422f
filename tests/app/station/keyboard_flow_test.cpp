// The inspector's review loop from the keyboard alone: key events go into a real ImGui context
// that runs a real StationApp over a real imported database (null audio sink). The main case
// evaluates a whole call of the default checklist, with a comment and an annotation, starting
// from the queue, and counts the keystrokes.

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "app/core/import_day.hpp"
#include "app/station/station_app.hpp"
#include "assets/demo/demo_day.hpp"
#include "storage/annotation_store.hpp"
#include "tests/app/station/imgui_harness.hpp"
#include "tests/audio/fixtures.hpp"

namespace callqc::station {
namespace {

using tests::ImGuiHarness;
namespace glfw = tests::glfw;

/// Feeds key events to a StationApp frame by frame, as main.cpp's loop runs it, and keeps the
/// keystrokes: a key pressed with modifiers held is one keystroke, each typed character is one.
class Keyboard {
public:
    explicit Keyboard(StationApp& app) : m_app(app) {
        m_ui.wrapInWindow(false);
        idle(2);
    }

    void idle(int frames = 1) {
        for (int i = 0; i < frames; ++i) {
            m_ui.frame(m_body);
        }
    }

    /// One key; `name` is how the sequence shows it.
    void key(const std::string& name, int code, tests::KeyMods mods = {}, unsigned character = 0) {
        m_ui.press(m_body, code, mods, character);
        m_sequence.push_back(name);
        idle(); // people do not press two keys within one frame
    }
    /// A letter or digit key, typed as GLFW reports it: the key's code and its character.
    void letter(char c, tests::KeyMods mods = {}) {
        const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        std::string name = mods.ctrl ? "Ctrl+" : "";
        name += mods.shift ? "Shift+" : "";
        name += upper;
        key(name, upper, mods, mods.ctrl ? 0u : static_cast<unsigned>(mods.shift ? upper : c));
    }
    /// Each character is a keystroke of its own.
    void type(const std::string& text) {
        for (const char c : text) {
            const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
            m_ui.press(m_body, upper, {}, static_cast<unsigned>(c));
            m_sequence.push_back(fmt::format("'{}'", c));
        }
        idle();
    }

    void waitForAudio() {
        for (int i = 0; i < 500 && !m_app.audioReady(); ++i) {
            idle();
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        ASSERT_TRUE(m_app.audioReady());
    }

    [[nodiscard]] int count() const { return static_cast<int>(m_sequence.size()); }
    [[nodiscard]] std::string sequence() const {
        std::string out;
        for (const auto& k : m_sequence) {
            out += (out.empty() ? "" : " ") + k;
        }
        return out;
    }

private:
    StationApp& m_app;
    ImGuiHarness m_ui{1600, 900};
    std::function<void()> m_body = [this] {
        m_app.settle(); // the database thread's answer is in before the next key, as it is
                        // within a frame or two for a person
        m_app.update();
        m_app.handleKeys();
        m_app.draw();
    };
    std::vector<std::string> m_sequence;
};

class KeyboardFlowTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        const auto dir = tests::freshDir("keyboard_flow");
        s_dir = new std::filesystem::path(dir);
        demo::DemoOptions options;
        options.calls = 6;
        options.seed = 3;
        ASSERT_TRUE(demo::generateDemoDay(dir / "day", options));
        auto db = storage::Database::open(dir / "qc.db");
        ASSERT_TRUE(db);
        ASSERT_EQ(core::importDay(*db, dir / "day")->imported, 6);
    }
    static void TearDownTestSuite() { delete s_dir; }

    static std::filesystem::path dbPath() { return *s_dir / "qc.db"; }

    static StationApp makeApp(const std::string& inspector) {
        auto session = core::Session::open(dbPath(), inspector);
        EXPECT_TRUE(session) << session.error().detail;
        EXPECT_TRUE(session->sampleDay("2026-11-25", 6, 1));
        return StationApp(std::move(*session), audio::makeNullSink(), scoring::Language::En);
    }

    static std::filesystem::path* s_dir;
};
std::filesystem::path* KeyboardFlowTest::s_dir = nullptr;

/// The first mark of any kind after `afterSec` in the call, as N finds it.
double firstMarkAfter(const core::CallView& call, double afterSec) {
    double best = call.recording.durationSec + 1;
    const auto consider = [&](double t) {
        if (t > afterSec + 0.05) {
            best = std::min(best, t);
        }
    };
    for (const auto& [start, end] : call.profile.deadAir) {
        consider(start);
    }
    for (const auto& [start, end] : call.profile.overtalk) {
        consider(start);
    }
    for (const auto& hit : call.hits) {
        if (!hit.missing && !hit.outOfPosition) {
            consider(hit.startSec);
        }
    }
    return best;
}

TEST_F(KeyboardFlowTest, aWholeEvaluationWithANoteTakesAtMost25Keystrokes) {
    const std::string inspector = "qc-keys";
    auto app = makeApp(inspector);
    app.settle(); // the queue is read on the database thread
    ASSERT_GE(app.queue().size(), 2u);
    Keyboard keys(app);
    ASSERT_FALSE(app.call());
    ASSERT_TRUE(app.queueHasKeyboard());

    keys.key("Enter", glfw::kEnter); // open the call under the queue's cursor
    ASSERT_TRUE(app.call());
    const auto first = app.call()->recording.id;
    EXPECT_EQ(first, app.queue().front().recordingId);
    EXPECT_FALSE(app.queueHasKeyboard());
    keys.waitForAudio();

    // What the station suggested is taken as is; the rest is answered by hand.
    const auto& call = *app.call();
    std::map<std::string, scoring::AnswerValue> expected;
    for (const auto& [itemId, reason] : call.suggestions) {
        expected[itemId] = app.answers().at(itemId).value;
    }
    ASSERT_FALSE(expected.empty()) << "the demo call should have suggestions to accept";
    const double markSec = firstMarkAfter(call, 0);
    ASSERT_LT(markSec, call.recording.durationSec) << "the demo call should have a mark to jump to";

    keys.key("Shift+Enter", glfw::kEnter, {.shift = true}); // accept all suggestions
    for (const auto& section : call.checklist.sections) {
        for (const auto& item : section.items) {
            if (expected.contains(item.id)) {
                continue;
            }
            SCOPED_TRACE(item.id);
            ASSERT_EQ(app.focusedItemId(), item.id)
                << "the keyboard moves on to the next open item";
            if (item.id == "1.5") {
                keys.letter('x'); // nothing went wrong in the call: not applicable
                expected[item.id] = scoring::AnswerValue::NotApplicable;
            } else if (item.id == "2.3") {
                // A note about this item at the first mark, then the fail and its comment.
                keys.letter('n');
                keys.letter('m', {.shift = true});
                ASSERT_TRUE(app.edit());
                keys.type("cut");
                keys.key("Enter", glfw::kEnter);
                ASSERT_FALSE(app.edit());
                keys.letter('f'); // comment_on_fail: the comment field opens by itself
                ASSERT_TRUE(app.edit());
                EXPECT_EQ(app.edit()->kind, InlineEdit::Kind::Comment);
                keys.type("slow");
                keys.key("Enter", glfw::kEnter);
                expected[item.id] = scoring::AnswerValue::Fail;
            } else {
                keys.letter('p');
                expected[item.id] = scoring::AnswerValue::Pass;
            }
        }
    }
    ASSERT_EQ(expected.size(), 13u);
    keys.key("Ctrl+Enter", glfw::kEnter, {.ctrl = true}); // submit, and on to the next call

    std::cout << fmt::format("keystrokes ({}): {}\n", keys.count(), keys.sequence());
    EXPECT_LE(keys.count(), 25);
    EXPECT_TRUE(app.message().empty()) << app.message();
    ASSERT_TRUE(app.call());
    EXPECT_NE(app.call()->recording.id, first) << "submitting opens the next call";

    auto db = storage::Database::open(dbPath());
    ASSERT_TRUE(db);
    auto stored = storage::loadEvaluation(*db, first, inspector);
    ASSERT_TRUE(stored && stored->has_value());
    EXPECT_EQ((*stored)->status, "submitted");
    std::map<std::string, std::string> answers;
    for (const auto& a : (*stored)->answers) {
        answers[a.itemId] = a.value;
        EXPECT_EQ(a.comment, a.itemId == "2.3" ? "slow" : "") << a.itemId;
    }
    std::map<std::string, std::string> expectedNames;
    for (const auto& [itemId, value] : expected) {
        expectedNames[itemId] = core::answerValueName(value);
    }
    EXPECT_EQ(answers, expectedNames);

    auto notes = storage::annotationsFor(*db, first, inspector);
    ASSERT_TRUE(notes);
    ASSERT_EQ(notes->size(), 1u);
    const auto& note = notes->front();
    EXPECT_EQ(note.note, "cut");
    EXPECT_EQ(note.itemId, std::optional<std::string>("2.3"));
    EXPECT_NEAR(note.startSec, markSec, 1e-6);
    EXPECT_FALSE(note.endSec);
    EXPECT_FALSE(note.createdAt.empty());
}

TEST_F(KeyboardFlowTest, theQueueIsWorkedWithArrowsEnterAndCtrlArrows) {
    auto app = makeApp("qc-queue");
    app.settle(); // the queue is read on the database thread
    ASSERT_GE(app.queue().size(), 4u);
    const auto id = [&](std::size_t i) {
        return app.queue()[i].recordingId;
    };
    Keyboard keys(app);
    keys.key("Down", glfw::kDown);
    keys.key("Down", glfw::kDown);
    keys.key("Enter", glfw::kEnter);
    ASSERT_TRUE(app.call());
    EXPECT_EQ(app.call()->recording.id, id(2));
    keys.key("Ctrl+Down", glfw::kDown, {.ctrl = true});
    EXPECT_EQ(app.call()->recording.id, id(3));
    keys.key("Ctrl+Up", glfw::kUp, {.ctrl = true});
    EXPECT_EQ(app.call()->recording.id, id(2));
    // With a call open ↓ moves through the checklist; Q hands ↑/↓ and Enter to the queue.
    const auto item = app.focusedItemId();
    keys.key("Down", glfw::kDown);
    EXPECT_NE(app.focusedItemId(), item);
    keys.letter('q');
    EXPECT_TRUE(app.queueHasKeyboard());
    keys.key("Up", glfw::kUp);
    keys.key("Enter", glfw::kEnter);
    EXPECT_EQ(app.call()->recording.id, id(1));
    EXPECT_FALSE(app.queueHasKeyboard());
}

TEST_F(KeyboardFlowTest, questionMarkAndF1ToggleTheKeysAndEscClosesThem) {
    auto app = makeApp("qc-help");
    app.settle(); // the queue is read on the database thread
    Keyboard keys(app);
    keys.key("?", '/', {.shift = true}, '?');
    EXPECT_TRUE(app.helpShown());
    keys.key("F1", glfw::kF1);
    EXPECT_FALSE(app.helpShown());
    keys.key("F1", glfw::kF1);
    EXPECT_TRUE(app.helpShown());
    keys.key("Esc", glfw::kEscape);
    EXPECT_FALSE(app.helpShown());
}

TEST_F(KeyboardFlowTest, marksAreVisitedInTimeOrderForwardAndBack) {
    auto app = makeApp("qc-marks");
    app.settle(); // the queue is read on the database thread
    Keyboard keys(app);
    keys.key("Enter", glfw::kEnter);
    keys.waitForAudio();
    const auto& call = *app.call();
    std::vector<double> marks;
    for (double at = -1;;) {
        const double next = firstMarkAfter(call, at);
        if (next > call.recording.durationSec) {
            break;
        }
        marks.push_back(next);
        at = next;
    }
    ASSERT_GE(marks.size(), 2u);
    for (const double mark : marks) {
        keys.letter('n');
        EXPECT_NEAR(app.player().positionSec(), mark, 1e-6);
    }
    const std::string hint = app.hint();
    keys.letter('n');
    EXPECT_NEAR(app.player().positionSec(), marks.back(), 1e-6) << "no mark after the last";
    EXPECT_NE(app.hint(), hint);
    keys.letter('n', {.shift = true});
    EXPECT_NEAR(app.player().positionSec(), marks[marks.size() - 2], 1e-6);
    // D visits dead air only.
    if (!call.profile.deadAir.empty()) {
        app.seek(0);
        keys.letter('d');
        EXPECT_NEAR(app.player().positionSec(), call.profile.deadAir.front().first, 1e-6);
    }
}

TEST_F(KeyboardFlowTest, escLeavesATextFieldWithoutKeepingIt) {
    const std::string inspector = "qc-esc";
    auto app = makeApp(inspector);
    app.settle(); // the queue is read on the database thread
    Keyboard keys(app);
    keys.key("Enter", glfw::kEnter);
    const auto recording = app.call()->recording.id;
    keys.letter('m');
    ASSERT_TRUE(app.edit());
    keys.type("gone");
    keys.key("Esc", glfw::kEscape);
    EXPECT_FALSE(app.edit());
    EXPECT_TRUE(app.annotations().empty());

    const auto item = app.focusedItemId();
    keys.letter('e');
    ASSERT_TRUE(app.edit());
    keys.type("kept");
    keys.key("Enter", glfw::kEnter);
    EXPECT_EQ(app.answers().at(item).comment, "kept");
    keys.letter('e');
    keys.type(" not");
    keys.key("Esc", glfw::kEscape);
    EXPECT_EQ(app.answers().at(item).comment, "kept");
    EXPECT_EQ(app.focusedItemId(), item) << "a comment asked for with E stays on its item";

    auto db = storage::Database::open(dbPath());
    auto notes = storage::annotationsFor(*db, recording, inspector);
    ASSERT_TRUE(notes);
    EXPECT_TRUE(notes->empty());
}

TEST_F(KeyboardFlowTest, aNoteAfterAnAMarkCoversTheStretchAndNotesAreFinalOnceSubmitted) {
    const std::string inspector = "qc-stretch";
    auto app = makeApp(inspector);
    app.settle(); // the queue is read on the database thread
    Keyboard keys(app);
    keys.key("Enter", glfw::kEnter);
    keys.waitForAudio();
    const auto recording = app.call()->recording.id;
    app.seek(2.0);
    keys.letter('l'); // A at 2 s
    keys.key("Right", glfw::kRight);
    keys.key("Shift+Right", glfw::kRight, {.shift = true});
    EXPECT_NEAR(app.player().positionSec(), 8.0, 1e-6);
    keys.letter('m');
    keys.type("x");
    keys.key("Enter", glfw::kEnter);
    ASSERT_EQ(app.annotations().size(), 1u);
    EXPECT_NEAR(app.annotations()[0].startSec, 2.0, 1e-6);
    ASSERT_TRUE(app.annotations()[0].endSec);
    EXPECT_NEAR(*app.annotations()[0].endSec, 8.0, 1e-6);

    auto session = core::Session::open(dbPath(), inspector);
    ASSERT_TRUE(session);
    scoring::Answers all;
    for (const auto& section : session->checklist().sections) {
        for (const auto& item : section.items) {
            all[item.id].value = scoring::AnswerValue::Pass;
        }
    }
    ASSERT_TRUE(session->saveEvaluation(recording, all, true));
    const auto refused = session->addAnnotation(recording, 1.0, std::nullopt, "late", std::nullopt);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, core::CoreError::Kind::Refused);
    EXPECT_FALSE(session->deleteAnnotation(app.annotations()[0]));
    EXPECT_EQ(session->annotations(recording)->size(), 1u);
}

/// A checklist with a points and a deduction item, in an assets folder of its own.
std::filesystem::path kindsAssets() {
    const auto dir = tests::freshDir("kinds_assets");
    const auto source = std::filesystem::path(CALLQC_SOURCE_DIR) / "assets";
    std::filesystem::create_directories(dir / "checklists");
    for (const char* file : {"phrases.toml", "grades.toml"}) {
        std::filesystem::copy_file(source / "checklists" / file, dir / "checklists" / file);
    }
    std::ofstream(dir / "checklists" / "default.toml") << R"(id = "test.kinds"
version = 1
name = { zh = "测试", en = "Kinds" }

[[sections]]
id = "s"
title = { zh = "节", en = "Section" }

[[sections.items]]
id = "p"
title = { zh = "打分", en = "Points" }
kind = "points"
weight = 5

[[sections.items]]
id = "d"
title = { zh = "扣分", en = "Deductions" }
kind = "deduction"
weight = 6
per_occurrence = 2

[[sections.items]]
id = "f"
title = { zh = "通过", en = "Pass or fail" }
kind = "pass_fail"
weight = 4
)";
    return dir;
}

TEST_F(KeyboardFlowTest, digitsAndPlusMinusSetPointsAndTimes) {
    const auto assets = kindsAssets();
    ASSERT_EQ(::setenv("CALLQC_ASSETS", assets.c_str(), 1), 0);
    auto session = core::Session::open(dbPath(), "qc-kinds");
    ::unsetenv("CALLQC_ASSETS");
    ASSERT_TRUE(session) << session.error().detail;
    ASSERT_TRUE(session->sampleDay("2026-11-25", 6, 1));
    StationApp app(std::move(*session), audio::makeNullSink(), scoring::Language::En);
    Keyboard keys(app);
    keys.key("Enter", glfw::kEnter);
    ASSERT_EQ(app.focusedItemId(), "p");
    const auto plus = [&] {
        keys.key("+", '=', {.shift = true}, '+');
    };
    const auto minus = [&] {
        keys.key("-", '-', {}, '-');
    };
    keys.letter('3');
    EXPECT_DOUBLE_EQ(app.answers().at("p").points, 3.0);
    EXPECT_EQ(app.answers().at("p").value, scoring::AnswerValue::Pass);
    plus();
    plus();
    plus(); // capped at the weight
    EXPECT_DOUBLE_EQ(app.answers().at("p").points, 5.0);
    minus();
    EXPECT_DOUBLE_EQ(app.answers().at("p").points, 4.0);
    keys.letter('9');
    EXPECT_DOUBLE_EQ(app.answers().at("p").points, 5.0);
    EXPECT_EQ(app.focusedItemId(), "p") << "digits do not move on: + and - may follow";

    keys.letter('j');
    ASSERT_EQ(app.focusedItemId(), "d");
    keys.letter('2');
    EXPECT_EQ(app.answers().at("d").occurrences, 2);
    plus();
    minus();
    minus();
    minus();
    minus(); // never below 0
    EXPECT_EQ(app.answers().at("d").occurrences, 0);
    keys.key("Num 1", kKeyKeypad0 + 1, {}, '1');
    EXPECT_EQ(app.answers().at("d").occurrences, 1);
    keys.letter('x');
    EXPECT_EQ(app.answers().at("d").value, scoring::AnswerValue::NotApplicable);
    EXPECT_EQ(app.focusedItemId(), "f") << "P, F and X move on";
    keys.letter('2');
    EXPECT_EQ(app.answers().at("f").value, scoring::AnswerValue::Fail);
    keys.letter('k');
    keys.letter('k');
    keys.letter('f');
    EXPECT_EQ(app.answers().at("p").value, scoring::AnswerValue::Fail);
    EXPECT_EQ(app.focusedItemId(), "d");
    keys.letter('k');
    keys.letter('p');
    EXPECT_EQ(app.answers().at("p").value, scoring::AnswerValue::Pass);
    EXPECT_DOUBLE_EQ(app.answers().at("p").points, 5.0) << "P gives a points item full marks";
}

} // namespace
} // namespace callqc::station
