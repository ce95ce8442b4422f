#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include <imgui.h>
#include <imgui_internal.h>

namespace callqc::tests {

/// A real Dear ImGui context with no platform or renderer: a font atlas is built, frames are run
/// at a fixed size, and the mouse is moved and clicked by the test.
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
        ImGui::SetNextWindowPos(ImVec2(0, 0));
        ImGui::SetNextWindowSize(io.DisplaySize);
        ImGui::Begin("harness", nullptr, ImGuiWindowFlags_NoDecoration);
        body();
        ImGui::End();
        ImGui::Render();
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
};

} // namespace callqc::tests
