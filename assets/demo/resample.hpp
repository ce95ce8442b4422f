#pragma once

#include <span>
#include <string>
#include <vector>

#include <tl/expected.hpp>

namespace callqc::demo {

/// Resamples mono float audio from `inRateHz` to `outRateHz` with libswresample. The result has
/// exactly round(size * outRateHz / inRateHz) samples (the resampler's tail is trimmed or padded
/// with zeros), so that lengths stay predictable.
[[nodiscard]] tl::expected<std::vector<float>, std::string>
resampleMono(std::span<const float> input, int inRateHz, int outRateHz);

} // namespace callqc::demo
