#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <string>

#include <unistd.h>

#include "audio/pcm_buffer.hpp"

namespace callqc::tests {

/// Adds a sine of `amplitude` and `hz` to channel `channel` over [startSec, endSec).
inline void addTone(audio::PcmBuffer& pcm, int channel, double startSec, double endSec,
                    double hz = 440.0, float amplitude = 0.5f) {
    auto& samples = pcm.channels.at(static_cast<std::size_t>(channel));
    const auto first = static_cast<std::size_t>(startSec * pcm.sampleRateHz);
    const auto last = std::min(samples.size(), static_cast<std::size_t>(endSec * pcm.sampleRateHz));
    for (std::size_t i = first; i < last; ++i) {
        const double t = static_cast<double>(i) / pcm.sampleRateHz;
        samples[i] += amplitude * static_cast<float>(std::sin(2.0 * std::numbers::pi * hz * t));
    }
}

/// Deterministic low-level noise (a linear congruential generator) at about `amplitude` peak.
inline void addNoise(audio::PcmBuffer& pcm, float amplitude, std::uint32_t seed = 1) {
    std::uint32_t state = seed;
    for (auto& channel : pcm.channels) {
        for (auto& s : channel) {
            state = state * 1664525u + 1013904223u;
            s += amplitude * (static_cast<float>(state >> 8) / 8388608.0f - 1.0f);
        }
    }
}

inline audio::PcmBuffer silence(int channels, double seconds, int rateHz = 8000) {
    audio::PcmBuffer pcm;
    pcm.sampleRateHz = rateHz;
    pcm.channels.assign(static_cast<std::size_t>(channels),
                        std::vector<float>(static_cast<std::size_t>(seconds * rateHz), 0.0f));
    return pcm;
}

/// Writes 16-bit PCM WAV by hand, so decoder tests do not depend on the encoder under test.
inline void writeWav16(const std::filesystem::path& path, const audio::PcmBuffer& pcm) {
    std::ofstream out(path, std::ios::binary);
    const auto channels = static_cast<std::uint16_t>(pcm.channelCount());
    const auto rate = static_cast<std::uint32_t>(pcm.sampleRateHz);
    const auto dataBytes = static_cast<std::uint32_t>(pcm.frames() * channels * 2);
    const auto u32 = [&](std::uint32_t v) {
        out.write(reinterpret_cast<const char*>(&v), 4);
    };
    const auto u16 = [&](std::uint16_t v) {
        out.write(reinterpret_cast<const char*>(&v), 2);
    };
    out.write("RIFF", 4);
    u32(36 + dataBytes);
    out.write("WAVEfmt ", 8);
    u32(16);
    u16(1);
    u16(channels);
    u32(rate);
    u32(rate * channels * 2);
    u16(static_cast<std::uint16_t>(channels * 2));
    u16(16);
    out.write("data", 4);
    u32(dataBytes);
    for (std::size_t i = 0; i < pcm.frames(); ++i) {
        for (const auto& ch : pcm.channels) {
            const float clamped = std::clamp(ch[i], -1.0f, 1.0f);
            u16(static_cast<std::uint16_t>(
                static_cast<std::int16_t>(std::lround(clamped * 32767))));
        }
    }
}

/// An empty folder for one test process: ctest runs each test case as its own process, in
/// parallel, so the process id keeps them apart.
inline std::filesystem::path freshDir(const std::string& name) {
    const auto dir =
        std::filesystem::path(CALLQC_TEST_TMP) / (name + "-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

} // namespace callqc::tests
