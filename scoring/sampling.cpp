#include "scoring/sampling.hpp"

#include <algorithm>
#include <iterator>
#include <limits>
#include <map>
#include <tuple>
#include <utility>

#include <fmt/format.h>

#include "scoring/score.hpp"
#include "scoring/toml_support.hpp"

namespace callqc::scoring {

namespace {

std::uint64_t rotl(std::uint64_t x, int k) {
    return (x << k) | (x >> (64 - k));
}

struct AgentFacts {
    bool focus = false;
    std::optional<int> daysSinceHire;
};

bool isNewHire(const AgentFacts& facts, const SampleRules& rules) {
    return facts.daysSinceHire && *facts.daysSinceHire >= 0 &&
           *facts.daysSinceHire <= rules.newHireDays;
}

std::string explainAgent(const AgentSample& agent, const SampleRules& rules, Language language) {
    const bool zh = language == Language::Zh;
    std::string text;
    if (agent.wanted > 0 && agent.eligible == 0) {
        text = zh ? fmt::format("没有可抽的录音,种子 {}", rules.seed)
                  : fmt::format("no eligible calls, seed {}", rules.seed);
    } else if (agent.eligible < agent.wanted) {
        text = zh ? fmt::format("共 {} 通,少于 {} 通,全部抽取,种子 {}", agent.eligible,
                                agent.wanted, rules.seed)
                  : fmt::format("all {} of {} calls (fewer than {}), seed {}", agent.picked,
                                agent.eligible, agent.wanted, rules.seed);
    } else {
        text =
            zh ? fmt::format("{} 通中抽取 {} 通,种子 {}", agent.eligible, agent.picked, rules.seed)
               : fmt::format("{} of {} calls, seed {}", agent.picked, agent.eligible, rules.seed);
    }
    const bool focusExtra = agent.focus && rules.extraFocus > 0;
    const bool newHireExtra = agent.newHire && rules.extraNewHire > 0;
    if (rules.perAgent > 0 && (focusExtra || newHireExtra)) {
        text += zh ? fmt::format(";配额 {}", rules.perAgent)
                   : fmt::format("; quota {}", rules.perAgent);
        if (focusExtra) {
            text += zh ? fmt::format(" + 重点监听 {}", rules.extraFocus)
                       : fmt::format(" + {} focus agent", rules.extraFocus);
        }
        if (newHireExtra) {
            text += zh ? fmt::format(" + 新员工 {}(入职 {} 天)", rules.extraNewHire,
                                     *agent.daysSinceHire)
                       : fmt::format(" + {} new hire ({} days since hire)", rules.extraNewHire,
                                     *agent.daysSinceHire);
        }
    }
    if (agent.complaints > 0) {
        text += zh ? fmt::format(";另抽投诉录音 {} 通", agent.complaints)
                   : fmt::format("; plus {} with a complaint", agent.complaints);
    }
    if (agent.alreadyEvaluated > 0) {
        text += zh ? fmt::format(";{} 通已评过未抽", agent.alreadyEvaluated)
                   : fmt::format("; {} already evaluated skipped", agent.alreadyEvaluated);
    }
    if (agent.tooShort > 0) {
        text += zh ? fmt::format(";{} 通短于 {} 秒未抽", agent.tooShort,
                                 formatPoints(rules.minDurationSec))
                   : fmt::format("; {} shorter than {} s skipped", agent.tooShort,
                                 formatPoints(rules.minDurationSec));
    }
    return text;
}

std::string explainPick(std::string_view reason, const AgentSample& agent, const SampleRules& rules,
                        Language language) {
    const bool zh = language == Language::Zh;
    if (reason == kReasonComplaint) {
        return zh ? std::string("客户投诉:投诉录音全部抽检")
                  : std::string("customer complaint: every complained-of call is inspected");
    }
    if (reason == kReasonFocus) {
        return zh ? fmt::format("重点监听座席:加抽 {} 通", rules.extraFocus)
                  : fmt::format("focus agent: {} extra calls", rules.extraFocus);
    }
    if (reason == kReasonNewHire) {
        return zh ? fmt::format("新员工(入职 {} 天):加抽 {} 通", *agent.daysSinceHire,
                                rules.extraNewHire)
                  : fmt::format("new hire ({} days since hire): {} extra calls",
                                *agent.daysSinceHire, rules.extraNewHire);
    }
    return zh ? fmt::format("随机抽样:每位座席每天 {} 通,种子 {}", rules.perAgent, rules.seed)
              : fmt::format("random: {} a day per agent, seed {}", rules.perAgent, rules.seed);
}

std::size_t nonNegative(int value) {
    return value > 0 ? static_cast<std::size_t>(value) : 0;
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
        std::vector<const SampleCandidate*> eligible;   // by call id
        std::vector<const SampleCandidate*> complaints; // by call id
        int tooShort = 0;
        int alreadyEvaluated = 0;
        AgentFacts facts;
    };
    std::map<std::string, AgentCalls, std::less<>> byAgent;
    for (const SampleCandidate* call : sorted) {
        AgentCalls& agent = byAgent[call->agentId];
        agent.facts.focus = agent.facts.focus || call->focusAgent;
        if (call->daysSinceHire &&
            (!agent.facts.daysSinceHire || *call->daysSinceHire < *agent.facts.daysSinceHire)) {
            agent.facts.daysSinceHire = call->daysSinceHire;
        }
        if (call->alreadyEvaluated) {
            ++agent.alreadyEvaluated;
        } else if (call->complaint) {
            agent.complaints.push_back(call);
        } else if (call->durationSec >= rules.minDurationSec) {
            agent.eligible.push_back(call);
        } else {
            ++agent.tooShort;
        }
    }

