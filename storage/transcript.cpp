#include "storage/transcript.hpp"

#include <algorithm>
#include <array>
#include <fstream>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "storage/text_encoding.hpp"

namespace callqc::storage {
namespace {

struct Line {
    int number = 0; ///< 1-based
    std::string_view text;
};

/// `text` split into lines (LF or CRLF), a leading byte-order mark dropped.
std::vector<Line> splitLines(std::string_view text) {
    if (text.starts_with("\xEF\xBB\xBF")) {
        text.remove_prefix(3);
    }
    std::vector<Line> lines;
    int number = 1;
    while (!text.empty()) {
        const auto end = text.find('\n');
        auto line = text.substr(0, end);
        if (line.ends_with('\r')) {
            line.remove_suffix(1);
        }
        lines.push_back({number++, line});
        if (end == std::string_view::npos) {
            break;
        }
        text.remove_prefix(end + 1);
    }
    return lines;
}

bool isBlank(std::string_view line) {
    return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t'; });
}

/// Consecutive non-blank lines.
std::vector<std::vector<Line>> splitBlocks(const std::vector<Line>& lines) {
    std::vector<std::vector<Line>> blocks;
    std::vector<Line> current;
    for (const auto& line : lines) {
        if (isBlank(line.text)) {
            if (!current.empty()) {
                blocks.push_back(std::move(current));
                current.clear();
            }
        } else {
            current.push_back(line);
        }
    }
    if (!current.empty()) {
        blocks.push_back(std::move(current));
    }
    return blocks;
}

std::string_view skipSpaces(std::string_view text) {
    while (true) {
        if (text.starts_with(' ') || text.starts_with('\t')) {
            text.remove_prefix(1);
        } else if (text.starts_with("\xE3\x80\x80")) { // U+3000
            text.remove_prefix(3);
        } else {
            return text;
        }
    }
}

bool equalsIgnoringAsciiCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               const auto lower = [](char c) {
                   return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
               };
               return lower(x) == lower(y);
           });
}

struct SpeakerName {
    std::string_view name;
    const char* speaker;
};
constexpr std::array<SpeakerName, 10> kSpeakers = {{
    {"坐席", "agent"},
    {"座席", "agent"},
    {"客服", "agent"},
    {"Agent", "agent"},
    {"A", "agent"},
    {"客户", "customer"},
    {"用户", "customer"},
    {"顾客", "customer"},
    {"Customer", "customer"},
    {"C", "customer"},
}};

/// "agent" or "customer" for a speaker's name as written, else nothing.
const char* speakerNamed(std::string_view name) {
    for (const auto& s : kSpeakers) {
        if (equalsIgnoringAsciiCase(name, s.name)) {
            return s.speaker;
        }
    }
    return nullptr;
}

/// Splits "坐席：您好" into ("agent", "您好").
std::optional<std::pair<const char*, std::string_view>> splitSpeakerPrefix(std::string_view text) {
    text = skipSpaces(text);
    for (const auto& s : kSpeakers) {
        if (text.size() < s.name.size() ||
            !equalsIgnoringAsciiCase(text.substr(0, s.name.size()), s.name)) {
            continue;
        }
        auto rest = skipSpaces(text.substr(s.name.size()));
        if (rest.starts_with(':')) {
            rest.remove_prefix(1);
        } else if (rest.starts_with("\xEF\xBC\x9A")) { // U+FF1A full-width colon
            rest.remove_prefix(3);
        } else {
            continue;
        }
        return std::pair{s.speaker, skipSpaces(rest)};
    }
    return std::nullopt;
}

/// Drops <tags> and {\ass} overrides; decodes the few HTML entities subtitles use.
std::string plainText(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c == '<' || (c == '{' && i + 1 < text.size() && text[i + 1] == '\\')) {
            const auto close = text.find(c == '<' ? '>' : '}', i);
            if (close != std::string_view::npos) {
                i = close;
                continue;
            }
        }
        if (c == '&') {
            static constexpr std::array<std::pair<std::string_view, std::string_view>, 6>
                kEntities = {{{"&amp;", "&"},
                              {"&lt;", "<"},
                              {"&gt;", ">"},
                              {"&nbsp;", " "},
                              {"&lrm;", ""},
                              {"&rlm;", ""}}};
            const auto entity =
                std::find_if(kEntities.begin(), kEntities.end(),
                             [&](const auto& e) { return text.substr(i).starts_with(e.first); });
            if (entity != kEntities.end()) {
                out += entity->second;
                i += entity->first.size() - 1;
                continue;
            }
        }
        out += c;
    }
    return out;
}

