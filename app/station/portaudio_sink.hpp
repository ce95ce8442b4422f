#pragma once

#include <memory>

#include "audio/audio_sink.hpp"

namespace callqc::station {

/// The default output device through PortAudio, or an error naming why there is none (no sound
/// card, no default device). The caller falls back to audio::makeNullSink().
[[nodiscard]] tl::expected<std::unique_ptr<audio::AudioSink>, audio::AudioError>
makePortAudioSink();

} // namespace callqc::station
