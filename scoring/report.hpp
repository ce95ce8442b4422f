#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace callqc::scoring {

// One scored evaluation, attributed to a group (an agent, a team, a day...).
struct ScoredRow {
    std::string groupKey;   // what groups rows together and orders the groups
    std::string groupLabel; // what people read, e.g. the agent's name
    double score = 0;       // 0..100, finite
};

struct GroupSummary {
    std::string groupKey;
    std::string groupLabel; // the label of the group's first row in input order
    std::size_t count = 0;
    double mean = 0;
    double min = 0;
    double max = 0;
};

// Count, mean, min and max of the scores per group, sorted by group key. Evaluations without a
// score (nothing applicable) must not be passed in.
[[nodiscard]] std::vector<GroupSummary> summarize(const std::vector<ScoredRow>& rows);

} // namespace callqc::scoring
