#include "audio/analysis.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>

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
    std::vector<Interval> out;
    const auto frameLen =
        static_cast<std::size_t>(std::max(1.0, std::round(config.frameMs * sampleRateHz / 1000.0)));
    const std::size_t frameCount = samples.size() / frameLen;
    if (frameCount == 0) {
        return out;
    }
    std::vector<double> db(frameCount);
    for (std::size_t f = 0; f < frameCount; ++f) {
        double sum = 0;
        for (std::size_t i = f * frameLen; i < (f + 1) * frameLen; ++i) {
            sum += static_cast<double>(samples[i]) * samples[i];
        }
        const double rms = std::sqrt(sum / static_cast<double>(frameLen));
        db[f] = rms > 1e-7 ? 20.0 * std::log10(rms) : -140.0;
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
        std::vector<PeakPyramid::Level> levels;
        PeakPyramid::Level base;
        const std::size_t bins = (samples.size() + PeakPyramid::kBaseSamplesPerBin - 1) /
                                 PeakPyramid::kBaseSamplesPerBin;
        base.min.resize(bins);
        base.max.resize(bins);
        for (std::size_t bin = 0; bin < bins; ++bin) {
            const std::size_t first = bin * PeakPyramid::kBaseSamplesPerBin;
            const std::size_t last =
                std::min(first + PeakPyramid::kBaseSamplesPerBin, samples.size());
            // A plain min/max reduction (unlike minmax_element) compiles to vector instructions.
            float lo = samples[first];
            float hi = samples[first];
            for (std::size_t i = first + 1; i < last; ++i) {
                lo = std::min(lo, samples[i]);
                hi = std::max(hi, samples[i]);
            }
            base.min[bin] = quantise(lo);
            base.max[bin] = quantise(hi);
        }
        levels.push_back(std::move(base));
        addUpperLevels(levels);
        pyramid.channels.push_back(std::move(levels));
    }
    return pyramid;
}

AudioProfile analyze(const PcmBuffer& pcm, const AnalysisConfig& config) {
    AudioProfile profile;
    profile.durationSec = pcm.durationSec();
    profile.stereo = pcm.channelCount() >= 2;
    profile.peaks = buildPeaks(pcm);
    if (pcm.channels.empty()) {
        return profile;
    }
    if (profile.stereo) {
        const auto agent = static_cast<std::size_t>(std::clamp(config.agentChannel, 0, 1));
        profile.agentSpeech = detectSpeech(pcm.channels[agent], pcm.sampleRateHz, config);
        profile.customerSpeech = detectSpeech(pcm.channels[1 - agent], pcm.sampleRateHz, config);
        profile.overtalk =
            overlaps(profile.agentSpeech, profile.customerSpeech, config.overtalkMinSec);
    } else {
        profile.agentSpeech = detectSpeech(pcm.channels[0], pcm.sampleRateHz, config);
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

} // namespace callqc::audio
