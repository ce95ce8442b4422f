#include <string>

#include <gtest/gtest.h>

#include "scoring/checklist.hpp"
#include "scoring/score.hpp"

namespace {

using callqc::scoring::Answers;
using callqc::scoring::AnswerValue;
using callqc::scoring::Checklist;
using callqc::scoring::computeScore;
using callqc::scoring::ItemAnswer;
using callqc::scoring::Language;
using callqc::scoring::SubmitBlocker;

std::string section(const std::string& id, const std::string& extra = "") {
    return "[[sections]]\nid = \"" + id + "\"\ntitle = { zh = \"部分\", en = \"Section\" }\n" +
           extra;
}

std::string item(const std::string& id, double weight, const std::string& extra = "") {
    return "[[sections.items]]\nid = \"" + id +
           "\"\ntitle = { zh = \"项\", en = \"Item\" }\nkind = \"pass_fail\"\nweight = " +
           std::to_string(weight) + "\n" + extra;
}

Checklist checklistOf(const std::string& body) {
    const std::string toml = "id = \"t\"\nversion = 1\nname = { zh = \"测\", en = \"T\" }\n" + body;
    auto checklist = callqc::scoring::parseChecklist(toml, "test.toml");
    EXPECT_TRUE(checklist.has_value()) << checklist.error().detail;
    return checklist ? *checklist : Checklist{};
}

ItemAnswer pass() {
    return {AnswerValue::Pass, 0, 0, ""};
}
ItemAnswer fail(const std::string& comment = "") {
    return {AnswerValue::Fail, 0, 0, comment};
}
ItemAnswer notApplicable() {
    return {AnswerValue::NotApplicable, 0, 0, ""};
}
ItemAnswer points(double value) {
    return {AnswerValue::Pass, value, 0, ""};
}
ItemAnswer occurrences(int count) {
    return {AnswerValue::Pass, 0, count, ""};
}

TEST(Score, notApplicableItemsLeaveTheDenominator) {
    const Checklist checklist =
        checklistOf(section("s") + item("a", 10) + item("b", 10) + item("c", 10));
    const auto result =
        computeScore(checklist, {{"a", pass()}, {"b", fail()}, {"c", notApplicable()}});
    EXPECT_TRUE(result.anyApplicable);
    EXPECT_DOUBLE_EQ(result.applicable, 20.0);
    EXPECT_DOUBLE_EQ(result.earned, 10.0);
    EXPECT_DOUBLE_EQ(result.score, 50.0); // not 33.3: c is out of the denominator
    EXPECT_FALSE(result.zeroedBy.has_value());
    EXPECT_TRUE(result.unanswered.empty());
    EXPECT_EQ(result.working, "10 of 20 applicable points = 50%; not applicable: c");
}

TEST(Score, allPassIsFullMarks) {
    const Checklist checklist = checklistOf(section("s") + item("a", 6) + item("b", 4));
    const auto result = computeScore(checklist, {{"a", pass()}, {"b", pass()}});
    EXPECT_DOUBLE_EQ(result.score, 100.0);
    EXPECT_EQ(result.working, "10 of 10 applicable points = 100%");
}

TEST(Score, criticalFailureZeroesTheEvaluationAndTheWorkingSaysWhy) {
    const Checklist checklist = checklistOf(section("s") + item("1.1", 10) + item("1.2", 10) +
                                            item("1.3", 20, "critical = true\n"));
    const Answers answers{{"1.1", pass()}, {"1.2", pass()}, {"1.3", fail()}};
    const auto result = computeScore(checklist, answers);
    EXPECT_DOUBLE_EQ(result.score, 0.0);
    EXPECT_DOUBLE_EQ(result.earned, 0.0);
    EXPECT_DOUBLE_EQ(result.applicable, 40.0);
    EXPECT_TRUE(result.anyApplicable);
    ASSERT_TRUE(result.zeroedBy.has_value());
    EXPECT_EQ(*result.zeroedBy, "1.3");
    EXPECT_EQ(result.working, "20 of 40 applicable points = 50%; critical item 1.3 failed → 0");

    const auto chinese = computeScore(checklist, answers, Language::Zh);
    EXPECT_EQ(chinese.working, "适用分 40 分,得 20 分 = 50%;关键项 1.3 不合格 → 0 分");
}

TEST(Score, criticalItemPassedOrNotApplicableDoesNotZero) {
    const Checklist checklist =
        checklistOf(section("s") + item("a", 10) + item("c", 10, "critical = true\n"));
    EXPECT_DOUBLE_EQ(computeScore(checklist, {{"a", fail()}, {"c", pass()}}).score, 50.0);
    EXPECT_DOUBLE_EQ(computeScore(checklist, {{"a", pass()}, {"c", notApplicable()}}).score, 100.0);
}

TEST(Score, sectionFailZeroesOnlyItsSection) {
    const Checklist checklist = checklistOf(section("a") + item("a1", 10, "section_fail = true\n") +
                                            item("a2", 10) + section("b") + item("b1", 20));
    const auto result = computeScore(checklist, {{"a1", fail()}, {"a2", pass()}, {"b1", pass()}});
    // Without section_fail this would be 30 of 40.
    EXPECT_DOUBLE_EQ(result.earned, 20.0);
    EXPECT_DOUBLE_EQ(result.applicable, 40.0);
    EXPECT_DOUBLE_EQ(result.score, 50.0);
    EXPECT_FALSE(result.zeroedBy.has_value());
    ASSERT_EQ(result.sections.size(), 2u);
    EXPECT_EQ(result.sections[0].zeroedBy, std::optional<std::string>("a1"));
    EXPECT_DOUBLE_EQ(result.sections[0].earned, 0.0);
    EXPECT_DOUBLE_EQ(result.sections[0].applicable, 20.0);
    EXPECT_DOUBLE_EQ(result.sections[1].earned, 20.0);
    EXPECT_EQ(result.working,
              "20 of 40 applicable points = 50%; section-fail item a1 failed → section a is 0");
}

TEST(Score, deductionsArePerOccurrenceAndCappedAtTheItemsWeight) {
    const Checklist checklist =
        checklistOf(section("s") + item("p", 4) +
                    "[[sections.items]]\nid = \"d\"\ntitle = { zh = \"扣\", en = \"D\" }\n"
                    "kind = \"deduction\"\nweight = 6\nper_occurrence = 2\n");
    const auto earnedWith = [&](int count) {
        return computeScore(checklist, {{"p", pass()}, {"d", occurrences(count)}}).earned;
    };
    EXPECT_DOUBLE_EQ(earnedWith(0), 10.0);
    EXPECT_DOUBLE_EQ(earnedWith(1), 8.0);
    EXPECT_DOUBLE_EQ(earnedWith(3), 4.0);
    EXPECT_DOUBLE_EQ(earnedWith(5), 4.0); // 10 points off are capped at the item's 6
    EXPECT_DOUBLE_EQ(earnedWith(-2), 10.0);
    EXPECT_DOUBLE_EQ(computeScore(checklist, {{"p", pass()}, {"d", occurrences(5)}}).score, 40.0);
    EXPECT_DOUBLE_EQ(computeScore(checklist, {{"p", pass()}, {"d", fail()}}).earned, 4.0);
}

TEST(Score, pointsItemsAwardWhatTheInspectorGaveWithinRange) {
    const Checklist checklist =
        checklistOf(section("s") + item("p", 10) +
                    "[[sections.items]]\nid = \"q\"\ntitle = { zh = \"分\", en = \"Q\" }\n"
                    "kind = \"points\"\nweight = 10\n");
    EXPECT_DOUBLE_EQ(computeScore(checklist, {{"p", pass()}, {"q", points(7.5)}}).score, 87.5);
    EXPECT_DOUBLE_EQ(computeScore(checklist, {{"p", pass()}, {"q", points(14)}}).earned, 20.0);
    EXPECT_DOUBLE_EQ(computeScore(checklist, {{"p", pass()}, {"q", points(-3)}}).earned, 10.0);
    EXPECT_DOUBLE_EQ(computeScore(checklist, {{"p", pass()}, {"q", fail()}}).earned, 10.0);

    const auto blockers = validateForSubmit(checklist, {{"p", pass()}, {"q", points(14)}});
    ASSERT_EQ(blockers.size(), 1u);
    EXPECT_EQ(blockers[0].itemId, "q");
    EXPECT_EQ(blockers[0].reason, SubmitBlocker::Reason::PointsOutOfRange);
}

TEST(Score, nothingApplicableGivesNoScoreRatherThanZero) {
    const Checklist checklist = checklistOf(section("s") + item("a", 10) + item("b", 10));
    const auto result = computeScore(checklist, {{"a", notApplicable()}, {"b", notApplicable()}});
    EXPECT_FALSE(result.anyApplicable);
    EXPECT_DOUBLE_EQ(result.applicable, 0.0);
    EXPECT_EQ(result.working, "no applicable items: no score; not applicable: a, b");
    EXPECT_EQ(
        computeScore(checklist, {{"a", notApplicable()}, {"b", notApplicable()}}, Language::Zh)
            .working,
        "没有适用的评分项,不计分;不适用:a, b");
}

TEST(Score, unansweredItemsAreListedAndLeaveTheProvisionalScore) {
    const Checklist checklist =
        checklistOf(section("s") + item("a", 10) + item("b", 10) + item("c", 10));
    const auto result =
        computeScore(checklist, {{"a", pass()}, {"b", ItemAnswer{}}, {"zzz", fail()}});
    EXPECT_EQ(result.unanswered, (std::vector<std::string>{"b", "c"}));
    EXPECT_DOUBLE_EQ(result.score, 100.0);
    EXPECT_EQ(result.working, "10 of 10 applicable points = 100%; 2 unanswered: b, c "
                              "(provisional)");
    EXPECT_FALSE(computeScore(checklist, {}).anyApplicable);
}

TEST(Score, failedItemsNeedingACommentAreReported) {
    const Checklist checklist =
        checklistOf(section("s") + item("a", 10, "comment_on_fail = true\n") +
                    item("b", 10, "comment_on_fail = true\n") +
                    item("c", 10, "comment_on_fail = true\n") + item("d", 10));
    const Answers answers{
        {"a", fail()}, {"b", fail(" \n ")}, {"c", fail("说了“我不清楚”")}, {"d", fail()}};
    EXPECT_EQ(computeScore(checklist, answers).missingComments,
              (std::vector<std::string>{"a", "b"}));
    EXPECT_TRUE(computeScore(checklist, {{"a", pass()}}).missingComments.empty());
}

TEST(Score, submitIsBlockedByUnansweredItemsMissingCommentsAndUnknownIds) {
    const Checklist checklist =
        checklistOf(section("s") + item("a", 10, "comment_on_fail = true\n") + item("b", 10) +
                    "[[sections.items]]\nid = \"d\"\ntitle = { zh = \"扣\", en = \"D\" }\n"
                    "kind = \"deduction\"\nweight = 6\nper_occurrence = 2\n"
                    "comment_on_fail = true\n");
    const Answers answers{{"a", fail()}, {"d", occurrences(1)}, {"x", pass()}};
    const auto blockers = validateForSubmit(checklist, answers);
    ASSERT_EQ(blockers.size(), 4u);
    EXPECT_EQ(blockers[0].itemId, "a");
    EXPECT_EQ(blockers[0].reason, SubmitBlocker::Reason::MissingComment);
    EXPECT_EQ(blockers[1].itemId, "b");
    EXPECT_EQ(blockers[1].reason, SubmitBlocker::Reason::Unanswered);
    EXPECT_EQ(blockers[2].itemId, "d");
    EXPECT_EQ(blockers[2].reason, SubmitBlocker::Reason::MissingComment);
    EXPECT_EQ(blockers[3].itemId, "x");
    EXPECT_EQ(blockers[3].reason, SubmitBlocker::Reason::UnknownItem);
    EXPECT_EQ(describe(blockers[0], Language::En), "item a: failed, a comment is required");
    EXPECT_EQ(describe(blockers[1], Language::Zh), "第 b 项尚未评分");
    EXPECT_EQ(
        describe(std::vector<SubmitBlocker>(blockers.begin(), blockers.begin() + 2), Language::En),
        "item a: failed, a comment is required; item b: not answered");
    EXPECT_EQ(describe(std::vector<SubmitBlocker>{}, Language::En), "");

    const Answers complete{
        {"a", fail("打断客户三次")}, {"b", notApplicable()}, {"d", occurrences(0)}};
    EXPECT_TRUE(validateForSubmit(checklist, complete).empty());
    EXPECT_EQ(validateForSubmit(checklist, {{"a", pass()}, {"b", pass()}, {"d", occurrences(-1)}})
                  .at(0)
                  .reason,
              SubmitBlocker::Reason::NegativeCount);
}

TEST(Score, sectionWeightsScaleTheSectionsItems) {
    const Checklist checklist =
        checklistOf(section("a", "weight = 60\n") + item("a1", 1) + item("a2", 1) + item("a3", 1) +
                    section("b", "weight = 40\n") + item("b1", 3) + item("b2", 1));
    const auto result = computeScore(
        checklist,
        {{"a1", pass()}, {"a2", fail()}, {"a3", pass()}, {"b1", fail()}, {"b2", notApplicable()}});
    // a: 40 of 60; b1 is worth 30 of b's 40 and failed; b2 (10) is N/A.
    EXPECT_DOUBLE_EQ(result.applicable, 90.0);
    EXPECT_DOUBLE_EQ(result.earned, 40.0);
    EXPECT_NEAR(result.score, 44.444444444, 1e-6);
    EXPECT_EQ(result.working, "40 of 90 applicable points = 44.44%; not applicable: b2");
}

TEST(Score, defaultChecklistArithmetic) {
    auto checklist = callqc::scoring::loadChecklist(std::filesystem::path(CALLQC_SOURCE_DIR) /
                                                    "assets/checklists/default.toml");
    ASSERT_TRUE(checklist.has_value()) << checklist.error().detail;
    Answers answers;
    for (const auto& section : checklist->sections) {
        for (const auto& entry : section.items) {
            answers[entry.id] = pass();
        }
    }
    EXPECT_DOUBLE_EQ(computeScore(*checklist, answers).score, 100.0);
    answers["1.5"] = notApplicable();
    EXPECT_DOUBLE_EQ(computeScore(*checklist, answers).score, 100.0);
    answers["2.1"] = fail();
    EXPECT_DOUBLE_EQ(computeScore(*checklist, answers).score, 100.0 * 84.0 / 94.0);
    answers["1.3"] = fail();
    const auto zeroed = computeScore(*checklist, answers);
    EXPECT_DOUBLE_EQ(zeroed.score, 0.0);
    EXPECT_EQ(zeroed.missingComments, (std::vector<std::string>{"1.3"}));
}

TEST(Score, formatPointsTrimsZeros) {
    EXPECT_EQ(callqc::scoring::formatPoints(34), "34");
    EXPECT_EQ(callqc::scoring::formatPoints(7.5), "7.5");
    EXPECT_EQ(callqc::scoring::formatPoints(100.0 / 3), "33.33");
    EXPECT_EQ(callqc::scoring::formatPoints(0.001), "0");
    EXPECT_EQ(callqc::scoring::formatPoints(-0.001), "0");
}

} // namespace
