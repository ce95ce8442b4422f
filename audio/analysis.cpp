#include "audio/analysis.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <numeric>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace callqc::audio {
namespace {

double totalLength(const std::vector<Interval>& list) {
    return std::accumulate(list.begin(), list.end(), 0.0,
                           [](double sum, const Interval& i) { return sum + i.lengthSec(); });
}

/// Union of two sorted, non-overlapping interval lists.
std::vector<Interval> unite(const std::vector<Interval>& a, const std::vector<Interval>& b) {
    std::vector<Interval> all;
    all.reserve(a.size() + b.size());
    std::merge(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(all),
               [](const Interval& x, const Interval& y) { return x.startSec < y.startSec; });
    std::vector<Interval> out;
    for (const auto& i : all) {
        if (!out.empty() && i.startSec <= out.back().endSec) {
            out.back().endSec = std::max(out.back().endSec, i.endSec);
        } else {
            out.push_back(i);
        }
    }
    return out;
}

std::int8_t quantise(float v) {
    const float clamped = std::clamp(v, -1.0f, 1.0f);
    return static_cast<std::int8_t>(std::lround(clamped * 127.0f));
}

/// Folds samples [p, p + n) into the running minimum `lo` and maximum `hi` (with kPeaks) and the
/// running sum of squares `sumSquares` (with kEnergy; each square is exact in double). Eight
/// samples a step in independent lanes, so that neither a compare chain nor the latency of one
/// running sum bounds the loop; the sum is therefore added in a different order than one sample
/// after another (a difference in the last bits).
template <bool kPeaks, bool kEnergy>
void fold(const float* p, std::size_t n, float& lo, float& hi, double& sumSquares) {
    std::size_t i = 0;
#if defined(__SSE2__)
    if (n >= 8) {
        __m128 lo4 = _mm_set1_ps(lo);
        __m128 hi4 = _mm_set1_ps(hi);
        __m128d sum0 = _mm_setzero_pd();
        __m128d sum1 = _mm_setzero_pd();
        __m128d sum2 = _mm_setzero_pd();
        __m128d sum3 = _mm_setzero_pd();
        for (; i + 8 <= n; i += 8) {
            const __m128 a = _mm_loadu_ps(p + i);
            const __m128 b = _mm_loadu_ps(p + i + 4);
            if constexpr (kPeaks) {
                lo4 = _mm_min_ps(_mm_min_ps(a, b), lo4);
                hi4 = _mm_max_ps(_mm_max_ps(a, b), hi4);
            }
            if constexpr (kEnergy) {
                const __m128d a0 = _mm_cvtps_pd(a);
                const __m128d a1 = _mm_cvtps_pd(_mm_movehl_ps(a, a));
                const __m128d b0 = _mm_cvtps_pd(b);
                const __m128d b1 = _mm_cvtps_pd(_mm_movehl_ps(b, b));
                sum0 = _mm_add_pd(sum0, _mm_mul_pd(a0, a0));
                sum1 = _mm_add_pd(sum1, _mm_mul_pd(a1, a1));
                sum2 = _mm_add_pd(sum2, _mm_mul_pd(b0, b0));
                sum3 = _mm_add_pd(sum3, _mm_mul_pd(b1, b1));
            }
        }
        if constexpr (kPeaks) {
            alignas(16) float lanes[4];
            _mm_store_ps(lanes, lo4);
            lo = std::min({lanes[0], lanes[1], lanes[2], lanes[3]});
            _mm_store_ps(lanes, hi4);
            hi = std::max({lanes[0], lanes[1], lanes[2], lanes[3]});
        }
        if constexpr (kEnergy) {
            alignas(16) double lanes[2];
            _mm_store_pd(lanes, _mm_add_pd(_mm_add_pd(sum0, sum1), _mm_add_pd(sum2, sum3)));
            sumSquares += lanes[0] + lanes[1];
        }
    }
#endif
    for (; i < n; ++i) {
        if constexpr (kPeaks) {
            lo = std::min(lo, p[i]);
            hi = std::max(hi, p[i]);
        }
        if constexpr (kEnergy) {
            sumSquares += static_cast<double>(p[i]) * p[i];
        }
    }
}

/// One pass over a channel, fed in pieces of any size: its level-0 peak bins (with `peaks`) and
/// the level in dBFS of each whole VAD frame of `frameLen` samples (with `energy`; a trailing
/// partial frame is left out). The samples are folded in stretches between consecutive bin and
/// frame boundaries whatever the pieces (a stretch split between pieces is gathered first), so
/// that the results do not depend on how the samples were split.
class ChannelScanner {
public:
    ChannelScanner(std::size_t frameLen, bool peaks, bool energy)
        : m_frameLen(frameLen), m_peaks(peaks), m_energy(energy),
          m_frameEnd(energy ? frameLen : kNever) {
        m_pending.reserve(kBin);
    }

