#include "app/station/import_panel.hpp"

#include <filesystem>

#include <fmt/format.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/station/ui_style.hpp"

namespace callqc::station {
namespace {

void drawReport(const core::ImportReport& report, const ScreenText& words) {
    ImGui::TextColored(report.cancelled ? kWarnText : kGoodText, "%s",
                       fmt::format(fmt::runtime(words.importDone), report.imported,
                                   report.unchanged, report.rejected.size())
                           .c_str());
    if (report.cancelled) {
        ImGui::TextColored(kWarnText, "%s", words.importCancelled);
    }
    if (!report.encoding.empty()) {
        ImGui::TextColored(kDimText, "%s: %s", words.encoding, report.encoding.c_str());
    }
    const float half = ImGui::GetContentRegionAvail().y * (report.warnings.empty() ? 1.0f : 0.7f);
    if (!report.rejected.empty()) {
        ImGui::TextUnformatted(words.rejectedTitle);
        const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg |
                                      ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable;
        if (ImGui::BeginTable("rejected", 4, flags, ImVec2(0, half))) {
            ImGui::TableSetupScrollFreeze(0, 1);
            const float unit = ImGui::GetFontSize();
            ImGui::TableSetupColumn(words.row, ImGuiTableColumnFlags_WidthFixed, unit * 3);
            ImGui::TableSetupColumn(words.callId, ImGuiTableColumnFlags_WidthFixed, unit * 9);
            ImGui::TableSetupColumn(words.file, ImGuiTableColumnFlags_WidthFixed, unit * 14);
            ImGui::TableSetupColumn(words.why, ImGuiTableColumnFlags_WidthStretch);
            ImGui::TableHeadersRow();
            ImGuiListClipper clipper;
            clipper.Begin(static_cast<int>(report.rejected.size()));
            while (clipper.Step()) {
                for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                    const auto& row = report.rejected[static_cast<std::size_t>(i)];
                    ImGui::TableNextRow();
                    ImGui::TableNextColumn();
                    ImGui::Text("%d", row.row);
                    ImGui::TableNextColumn();
                    ImGui::TextUnformatted(row.callId.c_str());
                    ImGui::TableNextColumn();
                    ImGui::TextUnformatted(row.file.c_str());
                    ImGui::TableNextColumn();
                    ImGui::TextWrapped("%s", row.reason.c_str());
                }
            }
            ImGui::EndTable();
        }
    }
    if (!report.warnings.empty()) {
        ImGui::TextUnformatted(words.warningsTitle);
        ImGui::BeginChild("warnings", ImVec2(0, 0), true);
        for (const auto& warning : report.warnings) {
            ImGui::TextWrapped("%s", warning.c_str());
        }
        ImGui::EndChild();
    }
}

} // namespace

void drawImportPanel(const ImportState& state, ImportActions& actions, const ScreenText& words) {
    const float unit = ImGui::GetFontSize();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(words.dayFolder);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(unit * 32);
    if (ImGui::InputTextWithHint("##folder", words.dayFolderHint, state.folder,
                                 ImGuiInputTextFlags_EnterReturnsTrue)) {
        actions.browseTo(*state.folder);
    }
    ImGui::SameLine();
    if (ImGui::Button(words.parentFolder)) {
        actions.browseTo(std::filesystem::path(*state.folder).parent_path().string());
    }
    ImGui::SameLine();
    ImGui::BeginDisabled(state.running || !state.folderHasMetadata);
    if (ImGui::Button(words.startImport)) {
        actions.startImport();
    }
    ImGui::EndDisabled();
    if (!state.folderHasMetadata && !state.running) {
        ImGui::SameLine();
        ImGui::TextColored(kDimText, "%s", words.noMetadata);
    }

    if (state.running) {
        const float fraction =
            state.total > 0 ? static_cast<float>(state.done) / static_cast<float>(state.total) : 0;
        const std::string label =
            state.cancelling ? std::string(words.cancelling)
                             : fmt::format(fmt::runtime(words.importing), state.done, state.total);
        ImGui::ProgressBar(fraction, ImVec2(unit * 32, 0), label.c_str());
        ImGui::SameLine();
        ImGui::BeginDisabled(state.cancelling);
        if (ImGui::Button(words.cancel)) {
            actions.cancelImport();
        }
        ImGui::EndDisabled();
    }
    ImGui::Separator();

    ImGui::BeginChild("folders", ImVec2(unit * 16, 0), true);
    ImGui::TextColored(kDimText, "%s", words.folders);
    if (state.subfolders != nullptr) {
        for (const auto& entry : *state.subfolders) {
            ImGui::PushID(entry.name.c_str());
            if (ImGui::Selectable(entry.name.c_str())) {
                actions.browseTo((std::filesystem::path(*state.folder) / entry.name).string());
            }
            if (entry.hasMetadata && ImGui::IsItemHovered()) {
                ImGui::SetTooltip("%s", words.hasMetadata);
            }
            if (entry.hasMetadata) {
                ImGui::SameLine();
                ImGui::TextColored(kGoodText, "●");
            }
            ImGui::PopID();
        }
    }
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("report", ImVec2(0, 0), false);
    if (!state.error.empty()) {
        ImGui::TextColored(kWarnText, "%s: %s", words.importFailed, state.error.c_str());
    } else if (state.report != nullptr) {
        drawReport(*state.report, words);
    }
    ImGui::EndChild();
}

} // namespace callqc::station
