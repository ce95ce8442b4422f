#include "scoring/checklist.hpp"

#include <cmath>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "scoring/score.hpp"
#include "scoring/toml_support.hpp"

namespace callqc::scoring {

namespace {

using detail::TomlReader;

// Large enough for any form people write, small enough that sums and scaling stay finite.
constexpr double kMaxWeight = 1e6;

constexpr std::string_view kPassFail = "pass_fail";
constexpr std::string_view kPoints = "points";
constexpr std::string_view kDeduction = "deduction";
constexpr std::string_view kForbiddenPhrase = "forbidden_phrase";
constexpr std::string_view kCourtesy = "courtesy";
constexpr std::string_view kConfirmation = "confirmation";
constexpr std::string_view kDeadAir = "dead_air";

std::optional<ItemKind> itemKindFromString(std::string_view text) {
    if (text == kPassFail) {
        return ItemKind::PassFail;
    }
    if (text == kPoints) {
        return ItemKind::Points;
    }
    if (text == kDeduction) {
        return ItemKind::Deduction;
    }
    return std::nullopt;
}

std::optional<RuleKind> ruleKindFromString(std::string_view text) {
    if (text == kForbiddenPhrase) {
        return RuleKind::ForbiddenPhrase;
    }
    if (text == kCourtesy) {
        return RuleKind::Courtesy;
    }
    if (text == kConfirmation) {
        return RuleKind::Confirmation;
    }
    if (text == kDeadAir) {
        return RuleKind::DeadAir;
    }
    return std::nullopt;
}

bool inWeightRange(double value) {
    return value > 0 && value <= kMaxWeight;
}

std::string outOfRange(std::string_view key, double value) {
    return fmt::format("'{}' must be greater than 0 and at most {} (got {})", key, kMaxWeight,
                       value);
}

bool hasSpaceOrControl(std::string_view text) {
    for (const char c : text) {
        if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
            return true;
        }
    }
    return false;
}

// Builds a Checklist from a parsed TOML document. Stops at the first problem.
class ChecklistParser {
public:
    explicit ChecklistParser(std::string_view sourceName) : m_reader(sourceName) {}

    tl::expected<Checklist, ScoringError> parse(const toml::table& root) {
        constexpr std::string_view kContext = "checklist";
        if (auto keys =
                m_reader.checkKeys(root, {"id", "version", "name", "total", "sections"}, kContext);
            !keys) {
            return tl::unexpected(keys.error());
        }
        Checklist checklist;
        auto id = m_reader.string(root, "id", kContext, true);
        if (!id) {
            return tl::unexpected(id.error());
        }
        checklist.id = **id;

        auto version = m_reader.integer(root, "version", kContext);
        if (!version) {
            return tl::unexpected(version.error());
        }
        if (!version->has_value()) {
            return tl::unexpected(m_reader.invalid(root.source().begin.line, kContext, "version",
                                                   "missing 'version'"));
        }
        if (**version < 1 || **version > std::numeric_limits<int>::max()) {
            return tl::unexpected(m_reader.invalid(TomlReader::lineOf(root, "version"), kContext,
                                                   "version",
                                                   "'version' must be a positive integer"));
        }
        checklist.version = static_cast<int>(**version);

        auto name = m_reader.localized(root, "name", kContext, true);
        if (!name) {
            return tl::unexpected(name.error());
        }
        checklist.name = std::move(*name);

        auto sections = m_reader.tables(root, "sections", kContext);
        if (!sections) {
            return tl::unexpected(sections.error());
        }
        if (sections->empty()) {
            return tl::unexpected(m_reader.invalid(TomlReader::lineOf(root, "sections"), kContext,
                                                   "sections",
                                                   "no sections: add at least one [[sections]]"));
        }
        for (std::size_t index = 0; index < sections->size(); ++index) {
            auto section = parseSection(*(*sections)[index], index + 1);
            if (!section) {
                return tl::unexpected(section.error());
            }
            checklist.sections.push_back(std::move(*section));
        }
        if (auto total = checkDeclaredTotal(root, kContext, checklist.totalPoints(), "points");
            !total) {
            return tl::unexpected(total.error());
        }
        return checklist;
    }

private:
    // A declared `total` is a check a supervisor writes down: the weights must add up to it
    // (within rounding), so an edit that forgets to rebalance is caught where it was made.
    tl::expected<void, ScoringError> checkDeclaredTotal(const toml::table& table,
                                                        std::string_view context, double actual,
                                                        std::string_view what) const {
        auto declared = m_reader.number(table, "total", context);
        if (!declared) {
            return tl::unexpected(declared.error());
        }
        if (declared->has_value() && std::abs(**declared - actual) > 1e-6) {
            return tl::unexpected(
                m_reader.invalid(TomlReader::lineOf(table, "total"), context, "total",
                                 fmt::format("{} add up to {}, not the declared total {}", what,
                                             formatPoints(actual), formatPoints(**declared))));
        }
        return {};
    }

