// `callqc analyze` as a script runs it: generated WAV files with tones at known times give exact
// dead-air and overtalk arrays; one JSON object per file per line in argument order, failures
// as ok:false lines naming the file, exit code 1 when any file failed; no database needed.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/app/cli/cli_runner.hpp"
#include "tests/audio/fixtures.hpp"

namespace {

namespace fs = std::filesystem;

using callqc::tests::addNoise;
using callqc::tests::addTone;
using callqc::tests::CliRun;
using nlohmann::json;

std::vector<std::string> linesOf(const std::string& text) {
    std::vector<std::string> result;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        result.push_back(line);
    }
    return result;
}

std::vector<json> jsonLines(const CliRun& run) {
    std::vector<json> result;
    for (const auto& line : linesOf(run.out)) {
        auto parsed = json::parse(line, nullptr, false);
        EXPECT_FALSE(parsed.is_discarded()) << line;
        result.push_back(std::move(parsed));
    }
    return result;
}

/// 30 s at 8 kHz, every edge on a 20 ms analysis frame.
/// Agent (left) 1–4, 10–12, 20–24 s; customer (right, quiet) 3–6, 11.5–13, 23–27 s.
/// Overtalk 3–4 (1 s), 11.5–12 (0.5 s), 23–24 (1 s); silences of both 6–10 (4 s) and 13–20 (7 s).
callqc::audio::PcmBuffer scriptedCall() {
    auto pcm = callqc::tests::silence(2, 30.0);
    addTone(pcm, 0, 1.0, 4.0, 300.0, 0.5f);
    addTone(pcm, 0, 10.0, 12.0, 300.0, 0.5f);
    addTone(pcm, 0, 20.0, 24.0, 300.0, 0.5f);
    addTone(pcm, 1, 3.0, 6.0, 500.0, 0.05f);
    addTone(pcm, 1, 11.5, 13.0, 500.0, 0.05f);
    addTone(pcm, 1, 23.0, 27.0, 500.0, 0.05f);
    addNoise(pcm, 0.001f);
    return pcm;
}

class AnalyzeCli : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = callqc::tests::freshDir("analyze-cli");
        m_stereo = m_dir / "stereo call.wav";
        callqc::tests::writeWav16(m_stereo, scriptedCall());
    }

    /// Runs `callqc analyze ARGS` with a database path that cannot exist, so any attempt to
    /// open one would fail the run.
    CliRun analyze(const std::string& args) const {
        return callqc::tests::runCli("analyze " + args, m_dir,
                                     "CALLQC_DB='/nonexistent-callqc-dir/no.db'");
    }

    std::string quoted(const fs::path& path) const { return fmt::format("'{}'", path.string()); }

    fs::path m_dir;
    fs::path m_stereo;
};

TEST_F(AnalyzeCli, stereoCallGivesExactDeadAirAndOvertalk) {
    const auto run = analyze("--json " + quoted(m_stereo));
    ASSERT_EQ(run.exitCode, 0) << run.err;
    const auto lines = jsonLines(run);
    ASSERT_EQ(lines.size(), 1u) << run.out;
    const json& line = lines[0];
    EXPECT_EQ(line["file"], m_stereo.string());
    EXPECT_EQ(line["ok"], true);
    EXPECT_EQ(line["duration_sec"], 30.0);
    EXPECT_EQ(line["codec"], "pcm_s16le");
    EXPECT_EQ(line["sample_rate"], 8000);
    EXPECT_EQ(line["channels"], 2);
    EXPECT_EQ(line["agent_speech_sec"], 9.0);
    EXPECT_EQ(line["customer_speech_sec"], 8.5);
    EXPECT_EQ(line["dead_air"], json::parse("[[13.0, 20.0]]"));
    EXPECT_EQ(line["overtalk"], json::parse("[[3.0, 4.0], [11.5, 12.0], [23.0, 24.0]]"));
    EXPECT_EQ(line["warnings"], json::array());
}

TEST_F(AnalyzeCli, keysComeInTheDocumentedOrder) {
    const auto run = analyze("--json " + quoted(m_stereo));
    ASSERT_EQ(run.exitCode, 0) << run.err;
    const auto parsed = nlohmann::ordered_json::parse(linesOf(run.out).at(0));
    std::vector<std::string> keys;
    for (const auto& item : parsed.items()) {
        keys.push_back(item.key());
    }
    EXPECT_EQ(keys, (std::vector<std::string>{"file", "ok", "duration_sec", "codec", "sample_rate",
                                              "channels", "agent_speech_sec", "customer_speech_sec",
                                              "dead_air", "overtalk", "warnings"}));
}

TEST_F(AnalyzeCli, thresholdsAndAgentChannelAreConfiguration) {
    const auto run = analyze("--json --dead-air-sec 3 --overtalk-sec 0.75 --agent-channel right " +
                             quoted(m_stereo));
    ASSERT_EQ(run.exitCode, 0) << run.err;
    const auto lines = jsonLines(run);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0]["agent_speech_sec"], 8.5);
    EXPECT_EQ(lines[0]["customer_speech_sec"], 9.0);
    EXPECT_EQ(lines[0]["dead_air"], json::parse("[[6.0, 10.0], [13.0, 20.0]]"));
    EXPECT_EQ(lines[0]["overtalk"], json::parse("[[3.0, 4.0], [23.0, 24.0]]"));
}

