#include "audio/player.hpp"

#include <algorithm>
#include <cassert>

namespace callqc::audio {
namespace {
constexpr int kOutputChannels = 2;
}

Player::Player(std::unique_ptr<AudioSink> sink) : m_sink(std::move(sink)) {
    assert(m_sink);
}

Player::~Player() {
    unload();
}

tl::expected<void, AudioError> Player::load(std::shared_ptr<const PcmBuffer> pcm) {
    unload();
    if (!pcm || pcm->channels.empty()) {
        return tl::unexpected(AudioError{AudioError::Kind::Corrupt, "nothing to play"});
    }
    m_pcm = std::move(pcm);
    m_positionFrames = 0;
    m_playing = false;
    m_active.store(m_pcm.get());
    auto started = m_sink->start(m_pcm->sampleRateHz, kOutputChannels,
                                 [this](float* out, std::size_t frames) { render(out, frames); });
    if (!started) {
        m_active.store(nullptr);
        m_pcm.reset();
        return tl::unexpected(started.error());
    }
    m_started = true;
    return {};
}

void Player::unload() {
    if (m_started) {
        m_sink->stop();
        m_started = false;
    }
    m_active.store(nullptr);
    m_playing = false;
    m_pcm.reset();
}

void Player::play() {
    if (m_pcm && positionSec() >= durationSec()) {
        m_positionFrames = 0;
    }
    m_playing = m_pcm != nullptr;
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
    if (!m_pcm) {
        return;
    }
    const double clamped = std::clamp(seconds, 0.0, durationSec());
    m_positionFrames = static_cast<std::int64_t>(clamped * m_pcm->sampleRateHz);
}

double Player::positionSec() const {
    return m_pcm ? static_cast<double>(m_positionFrames.load()) / m_pcm->sampleRateHz : 0.0;
}

double Player::durationSec() const {
    return m_pcm ? m_pcm->durationSec() : 0.0;
}

void Player::render(float* interleaved, std::size_t frames) {
    std::fill(interleaved, interleaved + frames * kOutputChannels, 0.0f);
    const PcmBuffer* pcm = m_active.load(std::memory_order_acquire);
    if (pcm == nullptr || !m_playing.load(std::memory_order_relaxed)) {
        return;
    }
    const auto total = static_cast<std::int64_t>(pcm->frames());
    const std::int64_t pos = m_positionFrames.load(std::memory_order_relaxed);
    const std::int64_t n =
        std::clamp<std::int64_t>(total - pos, 0, static_cast<std::int64_t>(frames));
    const std::uint32_t mute = m_muteMask.load(std::memory_order_relaxed);
    const bool stereo = pcm->channels.size() >= 2;
    for (std::int64_t i = 0; i < n; ++i) {
        const auto src = static_cast<std::size_t>(pos + i);
        const float left = (mute & 1u) ? 0.0f : pcm->channels[0][src];
        const float right = stereo ? ((mute & 2u) ? 0.0f : pcm->channels[1][src]) : left;
        interleaved[2 * i] = left;
        interleaved[2 * i + 1] = right;
    }
    // A seek from the controlling thread while we copied wins over our advance.
    std::int64_t expected = pos;
    if (!m_positionFrames.compare_exchange_strong(expected, pos + n, std::memory_order_relaxed)) {
        return;
    }
    if (pos + n >= total) {
        m_playing.store(false, std::memory_order_relaxed);
    }
}

} // namespace callqc::audio
