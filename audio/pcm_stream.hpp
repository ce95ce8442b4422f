#pragma once

#include <memory>

#include "audio/audio_stream.hpp"
#include "audio/pcm_buffer.hpp"

namespace callqc::audio {

/// An AudioStream over samples already in memory (a generated fixture, an edited clip). Seeks are
/// trivially exact; info().codec is "pcm_f32 (memory)".
[[nodiscard]] std::unique_ptr<AudioStream> makePcmStream(std::shared_ptr<const PcmBuffer> pcm);

} // namespace callqc::audio
