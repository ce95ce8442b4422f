#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "audio/audio_error.hpp"
#include "audio/pcm_buffer.hpp"

namespace callqc::audio {

/// What a decode found out about a file besides its samples.
struct DecodedAudio {
    PcmBuffer pcm;                     ///< at the stream's own rate and channel count
    std::string codec;                 ///< libav codec name, e.g. "pcm_mulaw", "opus"
    std::string container;             ///< libav demuxer name, e.g. "wav", "ogg"
    std::vector<std::string> warnings; ///< e.g. "stopped at corrupt packet at 12.3 s"
};

/// Decodes the first audio stream of `path` completely. The format is detected from the content,
/// not the extension. Errors name the file and what was wrong.
[[nodiscard]] tl::expected<DecodedAudio, AudioError> decodeFile(const std::filesystem::path& path);

} // namespace callqc::audio
