#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include <tl/expected.hpp>

#include "audio/audio_error.hpp"

namespace callqc::audio {

/// Fills `frames` interleaved frames of `channels` floats. Called on the sink's real-time thread:
/// implementations must not lock, allocate, log or do I/O.
using RenderCallback = std::function<void(float* interleaved, std::size_t frames)>;

/// Where playback goes: a sound device, a clock-driven null output, or a recorder in tests.
///
/// Thread-safety: start() and stop() are called from one controlling thread; the render callback
/// runs on the sink's own thread between them.
class AudioSink {
public:
    virtual ~AudioSink() = default;
    [[nodiscard]] virtual tl::expected<void, AudioError> start(int sampleRateHz, int channels,
                                                               RenderCallback render) = 0;
    virtual void stop() = 0;
    [[nodiscard]] virtual std::string name() const = 0;
};

/// A sink with no device: a thread calls the render callback in 10 ms blocks paced by the steady
/// clock, so playback positions advance in real time and the UI works without a sound card.
[[nodiscard]] std::unique_ptr<AudioSink> makeNullSink();

} // namespace callqc::audio
