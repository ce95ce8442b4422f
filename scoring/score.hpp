#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "scoring/checklist.hpp"
#include "scoring/language.hpp"

namespace callqc::scoring {

enum class AnswerValue { Unanswered, Pass, Fail, NotApplicable };

// The inspector's answer to one item. Meaning by item kind:
// - PassFail: value Pass, Fail or NotApplicable; points and occurrences are ignored.
// - Points: value Pass with `points` in 0..weight awarded; Fail means 0 points and counts as a
//   failure (critical, section_fail, comment_on_fail); NotApplicable.
// - Deduction: value Pass with `occurrences` >= 0 counted; the item counts as failed when
//   occurrences > 0; Fail means the full weight is deducted; NotApplicable.
struct ItemAnswer {
    AnswerValue value = AnswerValue::Unanswered;
    double points = 0;
    int occurrences = 0;
    std::string comment;

    bool operator==(const ItemAnswer&) const = default;
};

// Answers keyed by item id.
using Answers = std::map<std::string, ItemAnswer>;

struct SectionScore {
    std::string sectionId;
    double earned = 0;                   // after section_fail zeroing, before a critical zeroing
    double applicable = 0;               // effective weights of answered, applicable items
    std::optional<std::string> zeroedBy; // first failed section_fail item
};

struct ScoreResult {
    double score = 0;  // 0..100 = 100 * earned / applicable; 0 when !anyApplicable
    double earned = 0; // final points, 0 when a critical item failed
    double applicable = 0;
    bool anyApplicable = false; // false: no score can be given (everything N/A or unanswered)
    std::optional<std::string> zeroedBy;      // first failed critical item
    std::vector<std::string> unanswered;      // item ids in checklist order
    std::vector<std::string> missingComments; // failed comment_on_fail items without a comment
    std::vector<SectionScore> sections;       // in checklist order
    // One line a person can check by hand, e.g.
    // "34 of 40 applicable points = 85%; critical item 1.3 failed → 0".
    std::string working;
};

// True when the answer counts as a failure of the item (see ItemAnswer).
[[nodiscard]] bool isFailed(const ChecklistItem& item, const ItemAnswer& answer);

// Scores answers against a checklist.
// - Unanswered items (no answer or AnswerValue::Unanswered) are left out of both earned and
//   applicable and listed in `unanswered`; a result with unanswered items is provisional.
// - NotApplicable items leave the denominator.
// - Points are clamped to 0..weight and occurrences to >= 0 (validateForSubmit reports them).
// - A failed section_fail item zeroes the earned points of its section (the section stays in
//   the denominator); a failed critical item zeroes the whole evaluation.
// - Answers for ids the checklist does not have are ignored.
[[nodiscard]] ScoreResult computeScore(const Checklist& checklist, const Answers& answers,
                                       Language language = Language::En);

// Something that stops an evaluation from being submitted.
struct SubmitBlocker {
    enum class Reason {
        Unanswered,       // the item has no answer
        MissingComment,   // failed, comment_on_fail, and the comment is blank
        PointsOutOfRange, // Points item with points outside 0..weight or not finite
        NegativeCount,    // Deduction item with occurrences < 0
        UnknownItem,      // an answer for an id the checklist does not have
    };

    std::string itemId;
    Reason reason = Reason::Unanswered;
};

// Everything that blocks submission, in checklist order (unknown ids last, sorted). Empty means
// the evaluation may be submitted.
[[nodiscard]] std::vector<SubmitBlocker> validateForSubmit(const Checklist& checklist,
                                                           const Answers& answers);

// A sentence naming the item and the problem, e.g. "item 1.3: a comment is required".
[[nodiscard]] std::string describe(const SubmitBlocker& blocker, Language language);

// Every blocker described, joined by "; " (empty when there are none).
[[nodiscard]] std::string describe(const std::vector<SubmitBlocker>& blockers, Language language);

// Points as people write them: at most two decimals, no trailing zeros ("34", "7.5", "13.33").
[[nodiscard]] std::string formatPoints(double points);

} // namespace callqc::scoring
