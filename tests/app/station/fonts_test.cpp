// The workstation's CJK font: built from the installed Noto font with the characters the screen
// needs, and rebuilt when a call brings characters outside the common set.

#include <filesystem>

#include <gtest/gtest.h>
#include <imgui.h>

#include "app/station/fonts.hpp"

namespace callqc::station {
namespace {

class Fonts : public ::testing::Test {
protected:
    void SetUp() override {
        if (!std::filesystem::exists("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")) {
            GTEST_SKIP() << "fonts-noto-cjk is not installed";
        }
        m_context = ImGui::CreateContext();
    }
    void TearDown() override {
        if (m_context != nullptr) {
            ImGui::DestroyContext(m_context);
        }
    }
    static void build() {
        unsigned char* pixels = nullptr;
        int width = 0;
        int height = 0;
        ImGui::GetIO().Fonts->GetTexDataAsRGBA32(&pixels, &width, &height);
        ASSERT_NE(pixels, nullptr);
    }
    ImGuiContext* m_context = nullptr;
};

TEST_F(Fonts, commonCharactersAndTheGivenTextAreInTheAtlas) {
    ASSERT_TRUE(loadFonts("", 18.0f));
    build();
    EXPECT_FALSE(fontMissesGlyphs("您好，请问有什么可以帮您？"));
    // 匮 (U+532E) is outside the 2,500 common characters.
    EXPECT_TRUE(fontMissesGlyphs("匮乏"));
    ASSERT_TRUE(loadFonts("匮乏", 18.0f));
    build();
    EXPECT_FALSE(fontMissesGlyphs("匮乏"));
}

TEST_F(Fonts, aRebuildTakesTheNewTextNotTheFirstOne) {
    ASSERT_TRUE(loadFonts("匮", 18.0f));
    build();
    ASSERT_TRUE(loadFonts("醺", 18.0f));
    build();
    EXPECT_FALSE(fontMissesGlyphs("醺")) << "ranges of the first build shadowed the second";
    EXPECT_EQ(ImGui::GetIO().Fonts->Fonts.size(), 1);
}

} // namespace
} // namespace callqc::station
