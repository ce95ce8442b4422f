#include "app/cli/analyze_command.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "audio/analysis.hpp"
#include "audio/decoder.hpp"

namespace callqc::cli {
namespace {

constexpr int kMaxJobs = 64;
constexpr const char* kMonoNote = "mono: both parties mixed in one channel";

/// Seconds rounded to centiseconds, as the JSON output promises.
double centiSec(double seconds) {
    return std::round(seconds * 100.0) / 100.0;
}

nlohmann::ordered_json intervalsJson(const std::vector<audio::Interval>& list) {
    auto out = nlohmann::ordered_json::array();
    for (const auto& i : list) {
        out.push_back({centiSec(i.startSec), centiSec(i.endSec)});
    }
    return out;
}

std::string intervalsText(const std::vector<audio::Interval>& list) {
    std::string out = fmt::format("{}", list.size());
    for (std::size_t k = 0; k < list.size(); ++k) {
        out +=
            fmt::format("{}{:.2f}-{:.2f}", k == 0 ? ": " : ", ", list[k].startSec, list[k].endSec);
    }
    return out;
}

/// One file's output line (without the newline) and whether it was analysed.
struct Outcome {
    std::string line;
    bool ok = false;
};

Outcome failure(const std::string& file, const std::string& error, bool json) {
    if (json) {
        return {nlohmann::ordered_json{{"file", file}, {"ok", false}, {"error", error}}.dump(),
                false};
    }
    return {fmt::format("{}  FAILED  {}", file, error), false};
}

Outcome analyzeOne(const std::string& file, const audio::AnalysisConfig& config, bool json) {
    auto decoded = audio::analyzeFile(file, config); // one pass: decoded while analysed
    if (!decoded) {
        return failure(file, decoded.error().message(), json);
    }
    const audio::AudioProfile& profile = decoded->profile;
    const int channels = decoded->channels;
    std::vector<std::string> warnings;
    if (!profile.stereo) {
        warnings.emplace_back(kMonoNote);
    } else if (channels > 2) {
        warnings.push_back(fmt::format(
            "{} channels: only the first two were analysed as agent and customer", channels));
    }
    warnings.insert(warnings.end(), decoded->warnings.begin(), decoded->warnings.end());

    if (json) {
        nlohmann::ordered_json line{
            {"file", file},
            {"ok", true},
            {"duration_sec", centiSec(profile.durationSec)},
            {"codec", decoded->codec},
            {"sample_rate", decoded->sampleRateHz},
            {"channels", channels},
            {"agent_speech_sec", centiSec(profile.agentSpeechSec)},
            {"customer_speech_sec", centiSec(profile.customerSpeechSec)},
            {"dead_air", intervalsJson(profile.deadAir)},
            {"overtalk",
             profile.stereo ? intervalsJson(profile.overtalk) : nlohmann::ordered_json(nullptr)},
            {"warnings", warnings},
        };
        return {line.dump(), true};
    }
    std::string text = fmt::format(
        "{}  {:.2f} s  {} {} Hz {}  agent {:.2f} s  customer {:.2f} s  dead air {}  overtalk {}",
        file, profile.durationSec, decoded->codec, decoded->sampleRateHz,
        profile.stereo ? fmt::format("{} ch", channels) : std::string("mono"),
        profile.agentSpeechSec, profile.customerSpeechSec, intervalsText(profile.deadAir),
        profile.stereo ? intervalsText(profile.overtalk) : std::string("n/a"));
    for (const auto& w : warnings) {
        text += fmt::format("  [{}]", w);
    }
    return {std::move(text), true};
}

/// Lines finished by the workers, handed to the printing thread in argument order.
///
/// Thread-safety: put() from any worker, waitFor() from the one printing thread.
class OrderedLines {
public:
    explicit OrderedLines(std::size_t count) : m_lines(count) {}

