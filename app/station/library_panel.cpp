#include "app/station/library_panel.hpp"

#include <algorithm>
#include <charconv>

#include <fmt/format.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/station/ui_style.hpp"

namespace callqc::station {
namespace {

const ImU32 kOpenRow = IM_COL32(110, 170, 255, 35);
/// Rows left below the visible ones when the next page is asked for.
constexpr int kLoadAheadRows = 40;

std::optional<std::string> nonBlank(const std::string& text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) {
        return std::nullopt;
    }
    const auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
}

tl::expected<std::optional<double>, std::string> seconds(const std::string& text,
                                                         const char* field) {
    const auto value = nonBlank(text);
    if (!value) {
        return std::optional<double>();
    }
    double out = 0;
    const auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), out);
    if (error != std::errc() || end != value->data() + value->size() || out < 0) {
        return tl::unexpected(fmt::format("{}: \"{}\" is not a number of seconds", field, *value));
    }
    return std::optional<double>(out);
}

/// A labelled text field; true when Enter was pressed in it.
bool field(const char* label, const char* id, const char* hint, std::string& value, float width) {
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(label);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(width);
    return ImGui::InputTextWithHint(id, hint, &value, ImGuiInputTextFlags_EnterReturnsTrue);
}

/// 1234567 → "1,234,567".
std::string grouped(std::int64_t value) {
    const std::string digits = std::to_string(value);
    std::string out;
    out.reserve(digits.size() + digits.size() / 3);
    for (std::size_t i = 0; i < digits.size(); ++i) {
        if (i > 0 && digits[i - 1] != '-' && (digits.size() - i) % 3 == 0) {
            out.push_back(',');
        }
        out.push_back(digits[i]);
    }
    return out;
}

} // namespace

tl::expected<core::SearchRequest, std::string> toSearchRequest(const LibraryFilter& filter,
                                                               int pageSize, int countUpTo) {
    core::SearchRequest request;
    request.callId = nonBlank(filter.callId);
    request.phone = nonBlank(filter.phone);
    request.agent = nonBlank(filter.agent);
    request.team = nonBlank(filter.team);
    request.queue = nonBlank(filter.queue);
    request.from = nonBlank(filter.from);
    request.to = nonBlank(filter.to);
    request.text = nonBlank(filter.text);
    auto minSec = seconds(filter.minDurationSec, "min duration");
    if (!minSec) {
        return tl::unexpected(minSec.error());
    }
    auto maxSec = seconds(filter.maxDurationSec, "max duration");
    if (!maxSec) {
        return tl::unexpected(maxSec.error());
    }
    request.minDurationSec = *minSec;
    request.maxDurationSec = *maxSec;
    request.deadAir = filter.deadAir;
    request.overtalk = filter.overtalk;
    if (filter.evaluated != 0) {
        request.evaluated = filter.evaluated == 1;
    }
    request.limit = pageSize;
    request.countUpTo = countUpTo;
    return request;
}

