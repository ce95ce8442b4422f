#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <tuple>

#include <gtest/gtest.h>

#include "scoring/phrases.hpp"

namespace {

using callqc::scoring::kNoSegment;
using callqc::scoring::normalizeText;
using callqc::scoring::PhraseHit;
using callqc::scoring::PhraseKind;
using callqc::scoring::PhraseMatcher;
using callqc::scoring::PhraseRule;
using callqc::scoring::Segment;
using callqc::scoring::Speaker;
using callqc::scoring::SpeakerFilter;

const std::filesystem::path kDefaultPhrases =
    std::filesystem::path(CALLQC_SOURCE_DIR) / "assets/checklists/phrases.toml";

PhraseRule makeRule(std::string id, PhraseKind kind, std::string phrase, SpeakerFilter speaker,
                    std::vector<std::string> excludes = {}) {
    PhraseRule rule;
    rule.id = std::move(id);
    rule.kind = kind;
    rule.phrase = std::move(phrase);
    rule.speaker = speaker;
    rule.excludes = std::move(excludes);
    return rule;
}

PhraseMatcher defaultMatcher() {
    auto rules = callqc::scoring::loadPhraseRules(kDefaultPhrases);
    EXPECT_TRUE(rules.has_value()) << rules.error().detail;
    return PhraseMatcher(rules ? *rules : std::vector<PhraseRule>{});
}

// Hits of one rule (missing hits excluded) when `text` is said by `speaker`.
std::vector<PhraseHit> hitsOf(const PhraseMatcher& matcher, const std::string& ruleId,
                              const std::string& text, Speaker speaker = Speaker::Agent) {
    std::vector<PhraseHit> result;
    for (auto& hit : matcher.match({{speaker, 0, 10, text}})) {
        if (hit.ruleId == ruleId && !hit.missing) {
            result.push_back(hit);
        }
    }
    return result;
}

TEST(NormalizeText, punctuationAndSpacesDoNotMatter) {
    EXPECT_EQ(normalizeText("不能办，我也没办法"), "不能办我也没办法");
    EXPECT_EQ(normalizeText("不能办 我也没办法"), "不能办我也没办法");
    EXPECT_EQ(normalizeText("不能办,我也没办法!"), "不能办我也没办法");
    EXPECT_EQ(normalizeText("不能办\u3000我也没办法……"), "不能办我也没办法");
}

TEST(NormalizeText, fullWidthFoldsToHalfWidthLowercase) {
    EXPECT_EQ(normalizeText("ＡＢＣ　１２３！"), "abc123");
    EXPECT_EQ(normalizeText("VIP会员ｖｉｐ"), "vip会员vip");
    EXPECT_EQ(normalizeText("Hello, World"), "helloworld");
}

TEST(NormalizeText, chinesePunctuationIsDropped) {
    EXPECT_EQ(normalizeText("“您好”（先生）、；：？！。《》【】‘’「」〜·"), "您好先生");
    EXPECT_EQ(normalizeText("请稍等—谢谢…"), "请稍等谢谢");
}

TEST(NormalizeText, invisibleCharactersAreDropped) {
    EXPECT_EQ(normalizeText("您\u200b好\ufeff，\u00a0再\u200d见\u2060"), "您好再见");
    EXPECT_EQ(normalizeText("\t您好\r\n"), "您好");
}

TEST(NormalizeText, ideographicNumbersAndIterationMarksAreKept) {
    EXPECT_EQ(normalizeText("二〇二三年"), "二〇二三年");
    EXPECT_EQ(normalizeText("人々"), "人々");
}

TEST(NormalizeText, invalidUtf8IsDroppedNotFatal) {
    EXPECT_EQ(normalizeText("a\xff\xfe b"), "ab");
    EXPECT_EQ(normalizeText("\xc0\xaf"
                            "x"),
              "x"); // overlong '/'
    EXPECT_EQ(normalizeText("\xed\xa0\x80"
                            "y"),
              "y");                               // surrogate
    EXPECT_EQ(normalizeText("您\xe5\xa5"), "您"); // truncated 好
    EXPECT_EQ(normalizeText(""), "");
}

TEST(NormalizeText, offsetsPointBackIntoTheOriginal) {
    const std::string text = "好的，ＯＫ";
    const auto normalized = callqc::scoring::normalizeWithOffsets(text);
    ASSERT_EQ(normalized.chars, U"好的ok");
    EXPECT_EQ(normalized.byteBegin, (std::vector<std::size_t>{0, 3, 9, 12}));
    EXPECT_EQ(normalized.byteEnd, (std::vector<std::size_t>{3, 6, 12, 15}));
}

TEST(PhraseMatcher, defaultPhraseListLoads) {
    auto rules = callqc::scoring::loadPhraseRules(kDefaultPhrases);
    ASSERT_TRUE(rules.has_value()) << rules.error().detail;
    std::vector<std::string> courtesy;
    int forbidden = 0;
    int required = 0;
    for (const auto& rule : *rules) {
        if (rule.kind == PhraseKind::Courtesy) {
            courtesy.push_back(rule.phrase);
        }
        forbidden += rule.kind == PhraseKind::Forbidden ? 1 : 0;
        required += rule.kind == PhraseKind::Required ? 1 : 0;
        if (rule.kind == PhraseKind::Forbidden) {
            EXPECT_EQ(rule.speaker, SpeakerFilter::Agent) << rule.id;
        }
    }
    EXPECT_EQ(courtesy, (std::vector<std::string>{"您好", "请", "谢谢", "对不起", "再见"}));
    EXPECT_GE(forbidden, 5);
    EXPECT_EQ(required, 3);
}

TEST(PhraseMatcher, youSeemIsNotHello) {
    const PhraseMatcher matcher = defaultMatcher();
    EXPECT_TRUE(hitsOf(matcher, "courtesy.hello", "您好像还没有登录").empty());
    EXPECT_EQ(hitsOf(matcher, "courtesy.hello", "您好，请问有什么可以帮您").size(), 1u);
    const auto both = hitsOf(matcher, "courtesy.hello", "您好，您好像还没有登录");
    ASSERT_EQ(both.size(), 1u);
    EXPECT_EQ(both[0].textBegin, 0u);
}

TEST(PhraseMatcher, applyIsNotPlease) {
    const PhraseMatcher matcher = defaultMatcher();
    EXPECT_TRUE(hitsOf(matcher, "courtesy.please", "您可以申请退款，也可以邀请朋友").empty());
    EXPECT_EQ(hitsOf(matcher, "courtesy.please", "请稍等").size(), 1u);
    EXPECT_EQ(hitsOf(matcher, "courtesy.please", "请您先申请一下").size(), 1u);
}

TEST(PhraseMatcher, seeAgainIsNotGoodbye) {
    const PhraseMatcher matcher = defaultMatcher();
    EXPECT_TRUE(hitsOf(matcher, "courtesy.goodbye", "希望下次再见到您").empty());
    EXPECT_EQ(hitsOf(matcher, "courtesy.goodbye", "好的，再见！").size(), 1u);
}

TEST(PhraseMatcher, iKnowIsNotIDontKnow) {
    const PhraseMatcher matcher = defaultMatcher();
    EXPECT_TRUE(hitsOf(matcher, "forbidden.not_clear", "这个情况我清楚，您放心").empty());
    EXPECT_EQ(hitsOf(matcher, "forbidden.not_clear", "这个我不清楚").size(), 1u);
    EXPECT_EQ(hitsOf(matcher, "forbidden.not_clear", "这个我不 清楚。").size(), 1u);
}

TEST(PhraseMatcher, aCustomerSayingAForbiddenPhraseIsNotAnAgentHit) {
    const PhraseMatcher matcher = defaultMatcher();
    EXPECT_TRUE(hitsOf(matcher, "forbidden.not_clear", "我不清楚", Speaker::Customer).empty());
    EXPECT_TRUE(hitsOf(matcher, "forbidden.not_clear", "我不清楚", Speaker::Unknown).empty());

    const PhraseMatcher anyone(
        {makeRule("x", PhraseKind::Forbidden, "我不清楚", SpeakerFilter::Any)});
    const auto hits = hitsOf(anyone, "x", "我不清楚", Speaker::Customer);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].speaker, Speaker::Customer);

    const PhraseMatcher customers(
        {makeRule("c", PhraseKind::Courtesy, "谢谢", SpeakerFilter::Customer)});
    EXPECT_EQ(hitsOf(customers, "c", "谢谢", Speaker::Customer).size(), 1u);
    EXPECT_TRUE(hitsOf(customers, "c", "谢谢", Speaker::Agent).empty());
}

