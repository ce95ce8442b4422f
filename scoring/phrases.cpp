#include "scoring/phrases.hpp"

#include <algorithm>
#include <deque>
#include <optional>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "scoring/toml_support.hpp"

namespace callqc::scoring {

namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;

struct Decoded {
    char32_t codePoint = kInvalid;
    std::size_t length = 1;
};

bool isContinuation(unsigned char byte) {
    return (byte & 0xC0) == 0x80;
}

// Decodes one UTF-8 sequence at `pos` (RFC 3629: no overlongs, surrogates or values above
// U+10FFFF). An invalid or truncated sequence yields kInvalid with length 1.
Decoded decodeUtf8(std::string_view text, std::size_t pos) {
    const auto byteAt = [&](std::size_t i) {
        return static_cast<unsigned char>(text[i]);
    };
    const unsigned char lead = byteAt(pos);
    if (lead < 0x80) {
        return {lead, 1};
    }
    std::size_t length = 0;
    char32_t value = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        value = lead & 0x1Fu;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        value = lead & 0x0Fu;
        low = lead == 0xE0 ? 0xA0 : 0x80;
        high = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        value = lead & 0x07u;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
        return {};
    }
    if (pos + length > text.size()) {
        return {};
    }
    const unsigned char second = byteAt(pos + 1);
    if (second < low || second > high) {
        return {};
    }
    value = (value << 6) | (second & 0x3Fu);
    for (std::size_t i = 2; i < length; ++i) {
        const unsigned char next = byteAt(pos + i);
        if (!isContinuation(next)) {
            return {};
        }
        value = (value << 6) | (next & 0x3Fu);
    }
    return {value, length};
}

