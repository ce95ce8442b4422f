#include "scoring/suggestions.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace callqc::scoring {

namespace {

PhraseKind phraseKindFor(RuleKind kind) {
    switch (kind) {
    case RuleKind::ForbiddenPhrase:
        return PhraseKind::Forbidden;
    case RuleKind::Courtesy:
        return PhraseKind::Courtesy;
    case RuleKind::Confirmation:
        return PhraseKind::Required;
    case RuleKind::DeadAir:
        break;
    }
    return PhraseKind::Forbidden;
}

bool countsFor(const ItemRule& rule, const PhraseHit& hit) {
    if (hit.outOfPosition || rule.kind == RuleKind::DeadAir) {
        return false;
    }
    if (!rule.phraseRules.empty()) {
        return std::find(rule.phraseRules.begin(), rule.phraseRules.end(), hit.ruleId) !=
               rule.phraseRules.end();
    }
    return hit.kind == phraseKindFor(rule.kind);
}

std::string joined(const std::vector<std::string>& words, std::string_view separator) {
    std::string result;
    for (std::size_t i = 0; i < words.size(); ++i) {
        result += (i == 0 ? std::string() : std::string(separator)) + words[i];
    }
    return result;
}

std::string atTime(double seconds, Language language) {
    return language == Language::Zh ? fmt::format("{:.1f} 秒处", seconds)
                                    : fmt::format("at {:.1f} s", seconds);
}

AnswerSuggestion suggestForbidden(const ChecklistItem& item, const std::vector<PhraseHit>& hits,
                                  Language language) {
    const bool zh = language == Language::Zh;
    AnswerSuggestion suggestion{item.id, AnswerValue::Pass, {}, {}};
    std::vector<std::string> said;
    for (std::size_t i = 0; i < hits.size(); ++i) {
        const PhraseHit& hit = hits[i];
        if (hit.missing || hit.speaker != Speaker::Agent || !countsFor(*item.rule, hit)) {
            continue;
        }
        suggestion.evidence.push_back(i);
        said.push_back(zh ? fmt::format("“{}”({})", hit.phrase, atTime(hit.startSec, language))
                          : fmt::format("\"{}\" ({})", hit.phrase, atTime(hit.startSec, language)));
    }
    if (said.empty()) {
        suggestion.reason = zh ? "未发现坐席使用服务忌语" : "no forbidden phrase by the agent";
    } else {
        suggestion.value = AnswerValue::Fail;
        suggestion.reason = zh ? fmt::format("坐席使用服务忌语:{}", joined(said, "、"))
                               : fmt::format("agent said forbidden phrase {}", joined(said, ", "));
    }
    return suggestion;
}

AnswerSuggestion suggestCourtesy(const ChecklistItem& item, const std::vector<PhraseHit>& hits,
                                 Language language) {
    const bool zh = language == Language::Zh;
    AnswerSuggestion suggestion{item.id, AnswerValue::Fail, {}, {}};
    std::vector<std::string> distinct;
    for (std::size_t i = 0; i < hits.size(); ++i) {
        const PhraseHit& hit = hits[i];
        if (hit.missing || hit.speaker != Speaker::Agent || !countsFor(*item.rule, hit)) {
            continue;
        }
        if (std::find(distinct.begin(), distinct.end(), hit.phrase) == distinct.end()) {
            distinct.push_back(hit.phrase);
            suggestion.evidence.push_back(i);
        }
    }
    const auto needed = static_cast<std::size_t>(item.rule->minDistinct);
    if (distinct.size() >= needed) {
        suggestion.value = AnswerValue::Pass;
    }
    const std::string list =
        distinct.empty() ? std::string(zh ? "无" : "none") : joined(distinct, zh ? "、" : ", ");
    suggestion.reason = zh ? fmt::format("坐席使用了 {} 种礼貌用语({}),至少需要 {} 种",
                                         distinct.size(), list, needed)
                           : fmt::format("agent used {} distinct courtesy words ({}); {} needed",
                                         distinct.size(), list, needed);
    return suggestion;
}

std::optional<AnswerSuggestion> suggestConfirmation(const ChecklistItem& item,
                                                    const std::vector<PhraseHit>& hits,
                                                    Language language) {
    const bool zh = language == Language::Zh;
    std::optional<std::size_t> found;
    std::optional<std::size_t> missing;
    for (std::size_t i = 0; i < hits.size(); ++i) {
        const PhraseHit& hit = hits[i];
        if (!countsFor(*item.rule, hit)) {
            continue;
        }
        if (hit.missing) {
            missing = missing.value_or(i);
        } else if (hit.speaker == Speaker::Agent && !found) {
            found = i;
        }
    }
    if (found) {
        const PhraseHit& hit = hits[*found];
        return AnswerSuggestion{item.id,
                                AnswerValue::Pass,
                                zh ? fmt::format("坐席确认了客户是否明了:“{}”({})", hit.phrase,
                                                 atTime(hit.startSec, language))
                                   : fmt::format("agent confirmed understanding: \"{}\" ({})",
                                                 hit.phrase, atTime(hit.startSec, language)),
                                {*found}};
    }
    if (missing) {
        const PhraseHit& hit = hits[*missing];
        return AnswerSuggestion{
            item.id,
            AnswerValue::Fail,
            zh ? fmt::format("未发现确认语“{}”", hit.phrase)
               : fmt::format("the agent never said the confirmation line \"{}\"", hit.phrase),
            {*missing}};
    }
    return std::nullopt;
}

AnswerSuggestion suggestDeadAir(const ChecklistItem& item, const AcousticFacts& acoustic,
                                Language language) {
    const bool zh = language == Language::Zh;
    const double maxSec = item.rule->maxSec;
    std::vector<std::string> stretches;
    for (const auto& [startSec, endSec] : acoustic.deadAir) {
        const double length = endSec - startSec;
        if (length > maxSec) {
            stretches.push_back(
                zh ? fmt::format("{:.1f}–{:.1f} 秒({:.1f} 秒)", startSec, endSec, length)
                   : fmt::format("{:.1f}–{:.1f} s ({:.1f} s)", startSec, endSec, length));
        }
    }
    if (stretches.empty()) {
        return {item.id,
                AnswerValue::Pass,
                zh ? fmt::format("无超过 {:.0f} 秒的静音(最长静音 {:.1f} 秒)", maxSec,
                                 acoustic.longestSilenceSec)
                   : fmt::format("no dead air over {:.0f} s (longest silence {:.1f} s)", maxSec,
                                 acoustic.longestSilenceSec),
                {}};
    }
    return {item.id,
            AnswerValue::Fail,
            zh ? fmt::format("静音 {}", joined(stretches, "、"))
               : fmt::format("dead air {}", joined(stretches, ", ")),
            {}};
}

std::vector<AnswerSuggestion> suggest(const Checklist& checklist,
                                      const std::vector<PhraseHit>& hits,
                                      const AcousticFacts* acoustic, Language language) {
    std::vector<AnswerSuggestion> suggestions;
    for (const ChecklistSection& section : checklist.sections) {
        for (const ChecklistItem& item : section.items) {
            if (!item.rule) {
                continue;
            }
            switch (item.rule->kind) {
            case RuleKind::ForbiddenPhrase:
                suggestions.push_back(suggestForbidden(item, hits, language));
                break;
            case RuleKind::Courtesy:
                suggestions.push_back(suggestCourtesy(item, hits, language));
                break;
            case RuleKind::Confirmation:
                if (auto suggestion = suggestConfirmation(item, hits, language)) {
                    suggestions.push_back(std::move(*suggestion));
                }
                break;
            case RuleKind::DeadAir:
                if (acoustic != nullptr) {
                    suggestions.push_back(suggestDeadAir(item, *acoustic, language));
                }
                break;
            }
        }
    }
    return suggestions;
}

} // namespace

std::vector<AnswerSuggestion>
suggestAnswers(const Checklist& checklist, const std::vector<PhraseHit>& hits, Language language) {
    return suggest(checklist, hits, nullptr, language);
}

std::vector<AnswerSuggestion> suggestAnswers(const Checklist& checklist,
                                             const std::vector<PhraseHit>& hits,
                                             const AcousticFacts& acoustic, Language language) {
    return suggest(checklist, hits, &acoustic, language);
}

} // namespace callqc::scoring
