#include "scoring/score.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "scoring/toml_support.hpp"

namespace callqc::scoring {

namespace {

const ItemAnswer* findAnswer(const Answers& answers, const std::string& itemId) {
    const auto found = answers.find(itemId);
    return found == answers.end() ? nullptr : &found->second;
}

bool isAnswered(const ItemAnswer* answer) {
    return answer != nullptr && answer->value != AnswerValue::Unanswered;
}

// Points earned by an answered, applicable item, before any zeroing; in 0..effectiveWeight.
double earnedPoints(const ChecklistItem& item, const ItemAnswer& answer) {
    if (answer.value == AnswerValue::Fail) {
        return 0;
    }
    switch (item.kind) {
    case ItemKind::PassFail:
        return item.effectiveWeight;
    case ItemKind::Points: {
        const double points = std::isfinite(answer.points) ? answer.points : 0;
        return std::clamp(points, 0.0, item.weight) * item.effectiveWeight / item.weight;
    }
    case ItemKind::Deduction: {
        const double occurrences = std::max(answer.occurrences, 0);
        const double deducted = std::min(occurrences * item.perOccurrence, item.weight);
        return (item.weight - deducted) * item.effectiveWeight / item.weight;
    }
    }
    return 0;
}

std::string joinIds(const std::vector<std::string>& ids) {
    std::string result;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        result += (i == 0 ? "" : ", ") + ids[i];
    }
    return result;
}

std::string workingText(const ScoreResult& result, double rawEarned,
                        const std::vector<std::string>& notApplicable,
                        const std::vector<std::string>& criticalFailures, Language language) {
    const bool zh = language == Language::Zh;
    std::vector<std::string> parts;
    if (!result.anyApplicable) {
        parts.push_back(zh ? "没有适用的评分项,不计分" : "no applicable items: no score");
    } else {
        parts.push_back(zh ? fmt::format("适用分 {} 分,得 {} 分 = {}%",
                                         formatPoints(result.applicable), formatPoints(rawEarned),
                                         formatPoints(100 * rawEarned / result.applicable))
                           : fmt::format("{} of {} applicable points = {}%",
                                         formatPoints(rawEarned), formatPoints(result.applicable),
                                         formatPoints(100 * rawEarned / result.applicable)));
    }
    if (!notApplicable.empty()) {
        parts.push_back(zh ? fmt::format("不适用:{}", joinIds(notApplicable))
                           : fmt::format("not applicable: {}", joinIds(notApplicable)));
    }
    for (const SectionScore& section : result.sections) {
        if (section.zeroedBy) {
            parts.push_back(zh ? fmt::format("单项否决 {} 不合格 → 部分 {} 计 0 分",
                                             *section.zeroedBy, section.sectionId)
                               : fmt::format("section-fail item {} failed → section {} is 0",
                                             *section.zeroedBy, section.sectionId));
        }
    }
    if (!criticalFailures.empty()) {
        const std::string ids = joinIds(criticalFailures);
        if (zh) {
            parts.push_back(fmt::format("关键项 {} 不合格 → 0 分", ids));
        } else {
            parts.push_back(fmt::format("critical item{} {} failed → 0",
                                        criticalFailures.size() > 1 ? "s" : "", ids));
        }
    }
    if (!result.unanswered.empty()) {
        parts.push_back(zh ? fmt::format("{} 项未评:{}(分数未定)", result.unanswered.size(),
                                         joinIds(result.unanswered))
                           : fmt::format("{} unanswered: {} (provisional)",
                                         result.unanswered.size(), joinIds(result.unanswered)));
    }
    std::string text;
    for (std::size_t i = 0; i < parts.size(); ++i) {
        text += (i == 0 ? "" : (zh ? ";" : "; ")) + parts[i];
    }
    return text;
}

} // namespace

bool isFailed(const ChecklistItem& item, const ItemAnswer& answer) {
    if (answer.value == AnswerValue::Fail) {
        return true;
    }
    return item.kind == ItemKind::Deduction && answer.value == AnswerValue::Pass &&
           answer.occurrences > 0;
}