    void push(const float* samples, std::size_t n) {
        const std::size_t first = m_received; // the label of samples[0]
        m_received += n;
        for (;;) {
            const std::size_t stop = std::min(m_binEnd, m_frameEnd);
            if (stop > m_received) {
                break;
            }
            if (m_segmentStart < first) {
                // The stretch began in an earlier piece: complete it in m_pending.
                m_pending.insert(m_pending.end(), samples, samples + (stop - first));
                foldStretch(m_pending.data(), m_pending.size());
                m_pending.clear();
            } else {
                foldStretch(samples + (m_segmentStart - first), stop - m_segmentStart);
            }
            m_segmentStart = stop;
            closeBoundaries(stop);
        }
        const std::size_t from = std::max(m_segmentStart, first);
        m_pending.insert(m_pending.end(), samples + (from - first), samples + n);
    }

    /// Folds the last, partial stretch and closes the last, partial bin.
    void finish() {
        foldStretch(m_pending.data(), m_pending.size());
        m_pending.clear();
        if (m_peaks && m_received > m_binEnd - kBin) {
            emitBin();
        }
    }

    PeakPyramid::Level& base() { return m_base; }
    std::vector<double>& frameDb() { return m_frameDb; }

private:
    static constexpr auto kBin = static_cast<std::size_t>(PeakPyramid::kBaseSamplesPerBin);
    static constexpr std::size_t kNever = std::numeric_limits<std::size_t>::max();
    static constexpr float kInf = std::numeric_limits<float>::infinity();

    void foldStretch(const float* p, std::size_t n) {
        if (m_peaks && m_energy) {
            fold<true, true>(p, n, m_lo, m_hi, m_sum);
        } else if (m_peaks) {
            fold<true, false>(p, n, m_lo, m_hi, m_sum);
        } else {
            fold<false, true>(p, n, m_lo, m_hi, m_sum);
        }
    }

    void closeBoundaries(std::size_t at) {
        if (at == m_binEnd) {
            if (m_peaks) {
                emitBin();
            }
            m_binEnd += kBin;
        }
        if (at == m_frameEnd) {
            const double rms = std::sqrt(m_sum / static_cast<double>(m_frameLen));
            m_frameDb.push_back(rms > 1e-7 ? 20.0 * std::log10(rms) : -140.0);
            m_sum = 0;
            m_frameEnd += m_frameLen;
        }
    }

    void emitBin() {
        m_base.min.push_back(quantise(m_lo));
        m_base.max.push_back(quantise(m_hi));
        m_lo = kInf;
        m_hi = -kInf;
    }

