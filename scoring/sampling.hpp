#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "scoring/language.hpp"

namespace callqc::scoring {

// xoshiro256** 1.0 (Blackman and Vigna, https://prng.di.unimi.it/), seeded through splitmix64
// as its authors recommend. Written here rather than taken from <random> so a seed gives the
// same sample on every platform and standard library.
class SampleRng {
public:
    explicit SampleRng(std::uint64_t seed);

    [[nodiscard]] std::uint64_t next();
    // Uniform in [0, bound) without modulo bias (rejection sampling); bound >= 1.
    [[nodiscard]] std::uint64_t below(std::uint64_t bound);

private:
    std::array<std::uint64_t, 4> m_state{};
};

// One step of splitmix64 (Steele, Lea, Flood 2014): advances `state` and returns a mixed value.
[[nodiscard]] std::uint64_t splitmix64(std::uint64_t& state);

struct SampleCandidate {
    std::string callId;
    std::string agentId;
    double durationSec = 0;
};

struct SampleRules {
    int perAgent = 5;          // calls to pick per agent; <= 0 picks nothing
    std::uint64_t seed = 0;    // the same seed and calls always give the same picks
    double minDurationSec = 0; // shorter calls are never picked
};

struct SamplePick {
    std::string callId;
    std::string agentId;
    std::string reason; // "random"

    bool operator==(const SamplePick&) const = default;
};

struct AgentSample {
    std::string agentId;
    int eligible = 0; // distinct calls at least minDurationSec long
    int tooShort = 0; // distinct calls skipped for being shorter
    int picked = 0;
    std::string explanation; // e.g. "3 of 7 calls, seed 42"
};

struct SamplePlan {
    std::vector<SamplePick> picks;   // by agent id, then call id
    std::vector<AgentSample> agents; // by agent id; every agent that had a candidate
};

// Picks up to rules.perAgent calls per agent, uniformly at random without replacement.
// Deterministic: the result depends only on the set of candidates and the rules, not on their
// order (candidates are sorted by call id first; a repeated call id counts once, the first
// after sorting by call id and agent id). Each agent's picks depend only on the seed, the agent
// id and that agent's calls, so adding another agent's calls does not change them. When an
// agent has fewer eligible calls than perAgent, all of them are picked.
[[nodiscard]] SamplePlan planSample(const std::vector<SampleCandidate>& calls,
                                    const SampleRules& rules, Language language = Language::En);

} // namespace callqc::scoring
