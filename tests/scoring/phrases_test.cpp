#include <algorithm>
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
    EXPECT_EQ(required, 1);
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

    const PhraseMatcher anyone({{"x", PhraseKind::Forbidden, "我不清楚", SpeakerFilter::Any, {}}});
    const auto hits = hitsOf(anyone, "x", "我不清楚", Speaker::Customer);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].speaker, Speaker::Customer);

    const PhraseMatcher customers(
        {{"c", PhraseKind::Courtesy, "谢谢", SpeakerFilter::Customer, {}}});
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

    const PhraseMatcher hello({{"h", PhraseKind::Courtesy, "您好", SpeakerFilter::Agent, {}}});
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
        if (hit.missing) {
            missing.push_back(hit);
        }
    }
    ASSERT_EQ(missing.size(), 1u);
    EXPECT_EQ(missing[0].ruleId, "required.confirm_understood");
    EXPECT_EQ(missing[0].kind, PhraseKind::Required);
    EXPECT_EQ(missing[0].segmentIndex, kNoSegment);
    EXPECT_EQ(missing[0].speaker, Speaker::Agent);

    const std::vector<Segment> with{
        {Speaker::Agent, 0, 5, "先生，不知道我刚才是否将您的问题解释清楚了？"}};
    const auto hits = matcher.match(with);
    EXPECT_TRUE(std::none_of(hits.begin(), hits.end(), [](const auto& h) { return h.missing; }));
    EXPECT_TRUE(std::any_of(hits.begin(), hits.end(), [](const auto& h) {
        return h.ruleId == "required.confirm_understood" && h.segmentIndex == 0;
    }));
    EXPECT_EQ(matcher.match({}).size(), 1u);
}

TEST(PhraseMatcher, occurrencesOfOneRuleDoNotOverlap) {
    const PhraseMatcher matcher({{"t", PhraseKind::Courtesy, "谢谢", SpeakerFilter::Agent, {}}});
    EXPECT_EQ(hitsOf(matcher, "t", "谢谢谢谢").size(), 2u);
    EXPECT_EQ(hitsOf(matcher, "t", "谢谢谢").size(), 1u);
}

TEST(PhraseMatcher, overlappingPhrasesOfDifferentRulesAreAllFound) {
    const PhraseMatcher matcher({{"abc", PhraseKind::Forbidden, "abc", SpeakerFilter::Any, {}},
                                 {"bc", PhraseKind::Forbidden, "bc", SpeakerFilter::Any, {}},
                                 {"c", PhraseKind::Forbidden, "c", SpeakerFilter::Any, {}},
                                 {"bcd", PhraseKind::Forbidden, "BCD", SpeakerFilter::Any, {}}});
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
            rules.push_back({std::string("r").append(std::to_string(r)),
                             PhraseKind::Forbidden,
                             randomWord(1 + random() % 3),
                             SpeakerFilter::Any,
                             {}});
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

} // namespace
