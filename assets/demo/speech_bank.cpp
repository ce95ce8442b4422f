#include "assets/demo/speech_bank.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <mutex>

#include <fmt/format.h>

#include "assets/demo/call_builder.hpp"
#include "assets/demo/phrase_bank.hpp"
#include "assets/demo/roster.hpp"

namespace callqc::demo {

namespace {

/// espeak-ng 1.51 draws its noise from libc rand(); the bank seeds it once before synthesising.
constexpr unsigned kEspeakRandSeed = 20261125;

std::string keyOf(const Voice& voice, std::string_view pinyin) {
    return fmt::format("{}|{}|{}|{}", voice.name, voice.pitch, voice.rateWpm, pinyin);
}

SpeechBank::Audio toBankAudio(const std::vector<float>& speech) {
    const auto quantum = static_cast<std::size_t>(kSamplesPerCs);
    SpeechBank::Audio audio((speech.size() + quantum - 1) / quantum * quantum, 0);
    for (std::size_t i = 0; i < speech.size(); ++i) {
        const float clamped = std::clamp(speech[i], -1.0f, 1.0f);
        audio[i] = static_cast<std::int16_t>(std::lround(clamped * 32767.0f));
    }
    return audio;
}

} // namespace

tl::expected<SpeechBank, std::string> SpeechBank::build() {
    auto synth = SpeechSynth::open(kCallRateHz);
    if (!synth) {
        return tl::unexpected(synth.error());
    }
    std::srand(kEspeakRandSeed);

    SpeechBank bank;
    const auto add = [&](const Voice& voice,
                         std::string_view pinyin) -> tl::expected<void, std::string> {
        std::string key = keyOf(voice, pinyin);
        if (bank.m_audio.contains(key)) {
            return {};
        }
        auto speech = (*synth)->speak(voice, pinyin);
        if (!speech) {
            return tl::unexpected(speech.error());
        }
        bank.m_audio.emplace(std::move(key), toBankAudio(*speech));
        return {};
    };

    for (std::size_t team = 0; team < kTeams.size(); ++team) {
        const QueueKind queue = kTeams[team].queue;
        const std::vector<Line> lines = callLines(queue);
        std::vector<const Voice*> agentVoices;
        for (std::size_t a = 0; a < kAgents.size(); ++a) {
            if (kAgents[a].team != team) {
                continue;
            }
            const Voice& voice = agentVoice(a);
            if (auto ok = add(voice, greeting(queue, kAgents[a].id).pinyin); !ok) {
                return tl::unexpected(ok.error());
            }
            if (std::find(agentVoices.begin(), agentVoices.end(), &voice) == agentVoices.end()) {
                agentVoices.push_back(&voice);
            }
        }
        for (const Voice* voice : agentVoices) {
            for (const Line& line : lines) {
                if (line.speaker == Speaker::Agent) {
                    if (auto ok = add(*voice, line.pinyin); !ok) {
                        return tl::unexpected(ok.error());
                    }
                }
            }
        }
        for (const CustomerVoice& customer : customerVoices()) {
            for (const Line& line : lines) {
                if (line.speaker == Speaker::Customer) {
                    if (auto ok = add(customer.voice, line.pinyin); !ok) {
                        return tl::unexpected(ok.error());
                    }
                }
            }
        }
    }
    return bank;
}

tl::expected<const SpeechBank*, std::string> SpeechBank::instance() {
    static std::mutex mutex;
    static std::unique_ptr<SpeechBank> bank;
    static std::string failure;
    const std::lock_guard lock(mutex);
    if (!bank && failure.empty()) {
        auto built = build();
        if (built) {
            bank.reset(new SpeechBank(std::move(*built)));
        } else {
            failure = built.error();
        }
    }
    if (!bank) {
        return tl::unexpected(failure);
    }
    return bank.get();
}

const SpeechBank::Audio* SpeechBank::find(const Voice& voice, std::string_view pinyin) const {
    const auto found = m_audio.find(keyOf(voice, pinyin));
    return found == m_audio.end() ? nullptr : &found->second;
}

} // namespace callqc::demo