/// "[hh:]mm:ss[,.]fff" as seconds; `hoursRequired` for SRT.
std::optional<double> cueTime(std::string_view& text, bool hoursRequired) {
    std::array<long, 3> parts{};
    int count = 0;
    while (count < 3) {
        std::size_t digits = 0;
        long value = 0;
        while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9' && digits < 9) {
            value = value * 10 + (text[digits] - '0');
            ++digits;
        }
        if (digits == 0) {
            return std::nullopt;
        }
        parts[static_cast<std::size_t>(count++)] = value;
        text.remove_prefix(digits);
        if (!text.starts_with(':')) {
            break;
        }
        text.remove_prefix(1);
    }
    if (count < (hoursRequired ? 3 : 2)) {
        return std::nullopt;
    }
    const long hours = count == 3 ? parts[0] : 0;
    const long minutes = count == 3 ? parts[1] : parts[0];
    const long seconds = count == 3 ? parts[2] : parts[1];
    if (minutes > 59 || seconds > 59) {
        return std::nullopt;
    }
    double fraction = 0;
    if (text.starts_with(',') || text.starts_with('.')) {
        text.remove_prefix(1);
        double scale = 0.1;
        std::size_t digits = 0;
        while (!text.empty() && text.front() >= '0' && text.front() <= '9') {
            if (digits++ < 9) {
                fraction += (text.front() - '0') * scale;
                scale /= 10;
            }
            text.remove_prefix(1);
        }
        if (digits == 0) {
            return std::nullopt;
        }
    }
    return static_cast<double>(hours * 3600 + minutes * 60 + seconds) + fraction;
}

/// "start --> end [settings]".
std::optional<std::pair<double, double>> timingLine(std::string_view line, bool hoursRequired) {
    line = skipSpaces(line);
    const auto start = cueTime(line, hoursRequired);
    line = skipSpaces(line);
    if (!start || !line.starts_with("-->")) {
        return std::nullopt;
    }
    line = skipSpaces(line.substr(3));
    const auto end = cueTime(line, hoursRequired);
    if (!end || (!line.empty() && line.front() != ' ' && line.front() != '\t')) {
        return std::nullopt;
    }
    return std::pair{*start, *end};
}

enum class Subtitles { Srt, Vtt };

tl::expected<std::vector<SegmentRecord>, std::string>
parseSubtitles(std::string_view text, std::string_view source, Subtitles format) {
    const auto lines = splitLines(text);
    auto blocks = splitBlocks(lines);
    std::size_t first = 0;
    if (format == Subtitles::Vtt) {
        if (lines.empty() || !lines.front().text.starts_with("WEBVTT")) {
            return tl::unexpected(fmt::format("{}: does not start with WEBVTT", source));
        }
        first = 1; // the header block
    }
    std::vector<SegmentRecord> out;
    int cue = 0;
    for (std::size_t b = first; b < blocks.size(); ++b) {
        const auto& block = blocks[b];
        if (format == Subtitles::Vtt &&
            (block[0].text.starts_with("NOTE") || block[0].text.starts_with("STYLE") ||
             block[0].text.starts_with("REGION"))) {
            continue;
        }
        ++cue;
        const auto where = fmt::format("{}: cue {} (line {})", source, cue, block[0].number);
        std::size_t timing = 0;
        if (block[0].text.find("-->") == std::string_view::npos) {
            timing = 1; // a cue number or identifier first
        }
        if (timing >= block.size() || block[timing].text.find("-->") == std::string_view::npos) {
            return tl::unexpected(fmt::format("{}: no \"start --> end\" timing line", where));
        }
        const auto times = timingLine(block[timing].text, format == Subtitles::Srt);
        if (!times) {
            return tl::unexpected(
                fmt::format("{}: cannot read the timing \"{}\"", where, block[timing].text));
        }
        if (times->second < times->first) {
            return tl::unexpected(fmt::format("{}: end {:.3f} before start {:.3f}", where,
                                              times->second, times->first));
        }
        const char* speaker = nullptr;
        std::string joined;
        for (std::size_t i = timing + 1; i < block.size(); ++i) {
            std::string_view line = block[i].text;
            if (format == Subtitles::Vtt && i == timing + 1 && line.starts_with("<v")) {
                const auto close = line.find('>');
                if (close != std::string_view::npos) {
                    auto annotation = line.substr(2, close - 2);
                    const auto space = annotation.find_first_of(" \t");
                    annotation = space == std::string_view::npos ? std::string_view()
                                                                 : annotation.substr(space + 1);
                    speaker = speakerNamed(skipSpaces(annotation));
                    if (speaker == nullptr) {
                        return tl::unexpected(fmt::format("{}: unknown speaker \"{}\"", where,
                                                          skipSpaces(annotation)));
                    }
                }
            }
            const auto plain = plainText(line);
            if (plain.empty()) {
                continue;
            }
            if (!joined.empty()) {
                joined += ' ';
            }
            joined += plain;
        }
        if (isBlank(joined)) {
            continue;
        }
        std::string words = joined;
        if (speaker == nullptr) {
            const auto split = splitSpeakerPrefix(joined);
            if (!split) {
                return tl::unexpected(fmt::format(
                    "{}: no speaker prefix (坐席： 客户： Agent: Customer: A: C:)", where));
            }
            speaker = split->first;
            words = std::string(split->second);
        }
        out.push_back({speaker, times->first, times->second, std::move(words)});
    }
    return out;
}

} // namespace

