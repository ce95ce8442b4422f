#pragma once

#include <string>
#include <vector>

namespace callqc::storage {

/// The schema as numbered steps: step i (0-based) takes `PRAGMA user_version` from i to i + 1.
/// Steps are append-only: a released step is never edited, a change is a new step.
[[nodiscard]] const std::vector<std::string>& migrations();

} // namespace callqc::storage
