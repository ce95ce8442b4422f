// Panels driven through a real ImGui context without a GPU: the mouse is moved down the window and
// clicked until the panel asks for something; the test checks what it asked for.

#include <filesystem>
#include <optional>

#include <gtest/gtest.h>

#include "app/station/panels.hpp"
#include "app/station/shortcuts.hpp"
#include "tests/app/station/imgui_harness.hpp"

namespace callqc::station {
namespace {

using tests::ImGuiHarness;

struct RecordingQueueActions final : QueueActions {
    std::optional<std::int64_t> opened;
    void openCall(std::int64_t id) override { opened = id; }
};

struct RecordingReviewActions final : ReviewActions {
    int toggles = 0;
    std::optional<double> seekedTo;
    std::optional<std::pair<std::string, scoring::ItemAnswer>> answered;
    bool submitted = false;
    void togglePlay() override { ++toggles; }
    void seek(double s) override { seekedTo = s; }
    void setAnswer(const std::string& id, const scoring::ItemAnswer& a) override {
        answered = std::pair(id, a);
    }
    void submit() override { submitted = true; }
    std::optional<double> speedSetTo;
    int skipToggles = 0;
    std::optional<int> soloSetTo;
    int loopCycles = 0;
    void setSpeed(double speed) override { speedSetTo = speed; }
    void toggleSkipSilence() override { ++skipToggles; }
    void setSolo(int party) override { soloSetTo = party; }
    void cycleLoop() override { ++loopCycles; }
    int clipExports = 0;
    void exportLoopClip() override { ++clipExports; }
    std::optional<std::size_t> focused;
    std::vector<std::string> edits;
    std::optional<bool> finished;
    std::optional<std::int64_t> editedNote;
    std::optional<std::int64_t> deletedNote;
    void focusItem(std::size_t index) override { focused = index; }
    void editText(const std::string& text) override { edits.push_back(text); }
    void finishEdit(bool keep) override { finished = keep; }
    void editAnnotation(std::int64_t id) override { editedNote = id; }
    void deleteAnnotation(std::int64_t id) override { deletedNote = id; }
};

std::vector<storage::QueueRow> twoRows() {
    storage::QueueRow a;
    a.recordingId = 41;
    a.callId = "C1";
    a.agentName = "王芳";
    a.startTime = "2026-11-25 09:13:05";
    a.durationSec = 75;
    a.reason = "random";
    storage::QueueRow b = a;
    b.recordingId = 42;
    b.callId = "C2";
    b.status = "submitted";
    b.score = 88;
    return {a, b};
}

/// Scans the mouse down a column at `x`, clicking every few pixels, until `asked()` is true.
template <typename Body, typename Asked>
std::optional<float> clickDownUntil(ImGuiHarness& ui, Body body, Asked asked, float x,
                                    float fromY = 0, float toY = 800) {
    for (float y = fromY; y < toY; y += 3) {
        ui.click(body, ImVec2(x, y));
        if (asked()) {
            return y;
        }
    }
    return std::nullopt;
}

TEST(QueuePanel, clickingTheTopRowOpensTheFirstCall) {
    ImGuiHarness ui;
    const auto rows = twoRows();
    QueueState state;
    state.rows = &rows;
    state.inspector = "qc1";
    RecordingQueueActions actions;
    const auto body = [&] {
        drawQueuePanel(state, actions, uiText(scoring::Language::En));
    };
    const auto y = clickDownUntil(
        ui, body, [&] { return actions.opened.has_value(); }, 60);
    ASSERT_TRUE(y);
    EXPECT_EQ(*actions.opened, 41);
    // The next row down opens the second call.
    actions.opened.reset();
    ASSERT_TRUE(clickDownUntil(
        ui, body, [&] { return actions.opened && *actions.opened != 41; }, 60, *y + 1));
    EXPECT_EQ(*actions.opened, 42);
}

class ReviewPanelTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto checklist = scoring::loadChecklist(std::filesystem::path(CALLQC_SOURCE_DIR) /
                                                "assets/checklists/default.toml");
        ASSERT_TRUE(checklist) << checklist.error().detail;
        m_call.checklist = *checklist;
        m_call.recording.callId = "C1";
        m_call.recording.durationSec = 60;
        m_call.profile.stereo = true;
        m_call.profile.deadAir = {{20, 30}};
        audio::PcmBuffer pcm;
        pcm.channels.assign(2, std::vector<float>(60 * 8000, 0.1f));
        m_call.peaks = audio::buildPeaks(pcm);
        m_call.segments = {{"agent", 1, 3, "hello"}, {"customer", 4, 6, "hi"}};
        m_score = scoring::computeScore(m_call.checklist, m_answers);
        m_state.call = &m_call;
        m_state.audioReady = true;
        m_state.answers = &m_answers;
        m_state.score = &m_score;
    }

