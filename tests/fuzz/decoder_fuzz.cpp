// libFuzzer target: the import and playback paths over any bytes, through the real file entry
// points (the bytes are written to a file in /dev/shm). decodeFile must never crash; what it
// accepts must be a well-formed buffer, analyze() and the peak round trip must hold their
// contracts over it, and an AudioStream opened with the gathered seek index must land a seek
// (to a point the input chooses) on the requested sample and read on to the same end.

#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <unistd.h>

extern "C" {
#include <libavutil/log.h>
}

#include "audio/analysis.hpp"
#include "audio/audio_stream.hpp"
#include "audio/decoder.hpp"

namespace {

std::filesystem::path g_input;

void discardLibavLog(void*, int, const char*, va_list) {}

/// The intervals lie inside [0, duration] and are ascending.
bool wellFormed(const std::vector<callqc::audio::Interval>& list, double durationSec) {
    double last = 0;
    for (const auto& i : list) {
        if (!(i.startSec >= last && i.endSec >= i.startSec && i.endSec <= durationSec + 1e-9)) {
            return false;
        }
        last = i.endSec;
    }
    return true;
}

/// Seeks to a sample picked by the input's last two bytes and reads to the end, as the player
/// does after a click on the waveform.
void seekAndReadOn(const callqc::audio::DecodedAudio& decoded, const std::uint8_t* data,
                   std::size_t size) {
    auto stream = callqc::audio::AudioStream::open(g_input, decoded.seekIndex);
    if (!stream) {
        return;
    }
    const auto total = static_cast<std::int64_t>(decoded.pcm.frames());
    const unsigned pick = size >= 2 ? static_cast<unsigned>(data[size - 1]) |
                                          (static_cast<unsigned>(data[size - 2]) << 8)
                                    : 0u;
    const std::int64_t target = total * static_cast<std::int64_t>(pick) / 65536;
    if (!(*stream)->seek(target)) {
        return;
    }
    if ((*stream)->position() != target) {
        __builtin_trap(); // the next read starts at the requested sample
    }
    const auto channels = static_cast<std::size_t>((*stream)->info().channels);
    constexpr std::size_t kChunk = 4096;
    std::vector<std::vector<float>> buffers(channels, std::vector<float>(kChunk));
    std::vector<float*> planes;
    for (auto& b : buffers) {
        planes.push_back(b.data());
    }
    std::int64_t read = 0;
    for (;;) {
        const auto got = (*stream)->read(planes.data(), kChunk);
        if (!got) {
            return;
        }
        if (*got > kChunk) {
            __builtin_trap();
        }
        if (*got == 0) {
            break;
        }
        read += static_cast<std::int64_t>(*got);
    }
    if (target + read != total) {
        __builtin_trap(); // the same timeline as the full decode
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    av_log_set_callback(discardLibavLog);
    const std::filesystem::path dir =
        std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
    g_input = dir / ("callqc-decoder-fuzz-" + std::to_string(::getpid()));
    std::atexit([] {
        std::error_code ec;
        std::filesystem::remove(g_input, ec);
    });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    {
        std::FILE* out = std::fopen(g_input.c_str(), "wb");
        if (out == nullptr) {
            return 0;
        }
        if (size > 0) {
            std::fwrite(data, 1, size, out);
        }
        std::fclose(out);
    }
    const auto decoded = callqc::audio::decodeFile(g_input);
    if (!decoded) {
        if (decoded.error().detail.find(g_input.string()) == std::string::npos) {
            __builtin_trap(); // every error names the file
        }
        return 0;
    }
    const auto& pcm = decoded->pcm;
    if (pcm.channels.empty() || pcm.frames() == 0 || pcm.sampleRateHz <= 0) {
        __builtin_trap(); // success means audio
    }
    for (const auto& channel : pcm.channels) {
        if (channel.size() != pcm.frames()) {
            __builtin_trap(); // all channels of the same length
        }
    }
    const auto profile = callqc::audio::analyze(pcm);
    if (!wellFormed(profile.agentSpeech, profile.durationSec) ||
        !wellFormed(profile.customerSpeech, profile.durationSec) ||
        !wellFormed(profile.deadAir, profile.durationSec) ||
        !wellFormed(profile.overtalk, profile.durationSec)) {
        __builtin_trap();
    }
    const auto bytes = callqc::audio::serializePeaks(profile.peaks);
    const auto back = callqc::audio::deserializePeaks(bytes);
    if (back.channels.size() != profile.peaks.channels.size()) {
        __builtin_trap();
    }
    seekAndReadOn(*decoded, data, size);
    return 0;
}
