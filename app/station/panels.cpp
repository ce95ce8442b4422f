#include "app/station/panels.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <imgui.h>
#include <imgui_stdlib.h>

namespace callqc::station {
namespace {

const ImU32 kAgentColour = IM_COL32(86, 156, 214, 255);
const ImU32 kCustomerColour = IM_COL32(106, 190, 120, 255);
const ImU32 kDeadAirColour = IM_COL32(200, 200, 200, 40);
const ImU32 kOvertalkColour = IM_COL32(230, 80, 60, 90);
const ImU32 kHitColour = IM_COL32(255, 170, 0, 255);
const ImU32 kForbiddenColour = IM_COL32(255, 90, 80, 255);
const ImU32 kPlayheadColour = IM_COL32(255, 255, 255, 230);
const ImVec4 kCriticalText(1.0f, 0.45f, 0.4f, 1.0f);
const ImVec4 kSuggestedText(0.95f, 0.75f, 0.3f, 1.0f);
const ImVec4 kDimText(0.6f, 0.6f, 0.6f, 1.0f);
const ImVec4 kWarnText(1.0f, 0.6f, 0.3f, 1.0f);
constexpr double kSpeedStep = 0.25;

/// The short badge for a pick's reason code; null for plain random picks.
const char* reasonBadge(const std::string& reason, const UiText& text) {
    if (reason == "complaint") {
        return text.reasonComplaint;
    }
    if (reason == "focus") {
        return text.reasonFocus;
    }
    if (reason == "new_hire") {
        return text.reasonNewHire;
    }
    return nullptr;
}

std::string clock(double seconds) {
    const auto total = static_cast<int>(std::max(0.0, seconds));
    return fmt::format("{:02}:{:02}", total / 60, total % 60);
}

bool isForbidden(const scoring::PhraseHit& hit) {
    return hit.kind == scoring::PhraseKind::Forbidden;
}

void drawWaveform(const ReviewState& state, ReviewActions& actions, const UiText& text) {
    const auto& call = *state.call;
    const double duration = std::max(0.001, call.recording.durationSec);
    const int lanes = call.profile.stereo ? 2 : 1;
    const float laneHeight = 70.0f;
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float labelWidth = 56.0f;
    const float width = std::max(100.0f, ImGui::GetContentRegionAvail().x - labelWidth);
    const ImVec2 waveOrigin(origin.x + labelWidth, origin.y);
    const float height = laneHeight * static_cast<float>(lanes);
    ImDrawList* draw = ImGui::GetWindowDrawList();
    draw->AddRectFilled(waveOrigin, ImVec2(waveOrigin.x + width, waveOrigin.y + height),
                        IM_COL32(24, 26, 30, 255));
    const auto xOf = [&](double t) {
        return waveOrigin.x + static_cast<float>(t / duration) * width;
    };
    for (const auto& [start, end] : call.profile.deadAir) {
        draw->AddRectFilled(ImVec2(xOf(start), waveOrigin.y),
                            ImVec2(xOf(end), waveOrigin.y + height), kDeadAirColour);
    }
    for (const auto& [start, end] : call.profile.overtalk) {
        draw->AddRectFilled(ImVec2(xOf(start), waveOrigin.y),
                            ImVec2(std::max(xOf(end), xOf(start) + 2.0f), waveOrigin.y + height),
                            kOvertalkColour);
    }
    const int columns = static_cast<int>(width);
    for (int lane = 0; lane < lanes; ++lane) {
        const float top = waveOrigin.y + laneHeight * static_cast<float>(lane);
        const float mid = top + laneHeight * 0.5f;
        const ImU32 colour = lane == 0 ? kAgentColour : kCustomerColour;
        const char* label = !call.profile.stereo ? text.mixedLane
                            : lane == 0          ? text.agentLane
                                                 : text.customerLane;
        draw->AddText(ImVec2(origin.x, mid - ImGui::GetTextLineHeight() * 0.5f), colour, label);
        if (call.peaks.channels.size() <= static_cast<std::size_t>(lane)) {
            continue;
        }
        const auto cols = peakColumns(call.peaks, lane, duration, columns);
        for (int x = 0; x < static_cast<int>(cols.size()); ++x) {
            const float px = waveOrigin.x + static_cast<float>(x);
            const float half = laneHeight * 0.45f;
            draw->AddLine(ImVec2(px, mid - cols[static_cast<std::size_t>(x)].max * half),
                          ImVec2(px, mid - cols[static_cast<std::size_t>(x)].min * half + 1.0f),
                          colour);
        }
    }
    for (const auto& hit : call.hits) {
        if (hit.missing || hit.outOfPosition) {
            continue;
        }
        const float x = xOf(hit.startSec);
        draw->AddTriangleFilled(ImVec2(x - 5, waveOrigin.y), ImVec2(x + 5, waveOrigin.y),
                                ImVec2(x, waveOrigin.y + 8),
                                isForbidden(hit) ? kForbiddenColour : kHitColour);
    }
    const float playX = xOf(state.positionSec);
    draw->AddLine(ImVec2(playX, waveOrigin.y), ImVec2(playX, waveOrigin.y + height),
                  kPlayheadColour, 2.0f);

    ImGui::SetCursorScreenPos(waveOrigin);
    ImGui::InvisibleButton("waveform", ImVec2(width, height));
    if (ImGui::IsItemHovered() && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
        const float fraction = (ImGui::GetIO().MousePos.x - waveOrigin.x) / width;
        actions.seek(std::clamp(static_cast<double>(fraction), 0.0, 1.0) * duration);
    }
}

void drawTransport(const ReviewState& state, ReviewActions& actions, const UiText& text) {
    const auto& call = *state.call;
    ImGui::BeginDisabled(!state.audioReady);
    if (ImGui::Button(state.playing ? text.pause : text.play, ImVec2(90, 0))) {
        actions.togglePlay();
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::Text("%s / %s", clock(state.positionSec).c_str(),
                clock(call.recording.durationSec).c_str());
    ImGui::SameLine();
    ImGui::BeginDisabled(!state.audioReady);
    ImGui::TextUnformatted(text.speed);
    ImGui::SameLine();
    if (ImGui::SmallButton("-##speed")) {
        actions.setSpeed(state.speed - kSpeedStep);
    }
    ImGui::SameLine();
    ImGui::Text("%.2f×", state.speed);
    ImGui::SameLine();
    if (ImGui::SmallButton("+##speed")) {
        actions.setSpeed(state.speed + kSpeedStep);
    }
    ImGui::SameLine();
    bool skip = state.skipSilence;
    if (ImGui::Checkbox(text.skipSilence, &skip)) {
        actions.toggleSkipSilence();
    }
    if (call.profile.stereo) {
        ImGui::SameLine();
        const char* soloLabels[] = {text.soloBoth, text.soloAgent, text.soloCustomer};
        for (int i = 0; i < 3; ++i) {
            ImGui::SameLine();
            if (ImGui::RadioButton(soloLabels[i], state.solo == i - 1)) {
                actions.setSolo(i - 1);
            }
        }
    }
    ImGui::SameLine();
    const std::string loopLabel =
        state.loop    ? fmt::format("{} {}–{}", text.loopClear, clock(state.loop->startSec),
                                    clock(state.loop->endSec))
        : state.loopA ? fmt::format("{} (A {})", text.loopSetB, clock(*state.loopA))
                      : std::string(text.loopSetA);
    if (ImGui::SmallButton(loopLabel.c_str())) {
        actions.cycleLoop();
    }
    ImGui::EndDisabled();

    if (!state.audioError.empty()) {
        ImGui::TextColored(kWarnText, "%s: %s", text.audioFailed, state.audioError.c_str());
    } else if (!state.audioReady) {
        ImGui::TextColored(kDimText, "%s", text.loadingAudio);
    } else {
        ImGui::TextColored(kDimText, "%s: %s", text.output, state.outputName.c_str());
    }
    ImGui::SameLine();
    ImGui::TextColored(kDimText, "  %s", text.keysHelp);
}

void drawTranscript(const ReviewState& state, ReviewActions& actions, const UiText& text) {
    const auto& call = *state.call;
    if (call.segments.empty()) {
        ImGui::TextColored(kDimText, "%s", text.noTranscript);
        return;
    }
    for (std::size_t i = 0; i < call.segments.size(); ++i) {
        const auto& seg = call.segments[i];
        const bool current = state.positionSec >= seg.startSec && state.positionSec < seg.endSec;
        const bool agent = seg.speaker == "agent";
        bool forbidden = false;
        bool flagged = false;
        for (const auto& hit : call.hits) {
            if (!hit.missing && !hit.outOfPosition && hit.segmentIndex == i) {
                flagged = true;
                forbidden = forbidden || isForbidden(hit);
            }
        }
        ImGui::PushID(static_cast<int>(i));
        const std::string label = fmt::format("{}  {}", clock(seg.startSec),
                                              agent ? text.speakerAgent : text.speakerCustomer);
        ImGui::PushStyleColor(
            ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(agent ? kAgentColour : kCustomerColour));
        if (ImGui::Selectable(label.c_str(), current)) {
            actions.seek(seg.startSec);
        }
        ImGui::PopStyleColor();
        if (current && state.playing) {
            ImGui::SetScrollHereY(0.3f);
        }
        if (forbidden) {
            ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(kForbiddenColour));
        } else if (flagged) {
            ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(kHitColour));
        }
        ImGui::Indent(12.0f);
        ImGui::TextWrapped("%s", seg.text.c_str());
        ImGui::Unindent(12.0f);
        if (forbidden || flagged) {
            ImGui::PopStyleColor();
        }
        ImGui::PopID();
    }
}

void drawItem(const scoring::ChecklistItem& item, const ReviewState& state, ReviewActions& actions,
              const UiText& text) {
    const auto& call = *state.call;
    const auto found = state.answers->find(item.id);
    scoring::ItemAnswer answer =
        found != state.answers->end() ? found->second : scoring::ItemAnswer{};
    ImGui::PushID(item.id.c_str());
    ImGui::TextColored(kDimText, "%s", item.id.c_str());
    ImGui::SameLine();
    ImGui::TextWrapped("%s", item.title.in(text.language).c_str());
    if (ImGui::IsItemHovered() && !item.help.in(text.language).empty()) {
        ImGui::SetTooltip("%s", item.help.in(text.language).c_str());
    }
    if (item.critical) {
        ImGui::SameLine();
        ImGui::TextColored(kCriticalText, "[%s]", text.critical);
    }
    const auto suggestion = call.suggestions.find(item.id);
    if (suggestion != call.suggestions.end() && call.status != "submitted") {
        ImGui::TextColored(kSuggestedText, "  %s: %s", text.suggested, suggestion->second.c_str());
    }
    ImGui::BeginDisabled(state.readOnly);
    auto setValue = [&](scoring::AnswerValue value) {
        scoring::ItemAnswer changed = answer;
        changed.value = value;
        actions.setAnswer(item.id, changed);
    };
    ImGui::Indent(24.0f);
    if (item.kind == scoring::ItemKind::PassFail) {
        if (ImGui::RadioButton(text.pass, answer.value == scoring::AnswerValue::Pass)) {
            setValue(scoring::AnswerValue::Pass);
        }
        ImGui::SameLine();
        if (ImGui::RadioButton(text.fail, answer.value == scoring::AnswerValue::Fail)) {
            setValue(scoring::AnswerValue::Fail);
        }
        ImGui::SameLine();
        if (ImGui::RadioButton(text.notApplicable,
                               answer.value == scoring::AnswerValue::NotApplicable)) {
            setValue(scoring::AnswerValue::NotApplicable);
        }
    } else {
        const bool points = item.kind == scoring::ItemKind::Points;
        if (points) {
            float value = static_cast<float>(answer.points);
            ImGui::SetNextItemWidth(160);
            if (ImGui::SliderFloat(text.points, &value, 0.0f, static_cast<float>(item.weight),
                                   "%.1f")) {
                scoring::ItemAnswer changed = answer;
                changed.value = scoring::AnswerValue::Pass;
                changed.points = value;
                actions.setAnswer(item.id, changed);
            }
        } else {
            int count = answer.occurrences;
            ImGui::SetNextItemWidth(120);
            if (ImGui::InputInt(text.occurrences, &count)) {
                scoring::ItemAnswer changed = answer;
                changed.value = scoring::AnswerValue::Pass;
                changed.occurrences = std::max(0, count);
                actions.setAnswer(item.id, changed);
            }
        }
        ImGui::SameLine();
        if (ImGui::RadioButton(text.notApplicable,
                               answer.value == scoring::AnswerValue::NotApplicable)) {
            setValue(scoring::AnswerValue::NotApplicable);
        }
    }
    if (scoring::isFailed(item, answer) && item.commentOnFail) {
        std::string comment = answer.comment;
        ImGui::SetNextItemWidth(-1);
        if (ImGui::InputTextWithHint("##comment", text.commentRequired, &comment)) {
            scoring::ItemAnswer changed = answer;
            changed.comment = comment;
            actions.setAnswer(item.id, changed);
        }
    }
    ImGui::Unindent(24.0f);
    ImGui::EndDisabled();
    ImGui::PopID();
}

void drawScorecard(const ReviewState& state, ReviewActions& actions, const UiText& text) {
    const auto& call = *state.call;
    const auto& score = *state.score;
    if (score.anyApplicable) {
        ImGui::Text("%s: %.1f", text.score, score.score);
    } else {
        ImGui::Text("%s: —", text.score);
    }
    ImGui::SameLine();
    ImGui::TextColored(score.zeroedBy ? kCriticalText : kDimText, "%s", score.working.c_str());
    ImGui::BeginDisabled(state.readOnly);
    if (ImGui::Button(state.readOnly ? text.submitted : text.submit)) {
        actions.submit();
    }
    ImGui::EndDisabled();
    if (!state.message.empty()) {
        ImGui::SameLine();
        ImGui::TextWrapped("%s", state.message.c_str());
    }
    ImGui::Separator();
    ImGui::BeginChild("items");
    for (const auto& section : call.checklist.sections) {
        if (ImGui::CollapsingHeader(section.title.in(text.language).c_str(),
                                    ImGuiTreeNodeFlags_DefaultOpen)) {
            for (const auto& item : section.items) {
                drawItem(item, state, actions, text);
            }
        }
    }
    ImGui::EndChild();
}

} // namespace

