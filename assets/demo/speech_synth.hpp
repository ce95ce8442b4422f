#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace callqc::demo {

/// How one speaker sounds: an espeak-ng voice (with variant) and its pitch and speed.
struct Voice {
    std::string name;  ///< e.g. "cmn-latn-pinyin+f2"
    int pitch = 50;    ///< espeak base pitch, 0..100
    int rateWpm = 175; ///< espeak speed in words per minute, 80..450
};

/// Speech from libespeak-ng, resampled to the demo's rate.
///
/// Uses the process's espeak-ng engine, which is started on the first `open` and stays up until
/// the process exits (espeak-ng cannot be initialised twice in one process). espeak-ng keeps
/// global state and is not thread-safe, so only one SpeechSynth exists at a time: `open` waits
/// for a process-wide lock that the object holds until it is destroyed. Use it from one thread.
class SpeechSynth {
public:
    /// Starts espeak-ng in synchronous mode if needed. Errors name espeak's data path and what
    /// failed.
    [[nodiscard]] static tl::expected<std::unique_ptr<SpeechSynth>, std::string>
    open(int outputRateHz);

    ~SpeechSynth();
    SpeechSynth(const SpeechSynth&) = delete;
    SpeechSynth& operator=(const SpeechSynth&) = delete;

    /// `pinyin` spoken by `voice`: mono float at the output rate, peak normalised to 1.0, with the
    /// silence espeak puts around the words removed.
    ///
    /// espeak-ng carries state from one synthesis to the next (glottal phase, pitch flutter, and
    /// libc rand() for noise), so the same text can come out a few samples longer or shorter
    /// depending on what was said before. Callers that need reproducible audio synthesise in a
    /// fixed order from a fixed rand() seed (see SpeechBank).
    [[nodiscard]] tl::expected<std::vector<float>, std::string> speak(const Voice& voice,
                                                                      std::string_view pinyin);

private:
    SpeechSynth(std::unique_lock<std::mutex> lock, int outputRateHz, int espeakRateHz);

    std::unique_lock<std::mutex> m_lock;
    int m_outputRateHz;
    int m_espeakRateHz;
    std::string m_currentVoice;
};

} // namespace callqc::demo
