#include "scoring/sampling.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "scoring/score.hpp"
#include "scoring/toml_support.hpp"

namespace callqc::scoring {

namespace {

constexpr std::string_view kRandomReason = "random";

std::uint64_t rotl(std::uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

std::string explain(const AgentSample& agent, const SampleRules& rules, Language language) {
    const bool zh = language == Language::Zh;
    std::string text;
    if (agent.eligible == 0) {
        text = zh ? fmt::format("没有可抽的录音,种子 {}", rules.seed)
                  : fmt::format("no eligible calls, seed {}", rules.seed);
    } else if (agent.picked == agent.eligible && agent.eligible < rules.perAgent) {
        text = zh ? fmt::format("共 {} 通,少于 {} 通,全部抽取,种子 {}", agent.eligible,
                                rules.perAgent, rules.seed)
                  : fmt::format("all {} of {} calls (fewer than {}), seed {}", agent.picked,
                                agent.eligible, rules.perAgent, rules.seed);
    } else {
        text =
            zh ? fmt::format("{} 通中抽取 {} 通,种子 {}", agent.eligible, agent.picked, rules.seed)
               : fmt::format("{} of {} calls, seed {}", agent.picked, agent.eligible, rules.seed);
    }
    if (agent.tooShort > 0) {
        text += zh ? fmt::format(";{} 通短于 {} 秒未抽", agent.tooShort,
                                 formatPoints(rules.minDurationSec))
                   : fmt::format("; {} shorter than {} s skipped", agent.tooShort,
                                 formatPoints(rules.minDurationSec));
    }
    return text;
}

} // namespace

std::uint64_t splitmix64(std::uint64_t& state) {
    state += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

SampleRng::SampleRng(std::uint64_t seed) {
    for (std::uint64_t& word : m_state) {
        word = splitmix64(seed);
    }
}

std::uint64_t SampleRng::next() {
    const std::uint64_t result = rotl(m_state[1] * 5, 7) * 9;
    const std::uint64_t t = m_state[1] << 17;
    m_state[2] ^= m_state[0];
    m_state[3] ^= m_state[1];
    m_state[1] ^= m_state[2];
    m_state[0] ^= m_state[3];
    m_state[2] ^= t;
    m_state[3] = rotl(m_state[3], 45);
    return result;
}

std::uint64_t SampleRng::below(std::uint64_t bound) {
    // Accept only values under the largest multiple of bound, so every residue is equally
    // likely.
    const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() -
                                std::numeric_limits<std::uint64_t>::max() % bound;
    std::uint64_t value = next();
    while (value >= limit) {
        value = next();
    }
    return value % bound;
}

SamplePlan planSample(const std::vector<SampleCandidate>& calls, const SampleRules& rules,
                      Language language) {
    std::vector<const SampleCandidate*> sorted;
    sorted.reserve(calls.size());
    for (const SampleCandidate& call : calls) {
        sorted.push_back(&call);
    }
    std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
        return std::tie(a->callId, a->agentId) < std::tie(b->callId, b->agentId);
    });
    sorted.erase(std::unique(sorted.begin(), sorted.end(),
                             [](const auto* a, const auto* b) { return a->callId == b->callId; }),
                 sorted.end());

    struct AgentCalls {
        std::vector<const SampleCandidate*> eligible; // by call id
        int tooShort = 0;
    };
    std::map<std::string, AgentCalls, std::less<>> byAgent;
    for (const SampleCandidate* call : sorted) {
        AgentCalls& agent = byAgent[call->agentId];
        if (call->durationSec >= rules.minDurationSec) {
            agent.eligible.push_back(call);
        } else {
            ++agent.tooShort;
        }
    }

    SamplePlan plan;
    for (auto& [agentId, agentCalls] : byAgent) {
        std::vector<const SampleCandidate*>& pool = agentCalls.eligible;
        const std::size_t wanted =
            rules.perAgent > 0 ? static_cast<std::size_t>(rules.perAgent) : 0;
        const std::size_t count = std::min(wanted, pool.size());

        // Partial Fisher-Yates shuffle (Durstenfeld): the first `count` slots become a uniform
        // random subset of the pool.
        std::uint64_t agentSeed = rules.seed ^ detail::fnv1a64(agentId);
        SampleRng rng(splitmix64(agentSeed));
        for (std::size_t i = 0; i < count; ++i) {
            const std::size_t j = i + static_cast<std::size_t>(rng.below(pool.size() - i));
            std::swap(pool[i], pool[j]);
        }
        std::vector<const SampleCandidate*> chosen(
            pool.begin(), pool.begin() + static_cast<std::ptrdiff_t>(count));
        std::sort(chosen.begin(), chosen.end(),
                  [](const auto* a, const auto* b) { return a->callId < b->callId; });
        for (const SampleCandidate* call : chosen) {
            plan.picks.push_back({call->callId, call->agentId, std::string(kRandomReason)});
        }

        AgentSample summary;
        summary.agentId = agentId;
        summary.eligible = static_cast<int>(pool.size());
        summary.tooShort = agentCalls.tooShort;
        summary.picked = static_cast<int>(count);
        summary.explanation = explain(summary, rules, language);
        plan.agents.push_back(std::move(summary));
    }
    return plan;
}

} // namespace callqc::scoring
