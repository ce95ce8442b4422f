#include "app/station/panels.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <imgui.h>
#include <imgui_stdlib.h>

#include "app/station/shortcuts.hpp"
#include "app/station/ui_style.hpp"

namespace callqc::station {
namespace {

const ImU32 kAgentColour = IM_COL32(86, 156, 214, 255);
const ImU32 kCustomerColour = IM_COL32(106, 190, 120, 255);
const ImU32 kDeadAirColour = IM_COL32(200, 200, 200, 40);
const ImU32 kOvertalkColour = IM_COL32(230, 80, 60, 90);
const ImU32 kHitColour = IM_COL32(255, 170, 0, 255);
const ImU32 kForbiddenColour = IM_COL32(255, 90, 80, 255);
const ImU32 kPlayheadColour = IM_COL32(255, 255, 255, 230);
const ImU32 kNoteColour = IM_COL32(200, 140, 255, 255);
const ImU32 kNoteBand = IM_COL32(200, 140, 255, 40);
const ImU32 kPendingNoteColour = IM_COL32(200, 140, 255, 120);
const ImU32 kFocusFill = IM_COL32(70, 120, 200, 70);
const ImU32 kFocusFillIdle = IM_COL32(70, 120, 200, 30);
const ImU32 kFocusBar = IM_COL32(110, 170, 255, 255);
const ImU32 kFocusBarIdle = IM_COL32(110, 170, 255, 110);
const ImVec4 kKeyText(0.55f, 0.78f, 1.0f, 1.0f);
const ImVec4 kNoteText(0.85f, 0.7f, 1.0f, 1.0f);
const ImVec4 kCriticalText(1.0f, 0.45f, 0.4f, 1.0f);
const ImVec4 kSuggestedText(0.95f, 0.75f, 0.3f, 1.0f);
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

bool isForbidden(const scoring::PhraseHit& hit) {
    return hit.kind == scoring::PhraseKind::Forbidden;
}

/// A tooltip naming the last item's shortcut.
void keysTooltip(const char* label, Command command, const UiText& text) {
    if (ImGui::IsItemHovered()) {
        ImGui::SetTooltip("%s", withKeys(label, command, text.language).c_str());
    }
}

/// Scrolls the current window so that [top, bottom] (screen y) is inside it, `margin` clear of
/// its edges; nothing when it already is.
void keepInView(float top, float bottom, float topMargin, float bottomMargin) {
    const float viewTop = ImGui::GetWindowPos().y + topMargin;
    const float viewBottom = ImGui::GetWindowPos().y + ImGui::GetWindowHeight() - bottomMargin;
    if (top < viewTop) {
        ImGui::SetScrollY(ImGui::GetScrollY() - (viewTop - top));
    } else if (bottom > viewBottom) {
        ImGui::SetScrollY(ImGui::GetScrollY() + std::min(bottom - viewBottom, top - viewTop));
    }
}

std::string noteTime(double startSec, std::optional<double> endSec) {
    return endSec ? fmt::format("{}–{}", clockText(startSec), clockText(*endSec))
                  : clockText(startSec);
}

/// The keyboard's text field: takes the keyboard when asked, reports every edit; Enter and Esc
/// are the application's (StationApp::handleKeys), leaving the field by clicking elsewhere keeps
/// the text.
void drawInlineEdit(const InlineEdit& edit, ReviewActions& actions, const char* hint) {
    std::string value = edit.text;
    if (edit.focusNow) {
        ImGui::SetKeyboardFocusHere();
    }
    ImGui::SetNextItemWidth(-1);
    ImGui::PushStyleColor(ImGuiCol_FrameBg, ImVec4(0.22f, 0.2f, 0.32f, 1.0f));
    ImGui::InputTextWithHint("##edit", hint, &value);
    ImGui::PopStyleColor();
    if (value != edit.text) {
        actions.editText(value);
    }
    if (ImGui::IsItemDeactivated()) {
        actions.finishEdit(!ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape)));
    }
}

