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
    std::vector<std::u32string> patternChars;
    for (std::size_t index = 0; index < m_rules.size(); ++index) {
        const PhraseRule& rule = m_rules[index];
        std::u32string phrase = normalizeWithOffsets(rule.phrase).chars;
        if (phrase.empty()) {
            continue;
        }
        const auto ruleIndex = static_cast<std::uint32_t>(index);
        bool hasExcludes = false;
        for (const std::string& exclude : rule.excludes) {
            std::u32string excluded = normalizeWithOffsets(exclude).chars;
            if (excluded.size() > phrase.size() && contains(excluded, phrase)) {
                m_patterns.push_back(
                    {ruleIndex, true, true, static_cast<std::uint32_t>(excluded.size())});
                patternChars.push_back(std::move(excluded));
                hasExcludes = true;
            }
        }
        m_patterns.push_back(
            {ruleIndex, false, hasExcludes, static_cast<std::uint32_t>(phrase.size())});
        patternChars.push_back(std::move(phrase));
    }
    build(patternChars);
}

void PhraseMatcher::build(const std::vector<std::u32string>& patternChars) {
    // Character classes, in order of first appearance.
    std::vector<std::uint32_t> bmpClass(0x10000, 0);
    std::uint32_t classes = 0;
    std::vector<std::pair<char32_t, std::uint32_t>> astral;
    std::size_t longest = 1;
    for (const std::u32string& chars : patternChars) {
        longest = std::max(longest, chars.size());
        for (const char32_t c : chars) {
            if (c < 0x10000) {
                if (bmpClass[c] == 0) {
                    bmpClass[c] = ++classes;
                }
            } else if (std::none_of(astral.begin(), astral.end(),
                                    [c](const auto& entry) { return entry.first == c; })) {
                astral.emplace_back(c, ++classes);
            }
        }
    }
    std::sort(astral.begin(), astral.end());
    m_astralClass = std::move(astral);
    m_rawClass.assign(0x10000, 0);
    for (char32_t c = 0; c < 0x10000; ++c) {
        const auto folded = fold(c);
        m_rawClass[c] = !folded ? kDroppedClass : *folded < 0x10000 ? bmpClass[*folded] : 0;
    }
    std::size_t ring = 1;
    while (ring < longest) {
        ring *= 2;
    }
    m_ringMask = ring - 1;

    // The trie, with children as (class, node) lists while building.
    std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> children(1);
    std::vector<std::vector<std::uint32_t>> patterns(1);
    const auto findChild = [&](std::uint32_t node, std::uint32_t charClass) -> std::uint32_t {
        for (const auto& [label, target] : children[node]) {
            if (label == charClass) {
                return target;
            }
        }
        return 0;
    };
    for (std::size_t index = 0; index < patternChars.size(); ++index) {
        std::uint32_t node = 0;
        for (const char32_t c : patternChars[index]) {
            const std::uint32_t charClass = classOf(c);
            std::uint32_t next = findChild(node, charClass);
            if (next == 0) {
                next = static_cast<std::uint32_t>(children.size());
                children[node].emplace_back(charClass, next);
                children.emplace_back();
                patterns.emplace_back();
            }
            node = next;
        }
        patterns[node].push_back(static_cast<std::uint32_t>(index));
    }

    const std::size_t nodeCount = children.size();
    m_rootNext.assign(classes + 1, 0);
    for (const auto& [label, target] : children[0]) {
        m_rootNext[label] = target;
    }
    m_childBegin.assign(nodeCount + 1, 0);
    m_patternBegin.assign(nodeCount + 1, 0);
    for (std::size_t node = 0; node < nodeCount; ++node) {
        auto& list = children[node];
        std::sort(list.begin(), list.end());
        m_childBegin[node] = static_cast<std::uint32_t>(m_children.size());
        if (node != 0) { // the root's children live in m_rootNext
            m_children.insert(m_children.end(), list.begin(), list.end());
        }
        m_patternBegin[node] = static_cast<std::uint32_t>(m_nodePatterns.size());
        m_nodePatterns.insert(m_nodePatterns.end(), patterns[node].begin(), patterns[node].end());
    }
    m_childBegin[nodeCount] = static_cast<std::uint32_t>(m_children.size());
    m_patternBegin[nodeCount] = static_cast<std::uint32_t>(m_nodePatterns.size());

    // Fail and output links, breadth-first so that a node's fail target (shallower) is final
    // before it is used.
    m_fail.assign(nodeCount, 0);
    m_firstOutput.assign(nodeCount, 0);
    m_nextOutput.assign(nodeCount, 0);
    std::deque<std::uint32_t> queue;
    for (const auto& [label, target] : children[0]) {
        m_firstOutput[target] = patterns[target].empty() ? 0 : target;
        queue.push_back(target);
    }
    while (!queue.empty()) {
        const std::uint32_t node = queue.front();
        queue.pop_front();
        for (const auto& [label, target] : children[node]) {
            std::uint32_t fallback = m_fail[node];
            while (fallback != 0 && findChild(fallback, label) == 0) {
                fallback = m_fail[fallback];
            }
            const std::uint32_t fail =
                fallback == 0 ? m_rootNext[label] : findChild(fallback, label);
            m_fail[target] = fail;
            m_nextOutput[target] = m_firstOutput[fail];
            m_firstOutput[target] = patterns[target].empty() ? m_firstOutput[fail] : target;
            queue.push_back(target);
        }
    }
}

