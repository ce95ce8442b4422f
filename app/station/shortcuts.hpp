#pragma once

#include <span>
#include <string>
#include <vector>

#include "scoring/language.hpp"

namespace callqc::station {

/// Everything the keyboard can ask the workstation for. Some commands depend on where the
/// keyboard is: ↑/↓ and Enter work the queue while it has the keyboard (Q), else the scorecard.
enum class Command {
    TogglePlay,
    SeekBack,
    SeekForward,
    SeekBackFine,
    SeekForwardFine,
    SpeedDown,
    SpeedUp,
    SkipSilence,
    SoloAgent,
    SoloCustomer,
    Loop,
    NextMark,
    PreviousMark,
    NextDeadAir,
    PreviousDeadAir,
    NextOvertalk,
    PreviousOvertalk,
    NextHit,
    PreviousHit,
    NextItem,
    PreviousItem,
    Pass,
    Fail,
    NotApplicable,
    Digit, ///< 0–9 in the binding's `arg`: points or times, or 1/2/3 = pass/fail/N/A
    Increase,
    Decrease,
    Accept, ///< the focused item's suggestion, or the queue row under the cursor
    AcceptAll,
    Comment,
    Annotate,
    AnnotateItem,
    Submit,
    NextCall,
    PreviousCall,
    FocusQueue,
    ShowScreen, ///< the screen numbered by the binding's `arg`: 0 Review, 1 Library, 2 Import, 3
                ///< Settings
    Help,
    Cancel,
};

/// A key with its modifiers, as Dear ImGui 1.86 reports it.
struct KeyChord {
    enum class Type {
        Named, ///< an ImGuiKey_ value, found through ImGui::GetKeyIndex (the backend's io.KeyMap)
        Code,  ///< a backend key code in io.KeysDown: GLFW's, where printable keys are their
               ///< upper-case ASCII value
        Char,  ///< a character typed (io.InputQueueCharacters), whatever the keyboard layout;
               ///< Shift is not compared
    };
    Type type = Type::Code;
    int value = 0;
    bool ctrl = false;
    bool shift = false;
};

struct Binding {
    KeyChord chord;
    Command command;
    int arg = 0;         ///< Digit: which digit
    bool repeat = false; ///< fires again while held
};

/// GLFW codes of keys Dear ImGui 1.86 has no ImGuiKey_ for.
inline constexpr int kKeyF1 = 290;
inline constexpr int kKeyKeypad0 = 320;

/// Every key binding of the workstation; the single source of the key map, the `?` overlay and
/// the tooltips.
[[nodiscard]] std::span<const Binding> bindings();

/// How a chord is written for people, e.g. "Shift+N", "Ctrl+↓", "空格".
[[nodiscard]] std::string chordName(const KeyChord& chord, scoring::Language language);

/// The keys of a command for a tooltip, e.g. "1 / P"; empty when it has none.
[[nodiscard]] std::string keysFor(Command command, scoring::Language language);

/// `label (keys)`, the way buttons' tooltips name their shortcut.
[[nodiscard]] std::string withKeys(const char* label, Command command, scoring::Language language);

/// One line of the `?` overlay: the keys as written and what they do.
struct HelpRow {
    std::vector<Command> commands; ///< the commands the line documents
    const char* keysZh;
    const char* keysEn;
    const char* zh;
    const char* en;
};

struct HelpGroup {
    const char* zh;
    const char* en;
    std::vector<HelpRow> rows;
};

/// The `?` overlay's content in display order: the left column's groups, then the right's.
[[nodiscard]] const std::vector<HelpGroup>& helpGroups();
/// How many of helpGroups() go in the overlay's left column.
inline constexpr std::size_t kHelpLeftGroups = 3;

} // namespace callqc::station