    tl::expected<ChecklistSection, ScoringError> parseSection(const toml::table& table,
                                                              std::size_t ordinal) {
        std::string context = fmt::format("section #{}", ordinal);
        ChecklistSection section;
        auto id = m_reader.string(table, "id", context, true);
        if (!id) {
            return tl::unexpected(id.error());
        }
        if (hasSpaceOrControl(**id)) {
            return tl::unexpected(m_reader.invalid(TomlReader::lineOf(table, "id"), context, "id",
                                                   "section id must not contain spaces"));
        }
        section.id = **id;
        context = fmt::format("section {}", section.id);
        if (!m_sectionIds.insert(section.id).second) {
            return tl::unexpected(m_reader.invalid(TomlReader::lineOf(table, "id"), context, "id",
                                                   "duplicate section id"));
        }
        if (auto keys =
                m_reader.checkKeys(table, {"id", "title", "weight", "total", "items"}, context);
            !keys) {
            return tl::unexpected(keys.error());
        }
        auto title = m_reader.localized(table, "title", context, true);
        if (!title) {
            return tl::unexpected(title.error());
        }
        section.title = std::move(*title);

        auto weight = m_reader.number(table, "weight", context);
        if (!weight) {
            return tl::unexpected(weight.error());
        }
        if (weight->has_value() && !inWeightRange(**weight)) {
            return tl::unexpected(m_reader.invalid(TomlReader::lineOf(table, "weight"), context,
                                                   "weight", outOfRange("weight", **weight)));
        }
        section.weight = *weight;

        auto items = m_reader.tables(table, "items", context);
        if (!items) {
            return tl::unexpected(items.error());
        }
        if (items->empty()) {
            return tl::unexpected(
                m_reader.invalid(table.source().begin.line, context, "items",
                                 "no items: add at least one [[sections.items]]"));
        }
        double itemWeightSum = 0;
        for (std::size_t index = 0; index < items->size(); ++index) {
            auto item = parseItem(*(*items)[index], section.id, index + 1);
            if (!item) {
                return tl::unexpected(item.error());
            }
            itemWeightSum += item->weight;
            section.items.push_back(std::move(*item));
        }
        if (auto total = checkDeclaredTotal(table, context, itemWeightSum, "item weights");
            !total) {
            return tl::unexpected(total.error());
        }
        for (ChecklistItem& item : section.items) {
            item.effectiveWeight =
                section.weight ? item.weight * *section.weight / itemWeightSum : item.weight;
        }
        return section;
    }

