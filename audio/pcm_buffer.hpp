#pragma once

#include <cstddef>
#include <vector>

namespace callqc::audio {

/// Decoded audio in memory: planar float samples in [-1, 1], one vector per channel, all of the
/// same length.
struct PcmBuffer {
    int sampleRateHz = 8000;
    std::vector<std::vector<float>> channels;

    [[nodiscard]] std::size_t frames() const { return channels.empty() ? 0 : channels[0].size(); }
    [[nodiscard]] int channelCount() const { return static_cast<int>(channels.size()); }
    [[nodiscard]] double durationSec() const {
        return sampleRateHz > 0 ? static_cast<double>(frames()) / sampleRateHz : 0.0;
    }
};

} // namespace callqc::audio
