#include "audio/player.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include <SoundTouch.h>

namespace callqc::audio {
namespace {

constexpr int kOutputChannels = 2;
constexpr std::size_t kChunkFrames = PlaybackBlock::kFrames;
constexpr auto kIdleSleep = std::chrono::milliseconds(2);

struct Gains {
    float left = 1;
    float right = 1;
};

} // namespace

Player::Player(std::unique_ptr<AudioSink> sink) : m_sink(std::move(sink)) {
    assert(m_sink);
}

Player::~Player() {
    close();
}

void Player::open(const std::filesystem::path& path, SeekIndex index) {
    const double knownSec = index.sampleRateHz > 0 && index.totalSamples > 0
                                ? static_cast<double>(index.totalSamples) / index.sampleRateHz
                                : 0.0;
    open([path, index = std::move(index)]() mutable {
        return AudioStream::open(path, std::move(index));
    });
    if (knownSec > 0) {
        m_durationSec.store(knownSec);
    }
}

void Player::open(StreamOpener opener) {
    close();
    {
        std::lock_guard lock(m_errorMutex);
        m_error.clear();
    }
    m_playing = false;
    m_durationSec = 0;
    m_rateHz = 0;
    m_channels = 0;
    m_targetSec = 0;
    m_playedSec = 0;
    m_generation.fetch_add(1, std::memory_order_release);
    m_state.store(State::Loading, std::memory_order_release);
    m_running = true;
    m_thread = std::thread(
        [this, opener = std::move(opener)]() mutable { decoderMain(std::move(opener)); });
}

void Player::setSink(std::unique_ptr<AudioSink> sink) {
    assert(sink);
    close();
    m_sink = std::move(sink);
}

void Player::close() {
    m_running = false;
    if (m_thread.joinable()) {
        m_thread.join();
    }
    if (m_sinkStarted) {
        m_sink->stop();
        m_sinkStarted = false;
    }
    m_playing = false;
    // Drop whatever the stopped callback left behind.
    while (m_ring.front() != nullptr) {
        m_ring.pop();
    }
    m_blockOffset = 0;
    m_state.store(State::Empty, std::memory_order_release);
}

std::string Player::error() const {
    std::lock_guard lock(m_errorMutex);
    return m_error;
}

bool Player::waitBuffered(std::size_t frames, std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
        const State s = state();
        if (s == State::Failed || s == State::Empty) {
            return false;
        }
        const std::uint64_t gen = m_generation.load(std::memory_order_acquire);
        if (s == State::Ready && m_producedGeneration.load(std::memory_order_acquire) == gen) {
            const std::uint64_t produced = m_producedFrames.load(std::memory_order_acquire);
            const std::uint64_t consumed =
                m_consumedGeneration.load(std::memory_order_acquire) == gen
                    ? m_consumedFrames.load(std::memory_order_acquire)
                    : 0;
            if (m_endedGeneration.load(std::memory_order_acquire) == gen ||
                produced - std::min(produced, consumed) >= frames || m_ring.size() == kRingBlocks) {
                return true;
            }
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
}

void Player::play() {
    if (state() != State::Ready) {
        return;
    }
    const double duration = durationSec();
    if (duration > 0 && positionSec() >= duration - 1e-3) {
        requestReposition(0.0);
    }
    m_playing = true;
}

void Player::pause() {
    m_playing = false;
}

void Player::togglePlay() {
    if (playing()) {
        pause();
    } else {
        play();
    }
}

void Player::seek(double seconds) {
    const double duration = durationSec();
    requestReposition(std::clamp(seconds, 0.0, duration > 0 ? duration : seconds));
}

void Player::setSpeed(double speed) {
    m_speed.store(std::clamp(speed, kMinSpeed, kMaxSpeed));
    requestReposition(positionSec());
}

void Player::setMuted(Party party, bool muted) {
    const std::uint32_t bit = party == Party::Agent ? 1u : 2u;
    if (muted) {
        m_muteMask.fetch_or(bit);
    } else {
        m_muteMask.fetch_and(~bit);
    }
}

bool Player::muted(Party party) const {
    return (m_muteMask.load() & (party == Party::Agent ? 1u : 2u)) != 0;
}

void Player::setSolo(std::optional<Party> party) {
    m_solo.store(party ? static_cast<int>(*party) : -1);
}

std::optional<Party> Player::solo() const {
    const int s = m_solo.load();
    if (s < 0) {
        return std::nullopt;
    }
    return static_cast<Party>(s);
}

void Player::setLoop(std::optional<Interval> loop) {
    if (loop && loop->endSec > loop->startSec) {
        m_loopA.store(loop->startSec);
        m_loopB.store(loop->endSec);
        m_loopOn.store(true);
        const double at = positionSec();
        requestReposition(at >= loop->startSec && at < loop->endSec ? at : loop->startSec);
    } else {
        m_loopOn.store(false);
        requestReposition(positionSec());
    }
}

std::optional<Interval> Player::loop() const {
    if (!m_loopOn.load()) {
        return std::nullopt;
    }
    return Interval{m_loopA.load(), m_loopB.load()};
}

void Player::setSkipSilence(bool on, std::vector<Interval> silences) {
    {
        std::lock_guard lock(m_configMutex);
        m_silences = on ? std::move(silences) : std::vector<Interval>{};
        std::sort(m_silences.begin(), m_silences.end(),
                  [](const Interval& a, const Interval& b) { return a.startSec < b.startSec; });
    }
    m_skipSilence = on;
    m_configVersion.fetch_add(1, std::memory_order_release);
    requestReposition(positionSec());
}

double Player::positionSec() const {
    if (m_playedGeneration.load(std::memory_order_acquire) !=
        m_generation.load(std::memory_order_acquire)) {
        return m_targetSec.load();
    }
    return m_playedSec.load(std::memory_order_relaxed);
}

double Player::durationSec() const {
    return m_durationSec.load(std::memory_order_relaxed);
}

void Player::requestReposition(double seconds) {
    m_targetSec.store(std::max(0.0, seconds));
    m_generation.fetch_add(1, std::memory_order_release);
}

void Player::render(float* interleaved, std::size_t frames) {
    const std::uint64_t gen = m_generation.load(std::memory_order_acquire);
    // Stale blocks (from before a seek or speed change) are dropped even while paused, so the
    // decoder thread always has room for the new position.
    for (PlaybackBlock* b = m_ring.front(); b != nullptr && b->generation != gen;
         b = m_ring.front()) {
        m_ring.pop();
        m_blockOffset = 0;
    }
    if (m_consumedGeneration.load(std::memory_order_relaxed) != gen) {
        m_consumedFrames.store(0, std::memory_order_relaxed);
        m_consumedGeneration.store(gen, std::memory_order_release);
    }
    std::size_t done = 0;
    if (m_playing.load(std::memory_order_relaxed)) {
        const float volume = m_volume.load(std::memory_order_relaxed);
        const float balance = std::clamp(m_balance.load(std::memory_order_relaxed), -1.0f, 1.0f);
        Gains gains{volume * std::min(1.0f, 1.0f - balance),
                    volume * std::min(1.0f, 1.0f + balance)};
        if (m_channels.load(std::memory_order_relaxed) >= 2) {
            const int solo = m_solo.load(std::memory_order_relaxed);
            const std::uint32_t mute = m_muteMask.load(std::memory_order_relaxed);
            const bool agentOff = solo >= 0 ? solo != static_cast<int>(Party::Agent) : (mute & 1u);
            const bool customerOff =
                solo >= 0 ? solo != static_cast<int>(Party::Customer) : (mute & 2u);
            const bool agentLeft = m_agentChannel.load(std::memory_order_relaxed) == 0;
            if (agentOff) {
                (agentLeft ? gains.left : gains.right) = 0.0f;
            }
            if (customerOff) {
                (agentLeft ? gains.right : gains.left) = 0.0f;
            }
        }
        while (done < frames) {
            PlaybackBlock* block = m_ring.front();
            if (block == nullptr) {
                m_underruns.fetch_add(1, std::memory_order_relaxed);
                break;
            }
            if (block->endOfCall) {
                m_playedSec.store(block->sourceStartSec, std::memory_order_relaxed);
                m_playedGeneration.store(gen, std::memory_order_release);
                m_playing.store(false, std::memory_order_relaxed);
                break;
            }
            const std::size_t offset = m_blockOffset;
            const std::size_t n = std::min(block->frames - offset, frames - done);
            const float* src = block->samples.data() + offset * 2;
            float* dst = interleaved + done * 2;
            for (std::size_t i = 0; i < n; ++i) {
                dst[2 * i] = src[2 * i] * gains.left;
                dst[2 * i + 1] = src[2 * i + 1] * gains.right;
            }
            done += n;
            const std::size_t newOffset = offset + n;
            m_playedSec.store(block->sourceStartSec +
                                  (block->sourceEndSec - block->sourceStartSec) *
                                      static_cast<double>(newOffset) /
                                      static_cast<double>(block->frames),
                              std::memory_order_relaxed);
            m_playedGeneration.store(gen, std::memory_order_release);
            m_consumedFrames.fetch_add(n, std::memory_order_release);
            if (newOffset == block->frames) {
                m_ring.pop();
                m_blockOffset = 0;
            } else {
                m_blockOffset = newOffset;
            }
        }
    }
    std::fill(interleaved + done * 2, interleaved + frames * 2, 0.0f);
}

namespace {

/// The decoder thread's view of the call: the stream, the position it has read up to, and the
/// jumps (loop, skip-silence) that apply while reading.
class Reader {
public:
    Reader(AudioStream& stream, int channels)
        : m_stream(stream), m_channels(channels),
          m_planes(static_cast<std::size_t>(channels), std::vector<float>(kChunkFrames)) {
        for (auto& p : m_planes) {
            m_pointers.push_back(p.data());
        }
    }

    [[nodiscard]] std::int64_t position() const { return m_position; }

    tl::expected<void, AudioError> seek(std::int64_t sample) {
        auto r = m_stream.seek(sample);
        m_position = m_stream.position();
        return r;
    }

    /// Reads up to `maxFrames` (≤ kChunkFrames) frames as interleaved stereo into `out`, first
    /// applying the loop and skip-silence jumps, and never reading across the next jump point.
    /// Returns the frames read and sets `startSample` to where they came from; 0 at the end.
    tl::expected<std::size_t, AudioError> read(float* out, std::size_t maxFrames, int rateHz,
                                               const Interval* loop,
                                               const std::vector<Interval>& silences,
                                               std::int64_t& startSample) {
        const auto toSample = [rateHz](double sec) {
            return static_cast<std::int64_t>(std::llround(sec * rateHz));
        };
        std::int64_t limit = std::numeric_limits<std::int64_t>::max();
        for (int jumps = 0; jumps < 4; ++jumps) {
            bool jumped = false;
            if (loop) {
                const std::int64_t a = toSample(loop->startSec);
                const std::int64_t b = toSample(loop->endSec);
                if (m_position >= b || m_position < a) {
                    auto s = seek(a);
                    if (!s) {
                        return tl::unexpected(s.error());
                    }
                    jumped = true;
                }
                limit = b;
            }
            for (const Interval& gap : silences) {
                const std::int64_t s0 = toSample(gap.startSec);
                const std::int64_t s1 = toSample(gap.endSec);
                if (m_position >= s0 && m_position < s1) {
                    auto s = seek(s1);
                    if (!s) {
                        return tl::unexpected(s.error());
                    }
                    jumped = true;
                } else if (s0 > m_position) {
                    limit = std::min(limit, s0);
                    break;
                }
            }
            if (!jumped) {
                break;
            }
        }
        const auto room = static_cast<std::size_t>(
            std::clamp<std::int64_t>(limit - m_position, 1, static_cast<std::int64_t>(maxFrames)));
        startSample = m_position;
        auto got = m_stream.read(m_pointers.data(), room);
        if (!got) {
            return tl::unexpected(got.error());
        }
        const float* left = m_planes[0].data();
        const float* right = m_channels >= 2 ? m_planes[1].data() : left;
        for (std::size_t i = 0; i < *got; ++i) {
            out[2 * i] = left[i];
            out[2 * i + 1] = right[i];
        }
        m_position += static_cast<std::int64_t>(*got);
        return *got;
    }

private:
    AudioStream& m_stream;
    int m_channels;
    std::vector<std::vector<float>> m_planes;
    std::vector<float*> m_pointers;
    std::int64_t m_position = 0;
};

} // namespace

void Player::decoderMain(StreamOpener opener) {
    auto opened = opener();
    if (!opened) {
        std::lock_guard lock(m_errorMutex);
        m_error = opened.error().message();
        m_state.store(State::Failed, std::memory_order_release);
        return;
    }
    std::unique_ptr<AudioStream> stream = std::move(*opened);
    const StreamInfo& info = stream->info();
    const int rate = info.sampleRateHz;
    m_rateHz = rate;
    m_channels = info.channels;
    if (m_durationSec.load() <= 0) {
        const SeekIndex& gathered = stream->gatheredIndex();
        m_durationSec = gathered.totalSamples > 0
                            ? static_cast<double>(gathered.totalSamples) / rate
                            : std::max(0.0, info.headerDurationSec);
    }
    auto started = m_sink->start(rate, kOutputChannels,
                                 [this](float* out, std::size_t frames) { render(out, frames); });
    if (!started) {
        std::lock_guard lock(m_errorMutex);
        m_error = started.error().message();
        m_state.store(State::Failed, std::memory_order_release);
        return;
    }
    m_sinkStarted = true;
    m_state.store(State::Ready, std::memory_order_release);

    Reader reader(*stream, info.channels);
    soundtouch::SoundTouch tempo;
    tempo.setSampleRate(static_cast<unsigned>(rate));
    tempo.setChannels(kOutputChannels);
    std::vector<float> chunk(kChunkFrames * kOutputChannels);
    std::vector<Interval> silences;
    std::uint64_t configVersion = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t workGen = 0;
    double speed = 1.0;
    bool ended = false;
    bool draining = false; // tempo mode: the stream has ended, SoundTouch is being flushed

    const auto toSec = [rate](std::int64_t sample) {
        return static_cast<double>(sample) / rate;
    };
    const auto pushEnd = [&](double atSec) {
        PlaybackBlock* slot = m_ring.writeSlot();
        if (slot == nullptr) {
            return false;
        }
        slot->frames = 0;
        slot->endOfCall = true;
        slot->sourceStartSec = atSec;
        slot->sourceEndSec = atSec;
        slot->generation = workGen;
        m_ring.publish();
        m_endedGeneration.store(workGen, std::memory_order_release);
        return true;
    };
    const auto fail = [&](const AudioError& e) {
        std::lock_guard lock(m_errorMutex);
        m_error = e.message();
    };

    while (m_running.load(std::memory_order_relaxed)) {
        const std::uint64_t gen = m_generation.load(std::memory_order_acquire);
        if (gen != workGen) {
            workGen = gen;
            const auto target = static_cast<std::int64_t>(std::llround(m_targetSec.load() * rate));
            if (target != reader.position()) {
                if (auto s = reader.seek(target); !s) {
                    fail(s.error());
                }
            }
            speed = m_speed.load();
            tempo.clear();
            tempo.setTempo(speed);
            ended = false;
            draining = false;
            m_producedFrames.store(0, std::memory_order_relaxed);
            m_producedGeneration.store(gen, std::memory_order_release);
        }
        if (const auto v = m_configVersion.load(std::memory_order_acquire); v != configVersion) {
            configVersion = v;
            std::lock_guard lock(m_configMutex);
            silences = m_silences;
        }
        PlaybackBlock* slot = ended ? nullptr : m_ring.writeSlot();
        if (slot == nullptr) {
            std::this_thread::sleep_for(kIdleSleep);
            continue;
        }
        // A pointer, not std::optional: g++ 12 -O2 sees a maybe-uninitialized optional here.
        const Interval loopRange{m_loopA.load(), m_loopB.load()};
        const Interval* loopNow = m_loopOn.load() ? &loopRange : nullptr;

        if (speed == 1.0) {
            std::int64_t start = 0;
            auto got =
                reader.read(slot->samples.data(), kChunkFrames, rate, loopNow, silences, start);
            if (!got) {
                fail(got.error());
            }
            if (!got || *got == 0) {
                if (loopNow && reader.position() > 0) {
                    (void)reader.seek(static_cast<std::int64_t>(loopNow->startSec * rate));
                    continue;
                }
                // Seeks are exact, so the end is the decoded length whichever way we got here.
                m_durationSec.store(toSec(reader.position()));
                ended = pushEnd(toSec(reader.position()));
                continue;
            }
            slot->frames = *got;
            slot->endOfCall = false;
            slot->sourceStartSec = toSec(start);
            slot->sourceEndSec = toSec(start + static_cast<std::int64_t>(*got));
            slot->generation = workGen;
            m_ring.publish();
            m_producedFrames.fetch_add(*got, std::memory_order_release);
            continue;
        }

        // Tempo changed: feed SoundTouch until it has a block's worth, then take it out.
        while (!draining && tempo.numSamples() < kChunkFrames) {
            std::int64_t start = 0;
            auto got = reader.read(chunk.data(), kChunkFrames, rate, loopNow, silences, start);
            if (!got || *got == 0) {
                if (got && loopNow) {
                    (void)reader.seek(static_cast<std::int64_t>(loopNow->startSec * rate));
                    continue;
                }
                tempo.flush();
                draining = true;
                break;
            }
            tempo.putSamples(chunk.data(), static_cast<unsigned>(*got));
        }
        const unsigned out =
            tempo.receiveSamples(slot->samples.data(), static_cast<unsigned>(kChunkFrames));
        if (out == 0) {
            if (draining) {
                ended = pushEnd(toSec(reader.position()));
            }
            continue;
        }
        // What the output is playing lags what was read by SoundTouch's backlog, in source time.
        const double backlogSec =
            (tempo.numUnprocessedSamples() + tempo.numSamples() * speed) / rate;
        const double endSec = std::max(0.0, toSec(reader.position()) - backlogSec);
        slot->frames = out;
        slot->endOfCall = false;
        slot->sourceEndSec = endSec;
        slot->sourceStartSec = std::max(0.0, endSec - out * speed / rate);
        slot->generation = workGen;
        m_ring.publish();
        m_producedFrames.fetch_add(out, std::memory_order_release);
    }
}

} // namespace callqc::audio
