#include "scoring/grades.hpp"

#include <cassert>

namespace callqc::scoring {

bool GradeThresholds::isValid() const {
    return 0 <= qualified && qualified <= c && c <= b && b <= a && a <= 100;
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