    std::size_t m_frameLen;
    bool m_peaks;
    bool m_energy;
    std::size_t m_received = 0;     ///< samples pushed so far
    std::size_t m_segmentStart = 0; ///< first sample not folded yet
    std::size_t m_binEnd = kBin;
    std::size_t m_frameEnd;
    std::vector<float> m_pending; ///< samples from m_segmentStart on, when a stretch is split
    float m_lo = kInf;
    float m_hi = -kInf;
    double m_sum = 0;
    PeakPyramid::Level m_base;
    std::vector<double> m_frameDb;
};

std::size_t frameLengthFor(const AnalysisConfig& config, int sampleRateHz) {
    return static_cast<std::size_t>(
        std::max(1.0, std::round(config.frameMs * sampleRateHz / 1000.0)));
}

/// Speech intervals from the frames' levels (see detectSpeech).
std::vector<Interval> speechFromFrames(const std::vector<double>& db, std::size_t frameLen,
                                       int sampleRateHz, const AnalysisConfig& config) {
    std::vector<Interval> out;
    const std::size_t frameCount = db.size();
    if (frameCount == 0) {
        return out;
    }
    std::vector<double> sorted = db;
    const auto nth = sorted.begin() + static_cast<std::ptrdiff_t>(frameCount / 10);
    std::nth_element(sorted.begin(), nth, sorted.end());
    const double floorDb = *nth;
    const double threshold =
        std::max(floorDb + config.thresholdAboveFloorDb, config.absoluteFloorDbfs);

    const double frameSec = static_cast<double>(frameLen) / sampleRateHz;
    const auto hangFrames = static_cast<std::size_t>(std::ceil(config.hangoverMs / config.frameMs));
    const double minSpeechSec = config.minSpeechMs / 1000.0;
    std::size_t f = 0;
    while (f < frameCount) {
        if (db[f] < threshold) {
            ++f;
            continue;
        }
        const std::size_t start = f;
        std::size_t lastLoud = f;
        while (f < frameCount && f - lastLoud <= hangFrames) {
            if (db[f] >= threshold) {
                lastLoud = f;
            }
            ++f;
        }
        const double startSec = static_cast<double>(start) * frameSec;
        const double endSec = static_cast<double>(lastLoud + 1) * frameSec;
        if (endSec - startSec >= minSpeechSec) {
            out.push_back({startSec, endSec});
        }
        f = lastLoud + 1;
    }
    return out;
}

} // namespace

const PeakPyramid::Level& PeakPyramid::levelFor(int channel, double binsWanted) const {
    const auto& levels = channels.at(static_cast<std::size_t>(channel));
    assert(!levels.empty());
    std::size_t chosen = 0;
    for (std::size_t i = 0; i < levels.size(); ++i) {
        if (static_cast<double>(levels[i].min.size()) >= binsWanted) {
            chosen = i;
        }
    }
    return levels[chosen];
}

std::vector<Interval> detectSpeech(const std::vector<float>& samples, int sampleRateHz,
                                   const AnalysisConfig& config) {
    const std::size_t frameLen = frameLengthFor(config, sampleRateHz);
    ChannelScanner scanner(frameLen, false, true);
    scanner.push(samples.data(), samples.size());
    scanner.finish();
    return speechFromFrames(scanner.frameDb(), frameLen, sampleRateHz, config);
}

std::vector<Interval> silences(const std::vector<Interval>& a, const std::vector<Interval>& b,
                               double from, double to, double minSec) {
    std::vector<Interval> out;
    double cursor = from;
    for (const auto& busy : unite(a, b)) {
        if (busy.startSec - cursor >= minSec && busy.startSec <= to) {
            out.push_back({cursor, busy.startSec});
        }
        cursor = std::max(cursor, busy.endSec);
    }
    if (to - cursor >= minSec) {
        out.push_back({cursor, to});
    }
    return out;
}

std::vector<Interval> overlaps(const std::vector<Interval>& a, const std::vector<Interval>& b,
                               double minSec) {
    std::vector<Interval> out;
    std::size_t i = 0;
    std::size_t j = 0;
    while (i < a.size() && j < b.size()) {
        const double start = std::max(a[i].startSec, b[j].startSec);
        const double end = std::min(a[i].endSec, b[j].endSec);
        if (end - start >= minSec) {
            out.push_back({start, end});
        }
        if (a[i].endSec < b[j].endSec) {
            ++i;
        } else {
            ++j;
        }
    }
    return out;
}

