// `callqc phrases` as a script runs it: generated transcripts with hits whose times are worked
// out by hand (interpolated by character position within the segment), one JSON object per
// line, errors per file on stderr and exit code 1 when any file failed.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "tests/app/cli/cli_runner.hpp"
#include "tests/audio/fixtures.hpp"

namespace {

namespace fs = std::filesystem;

using callqc::tests::CliRun;

CliRun run(const std::string& args, const fs::path& dir) {
    return callqc::tests::runCli(args, dir);
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> result;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        result.push_back(line);
    }
    return result;
}

void write(const fs::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

class PhrasesCli : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = callqc::tests::freshDir("phrases-cli");
        write(m_dir / "rules.toml", "[[rules]]\nid = \"f.not_clear\"\nkind = \"forbidden\"\n"
                                    "phrase = \"我不清楚\"\n"
                                    "[[rules]]\nid = \"c.hello\"\nkind = \"courtesy\"\n"
                                    "phrase = \"您好\"\nexcludes = [\"您好像\"]\n"
                                    "[[rules]]\nid = \"r.confirm\"\nkind = \"required\"\n"
                                    "phrase = \"解释清楚\"\n"
                                    "[[rules]]\nid = \"r.bye\"\nkind = \"required\"\n"
                                    "phrase = \"再见\"\nwithin_last_sec = 5\n");
        // 您好 is characters 0..2 of 您好请讲 over 0..4 s: 0..2 s. The customer's 我不清楚
        // is not the agent's. 我不清楚 is characters 4..8 of 好的这个我不清楚 over 10..16 s:
        // 13..16 s. 您好像 is excluded; 再见 is characters 6..8 of 您好像没登录再见 over
        // 16..19 s: 18.25..19 s, within the last 5 s of the agent's speech (14..19 s).
        write(m_dir / "a.json",
              R"({"call_id": "C001", "segments": [
                 {"speaker": "agent", "start": 0, "end": 4, "text": "您好，请讲"},
                 {"speaker": "customer", "start": 4, "end": 10, "text": "我不清楚怎么办"},
                 {"speaker": "agent", "start": 10, "end": 16, "text": "好的，这个我不清楚"},
                 {"speaker": "agent", "start": 16, "end": 19, "text": "您好像没登录，再见"}]})");
        // No call_id: the file stem names the call. 再见 at 0..2 s ends before 15 s (the
        // agent's speech ends at 20 s), so it is out of position and the rule is missing.
        // 解释清楚 is characters 0..4 of 解释清楚了吗 over 10..20 s: 10..16.667 s (rounded).
        write(m_dir / "b.json",
              R"({"segments": [
                 {"speaker": "agent", "start": 0, "end": 2, "text": "再见"},
                 {"speaker": "agent", "start": 10, "end": 20, "text": "解释清楚了吗"}]})");
        write(m_dir / "bad.json", "{\"segments\": [ {\"speaker\": \"agent\"");
    }
    fs::path m_dir;
};

const std::vector<std::string> kExpectedA{
    R"({"call_id":"C001","rule":"c.hello","kind":"courtesy","phrase":"您好","speaker":"agent","start":0.0,"end":2.0,"text":"您好"})",
    R"({"call_id":"C001","rule":"f.not_clear","kind":"forbidden","phrase":"我不清楚","speaker":"agent","start":13.0,"end":16.0,"text":"我不清楚"})",
    R"({"call_id":"C001","rule":"r.bye","kind":"required","phrase":"再见","speaker":"agent","start":18.25,"end":19.0,"text":"再见"})",
    R"({"call_id":"C001","rule":"r.confirm","kind":"required","phrase":"解释清楚","missing":true,"speaker":"agent"})",
};
const std::vector<std::string> kExpectedB{
    R"({"call_id":"b","rule":"r.bye","kind":"required","phrase":"再见","speaker":"agent","start":0.0,"end":2.0,"text":"再见","out_of_position":true})",
    R"({"call_id":"b","rule":"r.confirm","kind":"required","phrase":"解释清楚","speaker":"agent","start":10.0,"end":16.667,"text":"解释清楚"})",
    R"({"call_id":"b","rule":"r.bye","kind":"required","phrase":"再见","missing":true,"speaker":"agent"})",
};

TEST_F(PhrasesCli, printsOneJsonObjectPerHitWithExactTimes) {
    const CliRun r = run("phrases a.json b.json --rules rules.toml --json", m_dir);
    EXPECT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.err, "");
    std::vector<std::string> expected = kExpectedA;
    expected.insert(expected.end(), kExpectedB.begin(), kExpectedB.end());
    EXPECT_EQ(lines(r.out), expected);
}

TEST_F(PhrasesCli, aBadFileIsReportedAndTheOthersAreStillProcessed) {
    const CliRun r =
        run("phrases b.json bad.json missing.json a.json --rules rules.toml --json", m_dir);
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_EQ(lines(r.err), (std::vector<std::string>{"callqc: bad.json: not valid JSON",
                                                      "callqc: missing.json: cannot open"}));
    std::vector<std::string> expected = kExpectedB;
    expected.insert(expected.end(), kExpectedA.begin(), kExpectedA.end());
    EXPECT_EQ(lines(r.out), expected);
}

TEST_F(PhrasesCli, usesTheDefaultPhraseListWithoutRules) {
    const CliRun r = run("phrases a.json --json", m_dir);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto out = lines(r.out);
    const auto has = [&](const std::string& line) {
        return std::find(out.begin(), out.end(), line) != out.end();
    };
    EXPECT_TRUE(has(
        R"({"call_id":"C001","rule":"forbidden.not_clear","kind":"forbidden","phrase":"我不清楚","speaker":"agent","start":13.0,"end":16.0,"text":"我不清楚"})"));
    EXPECT_TRUE(has(
        R"({"call_id":"C001","rule":"required.greeting","kind":"required","phrase":"您好","speaker":"agent","start":0.0,"end":2.0,"text":"您好"})"));
    EXPECT_TRUE(has(
        R"({"call_id":"C001","rule":"required.confirm_understood","kind":"required","phrase":"解释清楚","missing":true,"speaker":"agent"})"));
    EXPECT_EQ(out.size(), 7u) << r.out; // hello, greeting, please, not_clear, goodbye x2, missing
}

TEST_F(PhrasesCli, withoutJsonPrintsATable) {
    const CliRun r = run("phrases b.json --rules rules.toml", m_dir);
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto out = lines(r.out);
    ASSERT_EQ(out.size(), 4u) << r.out;
    EXPECT_EQ(out[0].substr(0, 22), "call             rule ");
    EXPECT_NE(out[1].find("0.000     2.000  再见 (out of position)"), std::string::npos);
    EXPECT_NE(out[2].find("10.000    16.667  解释清楚"), std::string::npos);
    EXPECT_NE(out[3].find("(missing: 再见)"), std::string::npos);
}

TEST_F(PhrasesCli, aBadRulesFileIsAnErrorNamingIt) {
    write(m_dir / "broken.toml", "[[rules]]\nid = \"x\"\nkind = \"rude\"\nphrase = \"x\"\n");
    const CliRun r = run("phrases a.json --rules broken.toml", m_dir);
    EXPECT_EQ(r.exitCode, 1);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "callqc: broken.toml:3: rule x: unknown kind 'rude' (expected forbidden, "
                     "courtesy or required)\n");
}

} // namespace
