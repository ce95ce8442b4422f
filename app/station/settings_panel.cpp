#include "app/station/settings_panel.hpp"

#include <cmath>

#include <fmt/format.h>
#include <imgui.h>

#include "app/station/panels.hpp"
#include "app/station/ui_style.hpp"

namespace callqc::station {
void drawSettingsPanel(const SettingsState& state, SettingsActions& actions, const UiText& text,
                       const ScreenText& words) {
    StationSettings changed = *state.settings;
    const float unit = ImGui::GetFontSize();
    const float labelWidth = unit * 14;
    const auto label = [&](const char* name) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(name);
        ImGui::SameLine(labelWidth);
        ImGui::SetNextItemWidth(unit * 18);
    };

    ImGui::BeginChild("choices", ImVec2(unit * 34, 0), false);
    label(words.language);
    int language = changed.language == scoring::Language::Zh ? 0 : 1;
    const char* languages[] = {"中文", "English"};
    if (ImGui::Combo("##language", &language, languages, 2)) {
        changed.language = language == 0 ? scoring::Language::Zh : scoring::Language::En;
    }

    label(words.outputDevice);
    const std::string current =
        changed.outputDevice.empty() ? std::string(words.systemDefault) : changed.outputDevice;
    if (ImGui::BeginCombo("##device", current.c_str())) {
        if (ImGui::Selectable(words.systemDefault, changed.outputDevice.empty())) {
            changed.outputDevice.clear();
        }
        if (state.devices != nullptr) {
            for (const auto& device : *state.devices) {
                if (ImGui::Selectable(device.c_str(), device == changed.outputDevice)) {
                    changed.outputDevice = device;
                }
            }
        }
        ImGui::EndCombo();
    }

    ImGui::Spacing();
    ImGui::TextColored(kHeadingText, "%s", words.playbackDefaults);
    label(words.openSpeed);
    float speed = static_cast<float>(changed.speed);
    if (ImGui::SliderFloat("##speed", &speed, 0.5f, 3.0f, "%.2f×")) {
        changed.speed = std::round(speed * 4.0) / 4.0; // the steps the keys use
    }
    label(words.volume);
    float volume = static_cast<float>(changed.volume) * 100.0f;
    if (ImGui::SliderFloat("##volume", &volume, 0.0f, 100.0f, "%.0f%%")) {
        changed.volume = volume / 100.0;
    }
    label(words.skipSilenceDefault);
    ImGui::Checkbox("##skip", &changed.skipSilence);
    label(words.agentChannel);
    const char* channels[] = {words.leftChannel, words.rightChannel};
    ImGui::Combo("##channel", &changed.agentChannel, channels, 2);

    ImGui::Spacing();
    ImGui::Separator();
    ImGui::TextColored(kDimText, "%s",
                       fmt::format(fmt::runtime(words.settingsFile), state.path).c_str());
    if (!state.message.empty()) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextColored(kWarnText, "%s", state.message.c_str());
        ImGui::PopTextWrapPos();
    }
    ImGui::EndChild();

    ImGui::SameLine();
    ImGui::BeginChild("keys", ImVec2(0, 0), true);
    ImGui::TextColored(kHeadingText, "%s", words.keyboardMap);
    ImGui::Separator();
    drawShortcutList(text);
    ImGui::EndChild();

    if (!(changed == *state.settings)) {
        actions.changeSettings(changed);
    }
}

} // namespace callqc::station
