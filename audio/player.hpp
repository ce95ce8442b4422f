#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "audio/analysis.hpp"
#include "audio/audio_sink.hpp"
#include "audio/audio_stream.hpp"
#include "audio/block_ring.hpp"

namespace callqc::audio {

enum class Party { Agent, Customer };

/// Streams one call to an AudioSink, always as two output channels (stereo calls keep their
/// channels, mono calls are doubled).
///
/// A decoder thread owned by the player opens the file, decodes ahead, applies the tempo
/// (SoundTouch, pitch kept), the A–B loop and skip-silence jumps, and fills a lock-free ring of
/// blocks; the sink's callback only copies blocks out and applies volume, balance and mute (no
/// locks, allocation, logging or I/O). Seeks and speed changes bump a generation counter: the
/// callback drops stale blocks and the decoder restarts exactly at the new position.
///
/// Thread-safety: every public member except render() is called from one controlling thread
/// (the UI). render() runs on the sink's thread.
class Player {
public:
    using StreamOpener = std::function<tl::expected<std::unique_ptr<AudioStream>, AudioError>()>;
    enum class State { Empty, Loading, Ready, Failed };

    static constexpr double kMinSpeed = 0.5;
    static constexpr double kMaxSpeed = 3.0;

    explicit Player(std::unique_ptr<AudioSink> sink);
    ~Player();
    Player(const Player&) = delete;
    Player& operator=(const Player&) = delete;

    /// Starts opening `path` on the decoder thread and returns at once; state() is Loading until
    /// the first audio is decoded. `index` (stored at import) makes seeks exact at once.
    void open(const std::filesystem::path& path, SeekIndex index = {});
    /// The same with any stream (e.g. makePcmStream for audio in memory).
    void open(StreamOpener opener);
    /// Stops playback and the decoder thread.
    void close();
    /// Plays to another output from now on. Closes the open call first (open it again to go on).
    void setSink(std::unique_ptr<AudioSink> sink);

    [[nodiscard]] State state() const { return m_state.load(std::memory_order_acquire); }
    /// Why the last open failed (empty otherwise).
    [[nodiscard]] std::string error() const;
    /// Blocks until the ring holds at least `frames` frames of the current position (or the end
    /// of the call), or the timeout passes. For tests and benchmarks.
    bool waitBuffered(std::size_t frames, std::chrono::milliseconds timeout) const;

    void play();
    void pause();
    void togglePlay();
    /// Continues exactly at `seconds` (clamped to the call).
    void seek(double seconds);

    /// 0.5–3.0; pitch is unchanged.
    void setSpeed(double speed);
    [[nodiscard]] double speed() const { return m_speed.load(std::memory_order_relaxed); }
    /// 0–2 (1 = as recorded).
    void setVolume(double volume) { m_volume.store(static_cast<float>(volume)); }
    /// −1 (left only) … +1 (right only).
    void setBalance(double balance) { m_balance.store(static_cast<float>(balance)); }
    /// Which source channel is the agent in stereo calls (0 = left).
    void setAgentChannel(int channel) { m_agentChannel.store(channel); }
    void setMuted(Party party, bool muted);
    [[nodiscard]] bool muted(Party party) const;
    /// Solo: hear only this party (clears the other's solo). nullopt hears both.
    void setSolo(std::optional<Party> party);
    [[nodiscard]] std::optional<Party> solo() const;

    /// Plays [a, b) over and over; nullopt ends the loop.
    void setLoop(std::optional<Interval> loop);
    [[nodiscard]] std::optional<Interval> loop() const;
    /// While on, playback jumps over these stretches (the call's dead air).
    void setSkipSilence(bool on, std::vector<Interval> silences = {});
    [[nodiscard]] bool skipSilence() const { return m_skipSilence; }

    [[nodiscard]] bool playing() const { return m_playing.load(std::memory_order_relaxed); }
    /// Call time of what the output is playing now (the audio clock), or the seek target while a
    /// seek is under way.
    [[nodiscard]] double positionSec() const;
    /// The decoded length when known (seek index or end reached), else the header's claim.
    [[nodiscard]] double durationSec() const;
    [[nodiscard]] int sampleRateHz() const { return m_rateHz.load(std::memory_order_relaxed); }
    [[nodiscard]] int sourceChannels() const { return m_channels.load(std::memory_order_relaxed); }
    [[nodiscard]] std::string sinkName() const { return m_sink->name(); }
    /// Callbacks that found the ring empty while playing.
    [[nodiscard]] std::uint64_t underruns() const { return m_underruns.load(); }

    /// The render callback, public so tests can pull audio without a sink thread.
    void render(float* interleaved, std::size_t frames);

private:
    static constexpr std::size_t kRingBlocks = 32;

    void requestReposition(double seconds);
    void decoderMain(StreamOpener opener);

    std::unique_ptr<AudioSink> m_sink;
    BlockRing<kRingBlocks> m_ring;
    std::thread m_thread;
    std::atomic<bool> m_running{false};
    std::atomic<State> m_state{State::Empty};
    mutable std::mutex m_errorMutex; // guards m_error only; never taken by render()
    std::string m_error;

    // Requests from the controlling thread to the decoder thread.
    std::atomic<std::uint64_t> m_generation{1};
    std::atomic<double> m_targetSec{0};
    std::atomic<double> m_speed{1.0};
    std::atomic<bool> m_loopOn{false};
    std::atomic<double> m_loopA{0};
    std::atomic<double> m_loopB{0};
    bool m_skipSilence = false;
    mutable std::mutex
        m_configMutex; // guards m_silences; taken by the decoder thread, never render
    std::vector<Interval> m_silences; // empty unless skip-silence is on
    std::atomic<std::uint64_t> m_configVersion{0};

    // Output-side state.
    std::atomic<bool> m_playing{false};
    std::atomic<float> m_volume{1.0f};
    std::atomic<float> m_balance{0.0f};
    std::atomic<int> m_agentChannel{0};
    std::atomic<std::uint32_t> m_muteMask{0}; // bit 0 agent, bit 1 customer
    std::atomic<int> m_solo{-1};              // -1 none, else Party
    std::atomic<double> m_playedSec{0};
    std::atomic<std::uint64_t> m_playedGeneration{0};
    std::size_t m_blockOffset = 0; // render() only
    std::atomic<std::uint64_t> m_consumedGeneration{0};
    std::atomic<std::uint64_t> m_consumedFrames{0};
    std::atomic<std::uint64_t> m_underruns{0};

    // Facts about the open call, written by the decoder thread.
    std::atomic<int> m_rateHz{0};
    std::atomic<int> m_channels{0};
    std::atomic<double> m_durationSec{0};
    std::atomic<std::uint64_t> m_producedGeneration{0};
    std::atomic<std::uint64_t> m_producedFrames{0};
    std::atomic<std::uint64_t> m_endedGeneration{0};
    bool m_sinkStarted = false;
};

} // namespace callqc::audio