tl::expected<std::vector<SegmentRecord>, std::string> parseTranscriptJson(std::string_view text,
                                                                          std::string_view source) {
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded()) {
        return tl::unexpected(fmt::format("{}: not valid JSON", source));
    }
    if (!doc.is_object() || !doc.contains("segments") || !doc["segments"].is_array()) {
        return tl::unexpected(fmt::format("{}: no \"segments\" array", source));
    }
    std::vector<SegmentRecord> out;
    std::size_t index = 0;
    for (const auto& seg : doc["segments"]) {
        ++index;
        if (!seg.is_object()) {
            return tl::unexpected(fmt::format("{}: segment {} is not an object", source, index));
        }
        const auto field = [&](const char* key) -> const nlohmann::json* {
            const auto it = seg.find(key);
            return it == seg.end() ? nullptr : &*it;
        };
        const auto* speaker = field("speaker");
        const auto* start = field("start");
        const auto* end = field("end");
        const auto* words = field("text");
        if (!speaker || !speaker->is_string()) {
            return tl::unexpected(
                fmt::format("{}: segment {}: \"speaker\" missing or not text", source, index));
        }
        if (!start || !start->is_number() || !end || !end->is_number()) {
            return tl::unexpected(fmt::format(
                "{}: segment {}: \"start\"/\"end\" missing or not numbers", source, index));
        }
        if (!words || !words->is_string()) {
            return tl::unexpected(
                fmt::format("{}: segment {}: \"text\" missing or not text", source, index));
        }
        SegmentRecord s{speaker->get<std::string>(), start->get<double>(), end->get<double>(),
                        words->get<std::string>()};
        if (s.startSec < 0 || s.endSec < s.startSec) {
            return tl::unexpected(fmt::format("{}: segment {}: end {:.2f} before start {:.2f}",
                                              source, index, s.endSec, s.startSec));
        }
        out.push_back(std::move(s));
    }
    return out;
}

tl::expected<std::vector<SegmentRecord>, std::string> parseTranscriptSrt(std::string_view text,
                                                                         std::string_view source) {
    return parseSubtitles(text, source, Subtitles::Srt);
}

tl::expected<std::vector<SegmentRecord>, std::string> parseTranscriptVtt(std::string_view text,
                                                                         std::string_view source) {
    return parseSubtitles(text, source, Subtitles::Vtt);
}

tl::expected<std::vector<SegmentRecord>, std::string>
loadTranscript(const std::filesystem::path& path) {
    const std::string source = path.string();
    std::error_code ec;
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) {
        return tl::unexpected(fmt::format("{}: cannot read ({})", source, ec.message()));
    }
    if (size > kMaxTranscriptBytes) {
        return tl::unexpected(fmt::format("{}: {} bytes, larger than the {} MiB a transcript may "
                                          "have; not read",
                                          source, size, kMaxTranscriptBytes >> 20));
    }
    std::ifstream in(path, std::ios::binary);
    std::string bytes(static_cast<std::size_t>(size), '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!in) {
        return tl::unexpected(fmt::format("{}: cannot read", source));
    }
    const std::string text = decodeToUtf8(bytes);
    const auto extension = path.extension().string();
    if (extension == ".srt") {
        return parseTranscriptSrt(text, source);
    }
    if (extension == ".vtt") {
        return parseTranscriptVtt(text, source);
    }
    return parseTranscriptJson(text, source);
}

} // namespace callqc::storage
