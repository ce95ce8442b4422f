#pragma once

#include <string>

namespace callqc::station {

/// Replaces the ImGui font atlas's fonts with a CJK font (Noto Sans CJK SC from fonts-noto-cjk,
/// else WenQuanYi) holding the common simplified characters plus every character of `text`.
/// Returns false, with ImGui's built-in Latin font loaded instead, when no CJK font is installed.
/// Call between frames; the renderer's font texture must be rebuilt afterwards.
bool loadFonts(const std::string& text, float pixels);

/// True when the current font lacks a glyph for some non-ASCII character of `text`.
[[nodiscard]] bool fontMissesGlyphs(const std::string& text);

} // namespace callqc::station
