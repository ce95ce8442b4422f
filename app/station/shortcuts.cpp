#include "app/station/shortcuts.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <imgui.h>

namespace callqc::station {
namespace {

constexpr KeyChord named(ImGuiKey key, bool ctrl = false, bool shift = false) {
    return {KeyChord::Type::Named, key, ctrl, shift};
}
constexpr KeyChord code(int key, bool ctrl = false, bool shift = false) {
    return {KeyChord::Type::Code, key, ctrl, shift};
}
constexpr KeyChord typed(char c) {
    return {KeyChord::Type::Char, c, false, false};
}
constexpr bool kShift = true;
constexpr bool kRepeat = true;

std::vector<Binding> makeBindings() {
    using C = Command;
    std::vector<Binding> b = {
        {named(ImGuiKey_Space), C::TogglePlay},
        {named(ImGuiKey_LeftArrow), C::SeekBack, 0, kRepeat},
        {named(ImGuiKey_RightArrow), C::SeekForward, 0, kRepeat},
        {named(ImGuiKey_LeftArrow, false, kShift), C::SeekBackFine, 0, kRepeat},
        {named(ImGuiKey_RightArrow, false, kShift), C::SeekForwardFine, 0, kRepeat},
        {code('['), C::SpeedDown, 0, kRepeat},
        {code(']'), C::SpeedUp, 0, kRepeat},
        {code('S'), C::SkipSilence},
        {code('A'), C::SoloAgent},
        {code('C'), C::SoloCustomer},
        {code('L'), C::Loop},
        {code('N'), C::NextMark, 0, kRepeat},
        {code('N', false, kShift), C::PreviousMark, 0, kRepeat},
        {code('D'), C::NextDeadAir, 0, kRepeat},
        {code('D', false, kShift), C::PreviousDeadAir, 0, kRepeat},
        {code('O'), C::NextOvertalk, 0, kRepeat},
        {code('O', false, kShift), C::PreviousOvertalk, 0, kRepeat},
        {code('H'), C::NextHit, 0, kRepeat},
        {code('H', false, kShift), C::PreviousHit, 0, kRepeat},
        {named(ImGuiKey_DownArrow), C::NextItem, 0, kRepeat},
        {code('J'), C::NextItem, 0, kRepeat},
        {named(ImGuiKey_UpArrow), C::PreviousItem, 0, kRepeat},
        {code('K'), C::PreviousItem, 0, kRepeat},
        {code('P'), C::Pass},
        {code('F'), C::Fail},
        {code('X'), C::NotApplicable},
        {typed('+'), C::Increase},
        {typed('='), C::Increase},
        {typed('-'), C::Decrease},
        {named(ImGuiKey_Enter), C::Accept},
        {named(ImGuiKey_KeyPadEnter), C::Accept},
        {named(ImGuiKey_Enter, false, kShift), C::AcceptAll},
        {named(ImGuiKey_KeyPadEnter, false, kShift), C::AcceptAll},
        {code('E'), C::Comment},
        {code('M'), C::Annotate},
        {code('M', false, kShift), C::AnnotateItem},
        {named(ImGuiKey_Enter, true), C::Submit},
        {named(ImGuiKey_KeyPadEnter, true), C::Submit},
        {named(ImGuiKey_DownArrow, true), C::NextCall},
        {named(ImGuiKey_UpArrow, true), C::PreviousCall},
        {code('Q'), C::FocusQueue},
        {typed('?'), C::Help},
        {code(kKeyF1), C::Help},
        {named(ImGuiKey_Escape), C::Cancel},
    };
    for (int d = 0; d <= 9; ++d) {
        b.push_back({code('0' + d), C::Digit, d});
        b.push_back({code(kKeyKeypad0 + d), C::Digit, d});
    }
    for (int screen = 0; screen < 4; ++screen) {
        b.push_back({code('1' + screen, true), C::ShowScreen, screen});
    }
    return b;
}

bool isKeypad(const KeyChord& chord) {
    return (chord.type == KeyChord::Type::Code && chord.value >= kKeyKeypad0 &&
            chord.value < kKeyKeypad0 + 10) ||
           (chord.type == KeyChord::Type::Named && chord.value == ImGuiKey_KeyPadEnter);
}

} // namespace

std::span<const Binding> bindings() {
    static const std::vector<Binding> all = makeBindings();
    return all;
}

std::string chordName(const KeyChord& chord, scoring::Language language) {
    std::string key;
    switch (chord.type) {
    case KeyChord::Type::Named:
        switch (chord.value) {
        case ImGuiKey_Space:
            key = language == scoring::Language::Zh ? "空格" : "Space";
            break;
        case ImGuiKey_LeftArrow:
            key = "←";
            break;
        case ImGuiKey_RightArrow:
            key = "→";
            break;
        case ImGuiKey_UpArrow:
            key = "↑";
            break;
        case ImGuiKey_DownArrow:
            key = "↓";
            break;
        case ImGuiKey_Enter:
            key = "Enter";
            break;
        case ImGuiKey_KeyPadEnter:
            key = "Num Enter";
            break;
        case ImGuiKey_Escape:
            key = "Esc";
            break;
        default:
            key = fmt::format("key {}", chord.value);
        }
        break;
    case KeyChord::Type::Code:
        if (chord.value == kKeyF1) {
            key = "F1";
        } else if (chord.value >= kKeyKeypad0 && chord.value < kKeyKeypad0 + 10) {
            key = fmt::format("Num {}", chord.value - kKeyKeypad0);
        } else {
            key = std::string(1, static_cast<char>(chord.value));
        }
        break;
    case KeyChord::Type::Char:
        key = std::string(1, static_cast<char>(chord.value));
        break;
    }
    return fmt::format("{}{}{}", chord.ctrl ? "Ctrl+" : "", chord.shift ? "Shift+" : "", key);
}

std::string keysFor(Command command, scoring::Language language) {
    if (command == Command::Digit) {
        return "0–9";
    }
    std::vector<std::string> names;
    for (const auto& b : bindings()) {
        if (b.command != command || isKeypad(b.chord)) {
            continue;
        }
        auto name = chordName(b.chord, language);
        if (std::find(names.begin(), names.end(), name) == names.end()) {
            names.push_back(std::move(name));
        }
    }
    std::string out;
    for (const auto& name : names) {
        out += (out.empty() ? "" : " / ") + name;
    }
    return out;
}

std::string withKeys(const char* label, Command command, scoring::Language language) {
    const auto keys = keysFor(command, language);
    return keys.empty() ? std::string(label) : fmt::format("{}  ({})", label, keys);
}

const std::vector<HelpGroup>& helpGroups() {
    using C = Command;
    static const std::vector<HelpGroup> groups = {
        {"播放",
         "Playback",
         {
             {{C::TogglePlay}, "空格", "Space", "播放 / 暂停", "Play / pause"},
             {{C::SeekBack, C::SeekForward},
              "← / →",
              "← / →",
              "后退 / 前进 5 秒",
              "Back / forward 5 s"},
             {{C::SeekBackFine, C::SeekForwardFine},
              "Shift+← / →",
              "Shift+← / →",
              "后退 / 前进 1 秒",
              "Back / forward 1 s"},
             {{C::SpeedDown, C::SpeedUp}, "[ / ]", "[ / ]", "减慢 / 加快语速", "Slower / faster"},
             {{C::SkipSilence}, "S", "S", "跳过静音 开 / 关", "Skip silence on / off"},
             {{C::SoloAgent, C::SoloCustomer},
              "A / C",
              "A / C",
              "只听坐席 / 客户（再按一次听双方）",
              "Hear only agent / customer (again: both)"},
             {{C::Loop}, "L", "L", "循环：设起点 A，设终点 B，取消", "Loop: set A, set B, clear"},
         }},
        {"跳转",
         "Jump",
         {
             {{C::NextMark, C::PreviousMark},
              "N / Shift+N",
              "N / Shift+N",
              "下一个 / 上一个标记（任何种类）",
              "Next / previous mark of any kind"},
             {{C::NextDeadAir, C::PreviousDeadAir},
              "D / Shift+D",
              "D / Shift+D",
              "下一段 / 上一段静音",
              "Next / previous dead air"},
             {{C::NextOvertalk, C::PreviousOvertalk},
              "O / Shift+O",
              "O / Shift+O",
              "下一处 / 上一处抢话",
              "Next / previous overtalk"},
             {{C::NextHit, C::PreviousHit},
              "H / Shift+H",
              "H / Shift+H",
              "下一个 / 上一个命中短语",
              "Next / previous phrase hit"},
         }},
        {"标注",
         "Notes",
         {
             {{C::Annotate},
              "M",
              "M",
              "在播放位置加标注（设了循环则标注该段）",
              "Note at the playhead (the loop, when one is set)"},
             {{C::AnnotateItem},
              "Shift+M",
              "Shift+M",
              "同上，并关联当前评分项",
              "The same, about the focused item"},
         }},
        {"评分",
         "Scorecard",
         {
             {{C::NextItem, C::PreviousItem},
              "↓ / ↑  J / K",
              "↓ / ↑  J / K",
              "下一项 / 上一项",
              "Next / previous item"},
             {{C::Pass, C::Fail, C::NotApplicable, C::Digit},
              "1 2 3  P F X",
              "1 2 3  P F X",
              "通过 / 不通过 / 不适用，并转到下一项",
              "Pass / fail / N/A, then on to the next"},
             {{C::Digit, C::Increase, C::Decrease},
              "0–9  + / -",
              "0–9  + / -",
              "分数或次数（打分项、扣分项）",
              "Points or times (points, deduction items)"},
             {{C::Accept},
              "Enter",
              "Enter",
              "采纳本项建议，转到下一项",
              "Accept the suggestion, go on"},
             {{C::AcceptAll},
              "Shift+Enter",
              "Shift+Enter",
              "采纳全部建议",
              "Accept all suggestions"},
             {{C::Comment},
              "E",
              "E",
              "写备注（Enter 保存，Esc 取消）",
              "Comment (Enter keeps, Esc cancels)"},
         }},
        {"队列",
         "Queue",
         {
             {{C::Submit},
              "Ctrl+Enter",
              "Ctrl+Enter",
              "提交并打开下一通",
              "Submit, open the next call"},
             {{C::NextCall, C::PreviousCall},
              "Ctrl+↓ / ↑",
              "Ctrl+↓ / ↑",
              "打开下一通 / 上一通",
              "Open the next / previous call"},
             {{C::FocusQueue},
              "Q",
              "Q",
              "到队列：↑ / ↓ 选择，Enter 打开",
              "To the queue: ↑ / ↓ choose, Enter opens"},
         }},
        {"帮助",
         "Help",
         {
             {{C::Help}, "? / F1", "? / F1", "显示 / 隐藏快捷键", "Show / hide these keys"},
             {{C::ShowScreen},
              "Ctrl+1 2 3 4",
              "Ctrl+1 2 3 4",
              "评分 / 录音库 / 导入 / 设置",
              "Review / Library / Import / Settings"},
             {{C::Cancel}, "Esc", "Esc", "关闭 / 取消", "Close / cancel"},
         }},
    };
    return groups;
}

} // namespace callqc::station
