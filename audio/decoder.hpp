#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <tl/expected.hpp>

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

} // namespace callqc::audio
