#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "assets/demo/demo_day.hpp"

namespace {

namespace fs = std::filesystem;
using callqc::demo::DemoOptions;
using callqc::demo::DemoSummary;

constexpr int kCalls = 6;

fs::path tmpDir(const std::string& name) {
    const fs::path dir = fs::path(CALLQC_TEST_TMP) / "demo_day" / name;
    fs::remove_all(dir);
    return dir;
}

std::string readBytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

/// Splits one CSV row; the demo's fields never contain quotes or commas, which the test also
/// checks by expecting exactly ten fields.
std::vector<std::string> splitRow(const std::string& row) {
    std::vector<std::string> fields;
    std::string field;
    std::istringstream in(row);
    while (std::getline(in, field, ',')) {
        fields.push_back(field);
    }
    if (!row.empty() && row.back() == ',') {
        fields.emplace_back();
    }
    return fields;
}

/// Everything a day wrote apart from the audio, keyed by relative path.
std::map<std::string, std::string> textOutputs(const fs::path& dir) {
    std::map<std::string, std::string> files;
    files["metadata.csv"] = readBytes(dir / "metadata.csv");
    for (const auto& entry : fs::directory_iterator(dir / "transcripts")) {
        files["transcripts/" + entry.path().filename().string()] = readBytes(entry.path());
    }
    return files;
}

/// One generated day shared by the tests that only read it: generated on first use in each test
/// process, in a folder of that process's own (ctest runs the tests in parallel processes).
class SharedDay {
public:
    SharedDay() : dir(tmpDir("shared-" + std::to_string(::getpid()))) {
        DemoOptions options;
        options.calls = kCalls;
        options.progress = [this](int done, int total) {
            progress.emplace_back(done, total);
        };
        result = callqc::demo::generateDemoDay(dir, options);
    }
    ~SharedDay() {
        std::error_code ignored;
        fs::remove_all(dir, ignored);
    }
    SharedDay(const SharedDay&) = delete;
    SharedDay& operator=(const SharedDay&) = delete;

    fs::path dir;
    tl::expected<DemoSummary, std::string> result;
    std::vector<std::pair<int, int>> progress;
};

const SharedDay& sharedDay() {
    static const SharedDay day;
    return day;
}

/// Fails the test (rather than skipping it) when the shared day could not be generated.
class DemoDay : public ::testing::Test {
protected:
    void SetUp() override {
        const SharedDay& day = sharedDay();
        ASSERT_TRUE(day.result) << day.result.error();
        s_dir = day.dir;
        s_summary = *day.result;
        s_progress = day.progress;
    }

    static inline fs::path s_dir;
    static inline DemoSummary s_summary;
    static inline std::vector<std::pair<int, int>> s_progress;
};

TEST_F(DemoDay, metadataHasTheHeaderAndOneRowPerCall) {
    const std::string csv = readBytes(s_dir / "metadata.csv");
    ASSERT_GE(csv.size(), 3u);
    EXPECT_NE(csv.substr(0, 3), "\xEF\xBB\xBF") << "no BOM";
    EXPECT_EQ(csv.find('\r'), std::string::npos) << "LF line ends only";
    const auto lines = splitLines(csv);
    ASSERT_EQ(lines.size(), static_cast<std::size_t>(kCalls + 1));
    EXPECT_EQ(lines[0], "call_id,file,start_time,duration_sec,agent_id,agent_name,team,queue,"
                        "direction,customer_phone");
    std::string previousStart;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        const auto f = splitRow(lines[i]);
        ASSERT_EQ(f.size(), 10u) << lines[i];
        EXPECT_EQ(f[0], "C20261125-000" + std::to_string(i));
        EXPECT_EQ(f[1].rfind("audio/" + f[0] + ".", 0), 0u) << f[1];
        EXPECT_EQ(f[2].size(), 19u);
        EXPECT_EQ(f[2].substr(0, 11), "2026-11-25 ");
        EXPECT_GE(f[2].substr(11), "08:30:00");
        EXPECT_LE(f[2].substr(11), "20:00:00");
        EXPECT_GT(f[2], previousStart) << "calls are in time order";
        previousStart = f[2];
        const int duration = std::stoi(f[3]);
        EXPECT_GE(duration, 20);
        EXPECT_LE(duration, 240);
        EXPECT_EQ(f[4].size(), 6u);
        EXPECT_EQ(f[4][0], '0') << "employee numbers keep their leading zeros";
        EXPECT_FALSE(f[5].empty());
        EXPECT_TRUE(f[8] == "inbound" || f[8] == "outbound") << f[8];
        EXPECT_EQ(f[9].size(), 11u);
        EXPECT_EQ(f[9][0], '1');
    }
}