std::vector<PeakColumn> peakColumns(const audio::PeakPyramid& peaks, int channel,
                                    double durationSec, int columns) {
    std::vector<PeakColumn> out;
    if (columns <= 0 || static_cast<std::size_t>(channel) >= peaks.channels.size() ||
        durationSec <= 0) {
        return out;
    }
    const auto& level = peaks.levelFor(channel, columns);
    const double binSec = static_cast<double>(level.samplesPerBin) / peaks.sampleRateHz;
    const std::size_t bins = level.min.size();
    out.resize(static_cast<std::size_t>(columns));
    for (int x = 0; x < columns; ++x) {
        const double t0 = durationSec * x / columns;
        const double t1 = durationSec * (x + 1) / columns;
        auto b0 = static_cast<std::size_t>(t0 / binSec);
        auto b1 = std::max(b0 + 1, static_cast<std::size_t>(std::ceil(t1 / binSec)));
        b0 = std::min(b0, bins);
        b1 = std::min(b1, bins);
        PeakColumn col;
        for (std::size_t b = b0; b < b1; ++b) {
            col.min = std::min(col.min, level.min[b] / 127.0f);
            col.max = std::max(col.max, level.max[b] / 127.0f);
        }
        out[static_cast<std::size_t>(x)] = col;
    }
    return out;
}

