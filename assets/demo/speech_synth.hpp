#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <tl/expected.hpp>
#include <unordered_map>
#include <vector>

namespace callqc::demo {

/// How one speaker sounds: an espeak-ng voice (with variant) and its pitch and speed.
struct Voice {
    std::string name; ///< e.g. "cmn-latn-pinyin+f2"
    int pitch = 50;   ///< espeak base pitch, 0..100
    int rateWpm = 165;
};

/// Speech from libespeak-ng, resampled to the demo's rate and cached per voice and text.
///
/// Owns the process's espeak-ng engine (initialised in `open`, terminated in the destructor).
/// espeak-ng keeps global state and is not thread-safe, so only one SpeechSynth exists at a time:
/// `open` waits for a process-wide lock that the object holds until it is destroyed. Use it from
/// one thread.
class SpeechSynth {
public:
    /// Starts espeak-ng in synchronous mode. Errors name espeak's data path and what failed.
    [[nodiscard]] static tl::expected<std::unique_ptr<SpeechSynth>, std::string>
    open(int outputRateHz);

    ~SpeechSynth();
    SpeechSynth(const SpeechSynth&) = delete;
    SpeechSynth& operator=(const SpeechSynth&) = delete;

    /// `pinyin` spoken by `voice`: mono float at the output rate, peak normalised to 1.0, leading
    /// and trailing silence removed, length a whole number of `quantumSamples`. The reference
    /// stays valid for the life of this object.
    [[nodiscard]] tl::expected<const std::vector<float>*, std::string>
    speak(const Voice& voice, std::string_view pinyin, int quantumSamples);

private:
    SpeechSynth(std::unique_lock<std::mutex> lock, int outputRateHz, int espeakRateHz);

    std::unique_lock<std::mutex> m_lock;
    int m_outputRateHz;
    int m_espeakRateHz;
    std::string m_currentVoice;
    std::unordered_map<std::string, std::vector<float>> m_cache;
};

} // namespace callqc::demo