ScoreResult computeScore(const Checklist& checklist, const Answers& answers, Language language) {
    ScoreResult result;
    std::vector<std::string> notApplicable;
    std::vector<std::string> criticalFailures;
    double rawEarned = 0;
    for (const ChecklistSection& section : checklist.sections) {
        SectionScore sectionScore;
        sectionScore.sectionId = section.id;
        for (const ChecklistItem& item : section.items) {
            const ItemAnswer* answer = findAnswer(answers, item.id);
            if (!isAnswered(answer)) {
                result.unanswered.push_back(item.id);
                continue;
            }
            if (answer->value == AnswerValue::NotApplicable) {
                notApplicable.push_back(item.id);
                continue;
            }
            sectionScore.applicable += item.effectiveWeight;
            sectionScore.earned += earnedPoints(item, *answer);
            if (!isFailed(item, *answer)) {
                continue;
            }
            if (item.commentOnFail && detail::isBlank(answer->comment)) {
                result.missingComments.push_back(item.id);
            }
            if (item.sectionFail && !sectionScore.zeroedBy) {
                sectionScore.zeroedBy = item.id;
            }
            if (item.critical) {
                criticalFailures.push_back(item.id);
            }
        }
        if (sectionScore.zeroedBy) {
            sectionScore.earned = 0;
        }
        result.applicable += sectionScore.applicable;
        rawEarned += sectionScore.earned;
        result.sections.push_back(std::move(sectionScore));
    }
    result.anyApplicable = result.applicable > 0;
    if (!criticalFailures.empty()) {
        result.zeroedBy = criticalFailures.front();
    }
    result.earned = result.zeroedBy ? 0 : rawEarned;
    result.score = result.anyApplicable ? 100 * result.earned / result.applicable : 0;
    result.working = workingText(result, rawEarned, notApplicable, criticalFailures, language);
    return result;
}

std::vector<SubmitBlocker> validateForSubmit(const Checklist& checklist, const Answers& answers) {
    std::vector<SubmitBlocker> blockers;
    for (const ChecklistSection& section : checklist.sections) {
        for (const ChecklistItem& item : section.items) {
            const ItemAnswer* answer = findAnswer(answers, item.id);
            if (!isAnswered(answer)) {
                blockers.push_back({item.id, SubmitBlocker::Reason::Unanswered});
                continue;
            }
            if (answer->value == AnswerValue::Pass && item.kind == ItemKind::Points &&
                !(answer->points >= 0 && answer->points <= item.weight)) {
                blockers.push_back({item.id, SubmitBlocker::Reason::PointsOutOfRange});
            }
            if (answer->value == AnswerValue::Pass && item.kind == ItemKind::Deduction &&
                answer->occurrences < 0) {
                blockers.push_back({item.id, SubmitBlocker::Reason::NegativeCount});
            }
            if (isFailed(item, *answer) && item.commentOnFail && detail::isBlank(answer->comment)) {
                blockers.push_back({item.id, SubmitBlocker::Reason::MissingComment});
            }
        }
    }
    for (const auto& [itemId, answer] : answers) {
        if (checklist.findItem(itemId) == nullptr) {
            blockers.push_back({itemId, SubmitBlocker::Reason::UnknownItem});
        }
    }
    return blockers;
}

std::string describe(const SubmitBlocker& blocker, Language language) {
    const bool zh = language == Language::Zh;
    switch (blocker.reason) {
    case SubmitBlocker::Reason::Unanswered:
        return zh ? fmt::format("第 {} 项尚未评分", blocker.itemId)
                  : fmt::format("item {}: not answered", blocker.itemId);
    case SubmitBlocker::Reason::MissingComment:
        return zh ? fmt::format("第 {} 项不合格,需要填写说明", blocker.itemId)
                  : fmt::format("item {}: failed, a comment is required", blocker.itemId);
    case SubmitBlocker::Reason::PointsOutOfRange:
        return zh ? fmt::format("第 {} 项分数超出范围", blocker.itemId)
                  : fmt::format("item {}: points out of range", blocker.itemId);
    case SubmitBlocker::Reason::NegativeCount:
        return zh ? fmt::format("第 {} 项次数不能为负", blocker.itemId)
                  : fmt::format("item {}: occurrences cannot be negative", blocker.itemId);
    case SubmitBlocker::Reason::UnknownItem:
        return zh ? fmt::format("评分表中没有第 {} 项", blocker.itemId)
                  : fmt::format("item {}: not in this checklist", blocker.itemId);
    }
    return blocker.itemId;
}

std::string describe(const std::vector<SubmitBlocker>& blockers, Language language) {
    std::string text;
    for (const auto& blocker : blockers) {
        text += (text.empty() ? "" : "; ") + describe(blocker, language);
    }
    return text;
}

std::string formatPoints(double points) {
    std::string text = fmt::format("{:.2f}", points);
    while (text.back() == '0') {
        text.pop_back();
    }
    if (text.back() == '.') {
        text.pop_back();
    }
    if (text == "-0") {
        text = "0";
    }
    return text;
}

} // namespace callqc::scoring
