#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/core/session.hpp"
#include "app/station/panels.hpp"
#include "app/station/shortcuts.hpp"
#include "audio/player.hpp"

namespace callqc::station {

/// The workstation's state and the actions panels ask for. Owned by the UI thread; the player
/// opens and decodes the call on its own thread. Annotations are stored synchronously (one small
/// INSERT when a note is saved), evaluations as a draft after a pause and on leaving a call.
class StationApp final : public QueueActions, public ReviewActions {
public:
    StationApp(core::Session session, std::unique_ptr<audio::AudioSink> sink,
               scoring::Language language);
    ~StationApp() override;

    /// Per frame, before drawing: collects finished background work, autosaves drafts.
    void update();
    /// Draws the whole window's content.
    void draw();
    /// The keyboard, once per frame between ImGui::NewFrame and draw(): runs the commands of the
    /// bindings (shortcuts.hpp) pressed this frame. While a text field of the app is open only
    /// Enter (keep) and Esc (cancel) are taken; while any other text field has the keyboard,
    /// nothing.
    void handleKeys();
    /// Runs one command as if its key was pressed (`arg`: the digit of Command::Digit).
    void run(Command command, int arg = 0);

    void openCall(std::int64_t recordingId) override;
    void togglePlay() override;
    void seek(double seconds) override;
    void setSpeed(double speed) override;
    void toggleSkipSilence() override;
    void setSolo(int party) override;
    void cycleLoop() override;
    void setAnswer(const std::string& itemId, const scoring::ItemAnswer& answer) override;
    void submit() override;
    void focusItem(std::size_t index) override;
    void editText(const std::string& text) override;
    void finishEdit(bool keep) override;
    void editAnnotation(std::int64_t annotationId) override;
    void deleteAnnotation(std::int64_t annotationId) override;

    [[nodiscard]] const std::vector<storage::QueueRow>& queue() const { return m_queue; }
    [[nodiscard]] bool audioReady() const {
        return m_player.state() == audio::Player::State::Ready;
    }
    [[nodiscard]] const audio::Player& player() const { return m_player; }
    /// Why the open call's recording is not trusted (changed since import, unreadable), or empty.
    [[nodiscard]] const std::string& integrityWarning() const { return m_integrityWarning; }
    [[nodiscard]] bool integrityChecksPending() const { return !m_integrityChecks.empty(); }
    /// True while something on screen moves by itself (playback, audio loading), so the window
    /// must keep redrawing; otherwise it may sleep until the next event.
    [[nodiscard]] bool animating() const {
        return m_player.playing() || m_player.state() == audio::Player::State::Loading;
    }
    [[nodiscard]] const std::optional<core::CallView>& call() const { return m_call; }
    [[nodiscard]] const scoring::Answers& answers() const { return m_answers; }
    [[nodiscard]] const std::vector<storage::AnnotationRecord>& annotations() const {
        return m_annotations;
    }
    /// The focused checklist item's id; empty when no call is open.
    [[nodiscard]] std::string focusedItemId() const;
    [[nodiscard]] bool queueHasKeyboard() const { return m_queueHasKeyboard; }
    [[nodiscard]] const std::optional<InlineEdit>& edit() const { return m_edit; }
    [[nodiscard]] bool helpShown() const { return m_showHelp; }
    void showHelp(bool shown) { m_showHelp = shown; }
    /// What the last key did (shown beside the transport), e.g. where a jump landed.
    [[nodiscard]] const std::string& hint() const { return m_hint; }
    [[nodiscard]] const std::string& message() const { return m_message; }
    /// Text shown anywhere in the UI (strings, checklist, queue, the open call's transcript), for
    /// building the font's glyph set.
    [[nodiscard]] std::string allText() const;
    /// Changes whenever allText() may have new characters (a call was opened, the queue reloaded).
    [[nodiscard]] int textGeneration() const { return m_textGeneration; }

private:
    enum class MarkKind { DeadAir, Overtalk, Hit, Note };
    struct Mark {
        double sec = 0;
        MarkKind kind = MarkKind::DeadAir;
        std::string label;
    };

    void reloadQueue();
    void saveDraftNow();
    [[nodiscard]] std::vector<const scoring::ChecklistItem*> items() const;
    [[nodiscard]] bool needsAttention(const scoring::ChecklistItem& item) const;
    [[nodiscard]] bool editable() const;
    void setFocus(std::size_t index);
    void advanceFrom(std::size_t index);
    void answerFocused(scoring::AnswerValue value);
    void digitOnFocused(int digit);
    void adjustFocused(int step);
    void acceptFocused();
    void acceptAll();
    void startComment();
    void startNote(bool aboutFocusedItem);
    void moveQueueCursor(int step);
    void openAdjacent(int step);
    void jumpToMark(int direction, std::optional<MarkKind> kind);
    [[nodiscard]] std::vector<Mark> marks() const;

    core::Session m_session;
    audio::Player m_player;
    const UiText* m_text;
    std::vector<storage::QueueRow> m_queue;
    std::string m_queueStatus;
    std::optional<core::CallView> m_call;
    scoring::Answers m_answers;
    scoring::ScoreResult m_score;
    std::vector<storage::AnnotationRecord> m_annotations;
    std::string m_message;
    /// Background re-hashes of opened recordings against their import-time SHA-256, polled in
    /// update(); several may run when calls are opened in quick succession.
    struct IntegrityCheck {
        std::int64_t recordingId = 0;
        std::future<std::string> problem; ///< empty: the file is what was imported
    };
    std::vector<IntegrityCheck> m_integrityChecks;
    std::string m_integrityWarning; ///< for the open call
    std::string m_hint;
    std::optional<double> m_loopA;
    std::optional<std::chrono::steady_clock::time_point> m_dirtySince;
    int m_textGeneration = 0;

    // The keyboard: the queue has it until a call is open (and again after Q); the scorecard's
    // focused item; the text field open for typing, if any.
    bool m_queueHasKeyboard = true;
    std::size_t m_queueCursor = 0;
    bool m_scrollToCursor = false;
    std::size_t m_focus = 0;
    bool m_scrollToFocus = false;
    std::optional<InlineEdit> m_edit;
    int m_edits = 0; ///< counts the fields opened, so draw() knows one opened while drawing
    bool m_advanceAfterEdit = false; ///< the comment was asked for by a fail: move on after it
    bool m_showHelp = false;
};

} // namespace callqc::station
