#pragma once

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <fmt/format.h>
#include <sys/wait.h>

namespace callqc::tests {

/// What one run of the callqc binary printed and returned.
struct CliRun {
    int exitCode = -1;
    std::string out;
    std::string err;
};

/// Runs `callqc ARGS` in `workDir` through the shell, with `env` (e.g. "CALLQC_DB='x'") before
/// it; stderr goes through a file in `workDir`.
inline CliRun runCli(const std::string& args, const std::filesystem::path& workDir,
                     const std::string& env = "") {
    const auto errFile = workDir / "stderr.txt";
    const std::string command = fmt::format("cd '{}' && {} '{}' {} 2>'{}'", workDir.string(), env,
                                            CALLQC_CLI, args, errFile.string());
    CliRun result;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) {
        return result;
    }
    std::array<char, 4096> buffer{};
    while (std::fgets(buffer.data(), buffer.size(), pipe)) {
        result.out += buffer.data();
    }
    const int status = pclose(pipe);
    result.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream err(errFile);
    result.err.assign(std::istreambuf_iterator<char>(err), std::istreambuf_iterator<char>());
    return result;
}

} // namespace callqc::tests