TEST_F(DemoDay, everyListedFileExistsAndHasSound) {
    for (const auto& line : splitLines(readBytes(s_dir / "metadata.csv"))) {
        if (line.rfind("call_id", 0) == 0) {
            continue;
        }
        const auto f = splitRow(line);
        ASSERT_EQ(f.size(), 10u);
        const fs::path audio = s_dir / f[1];
        ASSERT_TRUE(fs::exists(audio)) << audio;
        EXPECT_GT(fs::file_size(audio), 10'000u) << audio;
        EXPECT_TRUE(fs::exists(s_dir / "transcripts" / (f[0] + ".json")));
    }
    for (const auto& entry : fs::directory_iterator(s_dir / "audio")) {
        EXPECT_NE(entry.path().filename().string()[0], '.') << "temporary file left behind";
    }
}

TEST_F(DemoDay, transcriptSegmentsAreOrderedAndInsideTheAudio) {
    for (const auto& line : splitLines(readBytes(s_dir / "metadata.csv"))) {
        if (line.rfind("call_id", 0) == 0) {
            continue;
        }
        const auto f = splitRow(line);
        const double durationSec = std::stod(f[3]);
        const auto doc = nlohmann::json::parse(readBytes(s_dir / "transcripts" / (f[0] + ".json")));
        EXPECT_EQ(doc.at("call_id"), f[0]);
        const auto& segments = doc.at("segments");
        ASSERT_GE(segments.size(), 4u);
        EXPECT_EQ(segments.front().at("speaker"), "agent") << "greeting first";
        double previousStart = -1;
        bool agentSpoke = false;
        bool customerSpoke = false;
        for (const auto& s : segments) {
            const double start = s.at("start");
            const double end = s.at("end");
            const std::string speaker = s.at("speaker");
            EXPECT_TRUE(speaker == "agent" || speaker == "customer");
            agentSpoke = agentSpoke || speaker == "agent";
            customerSpoke = customerSpoke || speaker == "customer";
            EXPECT_GE(start, previousStart);
            EXPECT_GT(end, start);
            EXPECT_GE(start, 0.0);
            EXPECT_LE(end, durationSec + 0.5); // duration_sec is rounded to whole seconds
            EXPECT_FALSE(s.at("text").get<std::string>().empty());
            previousStart = start;
        }
        EXPECT_TRUE(agentSpoke && customerSpoke);
    }
}

TEST_F(DemoDay, summaryAndProgressMatchWhatWasWritten) {
    EXPECT_EQ(s_summary.calls, kCalls);
    EXPECT_GE(s_summary.teams, 1);
    EXPECT_LE(s_summary.teams, 3);
    EXPECT_GE(s_summary.agents, 1);
    EXPECT_GE(s_summary.totalAudioSec, 20.0 * kCalls);
    ASSERT_FALSE(s_progress.empty());
    EXPECT_EQ(s_progress.back(), std::make_pair(kCalls, kCalls));
}

TEST_F(DemoDay, greetingCarriesTheAgentsEmployeeNumber) {
    for (const auto& line : splitLines(readBytes(s_dir / "metadata.csv"))) {
        if (line.rfind("call_id", 0) == 0) {
            continue;
        }
        const auto f = splitRow(line);
        const auto doc = nlohmann::json::parse(readBytes(s_dir / "transcripts" / (f[0] + ".json")));
        const std::string greeting = doc.at("segments").front().at("text");
        EXPECT_NE(greeting.find("工号" + f[4]), std::string::npos) << greeting;
    }
}

TEST(DemoDayGeneration, sameSeedGivesIdenticalMetadataAndTranscripts) {
    DemoOptions options;
    options.calls = kCalls;
    const fs::path first = tmpDir("same-a");
    const fs::path second = tmpDir("same-b");
    ASSERT_TRUE(callqc::demo::generateDemoDay(first, options));
    ASSERT_TRUE(callqc::demo::generateDemoDay(second, options));
    const auto a = textOutputs(first);
    const auto b = textOutputs(second);
    EXPECT_EQ(a.size(), static_cast<std::size_t>(kCalls + 1));
    EXPECT_TRUE(a == b) << "two days from the same seed differ";
}

TEST(DemoDayGeneration, differentSeedGivesDifferentContent) {
    DemoOptions options;
    options.calls = kCalls;
    const fs::path first = tmpDir("seed-a");
    const fs::path second = tmpDir("seed-b");
    ASSERT_TRUE(callqc::demo::generateDemoDay(first, options));
    options.seed = 7;
    ASSERT_TRUE(callqc::demo::generateDemoDay(second, options));
    EXPECT_NE(readBytes(first / "metadata.csv"), readBytes(second / "metadata.csv"));
    EXPECT_NE(textOutputs(first), textOutputs(second));
}

TEST(DemoDayGeneration, unwritableFolderIsAnErrorNamingIt) {
    const fs::path base = tmpDir("blocked");
    fs::create_directories(base);
    std::ofstream(base / "file") << "not a folder";
    const fs::path dir = base / "file" / "day";
    const auto result = callqc::demo::generateDemoDay(dir, DemoOptions{});
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().find((base / "file").string()), std::string::npos) << result.error();
}

TEST(DemoDayGeneration, badOptionsAreErrors) {
    DemoOptions options;
    options.calls = 0;
    EXPECT_FALSE(callqc::demo::generateDemoDay(tmpDir("zero"), options));
    options.calls = 1;
    options.date = "25.11.2026";
    EXPECT_FALSE(callqc::demo::generateDemoDay(tmpDir("bad-date"), options));
}

} // namespace
