#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace callqc::cli {

/// What `callqc analyze` was asked to do.
struct AnalyzeOptions {
    std::vector<std::string> files;
    int jobs = 0; ///< analysis threads; 0 = all cores
    bool json = false;
    double deadAirSec = 5.0;
    double overtalkSec = 0.5;
    std::string agentChannel = "left"; ///< "left" or "right"
};

/// `callqc analyze FILE...`: decodes and analyses audio files on their own, with no database and
/// no sign-in, and prints one line per file in argument order (JSON with --json), each as soon as
/// it and every file before it are done. Construction registers the subcommand on `app`; the
/// object must outlive parsing, since CLI11 writes the options into it.
class AnalyzeCommand {
public:
    explicit AnalyzeCommand(CLI::App& app);
    AnalyzeCommand(const AnalyzeCommand&) = delete;
    AnalyzeCommand& operator=(const AnalyzeCommand&) = delete;

    [[nodiscard]] bool parsed() const;

    /// Runs the analysis; the exit code is 0 when every file was analysed, 1 when any failed.
    [[nodiscard]] int run() const;

private:
    CLI::App* m_command = nullptr;
    AnalyzeOptions m_options;
};

/// The analysis itself, for a caller that has its options already; prints to stdout and returns
/// the exit code as AnalyzeCommand::run.
[[nodiscard]] int runAnalyze(const AnalyzeOptions& options);

} // namespace callqc::cli