TEST_F(AnalyzeCli, monoFileSaysBothPartiesAreMixed) {
    auto pcm = callqc::tests::silence(1, 20.0, 16000);
    addTone(pcm, 0, 1.0, 3.0);
    addTone(pcm, 0, 10.0, 12.0, 700.0, 0.3f);
    const auto mono = m_dir / "mono.wav";
    callqc::tests::writeWav16(mono, pcm);

    const auto run = analyze("--json " + quoted(mono));
    ASSERT_EQ(run.exitCode, 0) << run.err;
    const auto lines = jsonLines(run);
    ASSERT_EQ(lines.size(), 1u);
    const json& line = lines[0];
    EXPECT_EQ(line["ok"], true);
    EXPECT_EQ(line["channels"], 1);
    EXPECT_EQ(line["sample_rate"], 16000);
    EXPECT_EQ(line["duration_sec"], 20.0);
    EXPECT_EQ(line["agent_speech_sec"], 4.0);
    EXPECT_EQ(line["customer_speech_sec"], 0.0);
    EXPECT_TRUE(line["overtalk"].is_null());
    EXPECT_EQ(line["dead_air"], json::parse("[[3.0, 10.0]]"));
    EXPECT_EQ(line["warnings"], json::parse(R"(["mono: both parties mixed in one channel"])"));
}

TEST_F(AnalyzeCli, missingAndNonAudioFilesFailNamingTheFile) {
    const auto missing = m_dir / "missing.wav";
    const auto text = m_dir / "notes.wav";
    std::ofstream(text) << "this is a text file, not a recording\n";

    const auto run =
        analyze(fmt::format("--json {} {} {}", quoted(missing), quoted(m_stereo), quoted(text)));
    EXPECT_EQ(run.exitCode, 1);
    EXPECT_NE(run.err.find("2 of 3"), std::string::npos) << run.err;
    const auto lines = jsonLines(run);
    ASSERT_EQ(lines.size(), 3u) << run.out;
    EXPECT_EQ(lines[0]["file"], missing.string());
    EXPECT_EQ(lines[0]["ok"], false);
    EXPECT_NE(lines[0]["error"].get<std::string>().find(missing.string()), std::string::npos);
    EXPECT_EQ(lines[0].size(), 3u) << "failure lines hold file, ok and error only";
    EXPECT_EQ(lines[1]["ok"], true);
    EXPECT_EQ(lines[2]["file"], text.string());
    EXPECT_EQ(lines[2]["ok"], false);
    EXPECT_NE(lines[2]["error"].get<std::string>().find(text.string()), std::string::npos);
}

TEST_F(AnalyzeCli, parallelJobsKeepArgumentOrder) {
    // The first file is much longer, so with two jobs the second finishes first.
    auto longPcm = callqc::tests::silence(2, 120.0, 48000);
    addTone(longPcm, 0, 1.0, 100.0);
    const auto longFile = m_dir / "long.wav";
    callqc::tests::writeWav16(longFile, longPcm);

    const auto run = analyze(fmt::format("--json --jobs 2 {} {} {}", quoted(longFile),
                                         quoted(m_stereo), quoted(longFile)));
    ASSERT_EQ(run.exitCode, 0) << run.err;
    const auto lines = jsonLines(run);
    ASSERT_EQ(lines.size(), 3u);
    EXPECT_EQ(lines[0]["file"], longFile.string());
    EXPECT_EQ(lines[0]["duration_sec"], 120.0);
    EXPECT_EQ(lines[1]["file"], m_stereo.string());
    EXPECT_EQ(lines[1]["duration_sec"], 30.0);
    EXPECT_EQ(lines[2]["file"], longFile.string());
}

TEST_F(AnalyzeCli, withoutJsonPrintsOneReadableLinePerFile) {
    const auto missing = m_dir / "missing.wav";
    const auto run = analyze(fmt::format("{} {}", quoted(m_stereo), quoted(missing)));
    EXPECT_EQ(run.exitCode, 1);
    const auto lines = linesOf(run.out);
    ASSERT_EQ(lines.size(), 2u) << run.out;
    EXPECT_EQ(lines[0].rfind(m_stereo.string(), 0), 0u) << lines[0];
    EXPECT_NE(lines[0].find("dead air 1: 13.00-20.00"), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find("overtalk 3: 3.00-4.00, 11.50-12.00, 23.00-24.00"), std::string::npos)
        << lines[0];
    EXPECT_EQ(lines[1].rfind(missing.string(), 0), 0u) << lines[1];
    EXPECT_NE(lines[1].find("FAILED"), std::string::npos) << lines[1];
}

TEST_F(AnalyzeCli, helpDocumentsTheExitStatus) {
    const auto run = analyze("--help");
    EXPECT_EQ(run.exitCode, 0);
    EXPECT_NE(run.out.find("Exit status: 0"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("--agent-channel"), std::string::npos) << run.out;
}

TEST_F(AnalyzeCli, badOptionValuesAreRefused) {
    EXPECT_NE(analyze("--agent-channel middle " + quoted(m_stereo)).exitCode, 0);
    EXPECT_NE(analyze("--dead-air-sec -1 " + quoted(m_stereo)).exitCode, 0);
    EXPECT_NE(analyze("").exitCode, 0);
}

} // namespace
