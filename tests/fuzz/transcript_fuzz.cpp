// libFuzzer target: the transcript path of an import (storage/transcript.hpp) over any bytes, as
// loadTranscript takes a file: decodeToUtf8 (UTF-8 or GB18030), then the JSON, SRT and WebVTT
// parsers. Nothing may crash or throw; the decoded text is valid UTF-8; every error names the
// source; every accepted segment has 0 <= start <= end, finite; and what the JSON parser accepts
// survives writing it back as the platform's JSON.

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "storage/text_encoding.hpp"
#include "storage/transcript.hpp"

namespace {

using Parsed = tl::expected<std::vector<callqc::storage::SegmentRecord>, std::string>;

constexpr std::string_view kSource = "fuzz-transcript";

/// The contracts every parser shares.
void checkCommon(const Parsed& parsed) {
    if (!parsed) {
        if (parsed.error().find(kSource) == std::string::npos) {
            __builtin_trap(); // errors name the source
        }
        return;
    }
    for (const auto& s : *parsed) {
        if (!(std::isfinite(s.startSec) && std::isfinite(s.endSec) && s.startSec >= 0 &&
              s.endSec >= s.startSec)) {
            __builtin_trap();
        }
        if (!callqc::storage::isValidUtf8(s.text) || !callqc::storage::isValidUtf8(s.speaker)) {
            __builtin_trap(); // text reaches the database and the UI as UTF-8
        }
    }
}

void checkJsonRoundTrip(const std::vector<callqc::storage::SegmentRecord>& segments) {
    nlohmann::json doc{{"call_id", "fuzz"}, {"segments", nlohmann::json::array()}};
    for (const auto& s : segments) {
        doc["segments"].push_back(
            {{"speaker", s.speaker}, {"start", s.startSec}, {"end", s.endSec}, {"text", s.text}});
    }
    const auto again = callqc::storage::parseTranscriptJson(doc.dump(), "again.json");
    if (!again || again->size() != segments.size()) {
        __builtin_trap();
    }
    for (std::size_t i = 0; i < again->size(); ++i) {
        const auto& a = (*again)[i];
        const auto& b = segments[i];
        if (a.speaker != b.speaker || a.text != b.text || a.startSec != b.startSec ||
            a.endSec != b.endSec) {
            __builtin_trap();
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const std::string text = callqc::storage::decodeToUtf8(bytes);
    if (!callqc::storage::isValidUtf8(text)) {
        __builtin_trap();
    }
    const auto json = callqc::storage::parseTranscriptJson(text, kSource);
    checkCommon(json);
    if (json) {
        checkJsonRoundTrip(*json);
    }
    checkCommon(callqc::storage::parseTranscriptSrt(text, kSource));
    checkCommon(callqc::storage::parseTranscriptVtt(text, kSource));
    return 0;
}