std::uint32_t PhraseMatcher::classOf(char32_t folded) const {
    if (folded < 0x10000) {
        const std::uint32_t charClass = m_rawClass[folded];
        return charClass == kDroppedClass ? 0 : charClass;
    }
    const auto found =
        std::lower_bound(m_astralClass.begin(), m_astralClass.end(), folded,
                         [](const auto& entry, char32_t key) { return entry.first < key; });
    return found != m_astralClass.end() && found->first == folded ? found->second : 0;
}

std::uint32_t PhraseMatcher::step(std::uint32_t node, std::uint32_t charClass) const {
    if (charClass == 0) {
        return 0;
    }
    while (node != 0) {
        // Children lists are short (mostly one or two entries): a linear scan beats a search.
        const std::uint32_t end = m_childBegin[node + 1];
        for (std::uint32_t i = m_childBegin[node]; i < end; ++i) {
            if (m_children[i].first == charClass) {
                return m_children[i].second;
            }
        }
        node = m_fail[node];
    }
    return m_rootNext[charClass];
}

struct PhraseMatcher::Scratch {
    std::size_t chars = 0;              // normalized characters in the segment
    std::vector<std::size_t> ringBegin; // byte offset of normalized char i at [i & m_ringMask]
    std::vector<Occurrence> occurrences;
    // Per rule: the segment and normalized end of its last counted occurrence.
    std::vector<std::pair<std::size_t, std::size_t>> lastEnd;
};

void PhraseMatcher::scan(std::string_view text, Scratch& scratch) const {
    scratch.occurrences.clear();
    // Locals, so the compiler need not reload them after every store into scratch.
    const std::uint32_t* rawClass = m_rawClass.data();
    const std::uint32_t* firstOutput = m_firstOutput.data();
    std::size_t* ring = scratch.ringBegin.data();
    const std::size_t ringMask = m_ringMask;
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t size = text.size();

    std::size_t chars = 0;
    std::uint32_t node = 0;
    std::size_t pos = 0;
    while (pos < size) {
        const std::size_t begin = pos;
        std::uint32_t charClass = 0;
        const unsigned char lead = bytes[pos];
        if (lead < 0x80) {
            pos += 1;
            charClass = rawClass[lead];
        } else if (lead >= 0xE1 && lead <= 0xEC && pos + 2 < size &&
                   isContinuation(bytes[pos + 1]) && isContinuation(bytes[pos + 2])) {
            // The common case: a well-formed 3-byte sequence whose lead byte puts no extra
            // limit on the second byte (U+1000..U+CFFF: CJK, CJK punctuation, U+3000).
            const auto codePoint =
                static_cast<char32_t>(((lead & 0x0Fu) << 12) | ((bytes[pos + 1] & 0x3Fu) << 6) |
                                      (bytes[pos + 2] & 0x3Fu));
            pos += 3;
            charClass = rawClass[codePoint];
        } else {
            const Decoded decoded = decodeUtf8(text, pos);
            pos += decoded.length;
            if (decoded.codePoint == kInvalid) {
                continue;
            }
            if (decoded.codePoint < 0x10000) {
                charClass = rawClass[decoded.codePoint];
            } else {
                const auto folded = fold(decoded.codePoint);
                charClass = folded ? classOf(*folded) : kDroppedClass;
            }
        }
        if (charClass == kDroppedClass) {
            continue;
        }
        ring[chars & ringMask] = begin;
        ++chars;
        node = step(node, charClass);
        for (std::uint32_t out = firstOutput[node]; out != 0; out = m_nextOutput[out]) {
            for (std::uint32_t i = m_patternBegin[out]; i < m_patternBegin[out + 1]; ++i) {
                const std::uint32_t pattern = m_nodePatterns[i];
                const std::size_t first = chars - m_patterns[pattern].length;
                scratch.occurrences.push_back({first, chars, ring[first & ringMask], pos, pattern});
            }
        }
    }
    scratch.chars = chars;
}

