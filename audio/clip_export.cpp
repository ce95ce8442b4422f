#include "audio/clip_export.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <optional>
#include <string>
#include <utility>

#include <fmt/format.h>

namespace callqc::audio {

namespace {

/// A half-open range of sample indices.
struct FrameRange {
    std::size_t begin = 0;
    std::size_t end = 0;
};

std::int64_t toFrame(double sec, int sampleRateHz) {
    return std::llround(sec * sampleRateHz);
}

/// The beeps as sample ranges inside `clip`, sorted, overlapping or touching ones merged so that
/// each merged range is one continuous tone.
std::vector<FrameRange> beepRanges(const std::vector<Interval>& beeps, FrameRange clip,
                                   int sampleRateHz) {
    std::vector<FrameRange> ranges;
    for (const Interval& beep : beeps) {
        const std::int64_t first =
            std::max(toFrame(beep.startSec, sampleRateHz), static_cast<std::int64_t>(clip.begin));
        const std::int64_t last =
            std::min(toFrame(beep.endSec, sampleRateHz), static_cast<std::int64_t>(clip.end));
        if (first < last) {
            ranges.push_back({static_cast<std::size_t>(first), static_cast<std::size_t>(last)});
        }
    }
    std::sort(ranges.begin(), ranges.end(),
              [](const FrameRange& a, const FrameRange& b) { return a.begin < b.begin; });
    std::vector<FrameRange> merged;
    for (const FrameRange& range : ranges) {
        if (!merged.empty() && range.begin <= merged.back().end) {
            merged.back().end = std::max(merged.back().end, range.end);
        } else {
            merged.push_back(range);
        }
    }
    return merged;
}

/// Why `options` cannot be applied to `call`, or nothing.
std::optional<std::string> invalidOptions(const PcmBuffer& call, const ClipOptions& options) {
    if (call.channels.empty() || call.frames() == 0 || call.sampleRateHz <= 0) {
        return "the call has no audio to export";
    }
    if (!std::isfinite(options.startSec) || !std::isfinite(options.endSec)) {
        return "the clip's start and end must be numbers of seconds";
    }
    if (options.startSec < 0) {
        return fmt::format("the clip starts at {:.3f} s, before the call", options.startSec);
    }
    if (options.endSec > call.durationSec()) {
        return fmt::format("the clip ends at {:.3f} s, after the call ends at {:.3f} s",
                           options.endSec, call.durationSec());
    }
    if (options.endSec <= options.startSec) {
        return fmt::format("the clip {:.3f}-{:.3f} s is empty: its end must be after its start",
                           options.startSec, options.endSec);
    }
    if (toFrame(options.endSec, call.sampleRateHz) <=
        toFrame(options.startSec, call.sampleRateHz)) {
        return fmt::format("the clip {:.3f}-{:.3f} s is shorter than one sample at {} Hz",
                           options.startSec, options.endSec, call.sampleRateHz);
    }
    for (std::size_t i = 0; i < options.beeps.size(); ++i) {
        const Interval& beep = options.beeps[i];
        if (!std::isfinite(beep.startSec) || !std::isfinite(beep.endSec) ||
            beep.endSec <= beep.startSec) {
            return fmt::format("beep {} ({:.3f}-{:.3f} s) is empty or reversed", i + 1,
                               beep.startSec, beep.endSec);
        }
    }
    if (options.muteCustomer) {
        if (call.channelCount() == 1) {
            return "cannot mute the customer of a mono call: both parties are mixed in its one "
                   "channel";
        }
        if (options.customerChannel < 0 || options.customerChannel >= call.channelCount()) {
            return fmt::format("the customer channel {} does not exist; the call has channels 0-{}",
                               options.customerChannel, call.channelCount() - 1);
        }
    }
    return std::nullopt;
}

} // namespace

tl::expected<ClipResult, AudioError>
exportClip(const PcmBuffer& call, const std::filesystem::path& out, const ClipOptions& options) {
    if (auto why = invalidOptions(call, options)) {
        return tl::unexpected(
            AudioError{AudioError::Kind::Encode, fmt::format("{}: {}", out.string(), *why)});
    }
    const int rateHz = call.sampleRateHz;
    const FrameRange range{
        static_cast<std::size_t>(toFrame(options.startSec, rateHz)),
        std::min(call.frames(), static_cast<std::size_t>(toFrame(options.endSec, rateHz)))};
    const auto offset = static_cast<std::ptrdiff_t>(range.begin);
    const auto length = static_cast<std::ptrdiff_t>(range.end - range.begin);

    PcmBuffer clip;
    clip.sampleRateHz = rateHz;
    clip.channels.reserve(call.channels.size());
    for (const auto& channel : call.channels) {
        clip.channels.emplace_back(channel.begin() + offset, channel.begin() + offset + length);
    }
    if (options.muteCustomer) {
        auto& customer = clip.channels[static_cast<std::size_t>(options.customerChannel)];
        std::fill(customer.begin(), customer.end(), 0.0f);
    }

    ClipResult result;
    result.startFrame = range.begin;
    result.frames = range.end - range.begin;
    result.durationSec = static_cast<double>(result.frames) / rateHz;

    const double amplitude = std::pow(10.0, kBeepLevelDbfs / 20.0);
    const double step = 2.0 * std::numbers::pi * kBeepFrequencyHz / rateHz;
    for (const FrameRange& beep : beepRanges(options.beeps, range, rateHz)) {
        for (std::size_t i = beep.begin; i < beep.end; ++i) {
            const auto value = static_cast<float>(
                amplitude * std::sin(step * static_cast<double>(i - beep.begin)));
            for (auto& channel : clip.channels) {
                channel[i - range.begin] = value;
            }
        }
        result.beeps.push_back(
            {static_cast<double>(beep.begin) / rateHz, static_cast<double>(beep.end) / rateHz});
    }

    if (auto written = encodeFile(clip, out, options.encode); !written) {
        return tl::unexpected(written.error());
    }
    return result;
}

} // namespace callqc::audio
