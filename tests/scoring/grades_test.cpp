#include <filesystem>

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

namespace {

using callqc::scoring::parseGradeThresholds;

TEST(GradeThresholdsFile, defaultFileHoldsTheManualsBands) {
    auto loaded = callqc::scoring::loadGradeThresholds(std::filesystem::path(CALLQC_SOURCE_DIR) /
                                                       "assets/checklists/grades.toml");
    ASSERT_TRUE(loaded) << loaded.error().detail;
    EXPECT_EQ(loaded->qualified, 75);
    EXPECT_EQ(loaded->c, 85);
    EXPECT_EQ(loaded->b, 90);
    EXPECT_EQ(loaded->a, 95);
}

TEST(GradeThresholdsFile, missingKeysKeepTheDefaults) {
    auto parsed = parseGradeThresholds("a = 98\n", "g.toml");
    ASSERT_TRUE(parsed) << parsed.error().detail;
    EXPECT_EQ(parsed->qualified, 75);
    EXPECT_EQ(parsed->a, 98);
}

TEST(GradeThresholdsFile, errorsNameFileLineAndKey) {
    EXPECT_EQ(parseGradeThresholds("qualified = 75\nc = 85\nb = 80\n", "g.toml").error().detail,
              "g.toml:3: grades: must not be below c (85)");
    EXPECT_EQ(parseGradeThresholds("\na = 101\n", "g.toml").error().detail,
              "g.toml:2: grades: must be between 0 and 100");
    EXPECT_EQ(parseGradeThresholds("d = 50\n", "g.toml").error().field, "d");
    EXPECT_FALSE(parseGradeThresholds("a = \"high\"\n", "g.toml"));
    EXPECT_FALSE(parseGradeThresholds("a = [\n", "g.toml"));
}

} // namespace
