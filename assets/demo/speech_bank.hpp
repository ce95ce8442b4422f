#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <tl/expected.hpp>

#include "assets/demo/speech_synth.hpp"

namespace callqc::demo {

/// Every utterance the demo day can contain — each agent's greeting and every phrase-bank line in
/// each voice that can say it — synthesised once per process, in a fixed order, from a fixed
/// rand() seed. espeak-ng's output depends on what it synthesised before, so this is what makes
/// a seed give the same day whenever and how often it is generated in a process.
///
/// Built on the first `instance()` (a few seconds; it holds the espeak-ng engine while it does)
/// and kept, read-only, until the process exits (some tens of MB of 16-bit audio). Any thread may
/// call `instance()` and `find`.
class SpeechBank {
public:
    /// Audio at kCallRateHz, peak at full scale, trimmed, padded with zeros to whole 10 ms.
    using Audio = std::vector<std::int16_t>;

    [[nodiscard]] static tl::expected<const SpeechBank*, std::string> instance();

    /// `pinyin` in `voice`, or nullptr if that combination is not in the bank (a line missing from
    /// callLines(), or a voice missing from the roster).
    [[nodiscard]] const Audio* find(const Voice& voice, std::string_view pinyin) const;

    [[nodiscard]] std::size_t size() const { return m_audio.size(); }

private:
    SpeechBank() = default;
    static tl::expected<SpeechBank, std::string> build();

    std::unordered_map<std::string, Audio> m_audio;
};

} // namespace callqc::demo
