#include "app/station/sign_in_panel.hpp"

#include <algorithm>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/station/ui_style.hpp"

namespace callqc::station {
void drawSignInPanel(const SignInState& state, SignInActions& actions, const ScreenText& words) {
    const float unit = ImGui::GetFontSize();
    const ImVec2 size(unit * 24, unit * 13);
    const ImVec2 area = ImGui::GetContentRegionAvail();
    ImGui::SetCursorPos(
        ImVec2(std::max(0.0f, (area.x - size.x) / 2), std::max(0.0f, (area.y - size.y) / 2)));
    ImGui::BeginChild("signIn", size, true);
    ImGui::TextUnformatted("CallQC Station");
    ImGui::TextColored(kDimText, "%s", words.signInTitle);
    ImGui::Spacing();
    bool submit = false;
    ImGui::BeginDisabled(state.checking);
    ImGui::TextUnformatted(words.userName);
    ImGui::SetNextItemWidth(-1);
    if (state.user->empty() && !state.focusPassword && ImGui::IsWindowAppearing()) {
        ImGui::SetKeyboardFocusHere();
    }
    submit |= ImGui::InputText("##user", state.user, ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::TextUnformatted(words.password);
    ImGui::SetNextItemWidth(-1);
    if (state.focusPassword) {
        ImGui::SetKeyboardFocusHere();
    }
    submit |= ImGui::InputText("##password", state.password,
                               ImGuiInputTextFlags_Password | ImGuiInputTextFlags_EnterReturnsTrue);
    ImGui::Spacing();
    submit |= ImGui::Button(words.signIn, ImVec2(-1, 0));
    ImGui::EndDisabled();
    if (state.checking) {
        ImGui::TextColored(kDimText, "%s", words.signingIn);
    } else if (!state.error.empty()) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextColored(kWarnText, "%s", state.error.c_str());
        ImGui::PopTextWrapPos();
    }
    ImGui::EndChild();
    if (submit && !state.checking) {
        actions.signIn();
    }
}

} // namespace callqc::station
