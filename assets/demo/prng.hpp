#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace callqc::demo {

/// splitmix64 step (Steele, Lea, Flood 2014); used to seed and to derive independent streams.
[[nodiscard]] constexpr std::uint64_t splitMix64(std::uint64_t& state) {
    state += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/// xoshiro256** 1.0 (Blackman and Vigna 2018), seeded through splitmix64. Written out here, with
/// our own range helpers, so that a seed gives the same day on every standard library.
class Prng {
public:
    explicit Prng(std::uint64_t seed) {
        for (auto& word : m_state) {
            word = splitMix64(seed);
        }
    }

    /// An independent generator for sub-stream `stream` (e.g. one per call), stable under changes
    /// to how many numbers other streams draw.
    [[nodiscard]] static Prng derive(std::uint64_t seed, std::uint64_t stream) {
        std::uint64_t mixed = seed ^ (stream * 0xD1B54A32D192ED03ULL);
        return Prng(splitMix64(mixed));
    }

    std::uint64_t next() {
        const std::uint64_t result = rotl(m_state[1] * 5, 7) * 9;
        const std::uint64_t t = m_state[1] << 17;
        m_state[2] ^= m_state[0];
        m_state[3] ^= m_state[1];
        m_state[1] ^= m_state[2];
        m_state[0] ^= m_state[3];
        m_state[2] ^= t;
        m_state[3] = rotl(m_state[3], 45);
        return result;
    }

    /// Uniform in [0, 1) with 53 random bits.
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

    /// Uniform in [lo, hi).
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }

    /// Uniform integer in [lo, hi] (inclusive). Modulo reduction: the bias is below 2^-40 for the
    /// small ranges used here.
    std::int64_t between(std::int64_t lo, std::int64_t hi) {
        assert(lo <= hi);
        const auto span = static_cast<std::uint64_t>(hi - lo) + 1;
        return lo + static_cast<std::int64_t>(span == 0 ? next() : next() % span);
    }

    /// An index in [0, count).
    std::size_t index(std::size_t count) {
        assert(count > 0);
        return static_cast<std::size_t>(between(0, static_cast<std::int64_t>(count) - 1));
    }

    /// True with probability `p`.
    bool chance(double p) { return uniform() < p; }

    /// Fisher–Yates shuffle.
    template <typename T> void shuffle(std::vector<T>& items) {
        for (std::size_t i = items.size(); i > 1; --i) {
            const std::size_t j = index(i);
            T held = std::move(items[i - 1]); // not std::swap: it must work for vector<bool> too
            items[i - 1] = std::move(items[j]);
            items[j] = std::move(held);
        }
    }

private:
    static constexpr std::uint64_t rotl(std::uint64_t x, int k) {
        return (x << k) | (x >> (64 - k));
    }

    std::uint64_t m_state[4] = {};
};

} // namespace callqc::demo