    core::CallView m_call;
    scoring::Answers m_answers;
    scoring::ScoreResult m_score;
    ReviewState m_state;
};

TEST_F(ReviewPanelTest, transportControlsAskForSpeedSkipSilenceSoloAndLoop) {
    ImGuiHarness ui;
    RecordingReviewActions actions;
    m_state.speed = 1.5;
    const auto body = [&] {
        drawReviewPanel(m_state, actions, uiText(scoring::Language::En));
    };
    ui.frame(body);
    const ImGuiWindow* window = ImGuiHarness::findWindow("harness");
    ASSERT_NE(window, nullptr);
    const auto clickOn = [&](const char* label) {
        const auto at = ui.find(body, ImGuiHarness::idOf(window, {}, label), ImVec2(0, 0),
                                ImVec2(1400, 160), 5);
        ASSERT_TRUE(at) << label << " not found";
        ui.click(body, *at);
    };
    clickOn("+##speed");
    ASSERT_TRUE(actions.speedSetTo);
    EXPECT_DOUBLE_EQ(*actions.speedSetTo, 1.75);
    clickOn("-##speed");
    EXPECT_DOUBLE_EQ(*actions.speedSetTo, 1.25);
    clickOn("Skip silence");
    EXPECT_EQ(actions.skipToggles, 1);
    clickOn("Customer only");
    ASSERT_TRUE(actions.soloSetTo);
    EXPECT_EQ(*actions.soloSetTo, 1);
    clickOn("Loop from A");
    EXPECT_EQ(actions.loopCycles, 1);
    EXPECT_FALSE(ui.find(body, ImGuiHarness::idOf(window, {}, "Export A–B clip"), ImVec2(0, 0),
                         ImVec2(1400, 160), 5))
        << "no loop, no clip button";
}

TEST_F(ReviewPanelTest, theLoopIsExportedAsAClipByThoseWhoMay) {
    ImGuiHarness ui;
    RecordingReviewActions actions;
    m_state.loop = audio::Interval{12.0, 19.5};
    const auto body = [&] {
        drawReviewPanel(m_state, actions, uiText(scoring::Language::En));
    };
    ui.frame(body);
    const ImGuiWindow* window = ImGuiHarness::findWindow("harness");
    ASSERT_NE(window, nullptr);
    const auto button = ImGuiHarness::idOf(window, {}, "Export A–B clip");
    EXPECT_FALSE(ui.find(body, button, ImVec2(0, 0), ImVec2(1400, 160), 5))
        << "a role without ExportClip has no button";
    m_state.canExportClip = true;
    const auto at = ui.find(body, button, ImVec2(0, 0), ImVec2(1400, 160), 5);
    ASSERT_TRUE(at);
    ui.click(body, *at);
    EXPECT_EQ(actions.clipExports, 1);
    m_state.exportingClip = true;
    ui.click(body, *at);
    EXPECT_EQ(actions.clipExports, 1) << "disabled while a clip is being written";
}

TEST_F(ReviewPanelTest, clickingTheWaveformSeeksProportionally) {
    ImGuiHarness ui;
    RecordingReviewActions actions;
    const auto body = [&] {
        drawReviewPanel(m_state, actions, uiText(scoring::Language::En));
    };
    ui.frame(body);
    const ImGuiWindow* window = ImGuiHarness::findWindow("harness");
    ASSERT_NE(window, nullptr);
    const auto at = ui.find(body, ImGuiHarness::idOf(window, {}, "waveform"), ImVec2(300, 0),
                            ImVec2(310, 400), 2);
    ASSERT_TRUE(at) << "waveform not found";
    EXPECT_FALSE(actions.seekedTo) << "hovering must not seek";
    ui.click(body, *at);
    ASSERT_TRUE(actions.seekedTo);
    const double atLeft = *actions.seekedTo;
    ui.click(body, ImVec2(900, at->y));
    const double atRight = *actions.seekedTo;
    EXPECT_GT(atLeft, 0.0);
    EXPECT_LT(atLeft, atRight);
    EXPECT_LT(atRight, 60.0);
    // The x scale is linear: equal steps of x give equal steps of time.
    ui.click(body, ImVec2(600, at->y));
    EXPECT_NEAR(*actions.seekedTo, (atLeft + atRight) / 2, 0.2);
}

