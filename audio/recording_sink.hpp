#pragma once

#include <cstddef>
#include <vector>

#include "audio/audio_sink.hpp"

namespace callqc::audio {

/// An output for tests that runs no thread and no clock: the test pulls audio through the render
/// callback with pull() and then asserts on exactly which samples were "played".
///
/// Thread-safety: start(), stop(), pull() and the accessors are all called from the test's thread.
class RecordingSink final : public AudioSink {
public:
    tl::expected<void, AudioError> start(int sampleRateHz, int channels,
                                         RenderCallback render) override;
    void stop() override;
    [[nodiscard]] std::string name() const override { return "recording output (tests)"; }

    /// Renders `frames` frames and appends them to samples(). False when not started.
    bool pull(std::size_t frames);

    [[nodiscard]] bool started() const { return static_cast<bool>(m_render); }
    [[nodiscard]] int sampleRateHz() const { return m_sampleRateHz; }
    [[nodiscard]] int channels() const { return m_channels; }
    /// Everything rendered so far, interleaved.
    [[nodiscard]] const std::vector<float>& samples() const { return m_samples; }
    /// One channel of everything rendered so far.
    [[nodiscard]] std::vector<float> channel(int index) const;
    void clear() { m_samples.clear(); }

private:
    RenderCallback m_render;
    int m_sampleRateHz = 0;
    int m_channels = 0;
    std::vector<float> m_samples;
};

} // namespace callqc::audio
