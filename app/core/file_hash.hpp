#pragma once

#include <filesystem>
#include <string>

#include <tl/expected.hpp>

namespace callqc::core {

/// SHA-256 of a file's bytes as 64 lower-case hex digits; the error names the file.
[[nodiscard]] tl::expected<std::string, std::string> sha256File(const std::filesystem::path& path);

} // namespace callqc::core