    void put(std::size_t index, std::string line) {
        {
            const std::lock_guard lock(m_mutex);
            m_lines[index] = std::move(line);
        }
        m_ready.notify_one();
    }

    /// Blocks until line `index` is in, then takes it.
    [[nodiscard]] std::string waitFor(std::size_t index) {
        std::unique_lock lock(m_mutex);
        m_ready.wait(lock, [&] { return m_lines[index].has_value(); });
        std::string line = std::move(*m_lines[index]);
        m_lines[index].reset();
        return line;
    }

private:
    std::mutex m_mutex;
    std::condition_variable m_ready;
    std::vector<std::optional<std::string>> m_lines;
};

} // namespace

AnalyzeCommand::AnalyzeCommand(CLI::App& app)
    : m_command(app.add_subcommand(
          "analyze", "analyse audio files on their own: duration, codec, speech per party, dead "
                     "air and overtalk (no database needed)")) {
    m_command->add_option("FILE", m_options.files, "audio files")->required();
    m_command->add_flag("--json", m_options.json, "one JSON object per file per line");
    m_command->add_option("--jobs", m_options.jobs, "analysis threads (default 0: all cores)")
        ->check(CLI::Range(0, kMaxJobs));
    m_command
        ->add_option("--dead-air-sec", m_options.deadAirSec,
                     "report silences of both parties at least this long (default 5)")
        ->check(CLI::Range(0.0, 86400.0));
    m_command
        ->add_option("--overtalk-sec", m_options.overtalkSec,
                     "report both parties speaking at once at least this long (default 0.5)")
        ->check(CLI::Range(0.0, 86400.0));
    m_command
        ->add_option("--agent-channel", m_options.agentChannel,
                     "which stereo channel is the agent (default left)")
        ->check(CLI::IsMember({"left", "right"}));
    m_command->footer(
        "Lines come in argument order, each as soon as it and every file before it are done.\n"
        "Exit status: 0 when every file was analysed, 1 when any file failed (its line says "
        "why: ok false with --json).\n");
}

bool AnalyzeCommand::parsed() const {
    return m_command->parsed();
}

int AnalyzeCommand::run() const {
    return runAnalyze(m_options);
}

int runAnalyze(const AnalyzeOptions& options) {
    audio::AnalysisConfig config;
    config.deadAirMinSec = options.deadAirSec;
    config.overtalkMinSec = options.overtalkSec;
    config.agentChannel = options.agentChannel == "right" ? 1 : 0;

    const std::size_t count = options.files.size();
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int wanted = std::clamp(options.jobs > 0 ? options.jobs : cores, 1, kMaxJobs);
    const std::size_t workers = std::min(static_cast<std::size_t>(wanted), count);

    OrderedLines lines(count);
    std::vector<char> failed(count, 0);
    std::atomic<std::size_t> next{0};
    std::vector<std::jthread> pool;
    pool.reserve(workers);
    for (std::size_t w = 0; w < workers; ++w) {
        pool.emplace_back([&] {
            for (std::size_t i = next++; i < count; i = next++) {
                const std::string& file = options.files[i];
                Outcome outcome;
                try {
                    outcome = analyzeOne(file, config, options.json);
                } catch (const std::exception& e) { // e.g. bad_alloc on a huge file
                    outcome = failure(file, fmt::format("{}: {}", file, e.what()), options.json);
                }
                failed[i] = outcome.ok ? 0 : 1;
                lines.put(i, std::move(outcome.line));
            }
        });
    }

    std::size_t failures = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const std::string line = lines.waitFor(i);
        std::fputs(line.c_str(), stdout);
        std::fputc('\n', stdout);
        std::fflush(stdout);
    }
    pool.clear();
    for (const char f : failed) {
        failures += f != 0 ? 1 : 0;
    }
    if (failures > 0) {
        fmt::print(stderr, "callqc: analyze: {} of {} file(s) failed\n", failures, count);
        return 1;
    }
    return 0;
}

} // namespace callqc::cli