    tl::expected<ChecklistItem, ScoringError>
    parseItem(const toml::table& table, std::string_view sectionId, std::size_t ordinal) {
        std::string context = fmt::format("section {}: item #{}", sectionId, ordinal);
        ChecklistItem item;
        auto id = m_reader.string(table, "id", context, true);
        if (!id) {
            return tl::unexpected(id.error());
        }
        if (hasSpaceOrControl(**id)) {
            return tl::unexpected(m_reader.invalid(TomlReader::lineOf(table, "id"), context, "id",
                                                   "item id must not contain spaces"));
        }
        item.id = **id;
        context = fmt::format("item {}", item.id);
        if (!m_itemIds.insert(item.id).second) {
            return tl::unexpected(m_reader.invalid(TomlReader::lineOf(table, "id"), context, "id",
                                                   "duplicate item id"));
        }
        if (auto keys =
                m_reader.checkKeys(table,
                                   {"id", "title", "help", "kind", "weight", "per_occurrence",
                                    "critical", "section_fail", "comment_on_fail", "rule"},
                                   context);
            !keys) {
            return tl::unexpected(keys.error());
        }

        auto title = m_reader.localized(table, "title", context, true);
        if (!title) {
            return tl::unexpected(title.error());
        }
        item.title = std::move(*title);
        auto help = m_reader.localized(table, "help", context, false);
        if (!help) {
            return tl::unexpected(help.error());
        }
        item.help = std::move(*help);

        auto kindText = m_reader.string(table, "kind", context, true);
        if (!kindText) {
            return tl::unexpected(kindText.error());
        }
        const auto kind = itemKindFromString(**kindText);
        if (!kind) {
            return tl::unexpected(m_reader.invalid(
                TomlReader::lineOf(table, "kind"), context, "kind",
                fmt::format("unknown kind '{}' (expected pass_fail, points or deduction)",
                            **kindText)));
        }
        item.kind = *kind;

        auto weight = m_reader.number(table, "weight", context);
        if (!weight) {
            return tl::unexpected(weight.error());
        }
        if (!weight->has_value()) {
            return tl::unexpected(
                m_reader.invalid(table.source().begin.line, context, "weight", "missing 'weight'"));
        }
        if (!inWeightRange(**weight)) {
            return tl::unexpected(m_reader.invalid(TomlReader::lineOf(table, "weight"), context,
                                                   "weight", outOfRange("weight", **weight)));
        }
        item.weight = **weight;

        auto perOccurrence = m_reader.number(table, "per_occurrence", context);
        if (!perOccurrence) {
            return tl::unexpected(perOccurrence.error());
        }
        const std::uint32_t perOccurrenceLine = TomlReader::lineOf(table, "per_occurrence");
        if (item.kind == ItemKind::Deduction) {
            if (!perOccurrence->has_value()) {
                return tl::unexpected(m_reader.invalid(perOccurrenceLine, context, "per_occurrence",
                                                       "deduction items need 'per_occurrence'"));
            }
            if (!inWeightRange(**perOccurrence)) {
                return tl::unexpected(
                    m_reader.invalid(perOccurrenceLine, context, "per_occurrence",
                                     outOfRange("per_occurrence", **perOccurrence)));
            }
            item.perOccurrence = **perOccurrence;
        } else if (perOccurrence->has_value()) {
            return tl::unexpected(
                m_reader.invalid(perOccurrenceLine, context, "per_occurrence",
                                 "'per_occurrence' only applies to kind = \"deduction\""));
        }

        auto critical = m_reader.boolean(table, "critical", context, false);
        if (!critical) {
            return tl::unexpected(critical.error());
        }
        item.critical = *critical;
        auto sectionFail = m_reader.boolean(table, "section_fail", context, false);
        if (!sectionFail) {
            return tl::unexpected(sectionFail.error());
        }
        item.sectionFail = *sectionFail;
        auto commentOnFail = m_reader.boolean(table, "comment_on_fail", context, false);
        if (!commentOnFail) {
            return tl::unexpected(commentOnFail.error());
        }
        item.commentOnFail = *commentOnFail;

        if (const toml::node* ruleNode = table.get("rule")) {
            auto rule = parseRule(*ruleNode, context);
            if (!rule) {
                return tl::unexpected(rule.error());
            }
            if (item.kind != ItemKind::PassFail) {
                return tl::unexpected(m_reader.invalid(ruleNode->source().begin.line, context,
                                                       "rule",
                                                       "a 'rule' needs kind = \"pass_fail\""));
            }
            item.rule = std::move(*rule);
        }
        return item;
    }