TEST_F(ReviewPanelTest, radioButtonsAnswerTheirItem) {
    ImGuiHarness ui;
    RecordingReviewActions actions;
    const auto& text = uiText(scoring::Language::En);
    const auto body = [&] {
        drawReviewPanel(m_state, actions, text);
    };
    ui.frame(body);
    const ImGuiWindow* items = ImGuiHarness::findWindow("/items_");
    ASSERT_NE(items, nullptr);
    const auto& second = m_call.checklist.sections[0].items[1];
    for (auto [label, value] : {std::pair(text.fail, scoring::AnswerValue::Fail),
                                std::pair(text.pass, scoring::AnswerValue::Pass)}) {
        actions.answered.reset();
        const auto at = ui.find(body, ImGuiHarness::idOf(items, {second.id.c_str()}, label),
                                ImVec2(560, 100), ImVec2(1280, 600));
        ASSERT_TRUE(at) << label << " of item " << second.id << " not found";
        ui.click(body, *at);
        ASSERT_TRUE(actions.answered) << label;
        EXPECT_EQ(actions.answered->first, second.id);
        EXPECT_EQ(actions.answered->second.value, value);
    }
}

TEST_F(ReviewPanelTest, readOnlyScorecardAsksForNothing) {
    const auto& text = uiText(scoring::Language::En);
    // Disabled widgets are never hovered, so click along two columns through the items; the
    // same clicks on an editable scorecard do answer something.
    const auto clickThrough = [&](bool readOnly) {
        ImGuiHarness ui;
        RecordingReviewActions actions;
        m_state.readOnly = readOnly;
        const auto body = [&] {
            drawReviewPanel(m_state, actions, text);
        };
        for (float y = 100; y < 500; y += 4) {
            ui.click(body, ImVec2(640, y));
            ui.click(body, ImVec2(720, y));
        }
        return actions.answered.has_value() || actions.submitted;
    };
    EXPECT_TRUE(clickThrough(false));
    EXPECT_FALSE(clickThrough(true));
}

TEST_F(ReviewPanelTest, notesAreListedAndClickingOneSeeksToIt) {
    ImGuiHarness ui;
    RecordingReviewActions actions;
    storage::AnnotationRecord note;
    note.id = 7;
    note.startSec = 12.5;
    note.note = "cut off";
    note.itemId = "2.3";
    const std::vector<storage::AnnotationRecord> notes{note};
    m_state.annotations = &notes;
    const auto body = [&] {
        drawReviewPanel(m_state, actions, uiText(scoring::Language::En));
    };
    const auto y = clickDownUntil(
        ui, body, [&] { return actions.seekedTo && *actions.seekedTo == 12.5; }, 120, 240, 800);
    ASSERT_TRUE(y) << "no note row seeks to 12.5 s";
    EXPECT_FALSE(actions.deletedNote);
}

TEST_F(ReviewPanelTest, clickingAnItemGivesItTheKeyboard) {
    ImGuiHarness ui;
    RecordingReviewActions actions;
    m_state.focusedItem = 0;
    const auto body = [&] {
        drawReviewPanel(m_state, actions, uiText(scoring::Language::En));
    };
    ASSERT_TRUE(clickDownUntil(
        ui, body, [&] { return actions.focused.has_value(); }, 1200, 240, 800));
    EXPECT_GT(*actions.focused, 0u);
}

TEST_F(ReviewPanelTest, theCommentFieldTakesTheKeyboardAndReportsTyping) {
    ImGuiHarness ui;
    RecordingReviewActions actions;
    InlineEdit edit;
    edit.kind = InlineEdit::Kind::Comment;
    edit.itemId = "1.2";
    m_state.focusedItem = 1;
    m_state.edit = &edit;
    const auto body = [&] {
        drawReviewPanel(m_state, actions, uiText(scoring::Language::En));
        edit.focusNow = false;
    };
    ui.frame(body);
    ui.frame(body);
    for (const char c : std::string("ok")) {
        ImGui::GetIO().AddInputCharacter(static_cast<unsigned>(c));
        ui.frame(body);
    }
    ASSERT_FALSE(actions.edits.empty()) << "typing did not reach the field";
    EXPECT_EQ(actions.edits.back(), "ok");
    EXPECT_FALSE(actions.finished);
    ui.press(body, tests::glfw::kEscape);
    ASSERT_TRUE(actions.finished);
    EXPECT_FALSE(*actions.finished) << "Esc does not keep the text";
}

