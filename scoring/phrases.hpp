#pragma once

// Phrase rules over call transcripts: how matching works and where it stops.
//
// Normalisation (normalizeText): both the rule's phrase and the transcript text are folded
// the same way before matching. Full-width ASCII (U+FF01..U+FF5E) becomes half-width and
// ASCII letters lowercase (the part of NFKC that matters for ASR output; other compatibility
// forms are not decomposed). Whitespace (incl. the ideographic space U+3000), zero-width and
// format characters (U+200B..U+200D, U+2060, U+FEFF), ASCII and CJK punctuation and symbols
// are dropped, so "不能办，我也没办法", "不能办 我也没办法" and "不能办,我也没办法" are one text.
//
// Matching (PhraseMatcher): one Aho–Corasick automaton over normalised code points holds
// every rule's phrase and every exclusion; each segment is scanned once, left to right, so
// the cost per character barely depends on how many phrases there are. Characters that occur
// in no phrase send the automaton straight back to its root. tests/bench/phrases_bench.sh
// compares it with grep -F -f on 50 MB of transcript text.
//
// Words, not substrings: there is no word segmenter. A rule lists `excludes`, longer words
// that contain its phrase and mean something else (您好像 for 您好, 申请/邀请 for 请,
// 再见到 for 再见); an occurrence inside an occurrence of an exclude does not count. A
// speaker filter (agent by default) keeps a customer quoting a forbidden phrase from counting
// as the agent saying it. Near misses need no special care as long as the phrase is the
// whole clause: 我清楚 does not contain 我不清楚.
//
// Positions: a rule may require its hit to start within the first N seconds of the agent's
// speech (from the start of the agent's first segment) or to end within the last N seconds
// (before the end of the agent's last segment). A hit outside the window is still reported,
// with outOfPosition = true, so an inspector can see a late greeting; it does not satisfy a
// required rule (which then also gets a `missing` hit) and suggestAnswers ignores it. Hit
// times are interpolated by character position within the segment, so a window edge is only
// as exact as that estimate.
//
// Limits: exclusions are hand-written lists and miss any longer word nobody listed (e.g.
// 请柬); traditional characters are not folded to simplified (請 is not 请); ASR errors
// (homophones such as 在见 for 再见, dropped characters) are not forgiven; negation and
// quotation inside the agent's own speech ("您不能说'我不清楚'") still count; a phrase must
// lie within one segment, so words split across segments are missed.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <optional>
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
    // At most one of these (> 0, seconds): a hit counts only when it starts within the first
    // withinFirstSec seconds of the agent's speech, or ends within the last withinLastSec
    // seconds of it. See the comment at the top of this file.
    std::optional<double> withinFirstSec;
    std::optional<double> withinLastSec;

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
    // A required rule that matched nowhere (in its position window, if it has one); only
    // ruleId, kind, phrase and speaker are set.
    bool missing = false;
    // The rule has a position window and this hit lies outside it: reported for the record,
    // but it does not count (no suggestion rests on it, a required rule stays missing).
    bool outOfPosition = false;
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
    // `missing` hit per Required rule that matched nowhere in position, in rule order.
    // Occurrences of one rule within a segment do not overlap (leftmost first): "谢谢谢谢" is
    // two hits of 谢谢. Position windows are measured from the agent's segments; when there
    // are none, from all segments.
    [[nodiscard]] std::vector<PhraseHit> match(const std::vector<Segment>& segments) const;

    [[nodiscard]] const std::vector<PhraseRule>& rules() const { return m_rules; }

private:
    struct Pattern {
        std::uint32_t rule = 0;
        bool exclude = false;
        bool ruleHasExcludes = false;
        std::uint32_t length = 0; // in code points
    };
    struct Occurrence {
        std::size_t begin = 0; // in normalized characters
        std::size_t end = 0;
        std::size_t textBegin = 0; // byte range in the segment text
        std::size_t textEnd = 0;
        std::uint32_t pattern = 0;
    };
    // Per-call buffers, reused from segment to segment.
    struct Scratch;

    void build(const std::vector<std::u32string>& patternChars);
    [[nodiscard]] std::uint32_t classOf(char32_t folded) const;
    [[nodiscard]] std::uint32_t step(std::uint32_t node, std::uint32_t charClass) const;
    void scan(std::string_view text, Scratch& scratch) const;

    std::vector<PhraseRule> m_rules;
    std::vector<Pattern> m_patterns;

    // Normalized code points that occur in some pattern get a class 1..n; all others are
    // class 0. m_rawClass maps every BMP code point of the input, before normalization, to
    // the class of its folded form, or to kDroppedClass when normalization drops it, so the
    // scan needs one table look-up per character.
    static constexpr std::uint32_t kDroppedClass = 0xFFFFFFFF;
    std::vector<std::uint32_t> m_rawClass;                         // indexed by BMP code point
    std::vector<std::pair<char32_t, std::uint32_t>> m_astralClass; // folded; sorted
    std::size_t m_ringMask = 0; // 2^k - 1 >= the longest pattern, for Scratch's byte offsets
    // The automaton, flattened. Node 0 is the root.
    std::vector<std::uint32_t> m_rootNext;   // per class: the root's goto (0 = stay at root)
    std::vector<std::uint32_t> m_childBegin; // per node + 1: range in m_children
    std::vector<std::pair<std::uint32_t, std::uint32_t>> m_children; // (class, node), sorted
    std::vector<std::uint32_t> m_fail;
    // First node with patterns on the fail chain starting at the node itself (0 = none), and
    // the next one strictly after it.
    std::vector<std::uint32_t> m_firstOutput;
    std::vector<std::uint32_t> m_nextOutput;
    std::vector<std::uint32_t> m_patternBegin; // per node + 1: range in m_nodePatterns
    std::vector<std::uint32_t> m_nodePatterns;
};

// Parses a phrase list:
//   [[rules]]
//   id = "courtesy.hello"
//   kind = "courtesy"            # forbidden | courtesy | required
//   phrase = "您好"
//   speaker = "agent"            # agent (default) | customer | any
//   excludes = ["您好像"]         # optional
//   within_first_sec = 15        # optional, or within_last_sec = 30 (not both), seconds > 0
// Errors name the source, line and field. Rejected: unknown keys and kinds, duplicate ids,
// phrases that normalize to nothing, excludes that do not contain the phrase, positions that
// are not > 0 or both given.
[[nodiscard]] tl::expected<std::vector<PhraseRule>, ScoringError>
parsePhraseRules(std::string_view toml, std::string_view sourceName);

[[nodiscard]] tl::expected<std::vector<PhraseRule>, ScoringError>
loadPhraseRules(const std::filesystem::path& path);

[[nodiscard]] std::string_view toString(PhraseKind kind);
[[nodiscard]] std::string_view toString(Speaker speaker);

} // namespace callqc::scoring
