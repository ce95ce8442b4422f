#pragma once

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

} // namespace callqc::storage