void drawWaveform(const ReviewState& state, ReviewActions& actions, const UiText& text) {
    const auto& call = *state.call;
    const double duration = std::max(0.001, call.recording.durationSec);
    const int lanes = call.profile.stereo ? 2 : 1;
    const float laneHeight = 70.0f;
    const ImVec2 origin = ImGui::GetCursorScreenPos();
    const float labelWidth = std::max({56.0f, ImGui::CalcTextSize(text.agentLane).x,
                                       ImGui::CalcTextSize(text.customerLane).x,
                                       ImGui::CalcTextSize(text.mixedLane).x}) +
                             8.0f;
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
    const float bottom = waveOrigin.y + height;
    const auto drawNote = [&](double start, std::optional<double> end, ImU32 colour) {
        const float x = xOf(start);
        if (end) {
            draw->AddRectFilled(ImVec2(x, waveOrigin.y), ImVec2(xOf(*end), bottom), kNoteBand);
        }
        draw->AddLine(ImVec2(x, waveOrigin.y), ImVec2(x, bottom), colour, 1.5f);
        draw->AddTriangleFilled(ImVec2(x - 6, bottom), ImVec2(x + 6, bottom), ImVec2(x, bottom - 9),
                                colour);
    };
    if (state.annotations != nullptr) {
        for (const auto& note : *state.annotations) {
            drawNote(note.startSec, note.endSec, kNoteColour);
        }
    }
    if (state.edit != nullptr && state.edit->kind == InlineEdit::Kind::NewNote) {
        drawNote(state.edit->atSec, state.edit->endSec, kPendingNoteColour);
    }
    const float playX = xOf(state.positionSec);
    draw->AddLine(ImVec2(playX, waveOrigin.y), ImVec2(playX, bottom), kPlayheadColour, 2.0f);

    ImGui::SetCursorScreenPos(waveOrigin);
    ImGui::InvisibleButton("waveform", ImVec2(width, height));
    if (ImGui::IsItemHovered()) {
        const float mouseX = ImGui::GetIO().MousePos.x;
        if (ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
            const float fraction = (mouseX - waveOrigin.x) / width;
            actions.seek(std::clamp(static_cast<double>(fraction), 0.0, 1.0) * duration);
        }
        std::string tip;
        if (state.annotations != nullptr) {
            for (const auto& note : *state.annotations) {
                if (std::abs(xOf(note.startSec) - mouseX) <= 5.0f) {
                    tip += fmt::format("{}{}  {}\n", noteTime(note.startSec, note.endSec),
                                       note.itemId ? fmt::format(" [{}]", *note.itemId) : "",
                                       note.note);
                }
            }
        }
        for (const auto& hit : call.hits) {
            if (!hit.missing && !hit.outOfPosition &&
                std::abs(xOf(hit.startSec) - mouseX) <= 5.0f) {
                tip += fmt::format("{}  {}\n", clockText(hit.startSec), hit.phrase);
            }
        }
        if (!tip.empty()) {
            tip.pop_back();
            ImGui::SetTooltip("%s", tip.c_str());
        }
    }
}