    tl::expected<ItemRule, ScoringError> parseRule(const toml::node& node,
                                                   std::string_view itemContext) {
        const std::string context = fmt::format("{}: rule", itemContext);
        const auto* table = node.as_table();
        if (table == nullptr) {
            return tl::unexpected(m_reader.invalid(node.source().begin.line, itemContext, "rule",
                                                   "'rule' must be a table { kind = \"...\" }"));
        }
        if (auto keys = m_reader.checkKeys(
                *table, {"kind", "min_distinct", "phrase_rules", "max_sec"}, context);
            !keys) {
            return tl::unexpected(keys.error());
        }
        ItemRule rule;
        auto kindText = m_reader.string(*table, "kind", context, true);
        if (!kindText) {
            return tl::unexpected(kindText.error());
        }
        const auto kind = ruleKindFromString(**kindText);
        if (!kind) {
            return tl::unexpected(m_reader.invalid(
                TomlReader::lineOf(*table, "kind"), context, "kind",
                fmt::format("unknown rule kind '{}' (expected forbidden_phrase, courtesy, "
                            "confirmation or dead_air)",
                            **kindText)));
        }
        rule.kind = *kind;

        auto minDistinct = m_reader.integer(*table, "min_distinct", context);
        if (!minDistinct) {
            return tl::unexpected(minDistinct.error());
        }
        if (minDistinct->has_value()) {
            const std::uint32_t line = TomlReader::lineOf(*table, "min_distinct");
            if (rule.kind != RuleKind::Courtesy) {
                return tl::unexpected(
                    m_reader.invalid(line, context, "min_distinct",
                                     "'min_distinct' only applies to kind = \"courtesy\""));
            }
            if (**minDistinct < 1 || **minDistinct > 1000) {
                return tl::unexpected(m_reader.invalid(line, context, "min_distinct",
                                                       "'min_distinct' must be 1..1000"));
            }
            rule.minDistinct = static_cast<int>(**minDistinct);
        }

        auto phraseRules = m_reader.strings(*table, "phrase_rules", context);
        if (!phraseRules) {
            return tl::unexpected(phraseRules.error());
        }
        rule.phraseRules = std::move(*phraseRules);
        if (rule.kind == RuleKind::DeadAir && !rule.phraseRules.empty()) {
            return tl::unexpected(m_reader.invalid(
                TomlReader::lineOf(*table, "phrase_rules"), context, "phrase_rules",
                "'phrase_rules' does not apply to kind = \"dead_air\""));
        }

        auto maxSec = m_reader.number(*table, "max_sec", context);
        if (!maxSec) {
            return tl::unexpected(maxSec.error());
        }
        const std::uint32_t maxSecLine = TomlReader::lineOf(*table, "max_sec");
        if (rule.kind != RuleKind::DeadAir) {
            if (maxSec->has_value()) {
                return tl::unexpected(
                    m_reader.invalid(maxSecLine, context, "max_sec",
                                     "'max_sec' only applies to kind = \"dead_air\""));
            }
        } else if (!maxSec->has_value()) {
            return tl::unexpected(m_reader.invalid(maxSecLine, context, "max_sec",
                                                   "kind = \"dead_air\" needs 'max_sec'"));
        } else if (!(**maxSec > 0) || **maxSec > kMaxWeight) {
            return tl::unexpected(m_reader.invalid(
                maxSecLine, context, "max_sec",
                fmt::format("'max_sec' must be greater than 0 and at most {} (got {})", kMaxWeight,
                            **maxSec)));
        } else {
            rule.maxSec = **maxSec;
        }
        return rule;
    }

    TomlReader m_reader;
    std::set<std::string, std::less<>> m_sectionIds;
    std::set<std::string, std::less<>> m_itemIds;
};

std::string formatNumber(double value) {
    return fmt::format("{}", value);
}

std::string localizedToml(const LocalizedText& text) {
    // An empty language is left out: the loader accepts empty text only as an absent key.
    std::string result = "{ ";
    bool first = true;
    for (const auto& [key, value] : {std::pair{"zh", &text.zh}, std::pair{"en", &text.en}}) {
        if (value->empty()) {
            continue;
        }
        result += fmt::format("{}{} = {}", first ? "" : ", ", key, detail::tomlQuoted(*value));
        first = false;
    }
    result += " }";
    return result;
}

} // namespace

const ChecklistItem* Checklist::findItem(std::string_view itemId) const {
    for (const ChecklistSection& section : sections) {
        for (const ChecklistItem& item : section.items) {
            if (item.id == itemId) {
                return &item;
            }
        }
    }
    return nullptr;
}

const ChecklistSection* Checklist::findSectionOf(std::string_view itemId) const {
    for (const ChecklistSection& section : sections) {
        for (const ChecklistItem& item : section.items) {
            if (item.id == itemId) {
                return &section;
            }
        }
    }
    return nullptr;
}

