#include "scoring/grades.hpp"

#include <cassert>

#include <fmt/format.h>

#include "scoring/toml_support.hpp"

namespace callqc::scoring {

bool GradeThresholds::isValid() const {
    return 0 <= qualified && qualified <= c && c <= b && b <= a && a <= 100;
}

tl::expected<GradeThresholds, ScoringError> parseGradeThresholds(std::string_view toml,
                                                                 std::string_view sourceName) {
    auto table = detail::parseToml(toml, sourceName);
    if (!table) {
        return tl::unexpected(table.error());
    }
    const detail::TomlReader reader(sourceName);
    constexpr std::string_view kContext = "grades";
    if (auto keys = reader.checkKeys(*table, {"qualified", "c", "b", "a"}, kContext); !keys) {
        return tl::unexpected(keys.error());
    }
    GradeThresholds thresholds;
    const std::pair<std::string_view, double*> fields[] = {{"qualified", &thresholds.qualified},
                                                           {"c", &thresholds.c},
                                                           {"b", &thresholds.b},
                                                           {"a", &thresholds.a}};
    std::string_view previous;
    double floor = 0;
    for (const auto& [key, target] : fields) {
        auto value = reader.number(*table, key, kContext);
        if (!value) {
            return tl::unexpected(value.error());
        }
        if (*value) {
            *target = **value;
        }
        const auto line = detail::TomlReader::lineOf(*table, key);
        if (*target < 0 || *target > 100) {
            return tl::unexpected(reader.invalid(line, kContext, key, "must be between 0 and 100"));
        }
        if (*target < floor) {
            return tl::unexpected(reader.invalid(
                line, kContext, key, fmt::format("must not be below {} ({})", previous, floor)));
        }
        previous = key;
        floor = *target;
    }
    return thresholds;
}

tl::expected<GradeThresholds, ScoringError> loadGradeThresholds(const std::filesystem::path& path) {
    auto text = detail::readTextFile(path);
    if (!text) {
        return tl::unexpected(text.error());
    }
    return parseGradeThresholds(*text, path.filename().string());
}

Grade gradeFor(double score, const GradeThresholds& thresholds) {
    assert(thresholds.isValid());
    if (score >= thresholds.a) {
        return Grade::A;
    }
    if (score >= thresholds.b) {
        return Grade::B;
    }
    if (score >= thresholds.c) {
        return Grade::C;
    }
    if (score >= thresholds.qualified) {
        return Grade::Qualified;
    }
    return Grade::Trainee;
}

std::string_view gradeName(Grade grade, Language language) {
    const bool zh = language == Language::Zh;
    switch (grade) {
    case Grade::Trainee:
        return zh ? "实习" : "Trainee";
    case Grade::Qualified:
        return zh ? "达标" : "Qualified";
    case Grade::C:
        return zh ? "C级" : "C";
    case Grade::B:
        return zh ? "B级" : "B";
    case Grade::A:
        return zh ? "A级" : "A";
    }
    return "";
}

} // namespace callqc::scoring