std::vector<PhraseHit> PhraseMatcher::match(const std::vector<Segment>& segments) const {
    // The agent's speech, which position windows are measured from.
    double speechStart = std::numeric_limits<double>::infinity();
    double speechEnd = -std::numeric_limits<double>::infinity();
    for (const bool agentOnly : {true, false}) {
        for (const Segment& segment : segments) {
            if (!agentOnly || segment.speaker == Speaker::Agent) {
                speechStart = std::min(speechStart, segment.startSec);
                speechEnd = std::max(speechEnd, segment.endSec);
            }
        }
        if (speechStart <= speechEnd) {
            break;
        }
    }
    // Interpolated times carry rounding error; a hit exactly on a window edge is inside it.
    constexpr double kEdgeToleranceSec = 1e-9;

    std::vector<PhraseHit> hits;
    std::vector<bool> ruleFound(m_rules.size(), false);
    Scratch scratch;
    scratch.ringBegin.assign(m_ringMask + 1, 0);
    scratch.lastEnd.assign(m_rules.size(), {kNoSegment, 0});
    for (std::size_t segmentIndex = 0; segmentIndex < segments.size(); ++segmentIndex) {
        const Segment& segment = segments[segmentIndex];
        scan(segment.text, scratch);
        auto& occurrences = scratch.occurrences;
        if (occurrences.empty()) {
            continue;
        }
        // By position, then by pattern; a rule's patterns are consecutive and rules are in
        // order, so hits come out leftmost first, ties in rule order.
        if (occurrences.size() > 1) {
            std::sort(occurrences.begin(), occurrences.end(), [this](const auto& a, const auto& b) {
                return std::tie(a.begin, m_patterns[a.pattern].rule, a.pattern) <
                       std::tie(b.begin, m_patterns[b.pattern].rule, b.pattern);
            });
        }

        for (const Occurrence& occurrence : occurrences) {
            const Pattern& pattern = m_patterns[occurrence.pattern];
            const PhraseRule& rule = m_rules[pattern.rule];
            auto& lastEnd = scratch.lastEnd[pattern.rule];
            if (pattern.exclude || !speakerMatches(rule.speaker, segment.speaker) ||
                (lastEnd.first == segmentIndex && occurrence.begin < lastEnd.second)) {
                continue;
            }
            const bool excluded =
                pattern.ruleHasExcludes &&
                std::any_of(occurrences.begin(), occurrences.end(), [&](const Occurrence& other) {
                    const Pattern& otherPattern = m_patterns[other.pattern];
                    return otherPattern.exclude && otherPattern.rule == pattern.rule &&
                           other.begin <= occurrence.begin && occurrence.end <= other.end;
                });
            if (excluded) {
                continue;
            }
            lastEnd = {segmentIndex, occurrence.end};

            PhraseHit hit;
            hit.ruleId = rule.id;
            hit.kind = rule.kind;
            hit.phrase = rule.phrase;
            hit.speaker = segment.speaker;
            hit.segmentIndex = segmentIndex;
            const double duration = segment.endSec - segment.startSec;
            const auto count = static_cast<double>(scratch.chars);
            hit.startSec =
                segment.startSec + duration * static_cast<double>(occurrence.begin) / count;
            hit.endSec = segment.startSec + duration * static_cast<double>(occurrence.end) / count;
            hit.text = segment.text;
            hit.textBegin = occurrence.textBegin;
            hit.textEnd = occurrence.textEnd;
            if (rule.withinFirstSec) {
                hit.outOfPosition =
                    hit.startSec > speechStart + *rule.withinFirstSec + kEdgeToleranceSec;
            }
            if (rule.withinLastSec) {
                hit.outOfPosition =
                    hit.outOfPosition ||
                    hit.endSec < speechEnd - *rule.withinLastSec - kEdgeToleranceSec;
            }
            if (!hit.outOfPosition) {
                ruleFound[pattern.rule] = true;
            }
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
        if (auto keys = reader.checkKeys(table,
                                         {"id", "kind", "phrase", "speaker", "excludes",
                                          "within_first_sec", "within_last_sec"},
                                         context);
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

        for (const auto& [key, target] :
             {std::pair{std::string_view("within_first_sec"), &rule.withinFirstSec},
              std::pair{std::string_view("within_last_sec"), &rule.withinLastSec}}) {
            auto seconds = reader.number(table, key, context);
            if (!seconds) {
                return tl::unexpected(seconds.error());
            }
            if (*seconds && !(**seconds > 0)) {
                return tl::unexpected(
                    reader.invalid(detail::TomlReader::lineOf(table, key), context, key,
                                   fmt::format("'{}' must be greater than 0 seconds", key)));
            }
            *target = *seconds;
        }
        if (rule.withinFirstSec && rule.withinLastSec) {
            return tl::unexpected(reader.invalid(
                detail::TomlReader::lineOf(table, "within_last_sec"), context, "within_last_sec",
                "give at most one of 'within_first_sec' and 'within_last_sec'"));
        }
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
