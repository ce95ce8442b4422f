#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "audio/audio_sink.hpp"
#include "audio/pcm_buffer.hpp"

namespace callqc::audio {

/// Plays one call's decoded audio through an AudioSink, always as two output channels (stereo
/// calls keep their channels, mono calls are doubled).
///
/// Thread-safety: owned and driven by one controlling thread (the UI); the sink's thread only
/// calls render(), which reads the buffer and the atomics and advances the position.
class Player {
public:
    explicit Player(std::unique_ptr<AudioSink> sink);
    ~Player();
    Player(const Player&) = delete;
    Player& operator=(const Player&) = delete;

    /// Replaces the current call; playback is paused at 0.
    [[nodiscard]] tl::expected<void, AudioError> load(std::shared_ptr<const PcmBuffer> pcm);
    void unload();

    void play();
    void pause();
    void togglePlay();
    void seek(double seconds);

    [[nodiscard]] bool playing() const { return m_playing.load(std::memory_order_relaxed); }
    [[nodiscard]] double positionSec() const;
    [[nodiscard]] double durationSec() const;
    [[nodiscard]] std::string sinkName() const { return m_sink->name(); }

    /// Per-channel mute of the source (bit 0 = channel 0).
    void setMuteMask(std::uint32_t mask) { m_muteMask.store(mask, std::memory_order_relaxed); }

    /// The render callback, public so tests can pull audio without a sink thread.
    void render(float* interleaved, std::size_t frames);

private:
    std::unique_ptr<AudioSink> m_sink;
    std::shared_ptr<const PcmBuffer> m_pcm;
    std::atomic<const PcmBuffer*> m_active{nullptr};
    std::atomic<std::int64_t> m_positionFrames{0};
    std::atomic<bool> m_playing{false};
    std::atomic<std::uint32_t> m_muteMask{0};
    bool m_started = false;
};

} // namespace callqc::audio