void appendUtf8(std::string& out, char32_t c) {
    const auto byte = [](char32_t value) {
        return static_cast<char>(value);
    };
    if (c < 0x80) {
        out.push_back(byte(c));
    } else if (c < 0x800) {
        out.push_back(byte(0xC0 | (c >> 6)));
        out.push_back(byte(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
        out.push_back(byte(0xE0 | (c >> 12)));
        out.push_back(byte(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(byte(0x80 | (c & 0x3F)));
    } else {
        out.push_back(byte(0xF0 | (c >> 18)));
        out.push_back(byte(0x80 | ((c >> 12) & 0x3F)));
        out.push_back(byte(0x80 | ((c >> 6) & 0x3F)));
        out.push_back(byte(0x80 | (c & 0x3F)));
    }
}

bool inRange(char32_t c, char32_t first, char32_t last) {
    return c >= first && c <= last;
}

// Punctuation, spaces, symbols and invisible characters that carry no words.
bool isDropped(char32_t c) {
    return inRange(c, 0x80, 0xBF) ||     // C1 controls, no-break space, Latin-1 punctuation
           inRange(c, 0x2000, 0x206F) || // general punctuation, spaces, zero-width, “”‘’…—
           inRange(c, 0x2E00, 0x2E7F) || // supplemental punctuation
           inRange(c, 0x3000, 0x3004) || // ideographic space, 、。〃〄
           inRange(c, 0x3008, 0x3020) || // 〈〉《》「」『』【】〔〕〖〗〘〙〚〛〜〝〞〟〠
           c == 0x3030 || inRange(c, 0x303D, 0x303F) || c == 0x30FB || // 〰 〽 ・
           inRange(c, 0xFE00, 0xFE1F) || // variation selectors, vertical forms
           inRange(c, 0xFE30, 0xFE6F) || // CJK compatibility forms, small form variants
           c == 0xFEFF ||                // byte order mark / zero-width no-break space
           inRange(c, 0xFF5F, 0xFF65) || // ｟｠｡｢｣､･
           inRange(c, 0xFFE0, 0xFFEE);   // full-width and half-width symbols
}

// The normalized form of one code point, or nothing when it is dropped.
std::optional<char32_t> fold(char32_t c) {
    if (inRange(c, 0xFF01, 0xFF5E)) {
        c -= 0xFEE0;
    }
    if (c < 0x80) {
        if (inRange(c, 'A', 'Z')) {
            return c - 'A' + 'a';
        }
        if (inRange(c, 'a', 'z') || inRange(c, '0', '9')) {
            return c;
        }
        return std::nullopt;
    }
    if (isDropped(c)) {
        return std::nullopt;
    }
    return c;
}

constexpr std::string_view kForbidden = "forbidden";
constexpr std::string_view kCourtesy = "courtesy";
constexpr std::string_view kRequired = "required";

bool speakerMatches(SpeakerFilter filter, Speaker speaker) {
    switch (filter) {
    case SpeakerFilter::Any:
        return true;
    case SpeakerFilter::Agent:
        return speaker == Speaker::Agent;
    case SpeakerFilter::Customer:
        return speaker == Speaker::Customer;
    }
    return false;
}

Speaker speakerOf(SpeakerFilter filter) {
    switch (filter) {
    case SpeakerFilter::Agent:
        return Speaker::Agent;
    case SpeakerFilter::Customer:
        return Speaker::Customer;
    case SpeakerFilter::Any:
        break;
    }
    return Speaker::Unknown;
}

bool contains(const std::u32string& haystack, const std::u32string& needle) {
    return haystack.find(needle) != std::u32string::npos;
}

} // namespace

NormalizedText normalizeWithOffsets(std::string_view utf8) {
    NormalizedText result;
    result.chars.reserve(utf8.size() / 3 + 1);
    std::size_t pos = 0;
    while (pos < utf8.size()) {
        const Decoded decoded = decodeUtf8(utf8, pos);
        if (decoded.codePoint != kInvalid) {
            if (const auto folded = fold(decoded.codePoint)) {
                result.chars.push_back(*folded);
                result.byteBegin.push_back(pos);
                result.byteEnd.push_back(pos + decoded.length);
            }
        }
        pos += decoded.length;
    }
    return result;
}

std::string normalizeText(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    for (const char32_t c : normalizeWithOffsets(utf8).chars) {
        appendUtf8(out, c);
    }
    return out;
}

PhraseMatcher::PhraseMatcher(std::vector<PhraseRule> rules) : m_rules(std::move(rules)) {
    m_nodes.emplace_back();
    for (std::size_t index = 0; index < m_rules.size(); ++index) {
        const PhraseRule& rule = m_rules[index];
        const std::u32string phrase = normalizeWithOffsets(rule.phrase).chars;
        if (phrase.empty()) {
            continue;
        }
        addPattern(phrase, {index, false, phrase.size()});
        for (const std::string& exclude : rule.excludes) {
            const std::u32string excluded = normalizeWithOffsets(exclude).chars;
            if (excluded.size() > phrase.size() && contains(excluded, phrase)) {
                addPattern(excluded, {index, true, excluded.size()});
            }
        }
    }
    buildLinks();
}

void PhraseMatcher::addPattern(const std::u32string& chars, Pattern pattern) {
    std::uint32_t node = 0;
    for (const char32_t c : chars) {
        std::uint32_t next = 0;
        for (const auto& [label, target] : m_nodes[node].children) {
            if (label == c) {
                next = target;
                break;
            }
        }
        if (next == 0) {
            next = static_cast<std::uint32_t>(m_nodes.size());
            m_nodes[node].children.emplace_back(c, next);
            m_nodes.emplace_back();
        }
        node = next;
    }
    m_nodes[node].patterns.push_back(static_cast<std::uint32_t>(m_patterns.size()));
    m_patterns.push_back(pattern);
}

std::uint32_t PhraseMatcher::child(std::uint32_t node, char32_t c) const {
    const auto& children = m_nodes[node].children;
    const auto found =
        std::lower_bound(children.begin(), children.end(), c,
                         [](const auto& entry, char32_t key) { return entry.first < key; });
    return found != children.end() && found->first == c ? found->second : 0;
}

void PhraseMatcher::buildLinks() {
    for (Node& node : m_nodes) {
        std::sort(node.children.begin(), node.children.end());
    }
    // Breadth-first, so every node's fail target (which is shallower) is final before use.
    std::deque<std::uint32_t> queue;
    for (const auto& [label, target] : m_nodes[0].children) {
        queue.push_back(target);
    }
    while (!queue.empty()) {
        const std::uint32_t node = queue.front();
        queue.pop_front();
        for (const auto& [label, target] : m_nodes[node].children) {
            std::uint32_t fallback = m_nodes[node].fail;
            while (fallback != 0 && child(fallback, label) == 0) {
                fallback = m_nodes[fallback].fail;
            }
            const std::uint32_t fail = child(fallback, label);
            m_nodes[target].fail = fail;
            m_nodes[target].outputLink =
                m_nodes[fail].patterns.empty() ? m_nodes[fail].outputLink : fail;
            queue.push_back(target);
        }
    }
}

std::vector<PhraseHit> PhraseMatcher::match(const std::vector<Segment>& segments) const {
    struct Occurrence {
        std::size_t begin = 0; // normalized chars
        std::size_t end = 0;
        std::uint32_t pattern = 0;
    };
    std::vector<PhraseHit> hits;
    std::vector<bool> ruleFound(m_rules.size(), false);
    std::vector<Occurrence> occurrences;
    for (std::size_t segmentIndex = 0; segmentIndex < segments.size(); ++segmentIndex) {
        const Segment& segment = segments[segmentIndex];
        const NormalizedText normalized = normalizeWithOffsets(segment.text);

        occurrences.clear();
        std::uint32_t node = 0;
        for (std::size_t pos = 0; pos < normalized.chars.size(); ++pos) {
            const char32_t c = normalized.chars[pos];
            while (node != 0 && child(node, c) == 0) {
                node = m_nodes[node].fail;
            }
            node = child(node, c);
            std::uint32_t out = m_nodes[node].patterns.empty() ? m_nodes[node].outputLink : node;
            while (out != 0) {
                for (const std::uint32_t pattern : m_nodes[out].patterns) {
                    const std::size_t length = m_patterns[pattern].length;
                    occurrences.push_back({pos + 1 - length, pos + 1, pattern});
                }
                out = m_nodes[out].outputLink;
            }
        }
        // By position, then by pattern, and patterns were added in rule order: hits come out
        // leftmost first, ties in rule order.
        std::sort(occurrences.begin(), occurrences.end(), [](const auto& a, const auto& b) {
            return std::tie(a.begin, a.pattern) < std::tie(b.begin, b.pattern);
        });

        std::vector<std::size_t> lastEnd(m_rules.size(), 0);
        for (const Occurrence& occurrence : occurrences) {
            const Pattern& pattern = m_patterns[occurrence.pattern];
            const PhraseRule& rule = m_rules[pattern.rule];
            if (pattern.exclude || !speakerMatches(rule.speaker, segment.speaker) ||
                occurrence.begin < lastEnd[pattern.rule]) {
                continue;
            }
            const bool excluded =
                std::any_of(occurrences.begin(), occurrences.end(), [&](const Occurrence& other) {
                    const Pattern& otherPattern = m_patterns[other.pattern];
                    return otherPattern.exclude && otherPattern.rule == pattern.rule &&
                           other.begin <= occurrence.begin && occurrence.end <= other.end;
                });
            if (excluded) {
                continue;
            }
            lastEnd[pattern.rule] = occurrence.end;
            ruleFound[pattern.rule] = true;

            PhraseHit hit;
            hit.ruleId = rule.id;
            hit.kind = rule.kind;
            hit.phrase = rule.phrase;
            hit.speaker = segment.speaker;
            hit.segmentIndex = segmentIndex;
            const double duration = segment.endSec - segment.startSec;
            const auto count = static_cast<double>(normalized.chars.size());
            hit.startSec =
                segment.startSec + duration * static_cast<double>(occurrence.begin) / count;
            hit.endSec = segment.startSec + duration * static_cast<double>(occurrence.end) / count;
            hit.text = segment.text;
            hit.textBegin = normalized.byteBegin[occurrence.begin];
            hit.textEnd = normalized.byteEnd[occurrence.end - 1];
            hits.push_back(std::move(hit));
        }
    }
    for (std::size_t index = 0; index < m_rules.size(); ++index) {
        const PhraseRule& rule = m_rules[index];
        if (rule.kind != PhraseKind::Required || ruleFound[index]) {
            continue;
        }
        PhraseHit hit;
        hit.ruleId = rule.id;
        hit.kind = rule.kind;
        hit.phrase = rule.phrase;
        hit.speaker = speakerOf(rule.speaker);
        hit.missing = true;
        hits.push_back(std::move(hit));
    }
    return hits;
}

tl::expected<std::vector<PhraseRule>, ScoringError> parsePhraseRules(std::string_view toml,
                                                                     std::string_view sourceName) {
    auto root = detail::parseToml(toml, sourceName);
    if (!root) {
        return tl::unexpected(root.error());
    }
    const detail::TomlReader reader(sourceName);
    if (auto keys = reader.checkKeys(*root, {"rules"}, "phrase list"); !keys) {
        return tl::unexpected(keys.error());
    }
    auto tables = reader.tables(*root, "rules", "phrase list");
    if (!tables) {
        return tl::unexpected(tables.error());
    }
    std::vector<PhraseRule> rules;
    std::set<std::string, std::less<>> ids;
    for (std::size_t ordinal = 1; ordinal <= tables->size(); ++ordinal) {
        const toml::table& table = *(*tables)[ordinal - 1];
        std::string context = fmt::format("rule #{}", ordinal);
        PhraseRule rule;
        auto id = reader.string(table, "id", context, true);
        if (!id) {
            return tl::unexpected(id.error());
        }
        rule.id = **id;
        context = fmt::format("rule {}", rule.id);
        if (!ids.insert(rule.id).second) {
            return tl::unexpected(reader.invalid(detail::TomlReader::lineOf(table, "id"), context,
                                                 "id", "duplicate rule id"));
        }
        if (auto keys =
                reader.checkKeys(table, {"id", "kind", "phrase", "speaker", "excludes"}, context);
            !keys) {
            return tl::unexpected(keys.error());
        }

        auto kind = reader.string(table, "kind", context, true);
        if (!kind) {
            return tl::unexpected(kind.error());
        }
        if (**kind == kForbidden) {
            rule.kind = PhraseKind::Forbidden;
        } else if (**kind == kCourtesy) {
            rule.kind = PhraseKind::Courtesy;
        } else if (**kind == kRequired) {
            rule.kind = PhraseKind::Required;
        } else {
            return tl::unexpected(reader.invalid(
                detail::TomlReader::lineOf(table, "kind"), context, "kind",
                fmt::format("unknown kind '{}' (expected forbidden, courtesy or required)",
                            **kind)));
        }

        auto phrase = reader.string(table, "phrase", context, true);
        if (!phrase) {
            return tl::unexpected(phrase.error());
        }
        rule.phrase = **phrase;
        const std::u32string normalizedPhrase = normalizeWithOffsets(rule.phrase).chars;
        if (normalizedPhrase.empty()) {
            return tl::unexpected(reader.invalid(detail::TomlReader::lineOf(table, "phrase"),
                                                 context, "phrase",
                                                 "'phrase' has no words, only punctuation"));
        }

        auto speaker = reader.string(table, "speaker", context, false);
        if (!speaker) {
            return tl::unexpected(speaker.error());
        }
        const std::string speakerText = speaker->value_or("agent");
        if (speakerText == "agent") {
            rule.speaker = SpeakerFilter::Agent;
        } else if (speakerText == "customer") {
            rule.speaker = SpeakerFilter::Customer;
        } else if (speakerText == "any") {
            rule.speaker = SpeakerFilter::Any;
        } else {
            return tl::unexpected(
                reader.invalid(detail::TomlReader::lineOf(table, "speaker"), context, "speaker",
                               fmt::format("unknown speaker '{}' (expected agent, customer or any)",
                                           speakerText)));
        }

        auto excludes = reader.strings(table, "excludes", context);
        if (!excludes) {
            return tl::unexpected(excludes.error());
        }
        for (const std::string& exclude : *excludes) {
            const std::u32string normalizedExclude = normalizeWithOffsets(exclude).chars;
            if (normalizedExclude.size() <= normalizedPhrase.size() ||
                !contains(normalizedExclude, normalizedPhrase)) {
                return tl::unexpected(reader.invalid(
                    detail::TomlReader::lineOf(table, "excludes"), context, "excludes",
                    fmt::format("exclude '{}' must be longer than and contain the phrase '{}'",
                                exclude, rule.phrase)));
            }
        }
        rule.excludes = std::move(*excludes);
        rules.push_back(std::move(rule));
    }
    return rules;
}

tl::expected<std::vector<PhraseRule>, ScoringError>
loadPhraseRules(const std::filesystem::path& path) {
    auto text = detail::readTextFile(path);
    if (!text) {
        return tl::unexpected(text.error());
    }
    return parsePhraseRules(*text, path.filename().string());
}

std::string_view toString(PhraseKind kind) {
    switch (kind) {
    case PhraseKind::Forbidden:
        return kForbidden;
    case PhraseKind::Courtesy:
        return kCourtesy;
    case PhraseKind::Required:
        return kRequired;
    }
    return kForbidden;
}

std::string_view toString(Speaker speaker) {
    switch (speaker) {
    case Speaker::Agent:
        return "agent";
    case Speaker::Customer:
        return "customer";
    case Speaker::Unknown:
        break;
    }
    return "unknown";
}

} // namespace callqc::scoring