TEST(PhraseMatcher, hitTimesAreInterpolatedByCharacterPosition) {
    const PhraseMatcher matcher = defaultMatcher();
    // "好的这个我不清楚": 8 characters over 10..20 s; 我不清楚 is characters 4..7.
    const std::vector<Segment> segments{
        {Speaker::Customer, 0, 9.5, "那怎么办？"},
        {Speaker::Agent, 10, 20, "好的，这个我不清楚"},
    };
    std::vector<PhraseHit> forbidden;
    for (const auto& hit : matcher.match(segments)) {
        if (hit.kind == PhraseKind::Forbidden) {
            forbidden.push_back(hit);
        }
    }
    ASSERT_EQ(forbidden.size(), 1u);
    const PhraseHit& hit = forbidden[0];
    EXPECT_EQ(hit.ruleId, "forbidden.not_clear");
    EXPECT_EQ(hit.phrase, "我不清楚");
    EXPECT_EQ(hit.speaker, Speaker::Agent);
    EXPECT_EQ(hit.segmentIndex, 1u);
    EXPECT_DOUBLE_EQ(hit.startSec, 15.0);
    EXPECT_DOUBLE_EQ(hit.endSec, 20.0);
    EXPECT_EQ(hit.text, "好的，这个我不清楚");
    EXPECT_EQ(hit.text.substr(hit.textBegin, hit.textEnd - hit.textBegin), "我不清楚");
    EXPECT_FALSE(hit.missing);

    const PhraseMatcher hello({makeRule("h", PhraseKind::Courtesy, "您好", SpeakerFilter::Agent)});
    const auto early = hello.match({{Speaker::Agent, 2, 6, "您好，请问"}});
    ASSERT_EQ(early.size(), 1u);
    EXPECT_DOUBLE_EQ(early[0].startSec, 2.0);
    EXPECT_DOUBLE_EQ(early[0].endSec, 4.0);
}

