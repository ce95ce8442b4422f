#pragma once

#include <cstddef>
#include <filesystem>
#include <vector>

#include <tl/expected.hpp>

#include "audio/analysis.hpp"
#include "audio/audio_error.hpp"
#include "audio/encoder.hpp"
#include "audio/pcm_buffer.hpp"

namespace callqc::audio {

/// A time range of a call to export as training material, with its privacy edits. All times are
/// seconds of call time (from the start of the call, not of the clip).
struct ClipOptions {
    double startSec = 0;
    double endSec = 0;
    /// Format, tags and format options of the file; the clip keeps the call's rate and channels
    /// except where the format itself demands otherwise (see encodeFile).
    EncodeOptions encode;
    /// Silence the customer's channel over the whole clip. Needs a stereo call: on a mono call the
    /// parties are mixed and this is an error.
    bool muteCustomer = false;
    int customerChannel = 1; ///< 0-based channel index of the customer
    /// Ranges overwritten on every channel by a 1 kHz sine at -12 dBFS (peak 10^(-12/20) of full
    /// scale), e.g. over a card number. Each must have startSec < endSec; parts outside the clip
    /// are dropped. The beep starts at phase 0 at each range's start, with hard edges.
    std::vector<Interval> beeps;
};

struct ClipResult {
    std::size_t startFrame = 0; ///< first sample of the call in the clip
    std::size_t frames = 0;     ///< clip length in samples at the call's rate
    double durationSec = 0;
    /// The beeps as applied: clipped to the clip, in call time, rounded to samples.
    std::vector<Interval> beeps;
};

inline constexpr double kBeepFrequencyHz = 1000.0;
inline constexpr double kBeepLevelDbfs = -12.0;

/// Writes [startSec, endSec) of `call` to `out` (atomically, through encodeFile). Times become
/// sample indices by rounding to the nearest sample; the range must lie inside the call and hold at
/// least one sample. Errors (kind Encode) name `out` and the option that is wrong.
[[nodiscard]] tl::expected<ClipResult, AudioError>
exportClip(const PcmBuffer& call, const std::filesystem::path& out, const ClipOptions& options);

} // namespace callqc::audio
