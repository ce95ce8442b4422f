#include <gtest/gtest.h>

#include "scoring/grades.hpp"

namespace {

using callqc::scoring::Grade;
using callqc::scoring::gradeFor;
using callqc::scoring::GradeThresholds;
using callqc::scoring::Language;

TEST(Grades, manualBandsAreTheDefaults) {
    EXPECT_EQ(gradeFor(0), Grade::Trainee);
    EXPECT_EQ(gradeFor(74.99), Grade::Trainee);
    EXPECT_EQ(gradeFor(75), Grade::Qualified);
    EXPECT_EQ(gradeFor(84.99), Grade::Qualified);
    EXPECT_EQ(gradeFor(85), Grade::C);
    EXPECT_EQ(gradeFor(89.99), Grade::C);
    EXPECT_EQ(gradeFor(90), Grade::B);
    EXPECT_EQ(gradeFor(94.99), Grade::B);
    EXPECT_EQ(gradeFor(95), Grade::A);
    EXPECT_EQ(gradeFor(100), Grade::A);
}

TEST(Grades, thresholdsAreConfigurable) {
    const GradeThresholds strict{80, 88, 92, 97};
    ASSERT_TRUE(strict.isValid());
    EXPECT_EQ(gradeFor(79, strict), Grade::Trainee);
    EXPECT_EQ(gradeFor(95, strict), Grade::B);
    EXPECT_EQ(gradeFor(97, strict), Grade::A);
}

TEST(Grades, thresholdsMustAscendWithin0To100) {
    EXPECT_TRUE(GradeThresholds{}.isValid());
    EXPECT_FALSE((GradeThresholds{90, 85, 95, 99}).isValid());
    EXPECT_FALSE((GradeThresholds{75, 85, 90, 101}).isValid());
    EXPECT_FALSE((GradeThresholds{-1, 85, 90, 95}).isValid());
}

TEST(Grades, namesInBothLanguages) {
    EXPECT_EQ(callqc::scoring::gradeName(Grade::Trainee, Language::Zh), "实习");
    EXPECT_EQ(callqc::scoring::gradeName(Grade::Trainee, Language::En), "Trainee");
    EXPECT_EQ(callqc::scoring::gradeName(Grade::C, Language::Zh), "C级");
    EXPECT_EQ(callqc::scoring::gradeName(Grade::A, Language::En), "A");
}

} // namespace
