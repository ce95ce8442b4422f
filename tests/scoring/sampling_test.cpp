#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <tuple>

#include <gtest/gtest.h>

#include "scoring/sampling.hpp"

namespace {

using callqc::scoring::Language;
using callqc::scoring::planSample;
using callqc::scoring::SampleCandidate;
using callqc::scoring::SamplePick;
using callqc::scoring::SampleRules;

// `count` calls of 60 s for agent `agent`, ids "<agent>-000", "<agent>-001", ...
std::vector<SampleCandidate> callsOf(const std::string& agent, int count, double durationSec = 60) {
    std::vector<SampleCandidate> calls;
    for (int i = 0; i < count; ++i) {
        char id[16];
        std::snprintf(id, sizeof id, "-%03d", i);
        calls.push_back({agent + id, agent, durationSec});
    }
    return calls;
}

std::vector<SampleCandidate> day() {
    std::vector<SampleCandidate> calls = callsOf("A01", 30);
    for (auto& call : callsOf("B02", 7)) {
        calls.push_back(call);
    }
    for (auto& call : callsOf("C03", 2)) {
        calls.push_back(call);
    }
    return calls;
}

std::vector<std::string> picksOf(const std::vector<SamplePick>& picks, const std::string& agent) {
    std::vector<std::string> ids;
    for (const auto& pick : picks) {
        if (pick.agentId == agent) {
            ids.push_back(pick.callId);
        }
    }
    return ids;
}

TEST(SampleRng, splitmix64MatchesTheReferenceSequence) {
    // Reference values of splitmix64 started from state 0 (Vigna's splitmix64.c).
    std::uint64_t state = 0;
    EXPECT_EQ(callqc::scoring::splitmix64(state), 0xe220a8397b1dcdafULL);
    EXPECT_EQ(callqc::scoring::splitmix64(state), 0x6e789e6aa1b965f4ULL);
    EXPECT_EQ(callqc::scoring::splitmix64(state), 0x06c45d188009454fULL);
}

TEST(SampleRng, belowStaysInRange) {
    callqc::scoring::SampleRng rng(7);
    for (std::uint64_t bound : {1ULL, 2ULL, 3ULL, 10ULL, 1000ULL, (1ULL << 63) + 1}) {
        for (int i = 0; i < 200; ++i) {
            EXPECT_LT(rng.below(bound), bound);
        }
    }
}

TEST(Sampling, sameSeedSamePicks) {
    const SampleRules rules{5, 42, 0};
    const auto first = planSample(day(), rules);
    const auto second = planSample(day(), rules);
    EXPECT_EQ(first.picks, second.picks);
    EXPECT_EQ(picksOf(first.picks, "A01").size(), 5u);
    EXPECT_EQ(first.picks.front().reason, "random");
}

TEST(Sampling, inputOrderDoesNotMatter) {
    const SampleRules rules{5, 42, 0};
    const auto expected = planSample(day(), rules).picks;
    auto reversed = day();
    std::reverse(reversed.begin(), reversed.end());
    EXPECT_EQ(planSample(reversed, rules).picks, expected);
    auto rotated = day();
    std::rotate(rotated.begin(), rotated.begin() + 11, rotated.end());
    EXPECT_EQ(planSample(rotated, rules).picks, expected);
}

TEST(Sampling, differentSeedsPickDifferentCalls) {
    const auto one = planSample(day(), {5, 1, 0});
    const auto two = planSample(day(), {5, 2, 0});
    EXPECT_NE(picksOf(one.picks, "A01"), picksOf(two.picks, "A01"));
    EXPECT_NE(one.agents[0].explanation, two.agents[0].explanation);
}

TEST(Sampling, fewerCallsThanWantedTakesAllOfThem) {
    const auto plan = planSample(day(), {5, 42, 0});
    EXPECT_EQ(picksOf(plan.picks, "C03"), (std::vector<std::string>{"C03-000", "C03-001"}));
    ASSERT_EQ(plan.agents.size(), 3u);
    EXPECT_EQ(plan.agents[2].agentId, "C03");
    EXPECT_EQ(plan.agents[2].picked, 2);
    EXPECT_EQ(plan.agents[2].explanation, "all 2 of 2 calls (fewer than 5), seed 42");
    EXPECT_EQ(plan.agents[1].explanation, "5 of 7 calls, seed 42");
    EXPECT_EQ(planSample(day(), {3, 42, 0}).agents[1].explanation, "3 of 7 calls, seed 42");
    EXPECT_EQ(planSample(day(), {3, 42, 0}, Language::Zh).agents[1].explanation,
              "7 通中抽取 3 通,种子 42");
}

TEST(Sampling, picksAreSortedByAgentThenCall) {
    const auto picks = planSample(day(), {5, 9, 0}).picks;
    EXPECT_TRUE(std::is_sorted(picks.begin(), picks.end(), [](const auto& a, const auto& b) {
        return std::tie(a.agentId, a.callId) < std::tie(b.agentId, b.callId);
    }));
    EXPECT_EQ(picks.size(), 12u);
}

TEST(Sampling, anAgentsPicksDoNotDependOnOtherAgents) {
    const SampleRules rules{4, 123, 0};
    const auto alone = planSample(callsOf("A01", 30), rules);
    const auto withOthers = planSample(day(), rules);
    EXPECT_EQ(picksOf(alone.picks, "A01"), picksOf(withOthers.picks, "A01"));
}

TEST(Sampling, shortCallsAreSkippedAndCounted) {
    auto calls = callsOf("A01", 4, 60);
    for (auto& call : callsOf("A01", 10, 5)) {
        call.callId = "A01-short" + call.callId;
        calls.push_back(call);
    }
    const auto plan = planSample(calls, {10, 42, 30});
    EXPECT_EQ(picksOf(plan.picks, "A01"),
              (std::vector<std::string>{"A01-000", "A01-001", "A01-002", "A01-003"}));
    EXPECT_EQ(plan.agents[0].tooShort, 10);
    EXPECT_EQ(plan.agents[0].eligible, 4);
    EXPECT_EQ(plan.agents[0].explanation,
              "all 4 of 4 calls (fewer than 10), seed 42; 10 shorter than 30 s skipped");

    const auto none = planSample(callsOf("Z09", 3, 5), {2, 42, 30});
    EXPECT_TRUE(none.picks.empty());
    EXPECT_EQ(none.agents[0].explanation,
              "no eligible calls, seed 42; 3 shorter than 30 s skipped");
}

TEST(Sampling, repeatedCallIdsCountOnce) {
    auto calls = callsOf("A01", 3);
    calls.push_back(calls[0]);
    calls.push_back(calls[1]);
    const auto plan = planSample(calls, {10, 42, 0});
    EXPECT_EQ(plan.picks.size(), 3u);
    EXPECT_EQ(plan.agents[0].eligible, 3);
}

TEST(Sampling, zeroPerAgentPicksNothing) {
    const auto plan = planSample(day(), {0, 42, 0});
    EXPECT_TRUE(plan.picks.empty());
    EXPECT_EQ(plan.agents.size(), 3u);
    EXPECT_TRUE(planSample({}, {5, 42, 0}).agents.empty());
}

TEST(Sampling, everyCallIsAboutEquallyLikely) {
    // 10 calls, 3 picked, over 20000 seeds: each call is expected 6000 times. The bounds are
    // far outside random variation (standard deviation about 65) but catch a biased shuffle.
    const auto calls = callsOf("A01", 10);
    std::map<std::string, int> counts;
    for (std::uint64_t seed = 0; seed < 20000; ++seed) {
        for (const auto& pick : planSample(calls, {3, seed, 0}).picks) {
            ++counts[pick.callId];
        }
    }
    ASSERT_EQ(counts.size(), 10u);
    for (const auto& [callId, count] : counts) {
        EXPECT_GT(count, 5600) << callId;
        EXPECT_LT(count, 6400) << callId;
    }
}

} // namespace
