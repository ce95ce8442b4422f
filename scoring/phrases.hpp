#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <tl/expected.hpp>

#include "scoring/scoring_error.hpp"

namespace callqc::scoring {

enum class PhraseKind {
    Forbidden, // 服务忌语: must not be said
    Courtesy,  // 礼貌用语: should be said
    Required,  // must be said at least once per call; a call without it gets a `missing` hit
};

// Who spoke a transcript segment.
enum class Speaker { Unknown, Agent, Customer };

// Whose speech a phrase rule looks at. Agent and Customer match only segments attributed to
// that party; Any also matches segments of unknown speaker.
enum class SpeakerFilter { Any, Agent, Customer };

struct PhraseRule {
    std::string id;
    PhraseKind kind = PhraseKind::Forbidden;
    std::string phrase; // matched after normalizeText on both sides
    SpeakerFilter speaker = SpeakerFilter::Agent;
    // Longer words that contain the phrase and must not count as it, e.g. 您好像 for 您好,
    // 申请 for 请. A phrase occurrence lying inside an occurrence of an exclude is dropped.
    std::vector<std::string> excludes;

    bool operator==(const PhraseRule&) const = default;
};

struct Segment {
    Speaker speaker = Speaker::Unknown;
    double startSec = 0;
    double endSec = 0; // >= startSec
    std::string text;  // UTF-8
};

inline constexpr std::size_t kNoSegment = std::numeric_limits<std::size_t>::max();

struct PhraseHit {
    std::string ruleId;
    PhraseKind kind = PhraseKind::Forbidden;
    std::string phrase; // the rule's phrase as written
    Speaker speaker = Speaker::Unknown;
    std::size_t segmentIndex = kNoSegment; // kNoSegment for a missing hit
    // Estimated from the matched characters' position among the segment's normalized
    // characters, assuming an even speaking rate across the segment.
    double startSec = 0;
    double endSec = 0;
    std::string text; // the whole segment text, for context
    // Byte range of the matched words in `text`, punctuation between them included.
    std::size_t textBegin = 0;
    std::size_t textEnd = 0;
    // A required rule that matched nowhere; only ruleId, kind, phrase and speaker are set.
    bool missing = false;
};

// Folds text for phrase matching: full-width ASCII (U+FF01..U+FF5E) becomes half-width, ASCII
// letters become lowercase, and all whitespace (incl. U+3000 ideographic space), zero-width and
// format characters, ASCII punctuation, and CJK/general punctuation (，。？！、；：“”‘’（）…《》
// 【】 etc.) are dropped. Invalid UTF-8 bytes are dropped. Digits, letters and ideographs
// (incl. 〇 and 々) are kept.
[[nodiscard]] std::string normalizeText(std::string_view utf8);

// normalizeText as code points, with where each one came from in the input.
struct NormalizedText {
    std::u32string chars;
    std::vector<std::size_t> byteBegin; // per char: offset of its source in the input
    std::vector<std::size_t> byteEnd;   // per char: offset just past its source
};
[[nodiscard]] NormalizedText normalizeWithOffsets(std::string_view utf8);

// Finds every rule's phrase in transcript segments in one pass over each segment, with an
// Aho–Corasick automaton over Unicode code points (Aho and Corasick, "Efficient string
// matching", CACM 18(6), 1975). Immutable after construction; may be shared between threads.
class PhraseMatcher {
public:
    // Contract: rule ids are unique. A rule whose phrase normalizes to nothing never matches
    // (parsePhraseRules rejects such rules).
    explicit PhraseMatcher(std::vector<PhraseRule> rules);

    // Hits in segment order, then by position in the segment, then by rule order; then one
    // `missing` hit per Required rule that matched nowhere, in rule order. Occurrences of one
    // rule within a segment do not overlap (leftmost first).
    [[nodiscard]] std::vector<PhraseHit> match(const std::vector<Segment>& segments) const;

    [[nodiscard]] const std::vector<PhraseRule>& rules() const { return m_rules; }

private:
    struct Pattern {
        std::size_t rule = 0;
        bool exclude = false;
        std::size_t length = 0; // in code points
    };
    struct Node {
        std::vector<std::pair<char32_t, std::uint32_t>> children; // sorted by code point
        std::uint32_t fail = 0;
        std::uint32_t outputLink = 0; // nearest node on the fail chain with patterns; 0 = none
        std::vector<std::uint32_t> patterns;
    };

    void addPattern(const std::u32string& chars, Pattern pattern);
    void buildLinks();
    [[nodiscard]] std::uint32_t child(std::uint32_t node, char32_t c) const;

    std::vector<PhraseRule> m_rules;
    std::vector<Pattern> m_patterns;
    std::vector<Node> m_nodes;
};

// Parses a phrase list:
//   [[rules]]
//   id = "courtesy.hello"
//   kind = "courtesy"            # forbidden | courtesy | required
//   phrase = "您好"
//   speaker = "agent"            # agent (default) | customer | any
//   excludes = ["您好像"]         # optional
// Errors name the source, line and field. Rejected: unknown keys and kinds, duplicate ids,
// phrases that normalize to nothing, excludes that do not contain the phrase.
[[nodiscard]] tl::expected<std::vector<PhraseRule>, ScoringError>
parsePhraseRules(std::string_view toml, std::string_view sourceName);

[[nodiscard]] tl::expected<std::vector<PhraseRule>, ScoringError>
loadPhraseRules(const std::filesystem::path& path);

[[nodiscard]] std::string_view toString(PhraseKind kind);
[[nodiscard]] std::string_view toString(Speaker speaker);

} // namespace callqc::scoring
