#pragma once

#include <string>
#include <utility>

#include <tl/expected.hpp>

namespace callqc::core {

/// A failure of a use case as the front ends show it: one line that says what and where.
struct CoreError {
    enum class Kind { Input, Storage, Audio, Scoring, NotFound, Refused, Cancelled };
    Kind kind;
    std::string detail;

    [[nodiscard]] std::string message() const { return detail; }
};

/// A use case refused to the acting user; `detail` says who, what and why.
[[nodiscard]] inline CoreError refusedError(std::string detail) {
    return CoreError{CoreError::Kind::Refused, std::move(detail)};
}

/// Input the use case cannot work with; `detail` names what and where.
[[nodiscard]] inline CoreError inputError(std::string detail) {
    return CoreError{CoreError::Kind::Input, std::move(detail)};
}

template <typename T> using CoreResult = tl::expected<T, CoreError>;

} // namespace callqc::core
