#include <gtest/gtest.h>

#include "audio/analysis.hpp"
#include "tests/audio/fixtures.hpp"

namespace callqc::audio {
namespace {

using tests::addNoise;
using tests::addTone;
using tests::silence;

constexpr double kFrameSec = 0.02;

void expectInterval(const Interval& actual, double start, double end) {
    EXPECT_NEAR(actual.startSec, start, kFrameSec) << "start";
    EXPECT_NEAR(actual.endSec, end, kFrameSec) << "end";
}

/// Agent 1–4 s and 14–16 s, customer 3–6 s: overtalk 3–4 s, dead air 6–14 s.
PcmBuffer scriptedCall() {
    auto pcm = silence(2, 18.0);
    addTone(pcm, 0, 1.0, 4.0, 300.0, 0.5f);
    addTone(pcm, 0, 14.0, 16.0, 300.0, 0.5f);
    addTone(pcm, 1, 3.0, 6.0, 500.0, 0.05f); // a quiet customer, about -32 dBFS
    addNoise(pcm, 0.001f);                   // line noise about -66 dBFS
    return pcm;
}

TEST(Analysis, findsSpeechOvertalkAndDeadAirOfAScriptedCall) {
    const auto profile = analyze(scriptedCall());
    EXPECT_TRUE(profile.stereo);
    EXPECT_DOUBLE_EQ(profile.durationSec, 18.0);
    ASSERT_EQ(profile.agentSpeech.size(), 2u);
    expectInterval(profile.agentSpeech[0], 1.0, 4.0);
    expectInterval(profile.agentSpeech[1], 14.0, 16.0);
    ASSERT_EQ(profile.customerSpeech.size(), 1u);
    expectInterval(profile.customerSpeech[0], 3.0, 6.0);
    ASSERT_EQ(profile.overtalk.size(), 1u);
    expectInterval(profile.overtalk[0], 3.0, 4.0);
    ASSERT_EQ(profile.deadAir.size(), 1u);
    expectInterval(profile.deadAir[0], 6.0, 14.0);
    EXPECT_NEAR(profile.agentSpeechSec, 5.0, 2 * kFrameSec);
    EXPECT_NEAR(profile.customerSpeechSec, 3.0, 2 * kFrameSec);
    EXPECT_NEAR(profile.talkRatio, 5.0 / 8.0, 0.01);
    EXPECT_NEAR(profile.longestSilenceSec, 8.0, 2 * kFrameSec);
}

TEST(Analysis, agentChannelIsConfiguration) {
    AnalysisConfig config;
    config.agentChannel = 1;
    const auto profile = analyze(scriptedCall(), config);
    ASSERT_EQ(profile.agentSpeech.size(), 1u);
    expectInterval(profile.agentSpeech[0], 3.0, 6.0);
}

TEST(Analysis, silenceShorterThanTheThresholdIsNotDeadAir) {
    AnalysisConfig config;
    config.deadAirMinSec = 9.0;
    EXPECT_TRUE(analyze(scriptedCall(), config).deadAir.empty());
}

TEST(Analysis, monoIsOneMixedPartyWithoutOvertalk) {
    auto pcm = silence(1, 10.0);
    addTone(pcm, 0, 1.0, 3.0);
    addTone(pcm, 0, 2.0, 4.0, 700.0, 0.3f);
    const auto profile = analyze(pcm);
    EXPECT_FALSE(profile.stereo);
    EXPECT_TRUE(profile.overtalk.empty());
    EXPECT_TRUE(profile.customerSpeech.empty());
    ASSERT_EQ(profile.agentSpeech.size(), 1u);
    expectInterval(profile.agentSpeech[0], 1.0, 4.0);
    EXPECT_DOUBLE_EQ(profile.talkRatio, 0.0);
}

TEST(Analysis, shortGapsInsideSpeechAreHeldByTheHangover) {
    auto pcm = silence(1, 5.0);
    addTone(pcm, 0, 1.0, 2.0);
    addTone(pcm, 0, 2.2, 3.0); // 200 ms pause < 300 ms hangover
    const auto speech = detectSpeech(pcm.channels[0], pcm.sampleRateHz, {});
    ASSERT_EQ(speech.size(), 1u);
    expectInterval(speech[0], 1.0, 3.0);
}

TEST(Analysis, silentFileHasNoSpeechAndNoDeadAir) {
    const auto profile = analyze(silence(2, 30.0));
    EXPECT_TRUE(profile.agentSpeech.empty());
    EXPECT_TRUE(profile.deadAir.empty());
    EXPECT_DOUBLE_EQ(profile.longestSilenceSec, 0.0);
}

TEST(Analysis, streamedInAnyPiecesIsTheSameAsAnalyzeBitForBit) {
    auto pcm = scriptedCall();
    const std::size_t frames = pcm.frames() - 77; // neither whole bins nor whole VAD frames
    for (auto& channel : pcm.channels) {
        channel.resize(frames);
    }
    const auto whole = analyze(pcm);
    for (const std::size_t piece : {std::size_t{1}, std::size_t{7}, std::size_t{256},
                                    std::size_t{333}, std::size_t{4096}, pcm.frames()}) {
        StreamAnalyzer analyzer(pcm.sampleRateHz, pcm.channelCount());
        for (std::size_t at = 0; at < pcm.frames(); at += piece) {
            const float* planes[] = {pcm.channels[0].data() + at, pcm.channels[1].data() + at};
            analyzer.push(planes, std::min(piece, pcm.frames() - at));
        }
        const auto streamed = analyzer.finish();
        EXPECT_EQ(streamed.durationSec, whole.durationSec) << piece;
        EXPECT_EQ(streamed.agentSpeech, whole.agentSpeech) << piece;
        EXPECT_EQ(streamed.customerSpeech, whole.customerSpeech) << piece;
        EXPECT_EQ(streamed.overtalk, whole.overtalk) << piece;
        EXPECT_EQ(streamed.deadAir, whole.deadAir) << piece;
        EXPECT_EQ(serializePeaks(streamed.peaks), serializePeaks(whole.peaks)) << piece;
    }
    // detectSpeech and buildPeaks alone agree with the one pass.
    EXPECT_EQ(detectSpeech(pcm.channels[0], pcm.sampleRateHz, {}), whole.agentSpeech);
    EXPECT_EQ(serializePeaks(buildPeaks(pcm)), serializePeaks(whole.peaks));
}

TEST(Peaks, pyramidLevelsShrinkByTheFactorAndKeepExtremes) {
    auto pcm = silence(1, 2.048); // 16384 samples = 64 base bins
    pcm.channels[0][5000] = 1.0f;
    pcm.channels[0][9000] = -0.5f;
    const auto peaks = buildPeaks(pcm);
    ASSERT_EQ(peaks.channels.size(), 1u);
    const auto& levels = peaks.channels[0];
    ASSERT_EQ(levels.size(), 4u); // 64, 16, 4, 1 bins
    EXPECT_EQ(levels[0].min.size(), 64u);
    EXPECT_EQ(levels[3].min.size(), 1u);
    EXPECT_EQ(levels[0].max[5000 / 256], 127);
    EXPECT_EQ(levels[0].min[9000 / 256], -64);
    EXPECT_EQ(levels[3].max[0], 127);
    EXPECT_EQ(levels[3].min[0], -64);
    EXPECT_EQ(&peaks.levelFor(0, 10), &levels[1]);
    EXPECT_EQ(&peaks.levelFor(0, 1000), &levels[0]);
}

TEST(Peaks, serializationRoundTripsAndRejectsGarbage) {
    auto pcm = silence(2, 3.0);
    addTone(pcm, 0, 0.5, 1.5);
    addTone(pcm, 1, 1.0, 2.5, 900.0, 0.2f);
    const auto peaks = buildPeaks(pcm);
    const auto bytes = serializePeaks(peaks);
    EXPECT_EQ(bytes.size(), 16u + 2u * 2u * peaks.channels[0][0].min.size());
    const auto back = deserializePeaks(bytes);
    ASSERT_EQ(back.channels.size(), 2u);
    EXPECT_EQ(back.sampleRateHz, 8000);
    for (std::size_t c = 0; c < 2; ++c) {
        ASSERT_EQ(back.channels[c].size(), peaks.channels[c].size());
        for (std::size_t l = 0; l < peaks.channels[c].size(); ++l) {
            EXPECT_EQ(back.channels[c][l].min, peaks.channels[c][l].min);
            EXPECT_EQ(back.channels[c][l].max, peaks.channels[c][l].max);
        }
    }
    auto broken = bytes;
    broken.pop_back();
    EXPECT_TRUE(deserializePeaks(broken).channels.empty());
    EXPECT_TRUE(deserializePeaks({1, 2, 3}).channels.empty());
}

} // namespace
} // namespace callqc::audio
