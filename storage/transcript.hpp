#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

#include "storage/call_store.hpp"

namespace callqc::storage {

/// Parses a transcript in the platform's JSON shape:
/// {"call_id": "...", "segments": [{"speaker": "agent"|"customer", "start": s, "end": s,
/// "text": "..."}]}. Unknown keys are ignored. Errors name `source` and the segment at fault.
[[nodiscard]] tl::expected<std::vector<SegmentRecord>, std::string>
parseTranscriptJson(std::string_view text, std::string_view source);

/// Parses SubRip (.srt) subtitles as a transcript: blocks of an optional cue number, a timing
/// line "00:00:01,000 --> 00:00:03,500" and text lines. Each cue's text starts with its speaker:
/// "坐席：" / "客服：" / "Agent:" / "A:" for the agent, "客户：" / "用户：" / "Customer:" / "C:"
/// for the customer (full-width or ASCII colon, Latin letters in any case). Formatting tags
/// (<i>, <font …>) are dropped; a cue's lines are joined with a space; cues without text are
/// skipped. Errors name `source`, the cue and its line.
[[nodiscard]] tl::expected<std::vector<SegmentRecord>, std::string>
parseTranscriptSrt(std::string_view text, std::string_view source);

/// Parses WebVTT (.vtt) as a transcript: the "WEBVTT" header, NOTE/STYLE/REGION blocks skipped,
/// cues with an optional identifier, "00:01.000 --> 00:03.500 [settings]" and text. The speaker
/// is a voice span (<v 坐席>, <v Customer>) or a prefix as in SRT. Other tags are dropped and the
/// entities &amp; &lt; &gt; &nbsp; decoded.
[[nodiscard]] tl::expected<std::vector<SegmentRecord>, std::string>
parseTranscriptVtt(std::string_view text, std::string_view source);

/// The largest transcript file read; a larger one is refused unread.
inline constexpr std::size_t kMaxTranscriptBytes = 16 * 1024 * 1024;

/// Reads a transcript file in the format its extension names (.json, .srt, .vtt), in UTF-8 or
/// GB18030 (detected). Errors name the file: unreadable, too large, or what the parser said.
[[nodiscard]] tl::expected<std::vector<SegmentRecord>, std::string>
loadTranscript(const std::filesystem::path& path);

} // namespace callqc::storage
