#include "scoring/report.hpp"

#include <algorithm>
#include <map>

namespace callqc::scoring {

std::vector<GroupSummary> summarize(const std::vector<ScoredRow>& rows) {
    struct Accumulator {
        GroupSummary summary;
        double sum = 0;
    };
    std::map<std::string, Accumulator, std::less<>> groups;
    for (const ScoredRow& row : rows) {
        auto [it, inserted] = groups.try_emplace(row.groupKey);
        Accumulator& group = it->second;
        if (inserted) {
            group.summary.groupKey = row.groupKey;
            group.summary.groupLabel = row.groupLabel;
            group.summary.min = row.score;
            group.summary.max = row.score;
        }
        ++group.summary.count;
        group.sum += row.score;
        group.summary.min = std::min(group.summary.min, row.score);
        group.summary.max = std::max(group.summary.max, row.score);
    }
    std::vector<GroupSummary> result;
    result.reserve(groups.size());
    for (auto& [key, group] : groups) {
        group.summary.mean = group.sum / static_cast<double>(group.summary.count);
        result.push_back(std::move(group.summary));
    }
    return result;
}

} // namespace callqc::scoring
