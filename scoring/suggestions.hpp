#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "scoring/checklist.hpp"
#include "scoring/language.hpp"
#include "scoring/phrases.hpp"
#include "scoring/score.hpp"

namespace callqc::scoring {

// An answer the application proposes from phrase hits or acoustic facts. The inspector confirms or
// overrides it; the UI shows it as a suggestion, never as the inspector's answer.
struct AnswerSuggestion {
    std::string itemId;
    AnswerValue value = AnswerValue::Unanswered; // Pass or Fail
    std::string reason;                // e.g. "agent said forbidden phrase 我不清楚 at 12.0 s"
    std::vector<std::size_t> evidence; // indices into the hits the suggestion rests on
};

// What the audio analysis found about a call, for rules that look at the audio rather than
// the transcript.
struct AcousticFacts {
    // Stretches where neither party speaks, as (startSec, endSec) with startSec <= endSec, in
    // call time order.
    std::vector<std::pair<double, double>> deadAir;
    double longestSilenceSec = 0; // longest silence on the call, dead air or not
};

// Suggestions for the checklist's items that have a rule, in checklist order:
// - forbidden_phrase: Fail when the agent said a forbidden phrase, otherwise Pass;
// - courtesy: Pass when the agent used at least rule.minDistinct distinct courtesy phrases,
//   otherwise Fail (a phrase said twice counts once);
// - confirmation: Pass when the agent said a required line, Fail when the matcher reported it
//   missing; no suggestion when there is no required rule at all;
// - dead_air: only with acoustic facts (the overload below); without them, no suggestion.
// Only hits spoken by the agent count (segments of unknown speaker do not), and hits marked
// outOfPosition do not count. A rule's phraseRules, when given, limits the hits to those rule
// ids. Contract: `hits` come from PhraseMatcher::match over the call's transcript; without a
// transcript, do not ask.
[[nodiscard]] std::vector<AnswerSuggestion> suggestAnswers(const Checklist& checklist,
                                                           const std::vector<PhraseHit>& hits,
                                                           Language language = Language::En);

// As above, and dead_air items are suggested from `acoustic`: Fail when some dead-air stretch
// is longer than the rule's maxSec (the reason names each such stretch, e.g. "dead air
// 57.7–71.7 s (14.0 s)"), otherwise Pass (the reason gives the longest silence). A stretch of
// exactly maxSec passes. The contract on `hits` is the one above.
[[nodiscard]] std::vector<AnswerSuggestion> suggestAnswers(const Checklist& checklist,
                                                           const std::vector<PhraseHit>& hits,
                                                           const AcousticFacts& acoustic,
                                                           Language language = Language::En);

} // namespace callqc::scoring
