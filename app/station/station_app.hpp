#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/core/session.hpp"
#include "app/station/panels.hpp"
#include "audio/player.hpp"

namespace callqc::station {

/// The workstation's state and the actions panels ask for. Owned by the UI thread; the player
/// opens and decodes the call on its own thread.
class StationApp final : public QueueActions, public ReviewActions {
public:
    StationApp(core::Session session, std::unique_ptr<audio::AudioSink> sink,
               scoring::Language language);
    ~StationApp() override;

    /// Per frame, before drawing: collects finished background work, autosaves drafts.
    void update();
    /// Draws the whole window's content.
    void draw();
    /// Keyboard shortcuts that apply anywhere in the window.
    void handleKeys();

    void openCall(std::int64_t recordingId) override;
    void togglePlay() override;
    void seek(double seconds) override;
    void setSpeed(double speed) override;
    void toggleSkipSilence() override;
    void setSolo(int party) override;
    void cycleLoop() override;
    void setAnswer(const std::string& itemId, const scoring::ItemAnswer& answer) override;
    void submit() override;

    [[nodiscard]] const std::vector<storage::QueueRow>& queue() const { return m_queue; }
    [[nodiscard]] bool audioReady() const {
        return m_player.state() == audio::Player::State::Ready;
    }
    [[nodiscard]] const audio::Player& player() const { return m_player; }
    /// True while something on screen moves by itself (playback, audio loading), so the window
    /// must keep redrawing; otherwise it may sleep until the next event.
    [[nodiscard]] bool animating() const {
        return m_player.playing() || m_player.state() == audio::Player::State::Loading;
    }
    [[nodiscard]] const std::optional<core::CallView>& call() const { return m_call; }
    /// Text shown anywhere in the UI (strings, checklist, queue, the open call's transcript), for
    /// building the font's glyph set.
    [[nodiscard]] std::string allText() const;
    /// Changes whenever allText() may have new characters (a call was opened, the queue reloaded).
    [[nodiscard]] int textGeneration() const { return m_textGeneration; }

private:
    void reloadQueue();
    void saveDraftNow();

    core::Session m_session;
    audio::Player m_player;
    const UiText* m_text;
    std::vector<storage::QueueRow> m_queue;
    std::string m_queueStatus;
    std::optional<core::CallView> m_call;
    scoring::Answers m_answers;
    scoring::ScoreResult m_score;
    std::string m_message;
    std::optional<double> m_loopA;
    std::optional<std::chrono::steady_clock::time_point> m_dirtySince;
    int m_textGeneration = 0;
};

} // namespace callqc::station
