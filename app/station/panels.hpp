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
    std::string status; ///< one line under the list: errors or what is loading
};

class QueueActions {
public:
    virtual ~QueueActions() = default;
    virtual void openCall(std::int64_t recordingId) = 0;
};

struct ReviewState {
    const core::CallView* call = nullptr; ///< null: nothing open
    bool audioReady = false;
    bool playing = false;
    double positionSec = 0;
    std::string outputName;
    std::string audioError; ///< why the recording cannot play (empty when it can)
    double speed = 1.0;
    bool skipSilence = false;
    int solo = -1;                       ///< -1 both parties, 0 agent only, 1 customer only
    std::optional<double> loopA;         ///< A mark set, waiting for B
    std::optional<audio::Interval> loop; ///< active A–B loop
    const scoring::Answers* answers = nullptr;
    const scoring::ScoreResult* score = nullptr;
    bool readOnly = false; ///< already submitted
    std::string message;   ///< last save / validation result
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
    virtual void setAnswer(const std::string& itemId, const scoring::ItemAnswer& answer) = 0;
    virtual void submit() = 0;
};

/// The sampled calls of the signed-in inspector; a click opens one.
void drawQueuePanel(const QueueState& state, QueueActions& actions, const UiText& text);

/// One call: header, transport, waveform, transcript and scorecard.
void drawReviewPanel(const ReviewState& state, ReviewActions& actions, const UiText& text);

/// Min/max of the peaks between two times, as fractions of full scale (-1..1).
struct PeakColumn {
    float min = 0;
    float max = 0;
};
[[nodiscard]] std::vector<PeakColumn> peakColumns(const audio::PeakPyramid& peaks, int channel,
                                                  double durationSec, int columns);

} // namespace callqc::station
