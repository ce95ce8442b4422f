#include <cstdint>
#include <random>
#include <string>

#include <gtest/gtest.h>

#include "scoring/checklist.hpp"

namespace {

using callqc::scoring::Checklist;
using callqc::scoring::ItemKind;
using callqc::scoring::parseChecklist;
using callqc::scoring::RuleKind;
using callqc::scoring::ScoringError;

const std::filesystem::path kDefaultChecklist =
    std::filesystem::path(CALLQC_SOURCE_DIR) / "assets/checklists/default.toml";

// A valid checklist with one section; `items` is appended after line 6, so its first line is
// line 7 of the document.
std::string withItems(const std::string& items) {
    return "id = \"t\"\n"                                    // 1
           "version = 1\n"                                   // 2
           "name = { zh = \"测试\", en = \"Test\" }\n"       // 3
           "[[sections]]\n"                                  // 4
           "id = \"s\"\n"                                    // 5
           "title = { zh = \"部分\", en = \"Section\" }\n" + // 6
           items;
}

std::string item(const std::string& id, const std::string& extra = "") {
    return "[[sections.items]]\nid = \"" + id + "\"\n" +
           "title = { zh = \"项\", en = \"Item\" }\nkind = \"pass_fail\"\nweight = 10\n" + extra;
}

ScoringError parseError(const std::string& toml) {
    auto result = parseChecklist(toml, "test.toml");
    EXPECT_FALSE(result.has_value());
    return result ? ScoringError{} : result.error();
}

TEST(Checklist, defaultChecklistHasTheManualsTwoSectionsAndWeightsSummingTo100) {
    auto checklist = callqc::scoring::loadChecklist(kDefaultChecklist);
    ASSERT_TRUE(checklist.has_value()) << checklist.error().detail;
    ASSERT_EQ(checklist->sections.size(), 2u);
    EXPECT_EQ(checklist->sections[0].title.zh, "服务态度");
    EXPECT_EQ(checklist->sections[0].title.en, "Service attitude");
    EXPECT_EQ(checklist->sections[0].items.size(), 8u);
    EXPECT_EQ(checklist->sections[1].title.zh, "处理技巧");
    EXPECT_EQ(checklist->sections[1].items.size(), 5u);
    EXPECT_EQ(checklist->itemCount(), 13u);
    EXPECT_DOUBLE_EQ(checklist->totalPoints(), 100.0);

    double attitude = 0;
    for (const auto& entry : checklist->sections[0].items) {
        attitude += entry.effectiveWeight;
        EXPECT_FALSE(entry.title.zh.empty());
        EXPECT_FALSE(entry.title.en.empty());
        EXPECT_FALSE(entry.help.zh.empty());
        EXPECT_FALSE(entry.help.en.empty());
    }
    EXPECT_DOUBLE_EQ(attitude, 60.0);

    const auto* forbidden = checklist->findItem("1.3");
    ASSERT_NE(forbidden, nullptr);
    EXPECT_EQ(forbidden->title.zh, "无服务忌语");
    EXPECT_TRUE(forbidden->critical);
    EXPECT_TRUE(forbidden->commentOnFail);
    ASSERT_TRUE(forbidden->rule.has_value());
    EXPECT_EQ(forbidden->rule->kind, RuleKind::ForbiddenPhrase);

    const auto* courtesy = checklist->findItem("1.1");
    ASSERT_NE(courtesy, nullptr);
    ASSERT_TRUE(courtesy->rule.has_value());
    EXPECT_EQ(courtesy->rule->kind, RuleKind::Courtesy);
    EXPECT_EQ(courtesy->rule->minDistinct, 3);

    const auto* confirmation = checklist->findItem("1.6");
    ASSERT_NE(confirmation, nullptr);
    ASSERT_TRUE(confirmation->rule.has_value());
    EXPECT_EQ(confirmation->rule->kind, RuleKind::Confirmation);

    int critical = 0;
    int commentOnFail = 0;
    for (const auto& section : checklist->sections) {
        for (const auto& entry : section.items) {
            critical += entry.critical ? 1 : 0;
            commentOnFail += entry.commentOnFail ? 1 : 0;
        }
    }
    EXPECT_EQ(critical, 1);
    EXPECT_GE(commentOnFail, 2);
}

TEST(Checklist, parsesEveryField) {
    const std::string toml = withItems(item("1", "critical = true\ncomment_on_fail = true\n"
                                                 "help = { zh = \"帮助\", en = \"Help\" }\n"
                                                 "rule = { kind = \"courtesy\", min_distinct = 2, "
                                                 "phrase_rules = [\"a\", \"b\"] }\n") +
                                       "[[sections.items]]\n"
                                       "id = \"2\"\n"
                                       "title = { zh = \"扣分\", en = \"Deduct\" }\n"
                                       "kind = \"deduction\"\n"
                                       "weight = 6\n"
                                       "per_occurrence = 2.5\n"
                                       "section_fail = true\n"
                                       "[[sections.items]]\n"
                                       "id = \"3\"\n"
                                       "title = { zh = \"分\", en = \"Points\" }\n"
                                       "kind = \"points\"\n"
                                       "weight = 4\n");
    auto checklist = parseChecklist(toml, "test.toml");
    ASSERT_TRUE(checklist.has_value()) << checklist.error().detail;
    EXPECT_EQ(checklist->id, "t");
    EXPECT_EQ(checklist->version, 1);
    EXPECT_EQ(checklist->name.zh, "测试");
    EXPECT_EQ(checklist->name.en, "Test");
    const auto& items = checklist->sections.at(0).items;
    ASSERT_EQ(items.size(), 3u);
    EXPECT_TRUE(items[0].critical);
    EXPECT_TRUE(items[0].commentOnFail);
    EXPECT_FALSE(items[0].sectionFail);
    EXPECT_EQ(items[0].help.en, "Help");
    EXPECT_EQ(items[0].rule->minDistinct, 2);
    EXPECT_EQ(items[0].rule->phraseRules, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(items[1].kind, ItemKind::Deduction);
    EXPECT_DOUBLE_EQ(items[1].perOccurrence, 2.5);
    EXPECT_TRUE(items[1].sectionFail);
    EXPECT_EQ(items[2].kind, ItemKind::Points);
    EXPECT_DOUBLE_EQ(checklist->totalPoints(), 20.0);
}

TEST(Checklist, duplicateItemIdErrorNamesFileLineAndItem) {
    // Lines 7-11 are item 1.3, lines 12-16 the duplicate; its id is on line 13.
    const ScoringError error = parseError(withItems(item("1.3") + item("1.3")));
    EXPECT_EQ(error.kind, ScoringError::Kind::Invalid);
    EXPECT_EQ(error.line, 13u);
    EXPECT_EQ(error.field, "id");
    EXPECT_EQ(error.source, "test.toml");
    EXPECT_EQ(error.detail, "test.toml:13: item 1.3: duplicate item id");
}

TEST(Checklist, sectionWeightsMustAddUpToTheDeclaredTotal) {
    // "total = 25" is line 7; the two items (10 + 10) follow on lines 8-17.
    const ScoringError error = parseError(withItems("total = 25\n" + item("a") + item("b")));
    EXPECT_EQ(error.line, 7u);
    EXPECT_EQ(error.field, "total");
    EXPECT_EQ(error.detail,
              "test.toml:7: section s: item weights add up to 20, not the declared total 25");
    EXPECT_TRUE(parseChecklist(withItems("total = 20\n" + item("a") + item("b")), "t.toml"));
}

TEST(Checklist, checklistPointsMustAddUpToTheDeclaredTotal) {
    const std::string toml = "total = 100\n" + withItems(item("a") + item("b"));
    const ScoringError error = parseError(toml);
    EXPECT_EQ(error.line, 1u);
    EXPECT_EQ(error.detail,
              "test.toml:1: checklist: points add up to 20, not the declared total 100");
}

TEST(Checklist, duplicateIdAcrossSectionsIsRejected) {
    const std::string toml = withItems(item("1") +
                                       "[[sections]]\nid = \"s2\"\n"
                                       "title = { zh = \"二\", en = \"Two\" }\n" +
                                       item("1"));
    EXPECT_EQ(parseError(toml).detail, "test.toml:16: item 1: duplicate item id");
}

TEST(Checklist, unknownRuleKindIsALoadError) {
    const ScoringError error =
        parseError(withItems(item("1.3", "rule = { kind = \"telepathy\" }\n")));
    EXPECT_EQ(error.line, 12u);
    EXPECT_EQ(error.field, "kind");
    EXPECT_EQ(error.detail, "test.toml:12: item 1.3: rule: unknown rule kind 'telepathy' "
                            "(expected forbidden_phrase, courtesy, confirmation or dead_air)");
}

TEST(Checklist, unknownItemKindIsALoadError) {
    const std::string toml = withItems("[[sections.items]]\n"
                                       "id = \"1\"\n"
                                       "title = { zh = \"项\", en = \"Item\" }\n"
                                       "kind = \"stars\"\n"
                                       "weight = 1\n");
    EXPECT_EQ(parseError(toml).detail,
              "test.toml:10: item 1: unknown kind 'stars' (expected pass_fail, points or "
              "deduction)");
}

TEST(Checklist, weightMustBePositive) {
    for (const char* weight : {"0", "-1", "0.0", "nan", "inf", "2e6"}) {
        const std::string toml = withItems("[[sections.items]]\n"
                                           "id = \"1\"\n"
                                           "title = { zh = \"项\", en = \"Item\" }\n"
                                           "kind = \"pass_fail\"\n"
                                           "weight = " +
                                           std::string(weight) + "\n");
        const ScoringError error = parseError(toml);
        EXPECT_EQ(error.line, 11u) << weight;
        EXPECT_EQ(error.field, "weight") << weight;
    }
    EXPECT_EQ(parseError(withItems("[[sections.items]]\nid = \"1\"\n"
                                   "title = { zh = \"项\", en = \"Item\" }\n"
                                   "kind = \"pass_fail\"\nweight = -2\n"))
                  .detail,
              "test.toml:11: item 1: 'weight' must be greater than 0 and at most 1000000 "
              "(got -2)");
}

TEST(Checklist, missingWeightIsAnError) {
    const std::string toml = withItems("[[sections.items]]\n"
                                       "id = \"1\"\n"
                                       "title = { zh = \"项\", en = \"Item\" }\n"
                                       "kind = \"pass_fail\"\n");
    EXPECT_EQ(parseError(toml).detail, "test.toml:7: item 1: missing 'weight'");
}

TEST(Checklist, titlesNeedBothLanguages) {
    const std::string toml = withItems("[[sections.items]]\n"
                                       "id = \"1\"\n"
                                       "title = { zh = \"项\" }\n"
                                       "kind = \"pass_fail\"\n"
                                       "weight = 1\n");
    const ScoringError error = parseError(toml);
    EXPECT_EQ(error.line, 9u);
    EXPECT_EQ(error.field, "en");
    EXPECT_EQ(error.detail, "test.toml:9: item 1: title: missing 'en'");

    const std::string blank = withItems("[[sections.items]]\n"
                                        "id = \"1\"\n"
                                        "title = { zh = \"项\", en = \"  \" }\n"
                                        "kind = \"pass_fail\"\n"
                                        "weight = 1\n");
    EXPECT_EQ(parseError(blank).detail, "test.toml:9: item 1: title: 'en' must not be empty");

    const std::string noTitle = withItems("[[sections.items]]\n"
                                          "id = \"1\"\n"
                                          "kind = \"pass_fail\"\n"
                                          "weight = 1\n");
    EXPECT_EQ(parseError(noTitle).detail, "test.toml:7: item 1: missing 'title'");
}

TEST(Checklist, unknownKeysAreRejectedSoTyposDoNotPassSilently) {
    const ScoringError error = parseError(withItems(item("1", "critcal = true\n")));
    EXPECT_EQ(error.line, 12u);
    EXPECT_EQ(error.field, "critcal");
    EXPECT_EQ(error.detail, "test.toml:12: item 1: unknown key 'critcal'");
}

TEST(Checklist, wrongValueTypesAreReported) {
    EXPECT_EQ(parseError(withItems(item("1", "critical = \"yes\"\n"))).detail,
              "test.toml:12: item 1: 'critical' must be true or false, not a string");
    EXPECT_EQ(parseError("id = \"t\"\nversion = \"one\"\n").detail,
              "test.toml:2: checklist: 'version' must be an integer, not a string");
}

TEST(Checklist, perOccurrenceOnlyForDeductionItems) {
    EXPECT_EQ(parseError(withItems(item("1", "per_occurrence = 1\n"))).detail,
              "test.toml:12: item 1: 'per_occurrence' only applies to kind = \"deduction\"");
    const std::string deductionWithout = withItems("[[sections.items]]\n"
                                                   "id = \"1\"\n"
                                                   "title = { zh = \"项\", en = \"Item\" }\n"
                                                   "kind = \"deduction\"\n"
                                                   "weight = 5\n");
    EXPECT_EQ(parseError(deductionWithout).field, "per_occurrence");
}

TEST(Checklist, rulesOnlyOnPassFailItems) {
    const std::string toml = withItems("[[sections.items]]\n"
                                       "id = \"1\"\n"
                                       "title = { zh = \"项\", en = \"Item\" }\n"
                                       "kind = \"points\"\n"
                                       "weight = 5\n"
                                       "rule = { kind = \"courtesy\" }\n");
    EXPECT_EQ(parseError(toml).detail, "test.toml:12: item 1: a 'rule' needs kind = \"pass_fail\"");
    EXPECT_EQ(parseError(withItems(item("1", "rule = { kind = \"confirmation\", min_distinct "
                                             "= 2 }\n")))
                  .field,
              "min_distinct");
}

TEST(Checklist, emptyStructuresAreRejected) {
    EXPECT_EQ(parseError("id = \"t\"\nversion = 1\nname = { zh = \"测\", en = \"T\" }\n").detail,
              "test.toml:1: checklist: no sections: add at least one [[sections]]");
    EXPECT_EQ(parseError(withItems("")).detail,
              "test.toml:4: section s: no items: add at least one [[sections.items]]");
    EXPECT_EQ(parseError("version = 1\n").detail, "test.toml:1: checklist: missing 'id'");
}

TEST(Checklist, syntaxErrorsCarryTheLine) {
    const ScoringError error = parseError("id = \"t\"\nversion = 1\nname = {\n");
    EXPECT_EQ(error.kind, ScoringError::Kind::Syntax);
    EXPECT_EQ(error.line, 3u);
    EXPECT_EQ(error.detail.rfind("test.toml:3: ", 0), 0u) << error.detail;
}

TEST(Checklist, missingFileIsAnIoError) {
    auto result = callqc::scoring::loadChecklist("/nonexistent/dir/checklist.toml");
    ASSERT_FALSE(result.has_value());
    EXPECT_EQ(result.error().kind, ScoringError::Kind::Io);
    EXPECT_EQ(result.error().source, "checklist.toml");
}

TEST(Checklist, sectionWeightScalesItemsToTheSectionsPoints) {
    // Section s is worth 60 points over three equal items; section t is unweighted.
    const std::string toml =
        withItems("weight = 60\n" + item("1") + item("2") + item("3") +
                  "[[sections]]\nid = \"t\"\ntitle = { zh = \"二\", en = \"Two\" }\n" +
                  "[[sections.items]]\nid = \"4\"\ntitle = { zh = \"项\", en = \"I\" }\n"
                  "kind = \"pass_fail\"\nweight = 40\n");
    auto checklist = parseChecklist(toml, "test.toml");
    ASSERT_TRUE(checklist.has_value()) << checklist.error().detail;
    EXPECT_DOUBLE_EQ(checklist->findItem("1")->effectiveWeight, 20.0);
    EXPECT_DOUBLE_EQ(checklist->findItem("1")->weight, 10.0);
    EXPECT_DOUBLE_EQ(checklist->findItem("4")->effectiveWeight, 40.0);
    EXPECT_DOUBLE_EQ(checklist->totalPoints(), 100.0);
    EXPECT_EQ(checklist->findSectionOf("4")->id, "t");
}

TEST(Checklist, canonicalFormRoundTripsToAnEqualChecklist) {
    auto checklist = callqc::scoring::loadChecklist(kDefaultChecklist);
    ASSERT_TRUE(checklist.has_value()) << checklist.error().detail;
    const std::string canonical = callqc::scoring::canonicalChecklistToml(*checklist);
    auto again = parseChecklist(canonical, "canonical.toml");
    ASSERT_TRUE(again.has_value()) << again.error().detail << "\n" << canonical;
    EXPECT_EQ(*again, *checklist);
    EXPECT_EQ(callqc::scoring::canonicalChecklistToml(*again), canonical);
}

TEST(Checklist, fingerprintIgnoresFormattingButNotContent) {
    const std::string a = withItems(item("1") + item("2"));
    const std::string reformatted = "# a comment\n"
                                    "version = 1\nid = \"t\"\n"
                                    "name = { en = \"Test\", zh = \"测试\" }\n"
                                    "[[sections]]\ntitle = { en = \"Section\", zh = \"部分\" }\n"
                                    "id = \"s\"\n" +
                                    item("1") + item("2");
    const std::string changed = withItems(item("1") + item("2", "critical = true\n"));
    const auto fingerprint = [](const std::string& toml) {
        auto checklist = parseChecklist(toml, "test.toml");
        EXPECT_TRUE(checklist.has_value());
        return checklist ? callqc::scoring::checklistFingerprint(*checklist) : std::string();
    };
    EXPECT_EQ(fingerprint(a).size(), 16u);
    EXPECT_EQ(fingerprint(a), fingerprint(reformatted));
    EXPECT_NE(fingerprint(a), fingerprint(changed));
}

TEST(Checklist, canonicalFormEscapesStrings) {
    auto checklist = parseChecklist(withItems(item("1")), "test.toml");
    ASSERT_TRUE(checklist.has_value());
    checklist->name.en = "Quote \" backslash \\ tab \t newline \n bell \x07 end";
    auto again =
        parseChecklist(callqc::scoring::canonicalChecklistToml(*checklist), "canonical.toml");
    ASSERT_TRUE(again.has_value()) << again.error().detail;
    EXPECT_EQ(again->name.en, checklist->name.en);
}

// Not a replacement for checklist_fuzz (libFuzzer, clang builds); a fixed-seed smoke test that
// random bytes and damaged checklists give errors, never crashes, in every build.
TEST(Checklist, randomAndMutatedInputNeverCrashes) {
    std::mt19937_64 random(20240611);
    const auto next = [&](std::uint64_t bound) {
        return static_cast<std::size_t>(random() % bound);
    };
    std::string original = withItems(item("1", "rule = { kind = \"courtesy\" }\n") + item("2"));
    int accepted = 0;
    for (int round = 0; round < 3000; ++round) {
        std::string input;
        if (round % 3 == 0) {
            input.resize(next(400));
            for (char& c : input) {
                c = static_cast<char>(random());
            }
        } else {
            input = original;
            const std::size_t edits = 1 + next(4);
            for (std::size_t edit = 0; edit < edits && !input.empty(); ++edit) {
                const std::size_t at = next(input.size());
                switch (next(4)) {
                case 0:
                    input[at] = static_cast<char>(random());
                    break;
                case 1:
                    input.erase(at, 1 + next(20));
                    break;
                case 2:
                    input.insert(at, input.substr(next(input.size()), next(40)));
                    break;
                default:
                    input.insert(at, 1, "[]{}=\"\n,.#"[next(11)]);
                    break;
                }
            }
        }
        auto result = parseChecklist(input, "fuzz.toml");
        if (result) {
            ++accepted;
            auto again =
                parseChecklist(callqc::scoring::canonicalChecklistToml(*result), "again.toml");
            ASSERT_TRUE(again.has_value()) << again.error().detail;
            EXPECT_EQ(*again, *result);
        } else {
            EXPECT_FALSE(result.error().detail.empty());
        }
    }
    EXPECT_GT(accepted, 0);
}

} // namespace