TEST(PhraseMatcher, aRequiredLineThatIsNeverSaidGivesAMissingHit) {
    const PhraseMatcher matcher = defaultMatcher();
    const std::vector<Segment> without{{Speaker::Agent, 0, 5, "您好"},
                                       {Speaker::Customer, 5, 9, "我的问题解释清楚了吗"}};
    std::vector<PhraseHit> missing;
    for (const auto& hit : matcher.match(without)) {
        if (hit.missing && hit.ruleId != "required.goodbye") {
            missing.push_back(hit);
        }
    }
    ASSERT_EQ(missing.size(), 1u);
    EXPECT_EQ(missing[0].ruleId, "required.confirm_understood");
    EXPECT_EQ(missing[0].kind, PhraseKind::Required);
    EXPECT_EQ(missing[0].segmentIndex, kNoSegment);
    EXPECT_EQ(missing[0].speaker, Speaker::Agent);

    const std::vector<Segment> with{
        {Speaker::Agent, 0, 5, "您好，先生，不知道我刚才是否将您的问题解释清楚了？再见"}};
    const auto hits = matcher.match(with);
    EXPECT_TRUE(std::none_of(hits.begin(), hits.end(), [](const auto& h) { return h.missing; }));
    EXPECT_TRUE(std::any_of(hits.begin(), hits.end(), [](const auto& h) {
        return h.ruleId == "required.confirm_understood" && h.segmentIndex == 0;
    }));
    EXPECT_EQ(matcher.match({}).size(), 3u); // confirmation, greeting, goodbye
}

