// Corrections of submitted evaluations through Session: the answers people change, rescored with
// the evaluation's own checklist version and stored as the next version.

#include <cmath>

#include <fmt/format.h>

#include "app/core/core_transaction.hpp"
#include "app/core/evaluation_history.hpp"
#include "app/core/session.hpp"
#include "scoring/score.hpp"

namespace callqc::core {
namespace {

const scoring::ChecklistItem* findItem(const scoring::Checklist& checklist, const std::string& id) {
    for (const auto& section : checklist.sections) {
        for (const auto& item : section.items) {
            if (item.id == id) {
                return &item;
            }
        }
    }
    return nullptr;
}

/// Applies one change to `answer`, or says why it does not fit the item.
std::optional<std::string> applyChange(const scoring::ChecklistItem& item,
                                       const AnswerChange& change, scoring::ItemAnswer& answer) {
    using scoring::AnswerValue;
    using scoring::ItemKind;
    if (change.number) {
        const double number = *change.number;
        if (item.kind == ItemKind::PassFail) {
            return fmt::format("item {} is pass/fail: give pass, fail or na, not {}", item.id,
                               number);
        }
        if (item.kind == ItemKind::Points) {
            if (!std::isfinite(number) || number < 0 || number > item.weight) {
                return fmt::format("item {} takes 0 to {} points, not {}", item.id,
                                   scoring::formatPoints(item.weight), number);
            }
            answer.points = number;
        } else {
            if (number < 0 || number != std::floor(number) || number > 1000) {
                return fmt::format("item {} counts occurrences: a whole number from 0, not {}",
                                   item.id, number);
            }
            answer.occurrences = static_cast<int>(number);
        }
        answer.value = AnswerValue::Pass;
    } else if (change.value) {
        answer.value = *change.value;
        if (answer.value == AnswerValue::Pass && item.kind == ItemKind::Points) {
            answer.points = item.weight; // a pass without points earns them all
        }
        if (answer.value == AnswerValue::Pass && item.kind == ItemKind::Deduction) {
            answer.occurrences = 0;
        }
    }
    if (change.comment) {
        answer.comment = *change.comment;
    }
    return std::nullopt;
}

} // namespace

CoreResult<RevisionSummary>
Session::reviseEvaluation(std::int64_t recordingId, const std::string& inspector,
                          const std::map<std::string, AnswerChange>& changes,
                          const std::string& reason) {
    if (auto refusal = authorizeRole(m_actor, Action::ReviseEvaluation)) {
        return tl::unexpected(*refusal);
    }
    if (auto refusal = refusalFor(Action::ReadEvaluation, recordingId)) {
        return tl::unexpected(*refusal);
    }
    if (changes.empty()) {
        return tl::unexpected(inputError("nothing to correct: change at least one answer"));
    }
    auto saved = storage::loadEvaluation(m_db, recordingId, inspector);
    if (!saved) {
        return tl::unexpected(fromStorage(saved.error()));
    }
    if (!*saved || (*saved)->status != "submitted") {
        return tl::unexpected(CoreError{
            CoreError::Kind::NotFound,
            fmt::format("{} has not submitted an evaluation of recording {}{}", inspector,
                        recordingId, *saved ? " (a draft is changed, not revised)" : "")});
    }
    const storage::EvaluationRecord& evaluation = **saved;
    auto checklist = checklistVersion(evaluation.checklistId);
    if (!checklist) {
        return tl::unexpected(checklist.error());
    }
    scoring::Answers answers = fromAnswerRecords(evaluation.answers);
    for (const auto& [itemId, change] : changes) {
        const auto* item = findItem(*checklist, itemId);
        if (item == nullptr) {
            return tl::unexpected(inputError(
                fmt::format("checklist version {} has no item {}", checklist->version, itemId)));
        }
        if (auto wrong = applyChange(*item, change, answers[itemId])) {
            return tl::unexpected(inputError(*wrong));
        }
    }
    if (answers == fromAnswerRecords(evaluation.answers)) {
        return tl::unexpected(inputError("nothing to correct: the answers are as submitted"));
    }
    const auto blockers = scoring::validateForSubmit(*checklist, answers);
    if (!blockers.empty()) {
        return tl::unexpected(inputError(
            fmt::format("cannot correct: {}", scoring::describe(blockers, scoring::Language::Zh))));
    }
    const auto score = scoring::computeScore(*checklist, answers, scoring::Language::Zh);
    EvaluationCorrection correction;
    correction.checklistId = evaluation.checklistId;
    if (score.anyApplicable) {
        correction.score = score.score;
    }
    correction.working = score.working;
    correction.answers = toAnswerRecords(answers);
    for (auto& answer : correction.answers) { // what the tool suggested stays on record
        for (const auto& before : evaluation.answers) {
            if (before.itemId == answer.itemId) {
                answer.suggested = before.suggested;
                answer.suggestionReason = before.suggestionReason;
            }
        }
    }
    auto version = core::reviseEvaluation(m_db, m_actor, evaluation.id, correction, reason);
    if (!version) {
        return tl::unexpected(version.error());
    }
    return RevisionSummary{*version, evaluation.score, correction.score};
}

CoreResult<std::vector<storage::EvaluationVersionRecord>>
Session::evaluationVersions(std::int64_t recordingId, const std::string& inspector) {
    if (auto refusal = refusalFor(Action::ReadEvaluation, recordingId)) {
        return tl::unexpected(*refusal);
    }
    auto saved = storage::loadEvaluation(m_db, recordingId, inspector);
    if (!saved) {
        return tl::unexpected(fromStorage(saved.error()));
    }
    if (!*saved) {
        return tl::unexpected(
            CoreError{CoreError::Kind::NotFound,
                      fmt::format("{} has no evaluation of recording {}", inspector, recordingId)});
    }
    return evaluationHistory(m_db, m_actor, (*saved)->id);
}

} // namespace callqc::core
