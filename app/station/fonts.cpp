#include "app/station/fonts.hpp"

#include <filesystem>
#include <string_view>

#include <fmt/format.h>
#include <imgui.h>
#include <imgui_internal.h>

namespace callqc::station {
namespace {

const char* const kFontCandidates[] = {
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
};
constexpr int kNotoSansCjkScIndex = 2; // JP, KR, SC, TC, HK in the Noto collection

} // namespace

bool loadFonts(const std::string& text, float pixels) {
    ImGuiIO& io = ImGui::GetIO();
    io.Fonts->Clear();
    static ImVector<ImWchar> ranges;
    ImFontGlyphRangesBuilder builder;
    builder.AddRanges(io.Fonts->GetGlyphRangesChineseSimplifiedCommon());
    builder.AddText(text.c_str());
    builder.AddText("—…←→·“”‘’（）：，。？！、");
    ranges.clear(); // BuildRanges appends, and the atlas reads up to the first terminator
    builder.BuildRanges(&ranges);
    for (const char* path : kFontCandidates) {
        if (!std::filesystem::exists(path)) {
            continue;
        }
        ImFontConfig config;
        config.FontNo =
            std::string_view(path).ends_with("NotoSansCJK-Regular.ttc") ? kNotoSansCjkScIndex : 0;
        config.OversampleH = 1;
        config.PixelSnapH = true;
        if (io.Fonts->AddFontFromFileTTF(path, pixels, &config, ranges.Data) != nullptr) {
            return true;
        }
    }
    fmt::print(stderr, "warning: no CJK font found (install fonts-noto-cjk); Chinese text will "
                       "show as boxes\n");
    io.Fonts->AddFontDefault();
    return false;
}

bool fontMissesGlyphs(const std::string& text) {
    const ImGuiIO& io = ImGui::GetIO();
    const ImFont* font = io.Fonts->Fonts.empty() ? nullptr : io.Fonts->Fonts[0];
    if (font == nullptr) {
        return !text.empty();
    }
    const char* at = text.c_str();
    const char* end = at + text.size();
    while (at < end) {
        unsigned int c = 0;
        const int bytes = ImTextCharFromUtf8(&c, at, end);
        if (bytes <= 0) {
            break;
        }
        at += bytes;
        if (c >= 0x80 && c <= IM_UNICODE_CODEPOINT_MAX &&
            font->FindGlyphNoFallback(static_cast<ImWchar>(c)) == nullptr) {
            return true;
        }
    }
    return false;
}

} // namespace callqc::station
