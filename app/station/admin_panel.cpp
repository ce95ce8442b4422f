#include "app/station/admin_panel.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/station/ui_style.hpp"

namespace callqc::station {
namespace {

std::string trimmed(std::string_view text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string_view::npos) {
        return {};
    }
    const auto last = text.find_last_not_of(" \t");
    return std::string(text.substr(first, last - first + 1));
}

/// "客服一组, 客服二组," → {"客服一组", "客服二组"}; the Chinese comma separates too.
std::vector<std::string> items(const std::string& text) {
    std::string normalised;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text.compare(i, 3, "，") == 0) {
            normalised += ',';
            i += 2;
        } else {
            normalised += text[i];
        }
    }
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= normalised.size()) {
        const auto comma = normalised.find(',', start);
        const auto end = comma == std::string::npos ? normalised.size() : comma;
        if (auto item = trimmed(std::string_view(normalised).substr(start, end - start));
            !item.empty()) {
            out.push_back(std::move(item));
        }
        start = end + 1;
    }
    return out;
}

std::string joined(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& part : parts) {
        out += (out.empty() ? "" : ", ") + part;
    }
    return out;
}

} // namespace

const char* roleText(core::Role role, scoring::Language language) {
    if (language == scoring::Language::En) {
        return core::roleLabel(role).data();
    }
    switch (role) {
    case core::Role::Inspector:
        return "质检员";
    case core::Role::Supervisor:
        return "质检主管";
    case core::Role::Trainer:
        return "培训师";
    case core::Role::TeamLead:
        return "班组长";
    case core::Role::Manager:
        return "经理";
    case core::Role::Administrator:
        return "管理员";
    }
    return "";
}

core::NewUser toNewUser(const UserForm& form) {
    core::NewUser user;
    user.name = trimmed(form.name);
    user.displayName = trimmed(form.displayName);
    user.role = core::kAllRoles.at(static_cast<std::size_t>(
        std::clamp(form.role, 0, static_cast<int>(core::kAllRoles.size()) - 1)));
    user.projects = items(form.projects);
    user.teams = items(form.teams);
    return user;
}

void drawAdminPanel(const AdminState& state, AdminActions& actions, const ScreenText& words,
                    scoring::Language language) {
    const float unit = ImGui::GetFontSize();
    UserForm& form = *state.form;

    ImGui::BeginChild("users", ImVec2(unit * 46, 0), false);
    ImGui::TextColored(kHeadingText, "%s", words.usersTitle);
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                                  ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingFixedFit;
    if (state.users != nullptr && ImGui::BeginTable("userTable", 5, flags)) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn(words.userName);
        ImGui::TableSetupColumn(words.displayName);
        ImGui::TableSetupColumn(words.role);
        ImGui::TableSetupColumn(words.scope, ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn(words.accountState);
        ImGui::TableHeadersRow();
        for (std::size_t i = 0; i < state.users->size(); ++i) {
            const auto& user = (*state.users)[i];
            ImGui::TableNextRow();
            ImGui::PushID(static_cast<int>(i));
            if (state.selected && *state.selected == i) {
                ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, kCursorRow);
            }
            ImGui::TableNextColumn();
            if (ImGui::Selectable(user.name.c_str(), false, ImGuiSelectableFlags_SpanAllColumns)) {
                actions.selectUser(i);
            }
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(user.displayName.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(roleText(user.role, language));
            ImGui::TableNextColumn();
            const std::string scope =
                user.role == core::Role::TeamLead ? joined(user.teams) : joined(user.projects);
            ImGui::TextUnformatted(scope.c_str());
            ImGui::TableNextColumn();
            if (user.disabled) {
                ImGui::TextColored(kDimText, "%s", words.disabled);
            } else if (user.locked) {
                ImGui::TextColored(kWarnText, "%s", words.locked);
            } else {
                ImGui::TextUnformatted(words.active);
            }
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    ImGui::EndChild();
    ImGui::SameLine();

    ImGui::BeginChild("userForm", ImVec2(0, 0), true);
    ImGui::BeginDisabled(state.busy);
    const auto row = [&](const char* label) {
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted(label);
        ImGui::SameLine(unit * 7);
        ImGui::SetNextItemWidth(-1);
    };
    ImGui::TextColored(kHeadingText, "%s", words.addUser);
    row(words.userName);
    ImGui::InputText("##name", &form.name);
    row(words.displayName);
    ImGui::InputText("##display", &form.displayName);
    row(words.role);
    if (ImGui::BeginCombo("##role", roleText(core::kAllRoles.at(static_cast<std::size_t>(
                                                 std::clamp(form.role, 0, 5))),
                                             language))) {
        for (std::size_t i = 0; i < core::kAllRoles.size(); ++i) {
            if (ImGui::Selectable(roleText(core::kAllRoles[i], language),
                                  form.role == static_cast<int>(i))) {
                form.role = static_cast<int>(i);
            }
        }
        ImGui::EndCombo();
    }
    row(words.projects);
    ImGui::InputTextWithHint("##projects", words.projectsHint, &form.projects);
    row(words.teams);
    ImGui::InputTextWithHint("##teams", words.teamsHint, &form.teams);
    row(words.password);
    ImGui::InputText("##password", &form.password, ImGuiInputTextFlags_Password);
    if (ImGui::Button(words.addUser)) {
        actions.addUserFromForm();
    }
    ImGui::Separator();
    if (state.selected && state.users != nullptr && *state.selected < state.users->size()) {
        const auto& user = (*state.users)[*state.selected];
        ImGui::TextUnformatted(user.name.c_str());
        ImGui::SameLine();
        if (ImGui::Button(words.setPassword)) {
            actions.setSelectedPassword();
        }
        ImGui::SameLine();
        ImGui::BeginDisabled(user.disabled);
        if (ImGui::Button(words.disable)) {
            actions.disableSelected();
        }
        ImGui::EndDisabled();
    } else {
        ImGui::TextColored(kDimText, "%s", words.selectUser);
    }
    ImGui::EndDisabled();
    if (!state.message.empty()) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextColored(kWarnText, "%s", state.message.c_str());
        ImGui::PopTextWrapPos();
    }
    ImGui::EndChild();
}

} // namespace callqc::station
