#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "assets/demo/phrase_bank.hpp"
#include "assets/demo/prng.hpp"
#include "assets/demo/speech_bank.hpp"
#include "assets/demo/speech_synth.hpp"
#include "audio/pcm_buffer.hpp"

namespace callqc::demo {

/// Calls are built at this rate, on a 10 ms grid so transcript times in hundredths are exact.
inline constexpr int kCallRateHz = 8000;
inline constexpr int kSamplesPerCs = kCallRateHz / 100;

/// What a call should contain; decided by the day planner.
struct CallSpec {
    QueueKind queue = QueueKind::CreditCard;
    std::string employeeNo;
    Voice agentVoice;
    Voice customerVoice;
    bool femaleCustomer = false;
    double targetSec = 60;    ///< aimed-at length; the result stays within 20..240 s
    bool deadAir = false;     ///< a hold with 8–20 s of silence on both sides
    bool overtalk = false;    ///< the customer starts 0.5–2 s before the agent has finished
    bool forbidden = false;   ///< the agent says one of the manual's forbidden phrases
    bool confirmation = true; ///< the manual's "…是否将您的问题解释清楚了？" line
};

/// One utterance as placed on the call's timeline, in centiseconds from the start.
struct PlacedSegment {
    Speaker speaker;
    std::int64_t startCs;
    std::int64_t endCs;
    std::string text;
};

/// A call's two sides at kCallRateHz (same length, without line noise) and what was said when.
struct CallAudio {
    std::vector<float> agent;
    std::vector<float> customer;
    std::vector<PlacedSegment> segments; ///< ordered by start
    [[nodiscard]] std::int64_t lengthCs() const {
        return static_cast<std::int64_t>(agent.size()) / kSamplesPerCs;
    }
};

/// Scripts the call from the phrase bank, takes each utterance's audio from `speech`, and places
/// the utterances with gaps, overtalk and dead air as `spec` asks. Deterministic for a given `rng`
/// state. Fails only if the script needs audio the bank does not have.
[[nodiscard]] tl::expected<CallAudio, std::string> buildCall(const CallSpec& spec,
                                                             const SpeechBank& speech, Prng& rng);

/// The file's audio: stereo (agent left, customer right) or both mixed to mono, with low-level
/// line noise from `noise` so that silence is never digital zero.
[[nodiscard]] audio::PcmBuffer renderCall(const CallAudio& call, bool stereo, Prng& noise);

} // namespace callqc::demo
