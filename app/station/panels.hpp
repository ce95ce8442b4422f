#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/core/session.hpp"
#include "app/station/ui_text.hpp"
#include "scoring/score.hpp"

namespace callqc::station {

struct QueueState {
    const std::vector<storage::QueueRow>* rows = nullptr;
    std::optional<std::int64_t> openRecordingId;
    std::string inspector;
    std::string status;                ///< one line under the list: errors or what is loading
    std::optional<std::size_t> cursor; ///< the row ↑/↓ and Enter work on
    bool keyboardHere = false;         ///< the queue has the keyboard (the cursor is drawn)
    bool scrollToCursor = false;       ///< bring the cursor row into view this frame
};

class QueueActions {
public:
    virtual ~QueueActions() = default;
    virtual void openCall(std::int64_t recordingId) = 0;
};

/// A one-line text field open for typing from the keyboard: a comment on an item or a note.
/// The application owns the text; the panel shows it and reports edits.
struct InlineEdit {
    enum class Kind {
        Comment, ///< on item `itemId`
        NewNote, ///< a new annotation at `atSec` (to `endSec`), about `itemId` when not empty
        Note,    ///< the note of annotation `annotationId`
    };
    Kind kind = Kind::Comment;
    std::string itemId;
    std::int64_t annotationId = 0;
    double atSec = 0;
    std::optional<double> endSec;
    std::string text;
    std::string original; ///< Comment: what the answer's comment was before (Esc restores it)
    bool focusNow = true; ///< give the field the keyboard this frame
};

struct ReviewState {
    const core::CallView* call = nullptr; ///< null: nothing open
    bool audioReady = false;
    bool playing = false;
    double positionSec = 0;
    std::string outputName;
    std::string audioError; ///< why the recording cannot play (empty when it can)
    /// The recording on disk is not what was imported (or cannot be read to check); empty if fine.
    std::string integrityWarning;
    double speed = 1.0;
    bool skipSilence = false;
    int solo = -1;                       ///< -1 both parties, 0 agent only, 1 customer only
    std::optional<double> loopA;         ///< A mark set, waiting for B
    std::optional<audio::Interval> loop; ///< active A–B loop
    bool canExportClip = false;          ///< the user may export clips of this call
    bool exportingClip = false;          ///< a clip is being written
    std::string clipStatus;              ///< what the last clip export wrote, or why it failed
    const scoring::Answers* answers = nullptr;
    const scoring::ScoreResult* score = nullptr;
    bool readOnly = false; ///< already submitted
    std::string message;   ///< last save / validation result
    std::string hint;      ///< what the last key did, e.g. where a jump landed
    /// The focused checklist item, counted through all sections in order.
    std::optional<std::size_t> focusedItem;
    bool keyboardHere = true;   ///< the scorecard has the keyboard (else the queue has)
    bool scrollToFocus = false; ///< bring the focused item into view this frame
    const std::vector<storage::AnnotationRecord>* annotations = nullptr;
    const InlineEdit* edit = nullptr; ///< the open text field, if any
};

class ReviewActions {
public:
    virtual ~ReviewActions() = default;
    virtual void togglePlay() = 0;
    virtual void seek(double seconds) = 0;
    virtual void setSpeed(double speed) = 0;
    virtual void toggleSkipSilence() = 0;
    /// -1 both parties, 0 agent only, 1 customer only.
    virtual void setSolo(int party) = 0;
    /// First press marks A at the playhead, the second B (starting the loop), the third clears.
    virtual void cycleLoop() = 0;
    /// Writes the A–B loop as a clip (customer number masked) into the export folder.
    virtual void exportLoopClip() = 0;
    virtual void setAnswer(const std::string& itemId, const scoring::ItemAnswer& answer) = 0;
    virtual void submit() = 0;
    /// Moves the keyboard's focus to an item (counted as in ReviewState::focusedItem).
    virtual void focusItem(std::size_t index) = 0;
    /// The open text field's text changed.
    virtual void editText(const std::string& text) = 0;
    /// The open text field was left: keep what was typed, or not.
    virtual void finishEdit(bool keep) = 0;
    virtual void editAnnotation(std::int64_t annotationId) = 0;
    virtual void deleteAnnotation(std::int64_t annotationId) = 0;
};

/// The sampled calls of the signed-in inspector; a click opens one.
void drawQueuePanel(const QueueState& state, QueueActions& actions, const UiText& text);

/// One call: header, transport, waveform, transcript, notes and scorecard.
void drawReviewPanel(const ReviewState& state, ReviewActions& actions, const UiText& text);

/// The `?` overlay: every key of shortcuts.hpp, centred over the window. Returns false when its
/// close button was clicked.
bool drawShortcutOverlay(const UiText& text);
/// The overlay's content: the groups of shortcuts.hpp's helpGroups() in two columns.
void drawShortcutList(const UiText& text);

/// Min/max of the peaks between two times, as fractions of full scale (-1..1).
struct PeakColumn {
    float min = 0;
    float max = 0;
};
[[nodiscard]] std::vector<PeakColumn> peakColumns(const audio::PeakPyramid& peaks, int channel,
                                                  double durationSec, int columns);

} // namespace callqc::station
