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

} // namespace

tl::expected<std::unique_ptr<SpeechSynth>, std::string> SpeechSynth::open(int outputRateHz) {
    std::unique_lock<std::mutex> lock(engineMutex());
    espeak_ng_InitializePath(nullptr);
    espeak_ng_ERROR_CONTEXT context = nullptr;
    const espeak_ng_STATUS status = espeak_ng_Initialize(&context);
    if (status != ENS_OK) {
        espeak_ng_ClearErrorContext(&context);
        return tl::unexpected(fmt::format("espeak-ng: cannot initialise with data in {} ({})",
                                          dataPath(), statusText(status)));
    }
    const espeak_ng_STATUS output = espeak_ng_InitializeOutput(ENOUTPUT_MODE_SYNCHRONOUS, 0, nullptr);
    if (output != ENS_OK) {
        espeak_Terminate();
        return tl::unexpected(
            fmt::format("espeak-ng: cannot set up synchronous output ({})", statusText(output)));
    }
    espeak_SetSynthCallback(collectSamples);
    const int espeakRateHz = espeak_ng_GetSampleRate();
    return std::unique_ptr<SpeechSynth>(new SpeechSynth(std::move(lock), outputRateHz, espeakRateHz));
}

SpeechSynth::SpeechSynth(std::unique_lock<std::mutex> lock, int outputRateHz, int espeakRateHz)
    : m_lock(std::move(lock)), m_outputRateHz(outputRateHz), m_espeakRateHz(espeakRateHz) {}

SpeechSynth::~SpeechSynth() { espeak_Terminate(); }

tl::expected<const std::vector<float>*, std::string>
SpeechSynth::speak(const Voice& voice, std::string_view pinyin, int quantumSamples) {
    const std::string key =
        fmt::format("{}|{}|{}|{}|{}", voice.name, voice.pitch, voice.rateWpm, quantumSamples, pinyin);
    if (const auto found = m_cache.find(key); found != m_cache.end()) {
        return &found->second;
    }

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
    std::vector<float>& speech = *resampled;

    float peak = 0.0f;
    for (const float s : speech) {
        peak = std::max(peak, std::abs(s));
    }
    if (peak <= 0.0f) {
        return tl::unexpected(fmt::format("espeak-ng: silence for \"{}\"", text));
    }
    // Trim what espeak adds around the words, so the transcript's times are the speech's.
    const float threshold = peak * 0.02f;
    const auto first = std::find_if(speech.begin(), speech.end(),
                                    [&](float s) { return std::abs(s) > threshold; });
    const auto last = std::find_if(speech.rbegin(), speech.rend(),
                                   [&](float s) { return std::abs(s) > threshold; });
    std::vector<float> trimmed(first, last.base());
    for (float& s : trimmed) {
        s /= peak;
    }
    const auto quantum = static_cast<std::size_t>(std::max(1, quantumSamples));
    trimmed.resize((trimmed.size() + quantum - 1) / quantum * quantum, 0.0f);

    const auto [it, inserted] = m_cache.emplace(key, std::move(trimmed));
    return &it->second;
}

} // namespace callqc::demo