namespace {

void addUpperLevels(std::vector<PeakPyramid::Level>& levels) {
    while (levels.back().min.size() > 1) {
        const auto& below = levels.back();
        PeakPyramid::Level up;
        up.samplesPerBin = below.samplesPerBin * PeakPyramid::kLevelFactor;
        const std::size_t n =
            (below.min.size() + PeakPyramid::kLevelFactor - 1) / PeakPyramid::kLevelFactor;
        up.min.resize(n);
        up.max.resize(n);
        for (std::size_t k = 0; k < n; ++k) {
            const auto s = static_cast<std::ptrdiff_t>(k * PeakPyramid::kLevelFactor);
            const auto e = static_cast<std::ptrdiff_t>(
                std::min((k + 1) * PeakPyramid::kLevelFactor, below.min.size()));
            up.min[k] = *std::min_element(below.min.begin() + s, below.min.begin() + e);
            up.max[k] = *std::max_element(below.max.begin() + s, below.max.begin() + e);
        }
        levels.push_back(std::move(up));
    }
}

void putU32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) {
        out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    }
}

std::uint32_t getU32(const std::vector<std::uint8_t>& in, std::size_t at) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        v |= static_cast<std::uint32_t>(in[at + i]) << (8 * i);
    }
    return v;
}

constexpr std::uint32_t kPeaksMagic = 0x31534b50; // "PKS1"

} // namespace

std::vector<std::uint8_t> serializePeaks(const PeakPyramid& peaks) {
    std::vector<std::uint8_t> out;
    const std::size_t bins = peaks.channels.empty() ? 0 : peaks.channels[0][0].min.size();
    putU32(out, kPeaksMagic);
    putU32(out, static_cast<std::uint32_t>(peaks.sampleRateHz));
    putU32(out, static_cast<std::uint32_t>(peaks.channels.size()));
    putU32(out, static_cast<std::uint32_t>(bins));
    for (const auto& levels : peaks.channels) {
        for (auto v : levels[0].min) {
            out.push_back(static_cast<std::uint8_t>(v));
        }
        for (auto v : levels[0].max) {
            out.push_back(static_cast<std::uint8_t>(v));
        }
    }
    return out;
}

PeakPyramid deserializePeaks(const std::vector<std::uint8_t>& bytes) {
    PeakPyramid pyramid;
    if (bytes.size() < 16 || getU32(bytes, 0) != kPeaksMagic) {
        return pyramid;
    }
    const std::uint32_t channels = getU32(bytes, 8);
    const std::size_t bins = getU32(bytes, 12);
    if (channels == 0 || channels > 8 || bins == 0 || bytes.size() != 16 + channels * bins * 2) {
        return pyramid;
    }
    pyramid.sampleRateHz = static_cast<int>(getU32(bytes, 4));
    std::size_t at = 16;
    for (std::uint32_t c = 0; c < channels; ++c) {
        PeakPyramid::Level base;
        for (auto* list : {&base.min, &base.max}) {
            list->resize(bins);
            for (std::size_t i = 0; i < bins; ++i) {
                (*list)[i] = static_cast<std::int8_t>(bytes[at++]);
            }
        }
        std::vector<PeakPyramid::Level> levels;
        levels.push_back(std::move(base));
        addUpperLevels(levels);
        pyramid.channels.push_back(std::move(levels));
    }
    return pyramid;
}

PeakPyramid buildPeaks(const PcmBuffer& pcm) {
    PeakPyramid pyramid;
    pyramid.sampleRateHz = pcm.sampleRateHz;
    for (const auto& samples : pcm.channels) {
        ChannelScanner scanner(1, true, false);
        scanner.push(samples.data(), samples.size());
        scanner.finish();
        std::vector<PeakPyramid::Level> levels;
        levels.push_back(std::move(scanner.base()));
        addUpperLevels(levels);
        pyramid.channels.push_back(std::move(levels));
    }
    return pyramid;
}

