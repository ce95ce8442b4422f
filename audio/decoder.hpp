#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "audio/analysis.hpp"
#include "audio/audio_error.hpp"
#include "audio/audio_stream.hpp"
#include "audio/pcm_buffer.hpp"

namespace callqc::audio {

/// What a decode found out about a file besides its samples.
struct DecodedAudio {
    PcmBuffer pcm;                     ///< at the stream's own rate and channel count
    std::string codec;                 ///< libav codec name, e.g. "pcm_mulaw", "opus"
    std::string container;             ///< libav demuxer name, e.g. "wav", "ogg"
    std::vector<std::string> warnings; ///< AudioStream::warnings() at the end of the decode
    SeekIndex seekIndex; ///< complete restart points, for AudioStream::open in playback
};

/// Decodes the first audio stream of `path` completely, through AudioStream. The format is
/// detected from the content, not the extension; the length is what decodes, never a header's
/// estimate. Packets the decoder rejects become silence of their length (AMR DTX keeps its
/// timeline) and a truncated file gives what decodes, both with a warning. Errors name the file
/// and what was wrong (see AudioStream::open).
[[nodiscard]] tl::expected<DecodedAudio, AudioError> decodeFile(const std::filesystem::path& path);

/// What an import needs of a file: its analysis and what a decode found out, without the samples.
struct AnalyzedAudio {
    AudioProfile profile;              ///< analyze() of the decoded samples
    int sampleRateHz = 0;              ///< the stream's own rate
    int channels = 0;                  ///< the stream's own channel count
    std::int64_t frames = 0;           ///< exact decoded length, in samples per channel
    std::string codec;                 ///< as DecodedAudio::codec
    std::string container;             ///< as DecodedAudio::container
    std::vector<std::string> warnings; ///< as DecodedAudio::warnings
    SeekIndex seekIndex;               ///< as DecodedAudio::seekIndex

    [[nodiscard]] double durationSec() const {
        return sampleRateHz > 0 ? static_cast<double>(frames) / sampleRateHz : 0.0;
    }
};

/// decodeFile and analyze() in one pass: each piece is analysed as it is decoded, while it is in
/// the cache, and the call is never held whole in memory (an hour of 16 kHz stereo is 460 MB of
/// samples). The same results, bit for bit, and the same errors as decodeFile followed by
/// analyze(pcm, config).
[[nodiscard]] tl::expected<AnalyzedAudio, AudioError>
analyzeFile(const std::filesystem::path& path, const AnalysisConfig& config = {});

} // namespace callqc::audio