TEST(PhraseMatcher, occurrencesOfOneRuleDoNotOverlap) {
    const PhraseMatcher matcher(
        {makeRule("t", PhraseKind::Courtesy, "谢谢", SpeakerFilter::Agent)});
    EXPECT_EQ(hitsOf(matcher, "t", "谢谢谢谢").size(), 2u);
    EXPECT_EQ(hitsOf(matcher, "t", "谢谢谢").size(), 1u);
}

TEST(PhraseMatcher, overlappingPhrasesOfDifferentRulesAreAllFound) {
    const PhraseMatcher matcher(
        {makeRule("abc", PhraseKind::Forbidden, "abc", SpeakerFilter::Any),
         makeRule("bc", PhraseKind::Forbidden, "bc", SpeakerFilter::Any),
         makeRule("c", PhraseKind::Forbidden, "c", SpeakerFilter::Any),
         makeRule("bcd", PhraseKind::Forbidden, "BCD", SpeakerFilter::Any)});
    const auto hits = matcher.match({{Speaker::Agent, 0, 4, "a-b-c-d"}});
    std::vector<std::tuple<std::string, std::size_t, std::size_t>> found;
    for (const auto& hit : hits) {
        found.emplace_back(hit.ruleId, hit.textBegin, hit.textEnd);
    }
    const std::vector<std::tuple<std::string, std::size_t, std::size_t>> expected{
        {"abc", 0, 5}, {"bc", 2, 5}, {"bcd", 2, 7}, {"c", 4, 5}};
    EXPECT_EQ(found, expected);
}

// Checks the automaton against a plain search over the normalized text, on random strings
// over a small alphabet where patterns overlap and share prefixes and suffixes a lot.
TEST(PhraseMatcher, agreesWithNaiveSearchOnRandomText) {
    std::mt19937 random(12345);
    const std::u32string alphabet = U"您好请谢再见ab";
    const auto randomWord = [&](std::size_t length) {
        std::string word;
        for (std::size_t i = 0; i < length; ++i) {
            const char32_t c = alphabet[random() % alphabet.size()];
            if (c < 0x80) {
                word += static_cast<char>(c);
            } else { // the CJK characters above are all 3-byte UTF-8
                word += static_cast<char>(0xE0 | (c >> 12));
                word += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
                word += static_cast<char>(0x80 | (c & 0x3F));
            }
        }
        return word;
    };
    for (int round = 0; round < 200; ++round) {
        std::vector<PhraseRule> rules;
        for (int r = 0; r < 6; ++r) {
            rules.push_back(makeRule(std::string("r").append(std::to_string(r)),
                                     PhraseKind::Forbidden, randomWord(1 + random() % 3),
                                     SpeakerFilter::Any));
        }
        const PhraseMatcher matcher(rules);
        const std::string text = randomWord(random() % 30);
        const auto normalized = callqc::scoring::normalizeWithOffsets(text).chars;

        std::vector<std::tuple<std::size_t, std::size_t, std::string>> expected;
        for (std::size_t r = 0; r < rules.size(); ++r) {
            const auto phrase = callqc::scoring::normalizeWithOffsets(rules[r].phrase).chars;
            std::size_t from = 0;
            for (auto at = normalized.find(phrase, from); at != std::u32string::npos;
                 at = normalized.find(phrase, from)) {
                expected.emplace_back(at, r, rules[r].id);
                from = at + phrase.size();
            }
        }
        std::sort(expected.begin(), expected.end());

        std::vector<std::tuple<std::size_t, std::size_t, std::string>> actual;
        for (const auto& hit : matcher.match({{Speaker::Agent, 0, 1, text}})) {
            const auto ruleIndex = static_cast<std::size_t>(std::stoi(hit.ruleId.substr(1)));
            // Each test character is 1 or 3 bytes; recover the character index.
            std::size_t charIndex = 0;
            for (std::size_t byte = 0; byte < hit.textBegin; ++charIndex) {
                byte += static_cast<unsigned char>(text[byte]) < 0x80 ? 1 : 3;
            }
            actual.emplace_back(charIndex, ruleIndex, hit.ruleId);
        }
        ASSERT_EQ(actual, expected) << "text " << text;
    }
}

