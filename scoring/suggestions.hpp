#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "scoring/checklist.hpp"
#include "scoring/language.hpp"
#include "scoring/phrases.hpp"
#include "scoring/score.hpp"

namespace callqc::scoring {

// An answer the application proposes from phrase hits. The inspector confirms or overrides it;
// the UI shows it as a suggestion, never as the inspector's answer.
struct AnswerSuggestion {
    std::string itemId;
    AnswerValue value = AnswerValue::Unanswered; // Pass or Fail
    std::string reason;                // e.g. "agent said forbidden phrase 我不清楚 at 12.0 s"
    std::vector<std::size_t> evidence; // indices into the hits the suggestion rests on
};

// Suggestions for the checklist's items that have a rule, in checklist order:
// - forbidden_phrase: Fail when the agent said a forbidden phrase, otherwise Pass;
// - courtesy: Pass when the agent used at least rule.minDistinct distinct courtesy phrases,
//   otherwise Fail;
// - confirmation: Pass when the agent said a required line, Fail when the matcher reported it
//   missing; no suggestion when there is no required rule at all.
// Only hits spoken by the agent count (segments of unknown speaker do not). A rule's
// phraseRules, when given, limits the hits to those rule ids. Contract: `hits` come from
// PhraseMatcher::match over the call's transcript; without a transcript, do not ask.
[[nodiscard]] std::vector<AnswerSuggestion> suggestAnswers(const Checklist& checklist,
                                                           const std::vector<PhraseHit>& hits,
                                                           Language language = Language::En);

} // namespace callqc::scoring