void drawQueuePanel(const QueueState& state, QueueActions& actions, const UiText& text) {
    const auto& rows = *state.rows;
    const auto done = std::count_if(rows.begin(), rows.end(),
                                    [](const auto& r) { return r.status == "submitted"; });
    ImGui::Text("%s: %s", text.inspector, state.inspector.c_str());
    ImGui::Text("%s %zd / %zu", text.done, static_cast<std::ptrdiff_t>(done), rows.size());
    ImGui::ProgressBar(rows.empty() ? 0.0f
                                    : static_cast<float>(done) / static_cast<float>(rows.size()),
                       ImVec2(-1, 6), "");
    if (!state.status.empty()) {
        ImGui::TextWrapped("%s", state.status.c_str());
    }
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingFixedFit;
    if (!ImGui::BeginTable("queue", 4, flags)) {
        return;
    }
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn(text.agent, ImGuiTableColumnFlags_WidthStretch);
    ImGui::TableSetupColumn(text.duration);
    ImGui::TableSetupColumn("");
    ImGui::TableSetupColumn(text.score);
    ImGui::TableHeadersRow();
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(rows.size()));
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const auto& row = rows[static_cast<std::size_t>(i)];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            const bool open = state.openRecordingId == row.recordingId;
            const std::string label = fmt::format("{} {}##{}", row.agentName,
                                                  row.startTime.substr(11, 5), row.recordingId);
            if (ImGui::Selectable(label.c_str(), open, ImGuiSelectableFlags_SpanAllColumns)) {
                actions.openCall(row.recordingId);
            }
            if (ImGui::IsItemHovered()) {
                ImGui::SetTooltip("%s\n%s: %s (%s)\n%s: %s\n%s: %s", row.callId.c_str(), text.agent,
                                  row.agentName.c_str(), row.agentNo.c_str(), text.team,
                                  row.team.c_str(), text.reason,
                                  row.explanation.empty() ? row.reason.c_str()
                                                          : row.explanation.c_str());
            }
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(clock(row.durationSec).c_str());
            ImGui::TableNextColumn();
            if (const char* badge = reasonBadge(row.reason, text)) {
                ImGui::TextColored(kSuggestedText, "%s", badge);
                ImGui::SameLine();
            }
            if (row.deadAirCount > 0) {
                ImGui::TextColored(kDimText, "%s", text.deadAir);
                ImGui::SameLine();
            }
            if (row.overtalkCount > 0) {
                ImGui::TextColored(kCriticalText, "%s", text.overtalk);
            }
            ImGui::TableNextColumn();
            if (row.status == "submitted" && row.score) {
                ImGui::Text("%.0f", *row.score);
            } else if (row.status == "draft") {
                ImGui::TextColored(kSuggestedText, "%s", text.draft);
            }
        }
    }
    ImGui::EndTable();
}

void drawReviewPanel(const ReviewState& state, ReviewActions& actions, const UiText& text) {
    if (state.call == nullptr) {
        ImGui::TextColored(kDimText, "%s", text.noCallOpen);
        return;
    }
    const auto& r = state.call->recording;
    ImGui::Text("%s   %s %s (%s)   %s %s   %s", r.callId.c_str(), text.agent, r.agentName.c_str(),
                r.agentNo.c_str(), text.team, r.team.c_str(), r.startTime.c_str());
    drawTransport(state, actions, text);
    drawWaveform(state, actions, text);
    ImGui::Spacing();
    const float avail = ImGui::GetContentRegionAvail().x;
    ImGui::BeginChild("transcript", ImVec2(avail * 0.45f, 0), true);
    ImGui::TextUnformatted(text.transcriptTitle);
    ImGui::Separator();
    drawTranscript(state, actions, text);
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("scorecard", ImVec2(0, 0), true);
    drawScorecard(state, actions, text);
    ImGui::EndChild();
}

} // namespace callqc::station
