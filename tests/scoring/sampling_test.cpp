#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "scoring/sampling.hpp"

namespace {

using callqc::scoring::Language;
using callqc::scoring::planSample;
using callqc::scoring::SampleCandidate;
using callqc::scoring::SamplePick;
using callqc::scoring::SampleRules;
using callqc::scoring::SampleShortfall;

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

TEST(Sampling, defaultRulesSkipCallsUnderThirtySeconds) {
    const SampleRules defaults;
    EXPECT_EQ(defaults.minDurationSec, 30.0);
    auto calls = callsOf("A01", 2, 30);
    calls.push_back({"A01-short", "A01", 29.9});
    const auto plan = planSample(calls, defaults);
    EXPECT_EQ(picksOf(plan.picks, "A01"), (std::vector<std::string>{"A01-000", "A01-001"}));
    EXPECT_EQ(plan.agents[0].tooShort, 1);
    EXPECT_EQ(plan.agents[0].explanation,
              "all 2 of 2 calls (fewer than 5), seed 0; 1 shorter than 30 s skipped");
}

TEST(Sampling, threeFieldRulesAndCandidatesKeepWorking) {
    // The form app/core/session.cpp uses: no flags, no start times, no inspectors.
    const std::vector<SampleCandidate> calls{{"c1", "A01", 12.5}, {"c2", "A01", 80}};
    const auto plan = planSample(calls, {1, 42, 0.0}, Language::Zh);
    ASSERT_EQ(plan.picks.size(), 1u);
    EXPECT_EQ(plan.picks[0].reason, "random");
    EXPECT_EQ(plan.picks[0].inspector, "");
    EXPECT_EQ(plan.agents[0].explanation, "2 通中抽取 1 通,种子 42");
    EXPECT_TRUE(plan.shortfalls.empty());
}

// `count` calls of 60 s for `agent` with agent facts set, one every 10 minutes from 8:00.
std::vector<SampleCandidate> agentDay(const std::string& agent, int count, bool focus,
                                      std::optional<int> daysSinceHire) {
    auto calls = callsOf(agent, count);
    for (std::size_t i = 0; i < calls.size(); ++i) {
        calls[i].startSecOfDay = 8 * 3600 + static_cast<int>(i) * 600;
        calls[i].focusAgent = focus;
        calls[i].daysSinceHire = daysSinceHire;
    }
    return calls;
}

std::map<std::string, int> reasonsOf(const std::vector<SamplePick>& picks,
                                     const std::string& agent) {
    std::map<std::string, int> reasons;
    for (const auto& pick : picks) {
        if (pick.agentId == agent) {
            ++reasons[pick.reason];
        }
    }
    return reasons;
}

std::vector<SampleCandidate> flaggedDay() {
    std::vector<SampleCandidate> calls;
    for (const auto& part :
         {agentDay("A01", 30, false, std::nullopt), agentDay("B02", 30, true, std::nullopt),
          agentDay("C03", 30, false, 10), agentDay("D04", 30, true, 0),
          agentDay("E05", 30, false, 30), agentDay("F06", 30, false, 31),
          agentDay("G07", 30, false, -3)}) {
        calls.insert(calls.end(), part.begin(), part.end());
    }
    return calls;
}

TEST(Sampling, eachAgentGetsExactlyItsQuota) {
    const SampleRules rules{3, 7, 0, 2, 4, 30, {}};
    using Reasons = std::map<std::string, int>;
    for (std::uint64_t seed = 0; seed < 20; ++seed) {
        SampleRules seeded = rules;
        seeded.seed = seed;
        const auto plan = planSample(flaggedDay(), seeded);
        EXPECT_EQ(reasonsOf(plan.picks, "A01"), (Reasons{{"random", 3}}));
        EXPECT_EQ(reasonsOf(plan.picks, "B02"), (Reasons{{"focus", 2}, {"random", 3}}));
        EXPECT_EQ(reasonsOf(plan.picks, "C03"), (Reasons{{"new_hire", 4}, {"random", 3}}));
        EXPECT_EQ(reasonsOf(plan.picks, "D04"),
                  (Reasons{{"focus", 2}, {"new_hire", 4}, {"random", 3}}));
        EXPECT_EQ(reasonsOf(plan.picks, "E05"), (Reasons{{"new_hire", 4}, {"random", 3}}))
            << "hired exactly newHireDays ago still counts";
        EXPECT_EQ(reasonsOf(plan.picks, "F06"), (Reasons{{"random", 3}}));
        EXPECT_EQ(reasonsOf(plan.picks, "G07"), (Reasons{{"random", 3}}))
            << "a hire date after the sample date is not a new hire";
        EXPECT_EQ(plan.picks.size(), 3u + 5 + 7 + 9 + 7 + 3 + 3);
        std::set<std::string> distinct;
        for (const auto& pick : plan.picks) {
            distinct.insert(pick.callId);
        }
        EXPECT_EQ(distinct.size(), plan.picks.size());
        EXPECT_TRUE(plan.shortfalls.empty());
    }
    const auto plan = planSample(flaggedDay(), rules);
    ASSERT_EQ(plan.agents.size(), 7u);
    EXPECT_EQ(plan.agents[3].agentId, "D04");
    EXPECT_TRUE(plan.agents[3].focus);
    EXPECT_TRUE(plan.agents[3].newHire);
    EXPECT_EQ(plan.agents[3].wanted, 9);
    EXPECT_EQ(plan.agents[3].picked, 9);
    EXPECT_EQ(plan.agents[3].explanation,
              "9 of 30 calls, seed 7; quota 3 + 2 focus agent + 4 new hire (0 days since hire)");
    EXPECT_EQ(plan.agents[1].explanation, "5 of 30 calls, seed 7; quota 3 + 2 focus agent");
    EXPECT_EQ(planSample(flaggedDay(), rules, Language::Zh).agents[3].explanation,
              "30 通中抽取 9 通,种子 7;配额 3 + 重点监听 2 + 新员工 4(入职 0 天)");
    EXPECT_EQ(plan.agents[0].explanation, "3 of 30 calls, seed 7");
}

TEST(Sampling, agentFactsThatDisagreeAreMergedTheSameWayInAnyOrder) {
    auto calls = agentDay("A01", 10, false, 200);
    calls[4].focusAgent = true;
    calls[7].daysSinceHire = 5;
    const SampleRules rules{2, 1, 0, 1, 1, 30, {}};
    const auto plan = planSample(calls, rules);
    EXPECT_TRUE(plan.agents[0].focus);
    EXPECT_EQ(plan.agents[0].daysSinceHire, 5);
    EXPECT_EQ(plan.agents[0].wanted, 4);
    std::reverse(calls.begin(), calls.end());
    EXPECT_EQ(planSample(calls, rules).picks, plan.picks);
}

TEST(Sampling, everyComplaintIsPickedOnTopOfTheQuota) {
    auto calls = agentDay("A01", 10, false, std::nullopt);
    calls.push_back({"A01-cmp-long", "A01", 300, 9 * 3600, true});
    calls.push_back({"A01-cmp-short", "A01", 10, 15 * 3600, true});
    calls.push_back({"A01-cmp-done", "A01", 200, 16 * 3600, true, true});
    for (std::uint64_t seed = 0; seed < 50; ++seed) {
        const auto plan = planSample(calls, {3, seed, 30});
        const auto picked = picksOf(plan.picks, "A01");
        EXPECT_EQ(picked.size(), 5u);
        EXPECT_EQ(std::count(picked.begin(), picked.end(), "A01-cmp-long"), 1);
        EXPECT_EQ(std::count(picked.begin(), picked.end(), "A01-cmp-short"), 1);
        EXPECT_EQ(std::count(picked.begin(), picked.end(), "A01-cmp-done"), 0);
        EXPECT_EQ((reasonsOf(plan.picks, "A01")),
                  (std::map<std::string, int>{{"complaint", 2}, {"random", 3}}));
    }
    const auto plan = planSample(calls, {3, 42, 30});
    EXPECT_EQ(plan.agents[0].eligible, 10);
    EXPECT_EQ(plan.agents[0].picked, 3);
    EXPECT_EQ(plan.agents[0].complaints, 2);
    EXPECT_EQ(plan.agents[0].tooShort, 0);
    EXPECT_EQ(plan.agents[0].alreadyEvaluated, 1);
    EXPECT_EQ(plan.agents[0].explanation,
              "3 of 10 calls, seed 42; plus 2 with a complaint; 1 already evaluated skipped");
    EXPECT_EQ(planSample(calls, {3, 42, 30}, Language::Zh).agents[0].explanation,
              "10 通中抽取 3 通,种子 42;另抽投诉录音 2 通;1 通已评过未抽");

    // An agent whose only calls are complaints is short of its quota.
    const auto onlyComplaints = planSample({{"X-1", "X09", 40, 0, true}}, {2, 42, 30});
    EXPECT_EQ(onlyComplaints.picks.size(), 1u);
    EXPECT_EQ(onlyComplaints.shortfalls, (std::vector<SampleShortfall>{{"X09", 2, 0}}));
    EXPECT_EQ(onlyComplaints.agents[0].explanation,
              "no eligible calls, seed 42; plus 1 with a complaint");
}

TEST(Sampling, alreadyEvaluatedCallsAreNeverPicked) {
    auto calls = callsOf("A01", 5);
    calls[1].alreadyEvaluated = true;
    calls[3].alreadyEvaluated = true;
    const auto plan = planSample(calls, {5, 42, 0});
    EXPECT_EQ(picksOf(plan.picks, "A01"),
              (std::vector<std::string>{"A01-000", "A01-002", "A01-004"}));
    EXPECT_EQ(plan.agents[0].eligible, 3);
    EXPECT_EQ(plan.agents[0].alreadyEvaluated, 2);
    EXPECT_EQ(plan.agents[0].explanation,
              "all 3 of 3 calls (fewer than 5), seed 42; 2 already evaluated skipped");
}

TEST(Sampling, shortfallsAreListedAndExplained) {
    SampleRules rules{5, 42, 30, 2, 2, 30, {}};
    auto calls = day(); // A01 30 calls, B02 7, C03 2
    for (auto& call : calls) {
        if (call.agentId == "B02") {
            call.focusAgent = true;
        }
    }
    calls.push_back({"Z09-short", "Z09", 5});
    const auto plan = planSample(calls, rules);
    EXPECT_EQ(plan.shortfalls, (std::vector<SampleShortfall>{{"C03", 5, 2}, {"Z09", 5, 0}}));
    EXPECT_EQ(plan.agents[1].explanation, "7 of 7 calls, seed 42; quota 5 + 2 focus agent");
    EXPECT_EQ(plan.agents[2].explanation, "all 2 of 2 calls (fewer than 5), seed 42");
    EXPECT_EQ(plan.agents[3].explanation,
              "no eligible calls, seed 42; 1 shorter than 30 s skipped");
    const auto zh = planSample(calls, rules, Language::Zh);
    EXPECT_EQ(zh.agents[2].explanation, "共 2 通,少于 5 通,全部抽取,种子 42");
    EXPECT_EQ(zh.agents[3].explanation, "没有可抽的录音,种子 42;1 通短于 30 秒未抽");

    // A focus agent with fewer calls than the quota gets its random calls first.
    calls = agentDay("F01", 4, true, std::nullopt);
    const auto short4 = planSample(calls, {3, 42, 0, 2, 2, 30, {}});
    EXPECT_EQ(reasonsOf(short4.picks, "F01"),
              (std::map<std::string, int>{{"focus", 1}, {"random", 3}}));
    EXPECT_EQ(short4.shortfalls, (std::vector<SampleShortfall>{{"F01", 5, 4}}));
    EXPECT_EQ(short4.agents[0].explanation,
              "all 4 of 4 calls (fewer than 5), seed 42; quota 3 + 2 focus agent");
}

TEST(Sampling, everyPickSaysWhyInBothLanguages) {
    auto calls = agentDay("N01", 20, true, 12);
    calls.push_back({"N01-cmp", "N01", 90, 12 * 3600, true});
    const SampleRules rules{2, 5, 30, 1, 3, 30, {}};
    std::map<std::string, std::string> en;
    for (const auto& pick : planSample(calls, rules).picks) {
        en[pick.reason] = pick.explanation;
    }
    EXPECT_EQ(en, (std::map<std::string, std::string>{
                      {"complaint", "customer complaint: every complained-of call is inspected"},
                      {"focus", "focus agent: 1 extra calls"},
                      {"new_hire", "new hire (12 days since hire): 3 extra calls"},
                      {"random", "random: 2 a day per agent, seed 5"}}));
    std::map<std::string, std::string> zh;
    for (const auto& pick : planSample(calls, rules, Language::Zh).picks) {
        zh[pick.reason] = pick.explanation;
    }
    EXPECT_EQ(
        zh, (std::map<std::string, std::string>{{"complaint", "客户投诉:投诉录音全部抽检"},
                                                {"focus", "重点监听座席:加抽 1 通"},
                                                {"new_hire", "新员工(入职 12 天):加抽 3 通"},
                                                {"random", "随机抽样:每位座席每天 2 通,种子 5"}}));
}

// 12 calls, one an hour from 8:30 to 19:30, with call ids in the reverse of time order.
std::vector<SampleCandidate> hourlyDay(const std::string& agent) {
    std::vector<SampleCandidate> calls;
    for (int hour = 8; hour < 20; ++hour) {
        char id[16];
        std::snprintf(id, sizeof id, "-%02d", 19 - hour);
        calls.push_back({agent + id, agent, 120, hour * 3600 + 1800});
    }
    return calls;
}

TEST(Sampling, picksAreSpreadOverTheDay) {
    const auto calls = hourlyDay("A01");
    std::map<std::string, int> startOf;
    for (const auto& call : calls) {
        startOf[call.callId] = call.startSecOfDay;
    }
    for (std::uint64_t seed = 0; seed < 50; ++seed) {
        const auto plan = planSample(calls, {3, seed, 30});
        ASSERT_EQ(plan.picks.size(), 3u);
        std::set<int> thirds; // 8-12, 12-16, 16-20
        for (const auto& pick : plan.picks) {
            thirds.insert((startOf.at(pick.callId) - 8 * 3600) / (4 * 3600));
        }
        EXPECT_EQ(thirds, (std::set<int>{0, 1, 2})) << "seed " << seed;
    }
}

TEST(Sampling, aKnownSeedGivesAKnownSample) {
    // Batches store their seed; this pins the algorithm so an old batch can be re-derived.
    const auto plan = planSample(hourlyDay("A01"), {3, 42, 30});
    EXPECT_EQ(picksOf(plan.picks, "A01"), (std::vector<std::string>{"A01-03", "A01-07", "A01-11"}));
}

TEST(Sampling, everyCallIsAboutEquallyLikely) {
    // 10 calls through the day, 3 picked, over 2000 seeds: each call is expected 600 times,
    // a binomial count with standard deviation sqrt(2000 * 0.3 * 0.7) = 20.5. The bounds are
    // 4 standard deviations (a chance of about 6e-4 that an unbiased picker fails somewhere),
    // yet catch e.g. strata of 3, 3 and 4 calls with one pick each (500 or 667 times).
    auto calls = agentDay("A01", 10, false, std::nullopt);
    std::map<std::string, int> counts;
    int total = 0;
    for (std::uint64_t seed = 0; seed < 2000; ++seed) {
        for (const auto& pick : planSample(calls, {3, seed, 0}).picks) {
            ++counts[pick.callId];
            ++total;
        }
    }
    EXPECT_EQ(total, 6000);
    ASSERT_EQ(counts.size(), 10u);
    for (const auto& [callId, count] : counts) {
        EXPECT_GT(count, 518) << callId;
        EXPECT_LT(count, 682) << callId;
    }
}

std::map<std::string, int> loadOf(const std::vector<SamplePick>& picks) {
    std::map<std::string, int> load;
    for (const auto& pick : picks) {
        ++load[pick.inspector];
    }
    return load;
}

TEST(Sampling, theBatchIsSplitEvenlyAmongInspectors) {
    // 5 agents x 3 calls + 2 complaints = 17 picks.
    std::vector<SampleCandidate> calls;
    for (const std::string agent : {"A01", "B02", "C03", "D04", "E05"}) {
        for (const auto& call : agentDay(agent, 8, false, std::nullopt)) {
            calls.push_back(call);
        }
    }
    calls.push_back({"B02-cmp", "B02", 60, 0, true});
    calls.push_back({"D04-cmp", "D04", 60, 0, true});
    SampleRules rules{3, 42, 30, 2, 2, 30, {"王芳", "Li Na", "Zhang Wei"}};
    std::set<std::string> withFive;
    for (std::uint64_t seed = 0; seed < 30; ++seed) {
        rules.seed = seed;
        const auto plan = planSample(calls, rules);
        ASSERT_EQ(plan.picks.size(), 17u);
        std::multiset<int> sizes;
        for (const auto& [inspector, count] : loadOf(plan.picks)) {
            EXPECT_NE(inspector, "");
            sizes.insert(count);
            if (count == 5) {
                withFive.insert(inspector);
            }
        }
        EXPECT_EQ(sizes, (std::multiset<int>{5, 6, 6}));
        // Each inspector's picks are one run of the plan: agents stay together.
        for (std::size_t i = 2; i < plan.picks.size(); ++i) {
            if (plan.picks[i].inspector == plan.picks[i - 2].inspector) {
                EXPECT_EQ(plan.picks[i - 1].inspector, plan.picks[i].inspector);
            }
        }
        auto reordered = rules;
        std::reverse(reordered.inspectors.begin(), reordered.inspectors.end());
        reordered.inspectors.push_back("Li Na");
        EXPECT_EQ(planSample(calls, reordered).picks, plan.picks);
    }
    EXPECT_EQ(withFive.size(), 3u) << "who gets the smaller share varies with the seed";
}

TEST(Sampling, inspectorLoadsDifferByAtMostOne) {
    const std::vector<std::string> names{"i1", "i2", "i3", "i4", "i5", "i6", "i7"};
    for (int total = 0; total <= 40; ++total) {
        const auto calls = callsOf("A01", total);
        for (std::size_t on = 1; on <= names.size(); ++on) {
            SampleRules rules{total, 9, 0, 0, 0, 30, {}};
            rules.inspectors.assign(names.begin(), names.begin() + static_cast<long>(on));
            const auto plan = planSample(calls, rules);
            ASSERT_EQ(plan.picks.size(), static_cast<std::size_t>(total));
            int most = 0;
            int least = total;
            const auto load = loadOf(plan.picks);
            for (const auto& name : rules.inspectors) {
                const auto found = load.find(name);
                const int count = found == load.end() ? 0 : found->second;
                most = std::max(most, count);
                least = std::min(least, count);
            }
            EXPECT_LE(most - least, 1) << total << " picks, " << on << " inspectors";
            EXPECT_EQ(load.count(""), 0u);
        }
    }
}

TEST(Sampling, flaggedDayDoesNotDependOnInputOrder) {
    auto calls = flaggedDay();
    calls.push_back({"C03-cmp", "C03", 5, 10 * 3600, true});
    calls.push_back({"A01-done", "A01", 500, 11 * 3600, false, true});
    SampleRules rules{3, 77, 30, 2, 4, 30, {"a", "b", "c", "d"}};
    const auto expected = planSample(calls, rules);
    auto reversed = calls;
    std::reverse(reversed.begin(), reversed.end());
    const auto fromReversed = planSample(reversed, rules);
    EXPECT_EQ(fromReversed.picks, expected.picks);
    EXPECT_EQ(fromReversed.shortfalls, expected.shortfalls);
    auto rotated = calls;
    std::rotate(rotated.begin(), rotated.begin() + 97, rotated.end());
    EXPECT_EQ(planSample(rotated, rules).picks, expected.picks);
}

} // namespace
