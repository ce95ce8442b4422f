#include "audio/decoder.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace callqc::audio {
namespace {

/// Asks the kernel to back `channel`'s reserved storage with huge pages where it can: a long
/// call's buffer is hundreds of MB, and filling it 4 KiB page fault by page fault (and unmapping
/// it page by page when it is freed) costs as much as a fast decoder. Only advice: without it, or
/// where the kernel declines, the buffer works the same.
void adviseHugePages(std::vector<float>& channel) {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    constexpr std::uintptr_t kHugePage = std::uintptr_t{2} << 20;
    const auto begin = reinterpret_cast<std::uintptr_t>(channel.data());
    const std::uintptr_t end = begin + channel.capacity() * sizeof(float);
    const std::uintptr_t first = (begin + kHugePage - 1) & ~(kHugePage - 1);
    const std::uintptr_t last = end & ~(kHugePage - 1);
    if (last > first) {
        ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
    }
#else
    (void)channel;
#endif
}

/// Room for `frames` more samples in every channel without a reallocation inside insert(): grows
/// by doubling, as a vector would, and advises the new storage.
void makeRoom(std::vector<std::vector<float>>& channels, std::size_t frames) {
    for (auto& channel : channels) {
        if (channel.capacity() - channel.size() < frames) {
            channel.reserve(std::max(2 * channel.capacity(), channel.size() + frames));
            adviseHugePages(channel);
        }
    }
}

/// Reads `stream` to the end in pieces of up to kChunkFrames frames, each handed to
/// `take(planes, frames)` while it is in the cache. Returns the frames read.
template <typename Take>
tl::expected<std::size_t, AudioError> readToEnd(AudioStream& stream, Take&& take) {
    constexpr std::size_t kChunkFrames = 4096;
    const auto channels = static_cast<std::size_t>(stream.info().channels);
    std::vector<float> scratch(kChunkFrames * channels);
    std::vector<float*> planes(channels);
    for (std::size_t c = 0; c < channels; ++c) {
        planes[c] = scratch.data() + c * kChunkFrames;
    }
    std::size_t total = 0;
    for (;;) {
        auto got = stream.read(planes.data(), kChunkFrames);
        if (!got) {
            return tl::unexpected(got.error());
        }
        if (*got == 0) {
            return total;
        }
        take(planes.data(), *got);
        total += *got;
    }
}

AudioError nothingDecoded(const std::filesystem::path& path) {
    return AudioError{AudioError::Kind::Corrupt, path.string() + ": no audio could be decoded"};
}

} // namespace

tl::expected<DecodedAudio, AudioError> decodeFile(const std::filesystem::path& path) {
    auto opened = AudioStream::open(path);
    if (!opened) {
        return tl::unexpected(opened.error());
    }
    AudioStream& stream = **opened;
    const StreamInfo& info = stream.info();

    DecodedAudio out;
    out.codec = info.codec;
    out.container = info.container;
    out.pcm.sampleRateHz = info.sampleRateHz;
    out.pcm.channels.assign(static_cast<std::size_t>(info.channels), {});
    // Room for what the header claims (plus a little), so growing the buffer rarely copies it;
    // a lying header only costs a reallocation or some slack.
    constexpr double kMaxReserveSec = 6.0 * 3600.0;
    if (info.headerDurationSec > 0 && info.headerDurationSec < kMaxReserveSec) {
        makeRoom(out.pcm.channels,
                 static_cast<std::size_t>(info.headerDurationSec * 1.02 * info.sampleRateHz) +
                     65536);
    }
    // Reads land in a small scratch buffer that stays in the cache and are appended from there:
    // each output sample is written once (no zero-filling resize before the read).
    auto read = readToEnd(stream, [&out](float* const* planes, std::size_t frames) {
        makeRoom(out.pcm.channels, frames);
        for (std::size_t c = 0; c < out.pcm.channels.size(); ++c) {
            out.pcm.channels[c].insert(out.pcm.channels[c].end(), planes[c], planes[c] + frames);
        }
    });
    if (!read) {
        return tl::unexpected(read.error());
    }
    if (*read == 0) {
        return tl::unexpected(nothingDecoded(path));
    }
    out.warnings = stream.warnings();
    out.seekIndex = stream.gatheredIndex();
    return out;
}

tl::expected<AnalyzedAudio, AudioError> analyzeFile(const std::filesystem::path& path,
                                                    const AnalysisConfig& config) {
    auto opened = AudioStream::open(path);
    if (!opened) {
        return tl::unexpected(opened.error());
    }
    AudioStream& stream = **opened;
    const StreamInfo& info = stream.info();
    StreamAnalyzer analyzer(info.sampleRateHz, info.channels, config);
    auto read = readToEnd(stream, [&analyzer](float* const* planes, std::size_t frames) {
        analyzer.push(planes, frames);
    });
    if (!read) {
        return tl::unexpected(read.error());
    }
    if (*read == 0) {
        return tl::unexpected(nothingDecoded(path));
    }
    AnalyzedAudio out;
    out.profile = analyzer.finish();
    out.sampleRateHz = info.sampleRateHz;
    out.channels = info.channels;
    out.frames = static_cast<std::int64_t>(*read);
    out.codec = info.codec;
    out.container = info.container;
    out.warnings = stream.warnings();
    out.seekIndex = stream.gatheredIndex();
    return out;
}

} // namespace callqc::audio
