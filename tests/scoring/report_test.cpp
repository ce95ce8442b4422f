#include <gtest/gtest.h>

#include "scoring/report.hpp"

namespace {

using callqc::scoring::ScoredRow;
using callqc::scoring::summarize;

TEST(Report, summarizesPerGroupSortedByKey) {
    const std::vector<ScoredRow> rows{
        {"T02", "二组", 80}, {"T01", "一组", 90}, {"T02", "二组 (renamed)", 100},
        {"T01", "一组", 70}, {"T02", "二组", 60}, {"T01", "一组", 96.5},
    };
    const auto groups = summarize(rows);
    ASSERT_EQ(groups.size(), 2u);
    EXPECT_EQ(groups[0].groupKey, "T01");
    EXPECT_EQ(groups[0].groupLabel, "一组");
    EXPECT_EQ(groups[0].count, 3u);
    EXPECT_DOUBLE_EQ(groups[0].mean, 85.5);
    EXPECT_DOUBLE_EQ(groups[0].min, 70.0);
    EXPECT_DOUBLE_EQ(groups[0].max, 96.5);
    EXPECT_EQ(groups[1].groupKey, "T02");
    EXPECT_EQ(groups[1].groupLabel, "二组");
    EXPECT_EQ(groups[1].count, 3u);
    EXPECT_DOUBLE_EQ(groups[1].mean, 80.0);
    EXPECT_DOUBLE_EQ(groups[1].min, 60.0);
    EXPECT_DOUBLE_EQ(groups[1].max, 100.0);
}

TEST(Report, oneRowIsItsOwnMeanMinAndMax) {
    const auto groups = summarize({{"A", "Agent A", 0}});
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_EQ(groups[0].count, 1u);
    EXPECT_DOUBLE_EQ(groups[0].mean, 0.0);
    EXPECT_DOUBLE_EQ(groups[0].min, 0.0);
    EXPECT_DOUBLE_EQ(groups[0].max, 0.0);
}

TEST(Report, noRowsNoGroups) {
    EXPECT_TRUE(summarize({}).empty());
}

} // namespace
