#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace callqc::audio {

/// A block of decoded, tempo-adjusted stereo audio on its way to the output, tagged with the part
/// of the call it came from so the output side can report the position it is really playing.
struct PlaybackBlock {
    static constexpr std::size_t kFrames = 256;
    std::array<float, kFrames * 2> samples{}; ///< interleaved left/right
    std::size_t frames = 0;
    double sourceStartSec = 0;    ///< call time of the first frame
    double sourceEndSec = 0;      ///< call time just after the last frame
    std::uint64_t generation = 0; ///< blocks of an older generation are stale (seek, speed change)
    bool endOfCall = false;       ///< no audio; playback reached the end
};

/// A single-producer single-consumer ring of playback blocks: the decoder thread writes, the
/// audio callback reads. Wait-free on both sides (two atomic indices, no locks, no allocation).
///
/// Thread-safety: exactly one producer thread calls writeSlot()/publish(); exactly one consumer
/// thread calls front()/pop().
template <std::size_t Capacity> class BlockRing {
    static_assert((Capacity & (Capacity - 1)) == 0, "capacity must be a power of two");

public:
    /// The slot to fill next, or nullptr when the ring is full.
    [[nodiscard]] PlaybackBlock* writeSlot() {
        const auto w = m_write.load(std::memory_order_relaxed);
        if (w - m_read.load(std::memory_order_acquire) == Capacity) {
            return nullptr;
        }
        return &m_blocks[w & (Capacity - 1)];
    }
    /// Makes the slot returned by writeSlot() visible to the consumer.
    void publish() { m_write.fetch_add(1, std::memory_order_release); }

    /// The oldest published block, or nullptr when empty.
    [[nodiscard]] PlaybackBlock* front() {
        const auto r = m_read.load(std::memory_order_relaxed);
        if (r == m_write.load(std::memory_order_acquire)) {
            return nullptr;
        }
        return &m_blocks[r & (Capacity - 1)];
    }
    void pop() { m_read.fetch_add(1, std::memory_order_release); }

    [[nodiscard]] std::size_t size() const {
        return static_cast<std::size_t>(m_write.load(std::memory_order_acquire) -
                                        m_read.load(std::memory_order_acquire));
    }

private:
    std::array<PlaybackBlock, Capacity> m_blocks{};
    std::atomic<std::uint64_t> m_write{0};
    std::atomic<std::uint64_t> m_read{0};
};

} // namespace callqc::audio
