#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "scoring/language.hpp"
#include "scoring/scoring_error.hpp"

namespace callqc::scoring {

// How an item is answered and scored.
enum class ItemKind {
    PassFail,  // pass, fail or not applicable; pass earns the full weight
    Points,    // 0..weight points awarded by the inspector
    Deduction, // full weight minus perOccurrence for each occurrence, never below 0
};

// What the application may look at to suggest an answer for an item.
enum class RuleKind {
    ForbiddenPhrase, // fail when the agent says a forbidden phrase
    Courtesy,        // pass when the agent uses enough distinct courtesy words
    Confirmation,    // pass when the agent says a required confirmation line
    DeadAir,         // fail when the call has a dead-air stretch longer than maxSec
};

struct ItemRule {
    RuleKind kind = RuleKind::ForbiddenPhrase;
    // Courtesy only: distinct courtesy words the agent must use for a pass suggestion (>= 1).
    int minDistinct = 3;
    // Phrase-rule ids whose hits count for this item; empty means every phrase rule of the
    // matching kind (forbidden for ForbiddenPhrase, courtesy for Courtesy, required for
    // Confirmation).
    std::vector<std::string> phraseRules;
    // DeadAir only: the longest dead-air stretch (seconds, > 0) that still passes.
    double maxSec = 0;

    bool operator==(const ItemRule&) const = default;
};

struct ChecklistItem {
    std::string id; // unique within the checklist, e.g. "1.3"
    LocalizedText title;
    LocalizedText help; // may be empty
    ItemKind kind = ItemKind::PassFail;
    double weight = 0;          // full marks of the item as written in the file; > 0
    double perOccurrence = 0;   // Deduction only; > 0, otherwise 0
    bool critical = false;      // a failure zeroes the whole evaluation
    bool sectionFail = false;   // a failure zeroes the item's section
    bool commentOnFail = false; // a failure needs a comment before submission
    std::optional<ItemRule> rule;

    // Full marks after section scaling: weight * section.weight / sum of the section's item
    // weights when the section has a weight, otherwise weight. Derived by the loader.
    double effectiveWeight = 0;

    bool operator==(const ChecklistItem&) const = default;
};

struct ChecklistSection {
    std::string id; // unique within the checklist
    LocalizedText title;
    // When set (> 0), the section is worth exactly this many points and its item weights are
    // relative; when empty, the section is worth the sum of its item weights.
    std::optional<double> weight;
    std::vector<ChecklistItem> items; // never empty

    bool operator==(const ChecklistSection&) const = default;
};

struct Checklist {
    std::string id;
    int version = 0; // >= 1
    LocalizedText name;
    std::vector<ChecklistSection> sections; // never empty

    // The item with this id, or nullptr.
    [[nodiscard]] const ChecklistItem* findItem(std::string_view itemId) const;
    // The section that holds the item with this id, or nullptr.
    [[nodiscard]] const ChecklistSection* findSectionOf(std::string_view itemId) const;
    [[nodiscard]] std::size_t itemCount() const;
    // Sum of the items' effective weights: the points of a form where everything applies.
    [[nodiscard]] double totalPoints() const;

    bool operator==(const Checklist&) const = default;
};

// Parses a checklist from TOML text. `sourceName` only appears in error messages.
// Errors name the source, line and field, e.g. "default.toml:42: item 1.3: duplicate item id".
// Rejected: TOML syntax errors, unknown keys, missing or empty ids and titles, duplicate
// section or item ids, unknown kinds and rule kinds, weights that are not finite and > 0,
// per_occurrence on anything but deduction items, rules on anything but pass_fail items,
// a dead_air rule without max_sec > 0, max_sec or phrase_rules on other rule kinds.
[[nodiscard]] tl::expected<Checklist, ScoringError> parseChecklist(std::string_view toml,
                                                                   std::string_view sourceName);

// Reads and parses a checklist file; errors carry the file name (not the full path).
[[nodiscard]] tl::expected<Checklist, ScoringError>
loadChecklist(const std::filesystem::path& path);

// A canonical TOML serialization of the checklist: every field spelled out in a fixed order,
// independent of the formatting, comments and key order of the source file. parseChecklist of
// the result gives back an equal Checklist, so storage can freeze a version as this text.
[[nodiscard]] std::string canonicalChecklistToml(const Checklist& checklist);

// A short stable fingerprint of the canonical form: 16 lowercase hex digits (FNV-1a, 64 bit).
// Meant to tell versions apart, not to resist tampering.
[[nodiscard]] std::string checklistFingerprint(const Checklist& checklist);

[[nodiscard]] std::string_view toString(ItemKind kind);
[[nodiscard]] std::string_view toString(RuleKind kind);

} // namespace callqc::scoring