TEST(PhraseRules, errorsNameLineAndField) {
    const auto error = [](const std::string& toml) {
        auto rules = callqc::scoring::parsePhraseRules(toml, "phrases.toml");
        EXPECT_FALSE(rules.has_value());
        return rules ? std::string() : rules.error().detail;
    };
    EXPECT_EQ(error("[[rules]]\nid = \"a\"\nkind = \"courtesy\"\nphrase = \"请\"\n"
                    "excludes = [\"谢谢\"]\n"),
              "phrases.toml:5: rule a: exclude '谢谢' must be longer than and contain the "
              "phrase '请'");
    EXPECT_EQ(error("[[rules]]\nid = \"a\"\nkind = \"rude\"\nphrase = \"x\"\n"),
              "phrases.toml:3: rule a: unknown kind 'rude' (expected forbidden, courtesy or "
              "required)");
    EXPECT_EQ(error("[[rules]]\nid = \"a\"\nkind = \"forbidden\"\nphrase = \"x\"\n"
                    "[[rules]]\nid = \"a\"\nkind = \"forbidden\"\nphrase = \"y\"\n"),
              "phrases.toml:6: rule a: duplicate rule id");
    EXPECT_EQ(error("[[rules]]\nid = \"a\"\nkind = \"forbidden\"\nphrase = \"，。！\"\n"),
              "phrases.toml:4: rule a: 'phrase' has no words, only punctuation");
    EXPECT_EQ(error("[[rules]]\nid = \"a\"\nkind = \"forbidden\"\nphrase = \"x\"\n"
                    "speaker = \"boss\"\n"),
              "phrases.toml:5: rule a: unknown speaker 'boss' (expected agent, customer or any)");
    EXPECT_EQ(error("[[rule]]\nid = \"a\"\n"), "phrases.toml:1: phrase list: unknown key 'rule'");
}

TEST(PhraseRules, speakerDefaultsToTheAgent) {
    auto rules = callqc::scoring::parsePhraseRules(
        "[[rules]]\nid = \"a\"\nkind = \"required\"\nphrase = \"x\"\n"
        "[[rules]]\nid = \"b\"\nkind = \"courtesy\"\nphrase = \"y\"\nspeaker = \"any\"\n",
        "p.toml");
    ASSERT_TRUE(rules.has_value()) << rules.error().detail;
    EXPECT_EQ(rules->at(0).speaker, SpeakerFilter::Agent);
    EXPECT_EQ(rules->at(1).speaker, SpeakerFilter::Any);
}

// Every folding the issue names, each checked on its own and through the matcher, so that a
// phrase written one way is found in text written another.
TEST(NormalizeText, eachZeroWidthCharacterIsDropped) {
    EXPECT_EQ(normalizeText("我\u200b不清楚"), "我不清楚"); // zero-width space
    EXPECT_EQ(normalizeText("我\u200c不清楚"), "我不清楚"); // zero-width non-joiner
    EXPECT_EQ(normalizeText("我\u200d不清楚"), "我不清楚"); // zero-width joiner
    EXPECT_EQ(normalizeText("\ufeff我不清楚"), "我不清楚"); // byte order mark
    EXPECT_EQ(normalizeText("我\u3000不清楚"), "我不清楚"); // ideographic space
    EXPECT_EQ(normalizeText("我 不\t清\n楚"), "我不清楚");
}

