#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
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

// Reason codes a pick carries (SamplePick::reason); stored with the batch, so never renamed.
inline constexpr std::string_view kReasonRandom = "random";       // the agent's base quota
inline constexpr std::string_view kReasonFocus = "focus";         // extra for a focus agent
inline constexpr std::string_view kReasonNewHire = "new_hire";    // extra for a new hire
inline constexpr std::string_view kReasonComplaint = "complaint"; // every complained-of call

// The minimum call length the issue asks for; what a default-constructed SampleRules uses.
inline constexpr double kDefaultMinDurationSec = 30;

// One call of the day that may be sampled. The agent facts (focusAgent, daysSinceHire) belong to
// the agent but travel on each call so the caller needs no second list; set them alike on all of
// an agent's calls. If they disagree, the agent is a focus agent when any call says so, and the
// smallest daysSinceHire wins, so the result still does not depend on the order of the calls.
struct SampleCandidate {
    std::string callId;
    std::string agentId;
    double durationSec = 0;
    int startSecOfDay = 0;              // local start, seconds since midnight; 0 if unknown
    bool complaint = false;             // a customer complained about this call
    bool alreadyEvaluated = false;      // has an evaluation already; never picked again
    bool focusAgent = false;            // agent flagged by QC or under a corrective-action notice
    std::optional<int> daysSinceHire{}; // days from hire date to sample date (0 = hired that day)
};

// Rules of a sampling plan. The first three fields are what older callers spell out as
// {perAgent, seed, minDurationSec}; the rest have defaults, so such aggregates keep working.
struct SampleRules {
    int perAgent = 5;                               // base calls per agent; <= 0 picks none
    std::uint64_t seed = 0;                         // same seed and calls -> same picks
    double minDurationSec = kDefaultMinDurationSec; // shorter calls are not picked at random
    int extraFocus = 2;                             // calls added to a focus agent's quota
    int extraNewHire = 2;                           // calls added to a new hire's quota
    int newHireDays = 30;                  // a new hire has 0 <= daysSinceHire <= newHireDays
    std::vector<std::string> inspectors{}; // on duty; order and repeats do not matter; may be empty
};

struct SamplePick {
    std::string callId;
    std::string agentId;
    std::string reason;      // one of the kReason* codes
    std::string explanation; // why, in the requested language
    std::string inspector;   // who listens to it; empty when rules.inspectors is empty

    bool operator==(const SamplePick&) const = default;
};

struct AgentSample {
    std::string agentId;
    int eligible = 0; // calls the quota is drawn from: long enough, not evaluated, no complaint
    int tooShort = 0; // calls skipped for being shorter than minDurationSec
    int alreadyEvaluated = 0; // calls skipped for having an evaluation
    int complaints = 0;       // complaint calls picked, on top of the quota
    int wanted = 0;           // the quota: perAgent, plus extras for a focus agent or new hire
    int picked = 0;           // quota picks: min(wanted, eligible); complaints not included
    bool focus = false;
    bool newHire = false;
    std::optional<int> daysSinceHire;
    std::string explanation; // e.g. "3 of 7 calls, seed 42"
};

// An agent with fewer eligible calls than its quota; complaint calls do not make up for it.
struct SampleShortfall {
    std::string agentId;
    int wanted = 0;
    int eligible = 0;

    bool operator==(const SampleShortfall&) const = default;
};

struct SamplePlan {
    std::vector<SamplePick> picks;           // by agent id, then call id
    std::vector<AgentSample> agents;         // by agent id; every agent that had a candidate
    std::vector<SampleShortfall> shortfalls; // by agent id
};

// Builds a day's sampling plan.
//
// Per agent: every call with complaint set is picked (reason "complaint"), however short, and is
// not counted against the quota. The quota, perAgent (+ extraFocus for a focus agent, +
// extraNewHire for a new hire; no extras when perAgent <= 0), is drawn from the eligible calls: not
// already evaluated, no complaint, at least minDurationSec long. Already-evaluated calls are never
// picked, complaint or not. When there are fewer eligible calls than the quota all are picked and
// the agent is listed in shortfalls.
//
// Spread over the day: the quota is drawn by systematic sampling with a random start over the
// agent's eligible calls ordered by start time (then call id, which is all that orders calls
// without a start time): with M calls and quota q < M the
// picks are the calls at floor((u + k*M) / q) for k = 0..q-1, u uniform in [0, M). Every call is
// picked with probability exactly q/M, and picks are at least floor(M/q) calls apart in time
// order, so an agent's picks follow that agent's own call volume through the day rather than
// clustering in the morning. The quota picks are then put in random order and labelled: the
// first perAgent "random", then extraFocus "focus", then extraNewHire "new_hire" (in a shortfall
// the random quota is filled first).
//
// Inspectors: the picks, in output order (by agent, then call), are dealt in contiguous runs to
// the inspectors, so an agent's calls stay with one inspector except where a run ends; run sizes
// differ by at most one. The inspectors take the runs in an order shuffled by the seed, so
// neither the first agents nor the extra call always go to the same person.
//
// Deterministic: the result depends only on the set of candidates and the rules, not on their
// order (a repeated call id counts once, the first after sorting by call id and agent id). Each
// agent's picks depend only on the seed, the agent id and that agent's calls, so adding another
// agent's calls does not change them (their inspector may change).
[[nodiscard]] SamplePlan planSample(const std::vector<SampleCandidate>& calls,
                                    const SampleRules& rules, Language language = Language::En);

} // namespace callqc::scoring
