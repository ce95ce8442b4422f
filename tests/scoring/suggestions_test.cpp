#include <string>

#include <gtest/gtest.h>

#include "scoring/checklist.hpp"
#include "scoring/phrases.hpp"
#include "scoring/suggestions.hpp"

namespace {

using callqc::scoring::AnswerSuggestion;
using callqc::scoring::AnswerValue;
using callqc::scoring::Checklist;
using callqc::scoring::Language;
using callqc::scoring::PhraseHit;
using callqc::scoring::PhraseKind;
using callqc::scoring::PhraseMatcher;
using callqc::scoring::Segment;
using callqc::scoring::Speaker;
using callqc::scoring::suggestAnswers;

const std::filesystem::path kAssets =
    std::filesystem::path(CALLQC_SOURCE_DIR) / "assets/checklists";

Checklist defaultChecklist() {
    auto checklist = callqc::scoring::loadChecklist(kAssets / "default.toml");
    EXPECT_TRUE(checklist.has_value()) << checklist.error().detail;
    return checklist ? *checklist : Checklist{};
}

PhraseMatcher defaultMatcher() {
    auto rules = callqc::scoring::loadPhraseRules(kAssets / "phrases.toml");
    EXPECT_TRUE(rules.has_value()) << rules.error().detail;
    return PhraseMatcher(rules ? *rules : std::vector<callqc::scoring::PhraseRule>{});
}

const AnswerSuggestion* suggestionFor(const std::vector<AnswerSuggestion>& suggestions,
                                      const std::string& itemId) {
    for (const auto& suggestion : suggestions) {
        if (suggestion.itemId == itemId) {
            return &suggestion;
        }
    }
    return nullptr;
}

PhraseHit hit(const std::string& ruleId, PhraseKind kind, const std::string& phrase,
              Speaker speaker, double startSec = 1) {
    PhraseHit result;
    result.ruleId = ruleId;
    result.kind = kind;
    result.phrase = phrase;
    result.speaker = speaker;
    result.segmentIndex = 0;
    result.startSec = startSec;
    result.endSec = startSec + 1;
    return result;
}

TEST(Suggestions, aGoodCallIsSuggestedPassOnAllThreeRules) {
    const std::vector<Segment> call{
        {Speaker::Agent, 0, 4, "您好，请问有什么可以帮您？"},
        {Speaker::Customer, 4, 10, "我的账单对不上，你们这事到底归不归你们管"},
        {Speaker::Agent, 10, 20, "对不起给您添麻烦了，我帮您查一下"},
        {Speaker::Agent, 20, 30, "先生，不知道我刚才是否将您的问题解释清楚了？"},
        {Speaker::Customer, 30, 32, "清楚了，谢谢"},
        {Speaker::Agent, 32, 35, "不客气，谢谢您的来电，再见"},
    };
    const auto suggestions = suggestAnswers(defaultChecklist(), defaultMatcher().match(call));
    ASSERT_EQ(suggestions.size(), 3u);
    EXPECT_EQ(suggestions[0].itemId, "1.1");
    EXPECT_EQ(suggestions[0].value, AnswerValue::Pass);
    EXPECT_EQ(suggestions[0].reason,
              "agent used 5 distinct courtesy words (您好, 请, 对不起, 谢谢, 再见); 3 needed");
    EXPECT_EQ(suggestions[1].itemId, "1.3");
    EXPECT_EQ(suggestions[1].value, AnswerValue::Pass);
    EXPECT_EQ(suggestions[1].reason, "no forbidden phrase by the agent");
    EXPECT_TRUE(suggestions[1].evidence.empty());
    EXPECT_EQ(suggestions[2].itemId, "1.6");
    EXPECT_EQ(suggestions[2].value, AnswerValue::Pass);
    EXPECT_EQ(suggestions[2].reason, "agent confirmed understanding: \"解释清楚\" (at 27.5 s)");
}

TEST(Suggestions, aForbiddenPhraseByTheAgentSuggestsFail) {
    const std::vector<Segment> call{
        {Speaker::Agent, 0, 4, "您好"},
        {Speaker::Customer, 4, 8, "这个我不清楚"},
        {Speaker::Agent, 10, 20, "好的，这个我不清楚"},
    };
    const auto hits = defaultMatcher().match(call);
    const auto suggestions = suggestAnswers(defaultChecklist(), hits);
    const auto* forbidden = suggestionFor(suggestions, "1.3");
    ASSERT_NE(forbidden, nullptr);
    EXPECT_EQ(forbidden->value, AnswerValue::Fail);
    ASSERT_EQ(forbidden->evidence.size(), 1u);
    EXPECT_EQ(hits[forbidden->evidence[0]].segmentIndex, 2u);
    EXPECT_EQ(forbidden->reason, "agent said forbidden phrase \"我不清楚\" (at 15.0 s)");

    const auto chinese = suggestAnswers(defaultChecklist(), hits, Language::Zh);
    EXPECT_EQ(suggestionFor(chinese, "1.3")->reason, "坐席使用服务忌语:“我不清楚”(15.0 秒处)");

    const auto* courtesy = suggestionFor(suggestions, "1.1");
    ASSERT_NE(courtesy, nullptr);
    EXPECT_EQ(courtesy->value, AnswerValue::Fail);
    EXPECT_EQ(courtesy->reason, "agent used 1 distinct courtesy words (您好); 3 needed");

    const auto* confirmation = suggestionFor(suggestions, "1.6");
    ASSERT_NE(confirmation, nullptr);
    EXPECT_EQ(confirmation->value, AnswerValue::Fail);
    EXPECT_EQ(confirmation->reason, "the agent never said the confirmation line \"解释清楚\"");
}

TEST(Suggestions, onlyTheAgentsWordsCount) {
    const Checklist checklist = defaultChecklist();
    const std::vector<PhraseHit> hits{
        hit("f", PhraseKind::Forbidden, "我不清楚", Speaker::Customer),
        hit("f", PhraseKind::Forbidden, "我不清楚", Speaker::Unknown),
        hit("h", PhraseKind::Courtesy, "您好", Speaker::Customer),
        hit("t", PhraseKind::Courtesy, "谢谢", Speaker::Customer),
        hit("p", PhraseKind::Courtesy, "请", Speaker::Customer),
        hit("r", PhraseKind::Required, "解释清楚", Speaker::Customer),
    };
    const auto suggestions = suggestAnswers(checklist, hits);
    EXPECT_EQ(suggestionFor(suggestions, "1.3")->value, AnswerValue::Pass);
    EXPECT_EQ(suggestionFor(suggestions, "1.1")->value, AnswerValue::Fail);
    // A required hit by someone else and no `missing` hit: nothing to go on.
    EXPECT_EQ(suggestionFor(suggestions, "1.6"), nullptr);
}

TEST(Suggestions, courtesyCountsDistinctWordsAgainstTheRulesMinimum) {
    const Checklist checklist = defaultChecklist();
    std::vector<PhraseHit> hits{
        hit("h", PhraseKind::Courtesy, "您好", Speaker::Agent),
        hit("t", PhraseKind::Courtesy, "谢谢", Speaker::Agent),
        hit("t", PhraseKind::Courtesy, "谢谢", Speaker::Agent),
        hit("t", PhraseKind::Courtesy, "谢谢", Speaker::Agent),
    };
    const auto suggestions = suggestAnswers(checklist, hits);
    const auto* two = suggestionFor(suggestions, "1.1");
    ASSERT_NE(two, nullptr);
    EXPECT_EQ(two->value, AnswerValue::Fail);
    EXPECT_EQ(two->evidence, (std::vector<std::size_t>{0, 1}));
    hits.push_back(hit("g", PhraseKind::Courtesy, "再见", Speaker::Agent));
    EXPECT_EQ(suggestionFor(suggestAnswers(checklist, hits), "1.1")->value, AnswerValue::Pass);
}

TEST(Suggestions, phraseRulesLimitWhichHitsCount) {
    auto checklist = callqc::scoring::parseChecklist(
        "id = \"t\"\nversion = 1\nname = { zh = \"测\", en = \"T\" }\n"
        "[[sections]]\nid = \"s\"\ntitle = { zh = \"部\", en = \"S\" }\n"
        "[[sections.items]]\nid = \"greet\"\ntitle = { zh = \"问候\", en = \"Greeting\" }\n"
        "kind = \"pass_fail\"\nweight = 1\n"
        "rule = { kind = \"confirmation\", phrase_rules = [\"required.greeting\"] }\n",
        "t.toml");
    ASSERT_TRUE(checklist.has_value()) << checklist.error().detail;
    const std::vector<PhraseHit> hits{
        hit("required.confirm", PhraseKind::Required, "解释清楚", Speaker::Agent),
    };
    EXPECT_TRUE(suggestAnswers(*checklist, hits).empty());
    PhraseHit greeting = hit("required.greeting", PhraseKind::Required, "工号", Speaker::Agent);
    greeting.missing = true;
    const auto suggestions = suggestAnswers(*checklist, {hits[0], greeting});
    ASSERT_EQ(suggestions.size(), 1u);
    EXPECT_EQ(suggestions[0].value, AnswerValue::Fail);
    EXPECT_EQ(suggestions[0].evidence, (std::vector<std::size_t>{1}));
}

TEST(Suggestions, hitsOutOfPositionDoNotCount) {
    const Checklist checklist = defaultChecklist();
    std::vector<PhraseHit> hits{
        hit("courtesy.hello", PhraseKind::Courtesy, "您好", Speaker::Agent),
        hit("courtesy.thanks", PhraseKind::Courtesy, "谢谢", Speaker::Agent),
        hit("courtesy.goodbye", PhraseKind::Courtesy, "再见", Speaker::Agent),
        hit("required.confirm_understood", PhraseKind::Required, "解释清楚", Speaker::Agent),
    };
    hits[2].outOfPosition = true;
    hits[3].outOfPosition = true;
    PhraseHit missing =
        hit("required.confirm_understood", PhraseKind::Required, "解释清楚", Speaker::Agent);
    missing.missing = true;
    hits.push_back(missing);
    const auto suggestions = suggestAnswers(checklist, hits);
    EXPECT_EQ(suggestionFor(suggestions, "1.1")->value, AnswerValue::Fail);
    EXPECT_EQ(suggestionFor(suggestions, "1.1")->reason,
              "agent used 2 distinct courtesy words (您好, 谢谢); 3 needed");
    EXPECT_EQ(suggestionFor(suggestions, "1.6")->value, AnswerValue::Fail);
    EXPECT_EQ(suggestionFor(suggestions, "1.6")->evidence, (std::vector<std::size_t>{4}));
}

TEST(Suggestions, theGreetingAndGoodbyeLinesDoNotStandInForTheConfirmation) {
    // Default checklist item 1.6 names its phrase rule, so the other required lines of the
    // default list (greeting, goodbye) neither pass nor fail it.
    const std::vector<Segment> call{
        {Speaker::Agent, 0, 4, "您好，请讲"},
        {Speaker::Agent, 4, 8, "好的，再见"},
    };
    const auto suggestions = suggestAnswers(defaultChecklist(), defaultMatcher().match(call));
    const auto* confirmation = suggestionFor(suggestions, "1.6");
    ASSERT_NE(confirmation, nullptr);
    EXPECT_EQ(confirmation->value, AnswerValue::Fail);
    EXPECT_EQ(confirmation->reason, "the agent never said the confirmation line \"解释清楚\"");
}

TEST(Suggestions, deadAirOverTheLimitSuggestsFailNamingEachStretch) {
    const Checklist checklist = defaultChecklist();
    const callqc::scoring::AcousticFacts acoustic{{{3.0, 5.5}, {57.7, 71.7}, {90.0, 102.25}}, 14.0};
    const auto suggestions = suggestAnswers(checklist, {}, acoustic);
    const auto* attentive = suggestionFor(suggestions, "1.7");
    ASSERT_NE(attentive, nullptr);
    EXPECT_EQ(attentive->value, AnswerValue::Fail);
    EXPECT_EQ(attentive->reason, "dead air 57.7–71.7 s (14.0 s), 90.0–102.2 s (12.2 s)");
    EXPECT_TRUE(attentive->evidence.empty());

    const auto chinese = suggestAnswers(checklist, {}, acoustic, Language::Zh);
    EXPECT_EQ(suggestionFor(chinese, "1.7")->reason,
              "静音 57.7–71.7 秒(14.0 秒)、90.0–102.2 秒(12.2 秒)");
}

TEST(Suggestions, deadAirUpToTheLimitSuggestsPass) {
    const Checklist checklist = defaultChecklist();
    const callqc::scoring::AcousticFacts acoustic{{{20.0, 30.0}}, 10.0};
    const auto suggestions = suggestAnswers(checklist, {}, acoustic);
    const auto* attentive = suggestionFor(suggestions, "1.7");
    ASSERT_NE(attentive, nullptr);
    EXPECT_EQ(attentive->value, AnswerValue::Pass);
    EXPECT_EQ(attentive->reason, "no dead air over 10 s (longest silence 10.0 s)");
    EXPECT_EQ(suggestionFor(suggestAnswers(checklist, {}, {{}, 0.0}, Language::Zh), "1.7")->reason,
              "无超过 10 秒的静音(最长静音 0.0 秒)");
}

TEST(Suggestions, withoutAcousticFactsDeadAirItemsGetNoSuggestion) {
    const auto suggestions = suggestAnswers(defaultChecklist(), {});
    EXPECT_EQ(suggestionFor(suggestions, "1.7"), nullptr);
    std::vector<std::string> items;
    for (const auto& suggestion : suggestAnswers(defaultChecklist(), {}, {{{0.0, 60.0}}, 60.0})) {
        items.push_back(suggestion.itemId);
    }
    EXPECT_EQ(items, (std::vector<std::string>{"1.1", "1.3", "1.7"}));
}

std::string checklistWithRule(const std::string& rule) {
    return "id = \"t\"\nversion = 1\nname = { zh = \"测\", en = \"T\" }\n"
           "[[sections]]\nid = \"s\"\ntitle = { zh = \"部\", en = \"S\" }\n"
           "[[sections.items]]\nid = \"1\"\ntitle = { zh = \"专心\", en = \"Attentive\" }\n"
           "kind = \"pass_fail\"\nweight = 1\n" +
           rule + "\n";
}

TEST(Suggestions, deadAirRulesLoadCheckAndRoundTrip) {
    auto checklist = callqc::scoring::parseChecklist(
        checklistWithRule("rule = { kind = \"dead_air\", max_sec = 12.5 }"), "t.toml");
    ASSERT_TRUE(checklist.has_value()) << checklist.error().detail;
    const auto& rule = *checklist->sections[0].items[0].rule;
    EXPECT_EQ(rule.kind, callqc::scoring::RuleKind::DeadAir);
    EXPECT_EQ(rule.maxSec, 12.5);
    EXPECT_EQ(callqc::scoring::toString(rule.kind), "dead_air");
    const std::string canonical = callqc::scoring::canonicalChecklistToml(*checklist);
    EXPECT_NE(canonical.find("rule = { kind = \"dead_air\", max_sec = 12.5 }"), std::string::npos)
        << canonical;
    auto again = callqc::scoring::parseChecklist(canonical, "canonical");
    ASSERT_TRUE(again.has_value()) << again.error().detail;
    EXPECT_EQ(*again, *checklist);

    const auto error = [](const std::string& text) {
        auto parsed = callqc::scoring::parseChecklist(checklistWithRule(text), "t.toml");
        return parsed ? std::string() : parsed.error().detail;
    };
    EXPECT_EQ(error("rule = { kind = \"dead_air\" }"),
              "t.toml:12: item 1: rule: kind = \"dead_air\" needs 'max_sec'");
    EXPECT_EQ(error("rule = { kind = \"dead_air\", max_sec = 0 }"),
              "t.toml:12: item 1: rule: 'max_sec' must be greater than 0 and at most 1000000 "
              "(got 0)");
    EXPECT_EQ(error("rule = { kind = \"courtesy\", max_sec = 5 }"),
              "t.toml:12: item 1: rule: 'max_sec' only applies to kind = \"dead_air\"");
    EXPECT_EQ(error("rule = { kind = \"dead_air\", max_sec = 5, phrase_rules = [\"a\"] }"),
              "t.toml:12: item 1: rule: 'phrase_rules' does not apply to kind = \"dead_air\"");
}

} // namespace
