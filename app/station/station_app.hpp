#pragma once

#include <chrono>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/core/session.hpp"
#include "app/station/panels.hpp"
#include "audio/decoder.hpp"
#include "audio/player.hpp"

namespace callqc::station {

/// The workstation's state and the actions panels ask for. Owned by the UI thread; audio decoding
/// runs on a background task whose result is picked up in `update()` once per frame.
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
    void setAnswer(const std::string& itemId, const scoring::ItemAnswer& answer) override;
    void submit() override;

    [[nodiscard]] const std::vector<storage::QueueRow>& queue() const { return m_queue; }
    [[nodiscard]] bool audioReady() const { return m_audioReady; }
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
    bool m_audioReady = false;
    std::future<tl::expected<audio::DecodedAudio, audio::AudioError>> m_decoding;
    std::optional<std::chrono::steady_clock::time_point> m_dirtySince;
    int m_textGeneration = 0;
};

} // namespace callqc::station
