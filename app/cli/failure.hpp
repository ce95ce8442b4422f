#pragma once

#include <cstdio>
#include <string_view>

#include <fmt/format.h>

namespace callqc::cli {

/// Prints "callqc: MESSAGE" on stderr and returns 1, the exit code of a command that failed.
inline int fail(std::string_view message) {
    fmt::print(stderr, "callqc: {}\n", message);
    return 1;
}

/// The same for a subcommand: "callqc: COMMAND: MESSAGE" (e.g. "export calls").
inline int fail(std::string_view command, std::string_view message) {
    fmt::print(stderr, "callqc: {}: {}\n", command, message);
    return 1;
}

} // namespace callqc::cli