void drawLibraryPanel(const LibraryState& state, LibraryActions& actions, const UiText& text,
                      const ScreenText& words) {
    LibraryFilter& filter = *state.filter;
    const float unit = ImGui::GetFontSize();
    bool search = false;
    search |= field(words.callId, "##callId", "C2026…*", filter.callId, unit * 9);
    ImGui::SameLine();
    search |= field(words.phone, "##phone", words.phoneHint, filter.phone, unit * 9);
    ImGui::SameLine();
    search |= field(text.agent, "##agent", words.agentHint, filter.agent, unit * 7);
    ImGui::SameLine();
    search |= field(text.team, "##team", "", filter.team, unit * 6);
    ImGui::SameLine();
    search |= field(words.queueName, "##queue", "", filter.queue, unit * 6);

    search |= field(words.from, "##from", words.dateHint, filter.from, unit * 9);
    ImGui::SameLine();
    search |= field(words.to, "##to", words.dateHint, filter.to, unit * 9);
    ImGui::SameLine();
    search |= field(words.minDuration, "##min", "", filter.minDurationSec, unit * 3.5f);
    ImGui::SameLine();
    search |= field(words.maxDuration, "##max", "", filter.maxDurationSec, unit * 3.5f);
    ImGui::SameLine();
    search |= ImGui::Checkbox(text.deadAir, &filter.deadAir);
    ImGui::SameLine();
    search |= ImGui::Checkbox(text.overtalk, &filter.overtalk);
    ImGui::SameLine();
    const char* evaluations[] = {words.anyEvaluation, words.evaluated, words.notEvaluated};
    ImGui::SetNextItemWidth(unit * 6);
    search |= ImGui::Combo("##evaluated", &filter.evaluated, evaluations, 3);

    search |= field(words.words, "##words", words.wordsHint, filter.text, unit * 20);
    ImGui::SameLine();
    search |= ImGui::Button(words.search);
    ImGui::SameLine();
    if (ImGui::Button(words.clear)) {
        actions.clearLibraryFilter();
    }
    ImGui::SameLine();
    if (state.searching) {
        ImGui::TextColored(kDimText, "%s", words.searching);
    } else if (!state.status.empty()) {
        ImGui::TextColored(kWarnText, "%s", state.status.c_str());
    } else if (state.rows != nullptr && state.rows->empty()) {
        ImGui::TextColored(kDimText, "%s", words.noMatches);
    } else if (state.count) {
        ImGui::TextUnformatted(
            fmt::format(fmt::runtime(state.countCapped ? words.matchesMore : words.matches),
                        grouped(*state.count))
                .c_str());
    }
    if (search) {
        actions.searchLibrary();
    }
    ImGui::TextColored(kDimText, "%s", words.libraryHint);
    if (state.canExport) {
        ImGui::SameLine(0, unit * 3);
        ImGui::TextUnformatted(words.exportAs);
        ImGui::BeginDisabled(state.exporting || state.searching);
        for (const auto format :
             {storage::TableFormat::Csv, storage::TableFormat::Xlsx, storage::TableFormat::Pdf}) {
            ImGui::SameLine();
            std::string label(storage::tableFormatName(format));
            std::transform(label.begin(), label.end(), label.begin(),
                           [](char c) { return static_cast<char>(c - 'a' + 'A'); });
            label += "##export";
            if (ImGui::SmallButton(label.c_str())) {
                actions.exportLibrary(format);
            }
        }
        ImGui::EndDisabled();
        ImGui::SameLine();
        if (state.exporting) {
            ImGui::TextColored(kDimText, "%s", words.exporting);
        } else if (!state.exportStatus.empty()) {
            ImGui::TextColored(kDimText, "%s", state.exportStatus.c_str());
        }
    }
    ImGui::Separator();

    if (state.rows == nullptr) {
        return;
    }
    const auto& rows = *state.rows;
    constexpr int kColumns = 9;
    const ImGuiTableFlags flags = ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg |
                                  ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_Resizable |
                                  ImGuiTableFlags_SizingFixedFit;
    if (!ImGui::BeginTable("library", kColumns, flags)) {
        return;
    }
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(words.time);
    ImGui::TableSetupColumn(words.callId);
    ImGui::TableSetupColumn(text.agent);
    ImGui::TableSetupColumn(text.team);
    ImGui::TableSetupColumn(words.queueName);
    ImGui::TableSetupColumn(text.duration);
    ImGui::TableSetupColumn(words.customer);
    ImGui::TableSetupColumn(words.flags);
    ImGui::TableSetupColumn(words.status, ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableHeadersRow();

    const float rowHeight = ImGui::GetTextLineHeight() + ImGui::GetStyle().CellPadding.y * 2;
    if (state.scrollToCursor && state.cursor) {
        const float top = static_cast<float>(*state.cursor) * rowHeight;
        const float view = ImGui::GetWindowHeight() - rowHeight * 2; // less the frozen header
        if (top < ImGui::GetScrollY()) {
            ImGui::SetScrollY(top);
        } else if (top + rowHeight > ImGui::GetScrollY() + view) {
            ImGui::SetScrollY(top + rowHeight - view);
        }
    }
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(rows.size()), rowHeight);
    int lastShown = 0;
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const auto& row = rows[static_cast<std::size_t>(i)];
            ImGui::TableNextRow(ImGuiTableRowFlags_None, rowHeight);
            ImGui::PushID(i);
            if (state.cursor && *state.cursor == static_cast<std::size_t>(i)) {
                ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, kCursorRow);
            } else if (state.openRecordingId && *state.openRecordingId == row.id) {
                ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, kOpenRow);
            }
            ImGui::TableNextColumn();
            if (ImGui::Selectable(row.startTime.c_str(), false,
                                  ImGuiSelectableFlags_SpanAllColumns |
                                      ImGuiSelectableFlags_AllowDoubleClick)) {
                actions.selectLibraryRow(static_cast<std::size_t>(i));
                if (ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) {
                    actions.openFromLibrary(row.id);
                }
            }
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(row.callId.c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%s %s", row.agentNo.c_str(), row.agentName.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(row.team.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(row.queue.c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(clockText(row.durationSec).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(row.customerPhone.c_str());
            ImGui::TableNextColumn();
            std::string marks;
            if (row.deadAirCount > 0) {
                marks += fmt::format("{} {}  ", text.deadAir, row.deadAirCount);
            }
            if (row.overtalkCount > 0) {
                marks += fmt::format("{} {}", text.overtalk, row.overtalkCount);
            }
            ImGui::TextUnformatted(marks.c_str());
            ImGui::TableNextColumn();
            if (row.evaluationStatus == "submitted") {
                ImGui::Text("%s %.1f", text.submitted, row.score.value_or(0));
            } else if (row.evaluationStatus == "draft") {
                ImGui::TextColored(kDimText, "%s", text.draft);
            }
            ImGui::PopID();
            lastShown = std::max(lastShown, i);
        }
    }
    ImGui::EndTable();
    if (state.more && !state.searching &&
        lastShown + kLoadAheadRows >= static_cast<int>(rows.size())) {
        actions.loadMoreLibrary();
    }
}

} // namespace callqc::station
