#include "assets/demo/call_builder.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

namespace callqc::demo {

namespace {

constexpr float kAgentGain = 0.5f;    // peaks at -6 dBFS
constexpr float kCustomerGain = 0.3f; // peaks at about -10.5 dBFS: the far end is quieter
// Triangular noise on [-a, a] has an RMS of a / sqrt(6).
constexpr float kAgentNoise = 0.00436f;    // -55 dBFS RMS
constexpr float kCustomerNoise = 0.00615f; // -52 dBFS RMS: a mobile line is noisier
constexpr float kMonoNoise = 0.00518f;     // -53.5 dBFS RMS

constexpr std::int64_t kMinLengthCs = 2000;
constexpr std::int64_t kMaxLengthCs = 24000;
constexpr std::int64_t kLeadInMaxCs = 100;
constexpr std::int64_t kTailMaxCs = 150;
constexpr std::int64_t kGapMinCs = 30;
constexpr std::int64_t kGapMeanCs = 90;
constexpr std::int64_t kGapMaxCs = 150;
constexpr std::int64_t kOverlapMaxCs = 200;
constexpr std::int64_t kGsmBlockCs = 4; // 320 samples: a whole number of GSM 6.10 blocks

struct Turn {
    Speaker speaker;
    std::string text;
    const SpeechBank::Audio* audio; ///< owned by the process's SpeechBank
    std::int64_t lengthCs;
    bool deadAirBefore = false;
    bool isHold = false;
};

/// A call's turns before placement. `middle` holds the optional question-and-answer exchanges;
/// `forbidden` goes among them at `forbiddenAt`, and `hold` before one of the agent's answers.
struct Script {
    std::vector<Turn> head;
    std::vector<std::vector<Turn>> middle;
    std::vector<Turn> forbidden;
    std::size_t forbiddenAt = 0;
    std::vector<Turn> hold;
    std::vector<Turn> tail;
};

std::int64_t speechCs(const std::vector<Turn>& turns) {
    std::int64_t total = 0;
    for (const Turn& turn : turns) {
        total += turn.lengthCs;
    }
    return total;
}

class CallScripter {
public:
    CallScripter(const CallSpec& spec, const SpeechBank& speech, Prng& rng)
        : m_spec(spec), m_speech(speech), m_rng(rng),
          m_greeting(greeting(spec.queue, spec.employeeNo)) {}

    tl::expected<CallAudio, std::string> build();

private:
    tl::expected<Turn, std::string> say(const Line& line) {
        const Voice& voice =
            line.speaker == Speaker::Agent ? m_spec.agentVoice : m_spec.customerVoice;
        const SpeechBank::Audio* audio = m_speech.find(voice, line.pinyin);
        if (audio == nullptr) {
            return tl::unexpected(
                fmt::format("no synthesised speech for \"{}\" in voice {}", line.text, voice.name));
        }
        return Turn{line.speaker, line.text, audio,
                    static_cast<std::int64_t>(audio->size()) / kSamplesPerCs};
    }

    tl::expected<void, std::string> append(std::vector<Turn>& out, const Exchange& lines) {
        for (const Line& line : lines) {
            auto turn = say(line);
            if (!turn) {
                return tl::unexpected(turn.error());
            }
            out.push_back(*turn);
        }
        return {};
    }

    tl::expected<Script, std::string> script(std::int64_t deadAirCs);
    std::vector<Turn> flatten(const Script& script);
    CallAudio place(const std::vector<Turn>& turns, std::int64_t deadAirCs);

