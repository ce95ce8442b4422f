#pragma once

#include <memory>
#include <string>
#include <vector>

#include "audio/audio_sink.hpp"

namespace callqc::station {

/// An output device through PortAudio by name (empty: the default device), or an error naming
/// why there is none (no sound card, no such device). The caller falls back to
/// audio::makeNullSink().
[[nodiscard]] tl::expected<std::unique_ptr<audio::AudioSink>, audio::AudioError>
makePortAudioSink(const std::string& deviceName = {});

/// The names of the output devices PortAudio can open; empty when there is no sound system.
[[nodiscard]] std::vector<std::string> portAudioOutputs();

} // namespace callqc::station