TEST(PhraseMatcher, textIsMatchedWhateverItsWidthSpacingOrPunctuation) {
    const PhraseMatcher matcher(
        {makeRule("x", PhraseKind::Forbidden, "不能办,我也没办法", SpeakerFilter::Agent),
         makeRule("v", PhraseKind::Forbidden, "ＶＩＰ卡", SpeakerFilter::Agent)});
    for (const std::string text :
         {"不能办，我也没办法", "不能办 我也没办法", "不能办,我也没办法", "不能办\u3000我也没办法",
          "不能\u200b办\u200c我\u200d也\ufeff没办法", "不能办。。。我也——没办法！"}) {
        const auto hits = hitsOf(matcher, "x", text);
        ASSERT_EQ(hits.size(), 1u) << text;
        EXPECT_EQ(hits[0].textBegin, 0u) << text;
        EXPECT_EQ(hits[0].textEnd, text.size() - (text.ends_with("！") ? 3 : 0)) << text;
    }
    EXPECT_EQ(hitsOf(matcher, "v", "办张vip卡").size(), 1u);
    EXPECT_EQ(hitsOf(matcher, "v", "办张 VIP 卡").size(), 1u);
    EXPECT_EQ(hitsOf(matcher, "v", "办张ｖｉｐ卡").size(), 1u);
    EXPECT_TRUE(hitsOf(matcher, "v", "办张vipp卡").empty());
}

TEST(PhraseMatcher, nearMissesOfTheDefaultListDoNotFire) {
    const PhraseMatcher matcher = defaultMatcher();
    const auto count = [&](const std::string& ruleId, const std::string& text) {
        return hitsOf(matcher, ruleId, text).size();
    };
    EXPECT_EQ(count("courtesy.hello", "您好像打错了"), 0u);
    EXPECT_EQ(count("courtesy.please", "我帮您申请一下"), 0u);
    EXPECT_EQ(count("courtesy.please", "邀请码发您了"), 0u);
    EXPECT_EQ(count("courtesy.please", "他请假了"), 0u);
    EXPECT_EQ(count("courtesy.goodbye", "期待再见到您"), 0u);
    EXPECT_EQ(count("courtesy.sorry", "这个账对不起来"), 0u);
    EXPECT_EQ(count("forbidden.not_clear", "我清楚的"), 0u);
    EXPECT_EQ(count("forbidden.i_dont_know_either", "我也知道"), 0u);
    EXPECT_EQ(count("forbidden.nothing_i_can_do", "我有办法"), 0u);
    // The same words by the customer, quoting the agent, do not count as the agent's.
    const auto quoted = matcher.match({{Speaker::Customer, 0, 4, "你刚才说“我不清楚”是什么意思"},
                                       {Speaker::Agent, 4, 8, "对不起，我帮您查一下"}});
    EXPECT_TRUE(std::none_of(quoted.begin(), quoted.end(),
                             [](const auto& h) { return h.kind == PhraseKind::Forbidden; }));
}

// Decisions of ours: 请问 ("may I ask") is a polite 请 and counts; an exclusion only removes
// the occurrence inside it, not later ones in the same segment; punctuation is dropped before
// exclusions are looked for, so "申，请" reads as 申请 (a known limit).
TEST(PhraseMatcher, pleaseInAQuestionCountsAndExclusionsAreLocal) {
    const PhraseMatcher matcher = defaultMatcher();
    EXPECT_EQ(hitsOf(matcher, "courtesy.please", "请问您贵姓").size(), 1u);
    const auto later = hitsOf(matcher, "courtesy.please", "您可以申请。请稍等");
    ASSERT_EQ(later.size(), 1u);
    EXPECT_EQ(later[0].textBegin, 18u); // the second 请, after 您可以申请。
    EXPECT_TRUE(hitsOf(matcher, "courtesy.please", "申，请").empty());
}

