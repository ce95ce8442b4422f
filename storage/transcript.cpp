#include "storage/transcript.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace callqc::storage {

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

} // namespace callqc::storage
