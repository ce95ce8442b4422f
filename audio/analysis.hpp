#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "audio/pcm_buffer.hpp"

namespace callqc::audio {

struct Interval {
    double startSec = 0;
    double endSec = 0;

    [[nodiscard]] double lengthSec() const { return endSec - startSec; }
    friend bool operator==(const Interval&, const Interval&) = default;
};

/// Min/max envelope of one channel at several resolutions. Level 0 has one bin per
/// `kBaseSamplesPerBin` samples; each level above merges `kLevelFactor` bins of the one below.
/// Values are quantised to int8 (sample * 127).
struct PeakPyramid {
    static constexpr int kBaseSamplesPerBin = 256;
    static constexpr int kLevelFactor = 4;

    struct Level {
        int samplesPerBin = kBaseSamplesPerBin;
        std::vector<std::int8_t> min;
        std::vector<std::int8_t> max;
    };
    int sampleRateHz = 8000;
    std::vector<std::vector<Level>> channels; ///< [channel][level]

    /// The coarsest level that still has at least `binsWanted` bins over the whole file.
    [[nodiscard]] const Level& levelFor(int channel, double binsWanted) const;
};

struct AnalysisConfig {
    double frameMs = 20.0;
    double deadAirMinSec = 5.0;  ///< both silent at least this long, between first and last speech
    double overtalkMinSec = 0.5; ///< both speaking at least this long (stereo only)
    double hangoverMs = 300.0;   ///< speech is held this long after energy drops
    double minSpeechMs = 100.0;  ///< shorter bursts are noise
    double thresholdAboveFloorDb = 12.0;
    double absoluteFloorDbfs = -60.0; ///< never call anything quieter than this speech
    int agentChannel = 0;             ///< stereo: which channel is the agent (0 = left)
};

/// What one pass over a call's audio found. For mono files the mixed party's speech is reported
/// as agent speech, `stereo` is false and overtalk is empty.
struct AudioProfile {
    double durationSec = 0;
    bool stereo = false;
    std::vector<Interval> agentSpeech;
    std::vector<Interval> customerSpeech;
    std::vector<Interval> deadAir;
    std::vector<Interval> overtalk;
    double agentSpeechSec = 0;
    double customerSpeechSec = 0;
    double longestSilenceSec = 0;
    /// agent speech / (agent + customer speech); 0 when nobody spoke or mono.
    double talkRatio = 0;
    PeakPyramid peaks;
};

/// Energy voice-activity detection with an adaptive noise floor and hangover (after the classic
/// short-term-energy detector, e.g. Rabiner & Sambur 1975, with the floor taken as the 10th
/// percentile of frame energies so a quiet line still separates from its own noise).
[[nodiscard]] std::vector<Interval> detectSpeech(const std::vector<float>& samples,
                                                 int sampleRateHz, const AnalysisConfig& config);

/// Intervals where neither list has speech, at least `minSec` long, inside [from, to].
[[nodiscard]] std::vector<Interval> silences(const std::vector<Interval>& a,
                                             const std::vector<Interval>& b, double from, double to,
                                             double minSec);

/// Intersections of two sorted interval lists, at least `minSec` long.
[[nodiscard]] std::vector<Interval> overlaps(const std::vector<Interval>& a,
                                             const std::vector<Interval>& b, double minSec);

[[nodiscard]] PeakPyramid buildPeaks(const PcmBuffer& pcm);

/// Compact bytes for storage: a little-endian header (magic "PKS1", sample rate, channel count,
/// base bin count) and each channel's level-0 min/max bins; upper levels are rebuilt on load.
[[nodiscard]] std::vector<std::uint8_t> serializePeaks(const PeakPyramid& peaks);
/// The inverse of serializePeaks; an empty pyramid when the bytes are not a valid encoding.
[[nodiscard]] PeakPyramid deserializePeaks(const std::vector<std::uint8_t>& bytes);

[[nodiscard]] AudioProfile analyze(const PcmBuffer& pcm, const AnalysisConfig& config = {});

/// analyze() over audio that arrives in pieces, e.g. as a decoder produces it, so that a call is
/// analysed in one pass while its samples are still in the cache and is never held whole in
/// memory. The profile is the one analyze() gives for the same samples, bit for bit, however
/// they were split. Owns its state; one thread at a time.
class StreamAnalyzer {
public:
    StreamAnalyzer(int sampleRateHz, int channels, const AnalysisConfig& config = {});
    ~StreamAnalyzer();
    StreamAnalyzer(const StreamAnalyzer&) = delete;
    StreamAnalyzer& operator=(const StreamAnalyzer&) = delete;

    /// Appends `frames` frames: `planes` holds one pointer per channel.
    void push(const float* const* planes, std::size_t frames);
    /// The profile of everything pushed. Call once; the analyzer is spent afterwards.
    [[nodiscard]] AudioProfile finish();

private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace callqc::audio