TEST(PhraseMatcher, repeatedWordsAreSeparateHitsOfOneRule) {
    const PhraseMatcher matcher = defaultMatcher();
    const auto thanks = hitsOf(matcher, "courtesy.thanks", "谢谢谢谢！");
    ASSERT_EQ(thanks.size(), 2u);
    EXPECT_EQ(thanks[0].textBegin, 0u);
    EXPECT_EQ(thanks[1].textBegin, 6u);
    EXPECT_DOUBLE_EQ(thanks[0].startSec, 0.0);
    EXPECT_DOUBLE_EQ(thanks[1].startSec, 5.0); // 4 characters over 0..10 s
}

TEST(PhraseMatcher, traditionalCharactersAreNotFolded) {
    // A documented limit: 請 is not 请.
    const PhraseMatcher matcher = defaultMatcher();
    EXPECT_TRUE(hitsOf(matcher, "courtesy.please", "請稍等").empty());
}

PhraseRule positioned(std::string id, std::string phrase, std::optional<double> firstSec,
                      std::optional<double> lastSec) {
    PhraseRule rule =
        makeRule(std::move(id), PhraseKind::Required, std::move(phrase), SpeakerFilter::Agent);
    rule.withinFirstSec = firstSec;
    rule.withinLastSec = lastSec;
    return rule;
}

TEST(PhraseMatcher, aGreetingCountsOnlyWithinTheFirstSecondsOfTheAgentsSpeech) {
    const PhraseMatcher matcher({positioned("greet", "您好", 15.0, std::nullopt)});
    // The agent starts at 3 s (the customer's earlier line does not move the window): 您好 at
    // 3 s is in, at 18 s exactly on the edge is in, at 20 s is out.
    const auto early = matcher.match({{Speaker::Customer, 0, 3, "喂？您好"},
                                      {Speaker::Agent, 3, 7, "您好，请讲"},
                                      {Speaker::Agent, 20, 24, "您好，还在吗"}});
    ASSERT_EQ(early.size(), 2u);
    EXPECT_DOUBLE_EQ(early[0].startSec, 3.0);
    EXPECT_FALSE(early[0].outOfPosition);
    EXPECT_DOUBLE_EQ(early[1].startSec, 20.0);
    EXPECT_TRUE(early[1].outOfPosition);
    EXPECT_FALSE(early[1].missing);

    const auto onEdge =
        matcher.match({{Speaker::Agent, 3, 7, "请讲"}, {Speaker::Agent, 14, 20, "好的先生您好"}});
    ASSERT_EQ(onEdge.size(), 1u);
    EXPECT_DOUBLE_EQ(onEdge[0].startSec, 18.0); // characters 4..5 of 6 over 14..20 s
    EXPECT_FALSE(onEdge[0].outOfPosition);

    // Only a late greeting: reported out of position, and the rule is still missing.
    const auto late =
        matcher.match({{Speaker::Agent, 3, 7, "请讲"}, {Speaker::Agent, 20, 24, "您好"}});
    ASSERT_EQ(late.size(), 2u);
    EXPECT_TRUE(late[0].outOfPosition);
    EXPECT_EQ(late[0].segmentIndex, 1u);
    EXPECT_TRUE(late[1].missing);
    EXPECT_EQ(late[1].ruleId, "greet");
}

TEST(PhraseMatcher, aGoodbyeCountsOnlyWithinTheLastSecondsOfTheAgentsSpeech) {
    const PhraseMatcher matcher({positioned("bye", "再见", std::nullopt, 30.0)});
    // The agent's speech ends at 100 s; the customer talking on to 110 s does not move it.
    const auto inWindow = matcher.match({{Speaker::Agent, 0, 10, "您好"},
                                         {Speaker::Agent, 66, 70, "好的再见"},
                                         {Speaker::Agent, 96, 100, "还有别的吗"},
                                         {Speaker::Customer, 100, 110, "没有了再见"}});
    ASSERT_EQ(inWindow.size(), 1u);
    EXPECT_DOUBLE_EQ(inWindow[0].endSec, 70.0); // exactly 30 s before 100 s
    EXPECT_FALSE(inWindow[0].outOfPosition);

    const auto early = matcher.match({{Speaker::Agent, 0, 10, "您好"},
                                      {Speaker::Agent, 60, 69, "再见了您内"},
                                      {Speaker::Agent, 96, 100, "还有别的吗"}});
    ASSERT_EQ(early.size(), 2u);
    EXPECT_DOUBLE_EQ(early[0].endSec, 60 + 9 * 2 / 5.0);
    EXPECT_TRUE(early[0].outOfPosition);
    EXPECT_TRUE(early[1].missing);
}

