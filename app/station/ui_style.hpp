#pragma once

#include <algorithm>
#include <string>

#include <fmt/format.h>
#include <imgui.h>

namespace callqc::station {

// The colours every screen shares; a panel's own marks (waveform lanes, markers) stay with it.
inline const ImVec4 kDimText(0.6f, 0.6f, 0.6f, 1.0f);
inline const ImVec4 kWarnText(1.0f, 0.6f, 0.3f, 1.0f);
inline const ImVec4 kHeadingText(1.0f, 0.85f, 0.5f, 1.0f);
inline const ImVec4 kGoodText(0.5f, 0.85f, 0.55f, 1.0f);
/// The row under the keyboard's cursor (or selected) in a list.
inline const ImU32 kCursorRow = IM_COL32(110, 170, 255, 70);

/// A time in a call as people read it: "03:07" (minutes may pass 59).
inline std::string clockText(double seconds) {
    const auto total = static_cast<int>(std::max(0.0, seconds));
    return fmt::format("{:02}:{:02}", total / 60, total % 60);
}

} // namespace callqc::station
