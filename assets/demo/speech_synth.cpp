#include "assets/demo/speech_synth.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include <espeak-ng/espeak_ng.h>
#include <espeak-ng/speak_lib.h>
#include <fmt/format.h>

#include "assets/demo/resample.hpp"

namespace callqc::demo {

namespace {

std::mutex& engineMutex() {
    static std::mutex mutex;
    return mutex;
}

std::string dataPath() {
    const char* path = nullptr;
    espeak_Info(&path);
    return path != nullptr ? path : "(unknown espeak-ng data path)";
}

std::string statusText(espeak_ng_STATUS status) {
    char buffer[512] = {};
    espeak_ng_GetStatusCodeMessage(status, buffer, sizeof buffer);
    return buffer;
}

/// Receives synthesised samples; `events->user_data` is the std::vector<short> to append to.
int collectSamples(short* samples, int count, espeak_EVENT* events) {
    if (samples != nullptr && count > 0 && events != nullptr && events->user_data != nullptr) {
        auto* out = static_cast<std::vector<short>*>(events->user_data);
        out->insert(out->end(), samples, samples + count);
    }
    return 0;
}

/// The process's espeak-ng engine. espeak-ng deadlocks in espeak_Terminate when it is initialised
/// a second time in one process, so it is started once, on first use, and terminated at exit.
/// Callers hold engineMutex() while they use it.
class EspeakEngine {
public:
    static EspeakEngine& instance() {
        static EspeakEngine engine;
        return engine;
    }
    ~EspeakEngine() {
        if (m_started) {
            espeak_Terminate();
        }
    }
    EspeakEngine(const EspeakEngine&) = delete;
    EspeakEngine& operator=(const EspeakEngine&) = delete;

    /// An empty string when the engine runs, otherwise why it does not.
    [[nodiscard]] const std::string& failure() const { return m_failure; }
    [[nodiscard]] int sampleRateHz() const { return m_sampleRateHz; }

private:
    EspeakEngine() {
        espeak_ng_InitializePath(nullptr);
        espeak_ng_ERROR_CONTEXT context = nullptr;
        const espeak_ng_STATUS status = espeak_ng_Initialize(&context);
        if (status != ENS_OK) {
            espeak_ng_ClearErrorContext(&context);
            m_failure = fmt::format("espeak-ng: cannot initialise with data in {} ({})", dataPath(),
                                    statusText(status));
            return;
        }
        m_started = true;
        const espeak_ng_STATUS output =
            espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, nullptr);
        if (output != ENS_OK) {
            m_failure =
                fmt::format("espeak-ng: cannot set up synchronous output ({})", statusText(output));
            return;
        }
        espeak_SetSynthCallback(collectSamples);
        m_sampleRateHz = espeak_ng_GetSampleRate();
    }

    bool m_started = false;
    int m_sampleRateHz = 0;
    std::string m_failure;
};

} // namespace

tl::expected<std::unique_ptr<SpeechSynth>, std::string> SpeechSynth::open(int outputRateHz) {
    std::unique_lock<std::mutex> lock(engineMutex());
    const EspeakEngine& engine = EspeakEngine::instance();
    if (!engine.failure().empty()) {
        return tl::unexpected(engine.failure());
    }
    return std::unique_ptr<SpeechSynth>(
        new SpeechSynth(std::move(lock), outputRateHz, engine.sampleRateHz()));
}

SpeechSynth::SpeechSynth(std::unique_lock<std::mutex> lock, int outputRateHz, int espeakRateHz)
    : m_lock(std::move(lock)), m_outputRateHz(outputRateHz), m_espeakRateHz(espeakRateHz) {}

SpeechSynth::~SpeechSynth() = default;

tl::expected<std::vector<float>, std::string> SpeechSynth::speak(const Voice& voice,
                                                                 std::string_view pinyin) {
    if (voice.name != m_currentVoice) {
        if (espeak_SetVoiceByName(voice.name.c_str()) != EE_OK) {
            return tl::unexpected(
                fmt::format("espeak-ng: voice {} not found in {}", voice.name, dataPath()));
        }
        m_currentVoice = voice.name;
    }
    espeak_SetParameter(espeakRATE, voice.rateWpm, 0);
    espeak_SetParameter(espeakPITCH, voice.pitch, 0);

    const std::string text(pinyin);
    std::vector<short> raw;
    const espeak_ERROR rc = espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0,
                                         espeakCHARS_UTF8, nullptr, &raw);
    if (rc != EE_OK || raw.empty()) {
        return tl::unexpected(fmt::format("espeak-ng: cannot synthesise \"{}\"", text));
    }

    std::vector<float> samples(raw.size());
    std::transform(raw.begin(), raw.end(), samples.begin(),
                   [](short s) { return static_cast<float>(s) / 32768.0f; });
    auto resampled = resampleMono(samples, m_espeakRateHz, m_outputRateHz);
    if (!resampled) {
        return tl::unexpected(fmt::format("espeak-ng output: {}", resampled.error()));
    }
    const std::vector<float>& speech = *resampled;

    float peak = 0.0f;
    for (const float s : speech) {
        peak = std::max(peak, std::abs(s));
    }
    if (peak <= 0.0f) {
        return tl::unexpected(fmt::format("espeak-ng: silence for \"{}\"", text));
    }
    const float threshold = peak * 0.02f;
    const auto loud = [threshold](float s) {
        return std::abs(s) > threshold;
    };
    const auto first = std::find_if(speech.begin(), speech.end(), loud);
    const auto last = std::find_if(speech.rbegin(), speech.rend(), loud);
    std::vector<float> trimmed(first, last.base());
    for (float& s : trimmed) {
        s /= peak;
    }
    return trimmed;
}

} // namespace callqc::demo
