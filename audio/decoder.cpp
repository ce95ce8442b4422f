#include "audio/decoder.hpp"

#include <cstddef>
#include <memory>
#include <vector>

namespace callqc::audio {

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
        const auto expected =
            static_cast<std::size_t>(info.headerDurationSec * 1.02 * info.sampleRateHz) + 65536;
        for (auto& channel : out.pcm.channels) {
            channel.reserve(expected);
        }
    }
    std::vector<float*> planes(out.pcm.channels.size());
    constexpr std::size_t kChunkFrames = 16384;
    for (;;) {
        const std::size_t have = out.pcm.frames();
        for (std::size_t c = 0; c < planes.size(); ++c) {
            out.pcm.channels[c].resize(have + kChunkFrames);
            planes[c] = out.pcm.channels[c].data() + have;
        }
        auto got = stream.read(planes.data(), kChunkFrames);
        const std::size_t kept = got ? *got : 0;
        for (auto& channel : out.pcm.channels) {
            channel.resize(have + kept);
        }
        if (!got) {
            return tl::unexpected(got.error());
        }
        if (kept == 0) {
            break;
        }
    }
    if (out.pcm.frames() == 0) {
        return tl::unexpected(
            AudioError{AudioError::Kind::Corrupt, path.string() + ": no audio could be decoded"});
    }
    out.warnings = stream.warnings();
    out.seekIndex = stream.gatheredIndex();
    return out;
}

} // namespace callqc::audio