std::size_t Checklist::itemCount() const {
    std::size_t count = 0;
    for (const ChecklistSection& section : sections) {
        count += section.items.size();
    }
    return count;
}

double Checklist::totalPoints() const {
    double total = 0;
    for (const ChecklistSection& section : sections) {
        for (const ChecklistItem& item : section.items) {
            total += item.effectiveWeight;
        }
    }
    return total;
}

tl::expected<Checklist, ScoringError> parseChecklist(std::string_view toml,
                                                     std::string_view sourceName) {
    auto root = detail::parseToml(toml, sourceName);
    if (!root) {
        return tl::unexpected(root.error());
    }
    return ChecklistParser(sourceName).parse(*root);
}

tl::expected<Checklist, ScoringError> loadChecklist(const std::filesystem::path& path) {
    auto text = detail::readTextFile(path);
    if (!text) {
        return tl::unexpected(text.error());
    }
    return parseChecklist(*text, path.filename().string());
}

std::string canonicalChecklistToml(const Checklist& checklist) {
    std::string out;
    out += fmt::format("id = {}\n", detail::tomlQuoted(checklist.id));
    out += fmt::format("version = {}\n", checklist.version);
    out += fmt::format("name = {}\n", localizedToml(checklist.name));
    for (const ChecklistSection& section : checklist.sections) {
        out += "\n[[sections]]\n";
        out += fmt::format("id = {}\n", detail::tomlQuoted(section.id));
        out += fmt::format("title = {}\n", localizedToml(section.title));
        if (section.weight) {
            out += fmt::format("weight = {}\n", formatNumber(*section.weight));
        }
        for (const ChecklistItem& item : section.items) {
            out += "\n[[sections.items]]\n";
            out += fmt::format("id = {}\n", detail::tomlQuoted(item.id));
            out += fmt::format("title = {}\n", localizedToml(item.title));
            if (!item.help.zh.empty() || !item.help.en.empty()) {
                out += fmt::format("help = {}\n", localizedToml(item.help));
            }
            out += fmt::format("kind = \"{}\"\n", toString(item.kind));
            out += fmt::format("weight = {}\n", formatNumber(item.weight));
            if (item.kind == ItemKind::Deduction) {
                out += fmt::format("per_occurrence = {}\n", formatNumber(item.perOccurrence));
            }
            out += fmt::format("critical = {}\n", item.critical);
            out += fmt::format("section_fail = {}\n", item.sectionFail);
            out += fmt::format("comment_on_fail = {}\n", item.commentOnFail);
            if (item.rule) {
                out += fmt::format("rule = {{ kind = \"{}\"", toString(item.rule->kind));
                if (item.rule->kind == RuleKind::Courtesy) {
                    out += fmt::format(", min_distinct = {}", item.rule->minDistinct);
                }
                if (item.rule->kind == RuleKind::DeadAir) {
                    out += fmt::format(", max_sec = {}", formatNumber(item.rule->maxSec));
                }
                if (!item.rule->phraseRules.empty()) {
                    out += ", phrase_rules = [";
                    for (std::size_t i = 0; i < item.rule->phraseRules.size(); ++i) {
                        out += fmt::format("{}{}", i == 0 ? "" : ", ",
                                           detail::tomlQuoted(item.rule->phraseRules[i]));
                    }
                    out += "]";
                }
                out += " }\n";
            }
        }
    }
    return out;
}

std::string checklistFingerprint(const Checklist& checklist) {
    return fmt::format("{:016x}", detail::fnv1a64(canonicalChecklistToml(checklist)));
}

std::string_view toString(ItemKind kind) {
    switch (kind) {
    case ItemKind::PassFail:
        return kPassFail;
    case ItemKind::Points:
        return kPoints;
    case ItemKind::Deduction:
        return kDeduction;
    }
    return kPassFail;
}

std::string_view toString(RuleKind kind) {
    switch (kind) {
    case RuleKind::ForbiddenPhrase:
        return kForbiddenPhrase;
    case RuleKind::Courtesy:
        return kCourtesy;
    case RuleKind::Confirmation:
        return kConfirmation;
    case RuleKind::DeadAir:
        return kDeadAir;
    }
    return kForbiddenPhrase;
}

} // namespace callqc::scoring