    const CallSpec& m_spec;
    const SpeechBank& m_speech;
    Prng& m_rng;
    Line m_greeting;
};

tl::expected<Script, std::string> CallScripter::script(std::int64_t deadAirCs) {
    const QueueScript& queue = queueScript(m_spec.queue);
    Script s;
    const Exchange& opening = queue.openings[m_rng.index(queue.openings.size())];
    if (auto ok = append(s.head, {m_greeting, opening.front()}); !ok) {
        return tl::unexpected(ok.error());
    }
    if (!queue.verification.empty() && m_spec.targetSec >= 40) {
        if (auto ok = append(s.head, queue.verification); !ok) {
            return tl::unexpected(ok.error());
        }
    }
    if (auto ok = append(s.head, Exchange(opening.begin() + 1, opening.end())); !ok) {
        return tl::unexpected(ok.error());
    }

    if (m_spec.confirmation) {
        if (auto ok = append(s.tail, confirmation(m_spec.femaleCustomer)); !ok) {
            return tl::unexpected(ok.error());
        }
    }
    if (m_spec.targetSec >= 35 || m_rng.chance(0.5)) {
        if (auto ok = append(s.tail, anythingElse(queue.outbound)); !ok) {
            return tl::unexpected(ok.error());
        }
    }
    if (auto ok = append(s.tail, closing(queue.outbound)); !ok) {
        return tl::unexpected(ok.error());
    }

    if (m_spec.forbidden) {
        const auto& all = forbiddenExchanges();
        if (auto ok = append(s.forbidden, all[m_rng.index(all.size())]); !ok) {
            return tl::unexpected(ok.error());
        }
        if (m_rng.chance(0.5)) {
            if (auto ok = append(s.forbidden, forbiddenAftermath()); !ok) {
                return tl::unexpected(ok.error());
            }
        }
    }
    if (m_spec.deadAir) {
        if (auto ok = append(s.hold, {holdLine(), holdReturnLine()}); !ok) {
            return tl::unexpected(ok.error());
        }
        s.hold[0].isHold = true;
        s.hold[1].deadAirBefore = true;
    }

    // Add question-and-answer exchanges until the estimated length reaches the target. The
    // estimate uses the mean gap; it must also reach 20 s with the shortest gaps. build() makes
    // sure the placed call stays under 240 s.
    std::vector<const Exchange*> pool;
    for (const Exchange& e : queue.topics) {
        pool.push_back(&e);
    }
    for (const Exchange& e : genericExchanges(queue.outbound)) {
        pool.push_back(&e);
    }
    m_rng.shuffle(pool);
    std::size_t next = 0;

    std::int64_t speech =
        speechCs(s.head) + speechCs(s.tail) + speechCs(s.forbidden) + speechCs(s.hold);
    auto turnCount = static_cast<std::int64_t>(s.head.size() + s.tail.size() + s.forbidden.size() +
                                               s.hold.size());
    const auto estimate = [&](std::int64_t speechTotal, std::int64_t turns, std::int64_t gap) {
        return kLeadInMaxCs + speechTotal + turns * gap + deadAirCs + kTailMaxCs;
    };
    const std::int64_t lowFloor = kMinLengthCs + 50 + (m_spec.overtalk ? 2 * kOverlapMaxCs : 0);
    const std::int64_t targetCs =
        std::min(static_cast<std::int64_t>(m_spec.targetSec * 100), kMaxLengthCs - 300);
    for (int guard = 0; guard < 200; ++guard) {
        if (next == pool.size()) {
            m_rng.shuffle(pool);
            next = 0;
        }
        std::vector<Turn> candidate;
        if (auto ok = append(candidate, *pool[next]); !ok) {
            return tl::unexpected(ok.error());
        }
        const std::int64_t withSpeech = speech + speechCs(candidate);
        const auto withTurns = turnCount + static_cast<std::int64_t>(candidate.size());
        const bool tooShort = estimate(speech, turnCount, kGapMinCs) < lowFloor;
        const bool fits = estimate(withSpeech, withTurns, kGapMeanCs) <= targetCs;
        if (!tooShort && !fits) {
            break;
        }
        s.middle.push_back(std::move(candidate));
        speech = withSpeech;
        turnCount = withTurns;
        ++next;
    }
    s.forbiddenAt = m_rng.index(s.middle.size() + 1);
    return s;
}

std::vector<Turn> CallScripter::flatten(const Script& s) {
    std::vector<Turn> turns = s.head;
    for (std::size_t i = 0; i <= s.middle.size(); ++i) {
        if (i == std::min(s.forbiddenAt, s.middle.size())) {
            turns.insert(turns.end(), s.forbidden.begin(), s.forbidden.end());
        }
        if (i < s.middle.size()) {
            turns.insert(turns.end(), s.middle[i].begin(), s.middle[i].end());
        }
    }
    const std::size_t tailStart = turns.size();
    turns.insert(turns.end(), s.tail.begin(), s.tail.end());

    if (!s.hold.empty()) {
        // The agent puts the customer on hold just before answering a question.
        std::vector<std::size_t> candidates;
        for (std::size_t i = 2; i < tailStart; ++i) {
            if (turns[i - 1].speaker == Speaker::Customer && turns[i].speaker == Speaker::Agent) {
                candidates.push_back(i);
            }
        }
        const std::size_t at =
            candidates.empty() ? tailStart : candidates[m_rng.index(candidates.size())];
        turns.insert(turns.begin() + static_cast<std::ptrdiff_t>(at), s.hold.begin(), s.hold.end());
    }
    return turns;
}

CallAudio CallScripter::place(const std::vector<Turn>& turns, std::int64_t deadAirCs) {
    std::set<std::size_t> overtalkAt;
    if (m_spec.overtalk) {
        std::vector<std::size_t> candidates;
        for (std::size_t i = 1; i < turns.size(); ++i) {
            if (turns[i - 1].speaker == Speaker::Agent && turns[i].speaker == Speaker::Customer &&
                turns[i - 1].lengthCs >= 150 && !turns[i - 1].isHold && !turns[i].deadAirBefore) {
                candidates.push_back(i);
            }
        }
        m_rng.shuffle(candidates);
        const std::size_t wanted = m_rng.chance(0.3) ? 2 : 1;
        for (std::size_t k = 0; k < std::min(wanted, candidates.size()); ++k) {
            overtalkAt.insert(candidates[k]);
        }
    }

    CallAudio call;
    std::int64_t latestEnd = m_rng.between(30, kLeadInMaxCs);
    for (std::size_t i = 0; i < turns.size(); ++i) {
        const Turn& turn = turns[i];
        std::int64_t start = latestEnd;
        if (i > 0) {
            const Turn& previous = turns[i - 1];
            const PlacedSegment& previousPlaced = call.segments.back();
            if (turn.deadAirBefore) {
                start = latestEnd + deadAirCs;
            } else if (overtalkAt.contains(i)) {
                const std::int64_t overlap =
                    std::min(m_rng.between(50, kOverlapMaxCs), previous.lengthCs - 50);
                start = std::max(previousPlaced.startCs + 30, previousPlaced.endCs - overlap);
            } else if (previous.speaker == turn.speaker) {
                start = latestEnd + m_rng.between(20, 60);
            } else {
                start = latestEnd + m_rng.between(kGapMinCs, kGapMaxCs);
            }
        }
        call.segments.push_back({turn.speaker, start, start + turn.lengthCs, turn.text});
        latestEnd = std::max(latestEnd, start + turn.lengthCs);
    }

    std::int64_t lengthCs = latestEnd + m_rng.between(50, kTailMaxCs);
    lengthCs = std::max(lengthCs, kMinLengthCs);
    lengthCs = (lengthCs + kGsmBlockCs - 1) / kGsmBlockCs * kGsmBlockCs;

    const auto samples = static_cast<std::size_t>(lengthCs * kSamplesPerCs);
    call.agent.assign(samples, 0.0f);
    call.customer.assign(samples, 0.0f);
    for (std::size_t i = 0; i < turns.size(); ++i) {
        const bool agent = turns[i].speaker == Speaker::Agent;
        std::vector<float>& channel = agent ? call.agent : call.customer;
        const float gain = (agent ? kAgentGain : kCustomerGain) / 32768.0f;
        const auto offset = static_cast<std::size_t>(call.segments[i].startCs * kSamplesPerCs);
        const SpeechBank::Audio& audio = *turns[i].audio;
        for (std::size_t k = 0; k < audio.size(); ++k) {
            channel[offset + k] += gain * static_cast<float>(audio[k]);
        }
    }
    std::stable_sort(
        call.segments.begin(), call.segments.end(),
        [](const PlacedSegment& x, const PlacedSegment& y) { return x.startCs < y.startCs; });
    return call;
}

tl::expected<CallAudio, std::string> CallScripter::build() {
    const std::int64_t deadAirCs = m_spec.deadAir ? m_rng.between(800, 2000) : 0;
    auto s = script(deadAirCs);
    if (!s) {
        return tl::unexpected(s.error());
    }
    for (;;) {
        CallAudio call = place(flatten(*s), deadAirCs);
        // Long gaps can push a call past 4 minutes: then it loses its last exchange.
        if (call.lengthCs() <= kMaxLengthCs || s->middle.empty()) {
            return call;
        }
        s->middle.pop_back();
    }
}

} // namespace

tl::expected<CallAudio, std::string> buildCall(const CallSpec& spec, const SpeechBank& speech,
                                               Prng& rng) {
    CallScripter scripter(spec, speech, rng);
    return scripter.build();
}

audio::PcmBuffer renderCall(const CallAudio& call, bool stereo, Prng& noise) {
    const auto triangular = [&noise](float amplitude) {
        return amplitude * static_cast<float>(noise.uniform() + noise.uniform() - 1.0);
    };
    audio::PcmBuffer pcm;
    pcm.sampleRateHz = kCallRateHz;
    const std::size_t frames = call.agent.size();
    if (stereo) {
        pcm.channels.assign(2, std::vector<float>(frames));
        for (std::size_t i = 0; i < frames; ++i) {
            pcm.channels[0][i] = call.agent[i] + triangular(kAgentNoise);
            pcm.channels[1][i] = call.customer[i] + triangular(kCustomerNoise);
        }
    } else {
        pcm.channels.assign(1, std::vector<float>(frames));
        for (std::size_t i = 0; i < frames; ++i) {
            pcm.channels[0][i] = call.agent[i] + call.customer[i] + triangular(kMonoNoise);
        }
    }
    return pcm;
}

} // namespace callqc::demo
