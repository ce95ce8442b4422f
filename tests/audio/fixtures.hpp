#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <numbers>
#include <string>
#include <vector>

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

inline std::vector<std::uint8_t> readBytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline void writeBytes(const std::filesystem::path& path, const std::vector<std::uint8_t>& bytes) {
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()),
               static_cast<std::streamsize>(bytes.size()));
}

inline void putLe16(std::vector<std::uint8_t>& out, std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v));
    out.push_back(static_cast<std::uint8_t>(v >> 8));
}

inline void putLe32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int shift = 0; shift < 32; shift += 8) {
        out.push_back(static_cast<std::uint8_t>(v >> shift));
    }
}

/// One AMR-NB frame of the RFC 4867 storage format, by frame type: 7 = MR122 speech (31 bytes
/// of pseudo-random payload from `state`, which decodes to noise), 8 = SID (5 bytes), 15 =
/// NO_DATA (the table-of-contents byte 0x7C alone). FFmpeg 5.1's amrnb decoder rejects the last
/// two.
inline void appendAmrFrame(std::vector<std::uint8_t>& out, int frameType, std::uint32_t& state) {
    out.push_back(static_cast<std::uint8_t>((frameType << 3) | 0x04));
    const int payload = frameType == 7 ? 31 : frameType == 8 ? 5 : 0;
    for (int i = 0; i < payload; ++i) {
        state = state * 1664525u + 1013904223u;
        out.push_back(static_cast<std::uint8_t>(state >> 24));
    }
}

/// An AMR-NB file of `frames` 20 ms frames: speech, with silence-suppressed stretches (a SID
/// frame, then NO_DATA frames) wherever `suppressed(frameIndex)` is true.
template <typename Suppressed>
std::vector<std::uint8_t> amrNbFile(int frames, Suppressed suppressed, std::uint32_t seed = 3) {
    std::vector<std::uint8_t> out = {'#', '!', 'A', 'M', 'R', '\n'};
    std::uint32_t state = seed;
    for (int i = 0; i < frames; ++i) {
        if (!suppressed(i)) {
            appendAmrFrame(out, 7, state);
        } else {
            appendAmrFrame(out, i == 0 || !suppressed(i - 1) ? 8 : 15, state);
        }
    }
    return out;
}

/// Wraps raw MP3 frames in a RIFF WAVE with format tag 0x0055 (MPEGLAYER3WAVEFORMAT, as Windows
/// ACM writes it), which some call recorders produce under a .wav name.
inline std::vector<std::uint8_t> mp3InWav(const std::vector<std::uint8_t>& mp3, int rateHz,
                                          int channels, int bitRate) {
    std::vector<std::uint8_t> out = {'R', 'I', 'F', 'F'};
    const auto dataBytes = static_cast<std::uint32_t>(mp3.size());
    putLe32(out, 4 + (8 + 30) + (8 + dataBytes));
    out.insert(out.end(), {'W', 'A', 'V', 'E', 'f', 'm', 't', ' '});
    putLe32(out, 30);
    putLe16(out, 0x0055);
    putLe16(out, static_cast<std::uint16_t>(channels));
    putLe32(out, static_cast<std::uint32_t>(rateHz));
    putLe32(out, static_cast<std::uint32_t>(bitRate / 8));
    putLe16(out, 1);                                                  // block align
    putLe16(out, 0);                                                  // bits per sample
    putLe16(out, 12);                                                 // extra bytes
    putLe16(out, 1);                                                  // MPEGLAYER3_ID_MPEG
    putLe32(out, 2);                                                  // MPEGLAYER3_FLAG_PADDING_OFF
    putLe16(out, static_cast<std::uint16_t>(144 * bitRate / rateHz)); // nominal frame bytes
    putLe16(out, 1);                                                  // frames per block
    putLe16(out, 1393);                                               // codec delay
    out.insert(out.end(), {'d', 'a', 't', 'a'});
    putLe32(out, dataBytes);
    out.insert(out.end(), mp3.begin(), mp3.end());
    return out;
}

} // namespace callqc::tests