TEST(PhraseMatcher, withoutAgentSpeechWindowsAreMeasuredOverTheWholeCall) {
    PhraseRule rule = positioned("greet", "您好", 15.0, std::nullopt);
    rule.speaker = SpeakerFilter::Any;
    const PhraseMatcher matcher({rule});
    const auto hits =
        matcher.match({{Speaker::Unknown, 5, 9, "您好"}, {Speaker::Unknown, 30, 34, "您好"}});
    ASSERT_EQ(hits.size(), 2u);
    EXPECT_FALSE(hits[0].outOfPosition);
    EXPECT_TRUE(hits[1].outOfPosition);
}

TEST(PhraseMatcher, theDefaultListHasAPositionedGreetingAndGoodbye) {
    const PhraseMatcher matcher = defaultMatcher();
    const auto positionOf = [&](const std::string& id) {
        for (const auto& rule : matcher.rules()) {
            if (rule.id == id) {
                return std::pair{rule.withinFirstSec, rule.withinLastSec};
            }
        }
        ADD_FAILURE() << id;
        return std::pair<std::optional<double>, std::optional<double>>{};
    };
    EXPECT_EQ(positionOf("required.greeting"),
              std::pair(std::optional(15.0), std::optional<double>()));
    EXPECT_EQ(positionOf("required.goodbye"),
              std::pair(std::optional<double>(), std::optional(30.0)));

    const auto hits = matcher.match(
        {{Speaker::Agent, 1, 5, "您好，请讲"}, {Speaker::Agent, 50, 55, "好的，再见"}});
    EXPECT_TRUE(std::none_of(hits.begin(), hits.end(), [](const auto& h) {
        return h.outOfPosition || (h.missing && h.ruleId != "required.confirm_understood");
    }));
}

TEST(PhraseRules, positionsAreParsedAndChecked) {
    auto rules = callqc::scoring::parsePhraseRules(
        "[[rules]]\nid = \"a\"\nkind = \"required\"\nphrase = \"x\"\nwithin_first_sec = 15\n"
        "[[rules]]\nid = \"b\"\nkind = \"courtesy\"\nphrase = \"y\"\nwithin_last_sec = 2.5\n",
        "p.toml");
    ASSERT_TRUE(rules.has_value()) << rules.error().detail;
    EXPECT_EQ(rules->at(0).withinFirstSec, 15.0);
    EXPECT_EQ(rules->at(0).withinLastSec, std::nullopt);
    EXPECT_EQ(rules->at(1).withinLastSec, 2.5);

    const auto error = [](const std::string& extra) {
        auto parsed = callqc::scoring::parsePhraseRules(
            "[[rules]]\nid = \"a\"\nkind = \"required\"\nphrase = \"x\"\n" + extra, "p.toml");
        return parsed ? std::string() : parsed.error().detail;
    };
    EXPECT_EQ(error("within_first_sec = 0\n"),
              "p.toml:5: rule a: 'within_first_sec' must be greater than 0 seconds");
    EXPECT_EQ(error("within_last_sec = -3\n"),
              "p.toml:5: rule a: 'within_last_sec' must be greater than 0 seconds");
    EXPECT_EQ(error("within_first_sec = 5\nwithin_last_sec = 5\n"),
              "p.toml:6: rule a: give at most one of 'within_first_sec' and 'within_last_sec'");
    EXPECT_EQ(error("within_first_sec = \"soon\"\n").substr(0, 31),
              "p.toml:5: rule a: 'within_first");
}

} // namespace