TEST(ShortcutOverlay, listsEveryKeyAndWhatItDoes) {
    for (const auto language : {scoring::Language::En, scoring::Language::Zh}) {
        ImGuiHarness ui;
        const auto& text = uiText(language);
        std::string shown;
        // ImGui's log ends with the window it started in, so the list is logged on its own;
        // the overlay is this list in a window of its own.
        const auto body = [&] {
            ImGui::LogToBuffer();
            drawShortcutList(text);
            shown = GImGui->LogBuffer.c_str();
            ImGui::LogFinish();
        };
        ui.frame(body);
        const bool zh = language == scoring::Language::Zh;
        for (const auto& group : helpGroups()) {
            EXPECT_NE(shown.find(zh ? group.zh : group.en), std::string::npos);
            for (const auto& row : group.rows) {
                EXPECT_NE(shown.find(zh ? row.keysZh : row.keysEn), std::string::npos)
                    << (zh ? row.keysZh : row.keysEn);
                EXPECT_NE(shown.find(zh ? row.zh : row.en), std::string::npos)
                    << (zh ? row.zh : row.en);
            }
        }
    }
    // Every bound command is on the overlay.
    for (const auto& binding : bindings()) {
        bool listed = false;
        for (const auto& group : helpGroups()) {
            for (const auto& row : group.rows) {
                listed = listed || std::find(row.commands.begin(), row.commands.end(),
                                             binding.command) != row.commands.end();
            }
        }
        EXPECT_TRUE(listed) << chordName(binding.chord, scoring::Language::En)
                            << " is bound but not on the overlay";
    }
}

TEST(ShortcutOverlay, itsCloseButtonClosesIt) {
    ImGuiHarness ui;
    ui.wrapInWindow(false);
    bool open = true;
    const auto body = [&] {
        open = drawShortcutOverlay(uiText(scoring::Language::En)) && open;
    };
    for (int i = 0; i < 3; ++i) {
        ui.frame(body); // an auto-sized window measures itself first
    }
    const ImGuiWindow* overlay = ImGuiHarness::findWindow("##shortcuts");
    ASSERT_NE(overlay, nullptr);
    const auto at = ui.find(body, ImGuiHarness::idOf(overlay, {}, "Esc"), overlay->Pos,
                            ImVec2(overlay->Pos.x + overlay->Size.x, overlay->Pos.y + 60), 3);
    ASSERT_TRUE(at);
    ui.click(body, *at);
    EXPECT_FALSE(open);
}

TEST(Shortcuts, tooltipsNameTheBoundKeys) {
    EXPECT_EQ(keysFor(Command::Pass, scoring::Language::En), "P");
    EXPECT_EQ(keysFor(Command::NotApplicable, scoring::Language::En), "X");
    EXPECT_EQ(keysFor(Command::NextItem, scoring::Language::En), "↓ / J");
    EXPECT_EQ(keysFor(Command::Submit, scoring::Language::En), "Ctrl+Enter");
    EXPECT_EQ(keysFor(Command::TogglePlay, scoring::Language::Zh), "空格");
    EXPECT_EQ(keysFor(Command::Help, scoring::Language::En), "? / F1");
    EXPECT_EQ(withKeys("Submit", Command::Submit, scoring::Language::En), "Submit  (Ctrl+Enter)");
}

TEST(PeakColumns, coverTheWholeCallAtAnyWidth) {
    audio::PcmBuffer pcm;
    pcm.channels.assign(1, std::vector<float>(80000, 0.0f));
    pcm.channels[0][79999] = 1.0f; // the very last sample
    pcm.channels[0][0] = -1.0f;
    const auto peaks = audio::buildPeaks(pcm);
    for (int width : {1, 7, 300, 5000}) {
        const auto cols = peakColumns(peaks, 0, 10.0, width);
        ASSERT_EQ(cols.size(), static_cast<std::size_t>(width));
        EXPECT_FLOAT_EQ(cols.front().min, -1.0f) << width;
        EXPECT_FLOAT_EQ(cols.back().max, 1.0f) << width;
    }
    EXPECT_TRUE(peakColumns(peaks, 3, 10.0, 10).empty());
}

} // namespace
} // namespace callqc::station