void drawTransport(const ReviewState& state, ReviewActions& actions, const UiText& text) {
    const auto& call = *state.call;
    ImGui::BeginDisabled(!state.audioReady);
    if (ImGui::Button(state.playing ? text.pause : text.play, ImVec2(90, 0))) {
        actions.togglePlay();
    }
    ImGui::EndDisabled();
    keysTooltip(state.playing ? text.pause : text.play, Command::TogglePlay, text);
    ImGui::SameLine();
    ImGui::Text("%s / %s", clockText(state.positionSec).c_str(),
                clockText(call.recording.durationSec).c_str());
    ImGui::SameLine();
    ImGui::BeginDisabled(!state.audioReady);
    ImGui::TextUnformatted(text.speed);
    ImGui::SameLine();
    if (ImGui::SmallButton("-##speed")) {
        actions.setSpeed(state.speed - kSpeedStep);
    }
    keysTooltip(text.speed, Command::SpeedDown, text);
    ImGui::SameLine();
    ImGui::Text("%.2f×", state.speed);
    ImGui::SameLine();
    if (ImGui::SmallButton("+##speed")) {
        actions.setSpeed(state.speed + kSpeedStep);
    }
    keysTooltip(text.speed, Command::SpeedUp, text);
    ImGui::SameLine();
    bool skip = state.skipSilence;
    if (ImGui::Checkbox(text.skipSilence, &skip)) {
        actions.toggleSkipSilence();
    }
    keysTooltip(text.skipSilence, Command::SkipSilence, text);
    if (call.profile.stereo) {
        ImGui::SameLine();
        const char* soloLabels[] = {text.soloBoth, text.soloAgent, text.soloCustomer};
        for (int i = 0; i < 3; ++i) {
            ImGui::SameLine();
            if (ImGui::RadioButton(soloLabels[i], state.solo == i - 1)) {
                actions.setSolo(i - 1);
            }
            if (i > 0) {
                keysTooltip(soloLabels[i], i == 1 ? Command::SoloAgent : Command::SoloCustomer,
                            text);
            }
        }
    }
    ImGui::SameLine();
    const std::string loopLabel =
        state.loop    ? fmt::format("{} {}–{}", text.loopClear, clockText(state.loop->startSec),
                                    clockText(state.loop->endSec))
        : state.loopA ? fmt::format("{} (A {})", text.loopSetB, clockText(*state.loopA))
                      : std::string(text.loopSetA);
    if (ImGui::SmallButton(loopLabel.c_str())) {
        actions.cycleLoop();
    }
    keysTooltip(loopLabel.c_str(), Command::Loop, text);
    if (state.canExportClip && state.loop) {
        ImGui::SameLine();
        ImGui::BeginDisabled(state.exportingClip);
        if (ImGui::SmallButton(text.exportClip)) {
            actions.exportLoopClip();
        }
        ImGui::EndDisabled();
    }
    ImGui::EndDisabled();
    if (state.exportingClip) {
        ImGui::TextColored(kDimText, "%s", text.exportingClip);
    } else if (!state.clipStatus.empty()) {
        ImGui::TextColored(kDimText, "%s", state.clipStatus.c_str());
    }

    if (!state.integrityWarning.empty()) {
        ImGui::TextColored(kCriticalText, "%s", state.integrityWarning.c_str());
    }
    if (!state.audioError.empty()) {
        ImGui::TextColored(kWarnText, "%s: %s", text.audioFailed, state.audioError.c_str());
    } else if (!state.audioReady) {
        ImGui::TextColored(kDimText, "%s", text.loadingAudio);
    } else {
        ImGui::TextColored(kDimText, "%s: %s", text.output, state.outputName.c_str());
    }
    ImGui::SameLine();
    if (!state.hint.empty()) {
        ImGui::TextColored(kNoteText, "  %s", state.hint.c_str());
    } else {
        ImGui::TextColored(kDimText, "  %s", text.keysHelp);
    }
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
        const std::string label = fmt::format("{}  {}", clockText(seg.startSec),
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

void drawItem(const scoring::ChecklistItem& item, std::size_t index, const ReviewState& state,
              ReviewActions& actions, const UiText& text) {
    const auto& call = *state.call;
    const auto found = state.answers->find(item.id);
    scoring::ItemAnswer answer =
        found != state.answers->end() ? found->second : scoring::ItemAnswer{};
    const bool focused = state.focusedItem == index;
    ImDrawList* draw = ImGui::GetWindowDrawList();
    // The highlight goes under the item: drawn after it (its height is known then) on a channel
    // below.
    if (focused) {
        draw->ChannelsSplit(2);
        draw->ChannelsSetCurrent(1);
    }
    const ImVec2 start = ImGui::GetCursorScreenPos();
    const float right = start.x + ImGui::GetContentRegionAvail().x;
    ImGui::PushID(item.id.c_str());
    ImGui::BeginGroup();
    ImGui::TextColored(focused ? kKeyText : kDimText, "%s", item.id.c_str());
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
        if (focused) {
            ImGui::SameLine();
            ImGui::TextColored(kDimText, "(%s)", keysFor(Command::Accept, text.language).c_str());
        }
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
        keysTooltip(text.pass, Command::Pass, text);
        ImGui::SameLine();
        if (ImGui::RadioButton(text.fail, answer.value == scoring::AnswerValue::Fail)) {
            setValue(scoring::AnswerValue::Fail);
        }
        keysTooltip(text.fail, Command::Fail, text);
        ImGui::SameLine();
        if (ImGui::RadioButton(text.notApplicable,
                               answer.value == scoring::AnswerValue::NotApplicable)) {
            setValue(scoring::AnswerValue::NotApplicable);
        }
        keysTooltip(text.notApplicable, Command::NotApplicable, text);
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
        if (ImGui::IsItemHovered()) {
            ImGui::SetTooltip("%s  (%s, %s)", points ? text.points : text.occurrences,
                              keysFor(Command::Digit, text.language).c_str(), "+ / -");
        }
        ImGui::SameLine();
        if (ImGui::RadioButton(text.notApplicable,
                               answer.value == scoring::AnswerValue::NotApplicable)) {
            setValue(scoring::AnswerValue::NotApplicable);
        }
        keysTooltip(text.notApplicable, Command::NotApplicable, text);
    }
    const bool editing = state.edit != nullptr && state.edit->kind == InlineEdit::Kind::Comment &&
                         state.edit->itemId == item.id;
    if (editing) {
        drawInlineEdit(*state.edit, actions, text.commentHint);
    } else if (!answer.comment.empty() || (scoring::isFailed(item, answer) && item.commentOnFail)) {
        std::string comment = answer.comment;
        ImGui::SetNextItemWidth(-1);
        if (ImGui::InputTextWithHint("##comment", text.commentRequired, &comment)) {
            scoring::ItemAnswer changed = answer;
            changed.comment = comment;
            actions.setAnswer(item.id, changed);
        }
        keysTooltip(text.comment, Command::Comment, text);
    }
    ImGui::Unindent(24.0f);
    ImGui::EndDisabled();
    ImGui::EndGroup();
    const ImVec2 end(right, ImGui::GetItemRectMax().y + 3.0f);
    const ImVec2 topLeft(start.x - 6.0f, start.y - 3.0f);
    if (focused) {
        draw->ChannelsSetCurrent(0);
        draw->AddRectFilled(topLeft, end, state.keyboardHere ? kFocusFill : kFocusFillIdle, 4.0f);
        draw->AddRectFilled(topLeft, ImVec2(topLeft.x + 3.0f, end.y),
                            state.keyboardHere ? kFocusBar : kFocusBarIdle);
        draw->ChannelsMerge();
        if (state.scrollToFocus) {
            keepInView(topLeft.y, end.y, ImGui::GetTextLineHeight(), ImGui::GetTextLineHeight());
        }
    }
    if (ImGui::IsWindowHovered() && ImGui::IsMouseHoveringRect(topLeft, end) &&
        ImGui::IsMouseClicked(ImGuiMouseButton_Left) && !focused) {
        actions.focusItem(index);
    }
    ImGui::Dummy(ImVec2(0, 2.0f));
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
    ImGui::PushTextWrapPos(0.0f);
    ImGui::TextColored(score.zeroedBy ? kCriticalText : kDimText, "%s", score.working.c_str());
    ImGui::PopTextWrapPos();
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
    std::size_t index = 0;
    for (const auto& section : call.checklist.sections) {
        const bool holdsFocus = state.focusedItem && *state.focusedItem >= index &&
                                *state.focusedItem < index + section.items.size();
        if (holdsFocus && state.scrollToFocus) {
            ImGui::SetNextItemOpen(true);
        }
        if (ImGui::CollapsingHeader(section.title.in(text.language).c_str(),
                                    ImGuiTreeNodeFlags_DefaultOpen)) {
            for (const auto& item : section.items) {
                drawItem(item, index++, state, actions, text);
            }
        } else {
            index += section.items.size();
        }
    }
    ImGui::EndChild();
}

void drawAnnotations(const ReviewState& state, ReviewActions& actions, const UiText& text) {
    ImGui::TextUnformatted(text.annotationsTitle);
    ImGui::SameLine();
    ImGui::TextColored(kDimText, "(%s)", keysFor(Command::Annotate, text.language).c_str());
    ImGui::Separator();
    const InlineEdit* edit = state.edit;
    if (edit != nullptr && edit->kind == InlineEdit::Kind::NewNote) {
        ImGui::PushID("new");
        ImGui::TextColored(kNoteText, "%s %s%s", text.newNote,
                           noteTime(edit->atSec, edit->endSec).c_str(),
                           edit->itemId.empty() ? "" : fmt::format(" [{}]", edit->itemId).c_str());
        ImGui::SameLine();
        drawInlineEdit(*edit, actions, text.noteHint);
        ImGui::PopID();
    }
    const auto& notes = *state.annotations;
    if (notes.empty() && (edit == nullptr || edit->kind != InlineEdit::Kind::NewNote)) {
        ImGui::TextColored(kDimText, "%s", text.noAnnotations);
        return;
    }
    const float buttons =
        state.readOnly
            ? 0.0f
            : ImGui::CalcTextSize(text.editNote).x + ImGui::CalcTextSize(text.deleteNote).x +
                  ImGui::GetStyle().FramePadding.x * 4 + ImGui::GetStyle().ItemSpacing.x * 2;
    for (const auto& note : notes) {
        ImGui::PushID(static_cast<int>(note.id));
        const std::string when = noteTime(note.startSec, note.endSec);
        const std::string about = note.itemId ? fmt::format("[{}] ", *note.itemId) : "";
        if (edit != nullptr && edit->kind == InlineEdit::Kind::Note &&
            edit->annotationId == note.id) {
            ImGui::TextColored(kNoteText, "%s %s", when.c_str(), about.c_str());
            ImGui::SameLine();
            drawInlineEdit(*edit, actions, text.noteHint);
            ImGui::PopID();
            continue;
        }
        const double end = note.endSec.value_or(note.startSec + 1.5);
        const bool current = state.positionSec >= note.startSec && state.positionSec < end;
        ImGui::PushStyleColor(ImGuiCol_Text, kNoteText);
        const std::string label = fmt::format("{}  {}{}", when, about, note.note);
        if (ImGui::Selectable(label.c_str(), current, ImGuiSelectableFlags_AllowItemOverlap,
                              ImVec2(ImGui::GetContentRegionAvail().x - buttons, 0))) {
            actions.seek(note.startSec);
        }
        ImGui::PopStyleColor();
        if (ImGui::IsItemHovered()) {
            ImGui::SetTooltip("%s %s%s", when.c_str(), about.c_str(), note.note.c_str());
        }
        if (!state.readOnly) {
            ImGui::SameLine();
            if (ImGui::SmallButton(text.editNote)) {
                actions.editAnnotation(note.id);
            }
            ImGui::SameLine();
            if (ImGui::SmallButton(text.deleteNote)) {
                actions.deleteAnnotation(note.id);
            }
        }
        ImGui::PopID();
    }
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
    const bool showCursor = state.keyboardHere && state.cursor && *state.cursor < rows.size();
    if (showCursor && state.scrollToCursor) {
        const int cursor = static_cast<int>(*state.cursor);
        clipper.ForceDisplayRangeByIndices(cursor, cursor + 1);
    }
    const std::string openKeys =
        fmt::format("Enter · {} / {}", keysFor(Command::NextCall, text.language),
                    keysFor(Command::PreviousCall, text.language));
    while (clipper.Step()) {
        for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
            const auto& row = rows[static_cast<std::size_t>(i)];
            ImGui::TableNextRow();
            const bool atCursor = showCursor && *state.cursor == static_cast<std::size_t>(i);
            if (atCursor) {
                ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg1, kCursorRow);
            }
            ImGui::TableNextColumn();
            const bool open = state.openRecordingId == row.recordingId;
            const std::string label = fmt::format("{} {}##{}", row.agentName,
                                                  row.startTime.substr(11, 5), row.recordingId);
            if (ImGui::Selectable(label.c_str(), open, ImGuiSelectableFlags_SpanAllColumns)) {
                actions.openCall(row.recordingId);
            }
            if (atCursor && state.scrollToCursor) {
                const float line = ImGui::GetTextLineHeightWithSpacing();
                keepInView(ImGui::GetItemRectMin().y, ImGui::GetItemRectMax().y, line * 1.5f,
                           line * 0.5f);
            }
            if (ImGui::IsItemHovered()) {
                ImGui::SetTooltip("%s\n%s: %s (%s)\n%s: %s\n%s: %s\n%s", row.callId.c_str(),
                                  text.agent, row.agentName.c_str(), row.agentNo.c_str(), text.team,
                                  row.team.c_str(), text.reason,
                                  row.explanation.empty() ? row.reason.c_str()
                                                          : row.explanation.c_str(),
                                  openKeys.c_str());
            }
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(clockText(row.durationSec).c_str());
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
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const std::size_t noteRows =
        (state.annotations != nullptr ? state.annotations->size() : 0) +
        (state.edit != nullptr && state.edit->kind == InlineEdit::Kind::NewNote ? 1 : 0);
    const float notesHeight =
        std::min(avail.y * 0.4f,
                 line * (2.6f + static_cast<float>(std::clamp<std::size_t>(noteRows, 1, 8))) +
                     ImGui::GetStyle().WindowPadding.y * 2);
    ImGui::BeginGroup();
    ImGui::BeginChild(
        "transcript",
        ImVec2(avail.x * 0.45f, avail.y - notesHeight - ImGui::GetStyle().ItemSpacing.y), true);
    ImGui::TextUnformatted(text.transcriptTitle);
    ImGui::Separator();
    drawTranscript(state, actions, text);
    ImGui::EndChild();
    ImGui::BeginChild("notes", ImVec2(avail.x * 0.45f, notesHeight), true);
    if (state.annotations != nullptr) {
        drawAnnotations(state, actions, text);
    }
    ImGui::EndChild();
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginChild("scorecard", ImVec2(0, 0), true);
    drawScorecard(state, actions, text);
    ImGui::EndChild();
}

void drawShortcutList(const UiText& text) {
    const bool zh = text.language == scoring::Language::Zh;
    const auto& groups = helpGroups();
    // One keys column wide enough for the widest keys of either side.
    float keysWidth = 0;
    for (const auto& group : groups) {
        for (const auto& row : group.rows) {
            keysWidth = std::max(keysWidth, ImGui::CalcTextSize(zh ? row.keysZh : row.keysEn).x);
        }
    }
    keysWidth += ImGui::GetStyle().ItemSpacing.x * 3;
    const auto drawGroups = [&](std::size_t from, std::size_t to) {
        ImGui::BeginGroup();
        for (std::size_t g = from; g < to; ++g) {
            const auto& group = groups[g];
            if (g != from) {
                ImGui::Spacing();
                ImGui::Spacing();
            }
            ImGui::TextColored(kHeadingText, "%s", zh ? group.zh : group.en);
            for (const auto& row : group.rows) {
                const float x = ImGui::GetCursorScreenPos().x;
                ImGui::TextColored(kKeyText, "%s", zh ? row.keysZh : row.keysEn);
                ImGui::SameLine();
                ImGui::SetCursorScreenPos(ImVec2(x + keysWidth, ImGui::GetCursorScreenPos().y));
                ImGui::TextUnformatted(zh ? row.zh : row.en);
            }
        }
        ImGui::EndGroup();
    };
    const std::size_t split = std::min(kHelpLeftGroups, groups.size());
    drawGroups(0, split);
    ImGui::SameLine(0, ImGui::GetFontSize() * 3);
    drawGroups(split, groups.size());
}

bool drawShortcutOverlay(const UiText& text) {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    // A veil over the window behind, letting clicks through (the overlay is a reference card,
    // not a dialog).
    ImGui::SetNextWindowPos(viewport->WorkPos);
    ImGui::SetNextWindowSize(viewport->WorkSize);
    ImGui::SetNextWindowBgAlpha(0.45f);
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0, 0, 0, 1));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowBorderSize, 0.0f);
    ImGui::Begin("##veil", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoInputs |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                     ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoMove);
    ImGui::End();
    ImGui::PopStyleVar();
    ImGui::PopStyleColor();

    ImGui::SetNextWindowPos(viewport->GetCenter(), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowBgAlpha(1.0f);
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(22, 18));
    ImGui::PushStyleVar(ImGuiStyleVar_WindowRounding, 8.0f);
    ImGui::PushStyleColor(ImGuiCol_Border, ImVec4(0.43f, 0.67f, 1.0f, 0.6f));
    ImGui::Begin("##shortcuts", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize |
                     ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                     ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoMove);
    ImGui::TextColored(kHeadingText, "%s", text.keysTitle);
    ImGui::SameLine();
    ImGui::TextColored(kDimText, "   %s", text.keysClose);
    bool open = true;
    ImGui::SameLine();
    if (ImGui::SmallButton("Esc")) {
        open = false;
    }
    ImGui::Separator();
    ImGui::Spacing();
    drawShortcutList(text);
    ImGui::End();
    ImGui::PopStyleColor();
    ImGui::PopStyleVar(2);
    return open;
}

} // namespace callqc::station
