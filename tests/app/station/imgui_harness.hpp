#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include <imgui.h>
#include <imgui_internal.h>

namespace callqc::tests {

/// GLFW key codes, which the station's platform layer feeds to Dear ImGui 1.86 as io.KeysDown
/// indices (printable keys are their upper-case ASCII value).
namespace glfw {
inline constexpr int kSpace = 32;
inline constexpr int kEscape = 256;
inline constexpr int kEnter = 257;
inline constexpr int kTab = 258;
inline constexpr int kBackspace = 259;
inline constexpr int kInsert = 260;
inline constexpr int kDelete = 261;
inline constexpr int kRight = 262;
inline constexpr int kLeft = 263;
inline constexpr int kDown = 264;
inline constexpr int kUp = 265;
inline constexpr int kPageUp = 266;
inline constexpr int kPageDown = 267;
inline constexpr int kHome = 268;
inline constexpr int kEnd = 269;
inline constexpr int kF1 = 290;
inline constexpr int kKeypadEnter = 335;
} // namespace glfw

/// A real Dear ImGui context with no platform or renderer: a font atlas is built, frames are run
/// at a fixed size, and the mouse is moved and clicked, and keys pressed, by the test.
/// Modifier keys held with a key.
struct KeyMods {
    bool ctrl = false;
    bool shift = false;
};

class ImGuiHarness {
public:
    ImGuiHarness(float width = 1280, float height = 800) {
        m_context = ImGui::CreateContext();
        ImGuiIO& io = ImGui::GetIO();
        io.IniFilename = nullptr;
        io.DisplaySize = ImVec2(width, height);
        io.DeltaTime = 1.0f / 60.0f;
        unsigned char* pixels = nullptr;
        int w = 0;
        int h = 0;
        io.Fonts->AddFontDefault();
        io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
        // The key map imgui_impl_glfw sets up.
        io.KeyMap[ImGuiKey_Tab] = glfw::kTab;
        io.KeyMap[ImGuiKey_LeftArrow] = glfw::kLeft;
        io.KeyMap[ImGuiKey_RightArrow] = glfw::kRight;
        io.KeyMap[ImGuiKey_UpArrow] = glfw::kUp;
        io.KeyMap[ImGuiKey_DownArrow] = glfw::kDown;
        io.KeyMap[ImGuiKey_PageUp] = glfw::kPageUp;
        io.KeyMap[ImGuiKey_PageDown] = glfw::kPageDown;
        io.KeyMap[ImGuiKey_Home] = glfw::kHome;
        io.KeyMap[ImGuiKey_End] = glfw::kEnd;
        io.KeyMap[ImGuiKey_Insert] = glfw::kInsert;
        io.KeyMap[ImGuiKey_Delete] = glfw::kDelete;
        io.KeyMap[ImGuiKey_Backspace] = glfw::kBackspace;
        io.KeyMap[ImGuiKey_Space] = glfw::kSpace;
        io.KeyMap[ImGuiKey_Enter] = glfw::kEnter;
        io.KeyMap[ImGuiKey_Escape] = glfw::kEscape;
        io.KeyMap[ImGuiKey_KeyPadEnter] = glfw::kKeypadEnter;
        io.KeyMap[ImGuiKey_A] = 'A';
        io.KeyMap[ImGuiKey_C] = 'C';
        io.KeyMap[ImGuiKey_V] = 'V';
        io.KeyMap[ImGuiKey_X] = 'X';
        io.KeyMap[ImGuiKey_Y] = 'Y';
        io.KeyMap[ImGuiKey_Z] = 'Z';
    }
    ~ImGuiHarness() { ImGui::DestroyContext(m_context); }
    ImGuiHarness(const ImGuiHarness&) = delete;
    ImGuiHarness& operator=(const ImGuiHarness&) = delete;

    /// Runs one frame with the mouse at `mouse`, button down or not, drawing `body` inside a
    /// window that fills the display.
    void frame(const std::function<void()>& body, ImVec2 mouse = ImVec2(-1, -1),
               bool down = false) {
        ImGuiIO& io = ImGui::GetIO();
        io.MousePos = mouse;
        io.MouseDown[0] = down;
        ImGui::NewFrame();
        if (m_wrap) {
            ImGui::SetNextWindowPos(ImVec2(0, 0));
            ImGui::SetNextWindowSize(io.DisplaySize);
            ImGui::Begin("harness", nullptr, ImGuiWindowFlags_NoDecoration);
        }
        body();
        if (m_wrap) {
            ImGui::End();
        }
        ImGui::Render();
    }

    /// Whether frame() draws `body` inside a window of its own (the default) or bare, for a body
    /// that makes its own windows.
    void wrapInWindow(bool wrap) { m_wrap = wrap; }

    /// Presses `key` (a backend code, see glfw::) with `mods` held for one frame and releases it in
    /// the next; `character`, when not 0, is typed as the key goes down, as GLFW's character
    /// callback does for printable keys.
    void press(const std::function<void()>& body, int key, KeyMods mods = {},
               unsigned character = 0) {
        ImGuiIO& io = ImGui::GetIO();
        io.KeyCtrl = mods.ctrl;
        io.KeyShift = mods.shift;
        io.KeysDown[key] = true;
        if (character != 0) {
            io.AddInputCharacter(character);
        }
        frame(body);
        io.KeysDown[key] = false;
        io.KeyCtrl = false;
        io.KeyShift = false;
        frame(body);
    }

    /// Clicks at `at`: a frame to hover, one with the button down, one with it up.
    void click(const std::function<void()>& body, ImVec2 at) {
        frame(body, at, false);
        frame(body, at, true);
        frame(body, at, false);
    }

    /// The window drawn last frame whose name contains `part` (child windows are named
    /// "parent/child_XXXXXXXX"), or null.
    static ImGuiWindow* findWindow(std::string_view part) {
        for (ImGuiWindow* window : GImGui->Windows) {
            if (std::string_view(window->Name).find(part) != std::string_view::npos) {
                return window;
            }
        }
        return nullptr;
    }

    /// The ID a widget labelled `label` gets in `window` under the pushed ids `path`.
    static ImGuiID idOf(const ImGuiWindow* window, std::initializer_list<const char*> path,
                        const char* label) {
        ImGuiID seed = window->ID;
        for (const char* part : path) {
            seed = ImHashStr(part, 0, seed);
        }
        return ImHashStr(label, 0, seed);
    }

    /// Moves the mouse over a grid inside [from, to] until the widget `id` is hovered; returns
    /// where. Hovering alone never clicks anything.
    std::optional<ImVec2> find(const std::function<void()>& body, ImGuiID id, ImVec2 from,
                               ImVec2 to, float step = 4) {
        for (float y = from.y; y < to.y; y += step) {
            for (float x = from.x; x < to.x; x += step) {
                frame(body, ImVec2(x, y));
                if (GImGui->HoveredId == id) {
                    return ImVec2(x, y);
                }
            }
        }
        return std::nullopt;
    }

private:
    ImGuiContext* m_context;
    bool m_wrap = true;
};

} // namespace callqc::tests