struct StreamAnalyzer::State {
    AnalysisConfig config;
    int sampleRateHz = 0;
    std::size_t frameLen = 1;
    std::size_t frames = 0;
    std::vector<ChannelScanner> channels;
};

StreamAnalyzer::StreamAnalyzer(int sampleRateHz, int channels, const AnalysisConfig& config)
    : m_state(std::make_unique<State>()) {
    State& s = *m_state;
    s.config = config;
    s.sampleRateHz = sampleRateHz;
    s.frameLen = frameLengthFor(config, sampleRateHz);
    // Peaks of every channel; VAD frames of the parties' channels (the first two; a mono file's
    // only one).
    const int parties = channels >= 2 ? 2 : 1;
    for (int c = 0; c < channels; ++c) {
        s.channels.emplace_back(s.frameLen, true, c < parties);
    }
}

StreamAnalyzer::~StreamAnalyzer() = default;

void StreamAnalyzer::push(const float* const* planes, std::size_t frames) {
    for (std::size_t c = 0; c < m_state->channels.size(); ++c) {
        m_state->channels[c].push(planes[c], frames);
    }
    m_state->frames += frames;
}

AudioProfile StreamAnalyzer::finish() {
    State& s = *m_state;
    const AnalysisConfig& config = s.config;
    AudioProfile profile;
    profile.durationSec = s.sampleRateHz > 0 ? static_cast<double>(s.frames) / s.sampleRateHz : 0.0;
    profile.stereo = s.channels.size() >= 2;
    profile.peaks.sampleRateHz = s.sampleRateHz;
    if (s.channels.empty()) {
        return profile;
    }
    for (auto& channel : s.channels) {
        channel.finish();
        std::vector<PeakPyramid::Level> levels;
        levels.push_back(std::move(channel.base()));
        addUpperLevels(levels);
        profile.peaks.channels.push_back(std::move(levels));
    }
    const auto speechOf = [&](std::size_t channel) {
        return speechFromFrames(s.channels[channel].frameDb(), s.frameLen, s.sampleRateHz, config);
    };
    if (profile.stereo) {
        const auto agent = static_cast<std::size_t>(std::clamp(config.agentChannel, 0, 1));
        profile.agentSpeech = speechOf(agent);
        profile.customerSpeech = speechOf(1 - agent);
        profile.overtalk =
            overlaps(profile.agentSpeech, profile.customerSpeech, config.overtalkMinSec);
    } else {
        profile.agentSpeech = speechOf(0);
    }
    profile.agentSpeechSec = totalLength(profile.agentSpeech);
    profile.customerSpeechSec = totalLength(profile.customerSpeech);
    const auto speech = unite(profile.agentSpeech, profile.customerSpeech);
    if (!speech.empty()) {
        const double first = speech.front().startSec;
        const double last = speech.back().endSec;
        profile.deadAir = silences(profile.agentSpeech, profile.customerSpeech, first, last,
                                   config.deadAirMinSec);
        for (const auto& gap :
             silences(profile.agentSpeech, profile.customerSpeech, first, last, 0.0)) {
            profile.longestSilenceSec = std::max(profile.longestSilenceSec, gap.lengthSec());
        }
    }
    const double talk = profile.agentSpeechSec + profile.customerSpeechSec;
    profile.talkRatio = profile.stereo && talk > 0 ? profile.agentSpeechSec / talk : 0.0;
    return profile;
}

AudioProfile analyze(const PcmBuffer& pcm, const AnalysisConfig& config) {
    StreamAnalyzer analyzer(pcm.sampleRateHz, pcm.channelCount(), config);
    std::vector<const float*> planes;
    std::size_t frames = pcm.frames();
    for (const auto& channel : pcm.channels) {
        assert(channel.size() == frames); // a PcmBuffer's channels are of one length
        frames = std::min(frames, channel.size());
        planes.push_back(channel.data());
    }
    analyzer.push(planes.data(), frames);
    return analyzer.finish();
}

} // namespace callqc::audio
