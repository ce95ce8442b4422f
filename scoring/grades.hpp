#pragma once

#include <filesystem>
#include <string_view>

#include <tl/expected.hpp>

#include "scoring/language.hpp"
#include "scoring/scoring_error.hpp"

namespace callqc::scoring {

// Agent grades of the manual's promotion rules (人员晋升制度): 实习 (trainee) until the average
// reaches the pass mark, then C, B, A. Between the pass mark and C an agent is qualified
// (may be confirmed as a regular agent) but not yet graded C.
enum class Grade { Trainee, Qualified, C, B, A };

// Lowest scores (inclusive, 0..100) of each grade above Trainee. Defaults are the manual's.
struct GradeThresholds {
    double qualified = 75;
    double c = 85;
    double b = 90;
    double a = 95;

    // True when 0 <= qualified <= c <= b <= a <= 100.
    [[nodiscard]] bool isValid() const;
};

// The grade of an average score. Contract: thresholds.isValid().
// Reads thresholds from TOML: `qualified`, `c`, `b`, `a` (numbers 0..100, ascending); a missing
// key keeps the manual's default. Errors name the source, line and key.
[[nodiscard]] tl::expected<GradeThresholds, ScoringError>
parseGradeThresholds(std::string_view toml, std::string_view sourceName);
[[nodiscard]] tl::expected<GradeThresholds, ScoringError>
loadGradeThresholds(const std::filesystem::path& path);

[[nodiscard]] Grade gradeFor(double score, const GradeThresholds& thresholds = {});

// "实习" / "Trainee", "达标" / "Qualified", "C级" / "C", ...
[[nodiscard]] std::string_view gradeName(Grade grade, Language language);

} // namespace callqc::scoring
