#pragma once

#include <string>

namespace callqc::audio {

/// An expected failure of the audio layer: a missing or bad file, an unknown codec, no device.
/// `detail` names the file and says what was wrong with it.
struct AudioError {
    enum class Kind { NotFound, Empty, NotAudio, Unsupported, Corrupt, Io, Device, Encode };
    Kind kind;
    std::string detail;

    [[nodiscard]] std::string message() const { return detail; }
};

} // namespace callqc::audio