    SamplePlan plan;
    for (auto& [agentId, agentCalls] : byAgent) {
        AgentSample summary;
        summary.agentId = agentId;
        summary.focus = agentCalls.facts.focus;
        summary.newHire = isNewHire(agentCalls.facts, rules);
        summary.daysSinceHire = agentCalls.facts.daysSinceHire;

        const std::size_t base = nonNegative(rules.perAgent);
        const std::size_t focusExtra =
            base > 0 && summary.focus ? nonNegative(rules.extraFocus) : 0;
        const std::size_t newHireExtra =
            base > 0 && summary.newHire ? nonNegative(rules.extraNewHire) : 0;
        const std::size_t wanted = base + focusExtra + newHireExtra;

        std::vector<const SampleCandidate*>& pool = agentCalls.eligible;
        std::stable_sort(pool.begin(), pool.end(), [](const auto* a, const auto* b) {
            return a->startSecOfDay < b->startSecOfDay;
        });
        std::uint64_t agentSeed = rules.seed ^ detail::fnv1a64(agentId);
        SampleRng rng(splitmix64(agentSeed));

        // Systematic sampling with a random start (Cochran, Sampling Techniques, 3rd ed., ch. 8),
        // in integer arithmetic: the points u, u + M, ..., u + (q - 1) M on [0, qM), each mapped
        // to the call whose slot [iq, iq + q) holds it.
        std::vector<const SampleCandidate*> chosen;
        if (wanted >= pool.size()) {
            chosen = pool;
        } else if (wanted > 0) {
            const std::size_t size = pool.size();
            const auto start = static_cast<std::size_t>(rng.below(size));
            for (std::size_t k = 0; k < wanted; ++k) {
                chosen.push_back(pool[(start + k * size) / wanted]);
            }
        }
        // Fisher-Yates (Durstenfeld) shuffle, so the labels below fall on random picks.
        for (std::size_t i = chosen.size(); i > 1; --i) {
            const auto j = static_cast<std::size_t>(rng.below(i));
            std::swap(chosen[i - 1], chosen[j]);
        }

        summary.eligible = static_cast<int>(pool.size());
        summary.tooShort = agentCalls.tooShort;
        summary.alreadyEvaluated = agentCalls.alreadyEvaluated;
        summary.complaints = static_cast<int>(agentCalls.complaints.size());
        summary.wanted = static_cast<int>(wanted);
        summary.picked = static_cast<int>(chosen.size());
        summary.explanation = explainAgent(summary, rules, language);

        std::vector<SamplePick> agentPicks;
        for (std::size_t i = 0; i < chosen.size(); ++i) {
            const std::string_view reason = i < base                ? kReasonRandom
                                            : i < base + focusExtra ? kReasonFocus
                                                                    : kReasonNewHire;
            agentPicks.push_back({chosen[i]->callId,
                                  agentId,
                                  std::string(reason),
                                  explainPick(reason, summary, rules, language),
                                  {}});
        }
        for (const SampleCandidate* call : agentCalls.complaints) {
            agentPicks.push_back({call->callId,
                                  agentId,
                                  std::string(kReasonComplaint),
                                  explainPick(kReasonComplaint, summary, rules, language),
                                  {}});
        }
        std::sort(agentPicks.begin(), agentPicks.end(),
                  [](const auto& a, const auto& b) { return a.callId < b.callId; });
        std::move(agentPicks.begin(), agentPicks.end(), std::back_inserter(plan.picks));

        if (wanted > pool.size()) {
            plan.shortfalls.push_back({agentId, summary.wanted, summary.eligible});
        }
        plan.agents.push_back(std::move(summary));
    }

    std::vector<std::string> inspectors = rules.inspectors;
    std::sort(inspectors.begin(), inspectors.end());
    inspectors.erase(std::unique(inspectors.begin(), inspectors.end()), inspectors.end());
    if (!inspectors.empty()) {
        std::uint64_t dealSeed = rules.seed ^ detail::fnv1a64("inspectors");
        SampleRng rng(splitmix64(dealSeed));
        for (std::size_t i = inspectors.size(); i > 1; --i) {
            const auto j = static_cast<std::size_t>(rng.below(i));
            std::swap(inspectors[i - 1], inspectors[j]);
        }
        // Runs of ceil(P / I) for the first P % I inspectors, floor(P / I) for the rest.
        const std::size_t total = plan.picks.size();
        const std::size_t share = total / inspectors.size();
        const std::size_t larger = total % inspectors.size();
        std::size_t next = 0;
        for (std::size_t who = 0; who < inspectors.size(); ++who) {
            const std::size_t run = share + (who < larger ? 1 : 0);
            for (std::size_t i = 0; i < run; ++i) {
                plan.picks[next++].inspector = inspectors[who];
            }
        }
    }
    return plan;
}

} // namespace callqc::scoring
