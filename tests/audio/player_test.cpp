#include <cmath>
#include <thread>

#include <gtest/gtest.h>

#include "audio/decoder.hpp"
#include "audio/encoder.hpp"
#include "audio/pcm_stream.hpp"
#include "audio/player.hpp"
#include "audio/recording_sink.hpp"
#include "tests/audio/fixtures.hpp"

namespace callqc::audio {
namespace {

constexpr int kRate = 8000;

/// Left = the frame's index / 1e5, right = its negative: every played sample says where it came
/// from. 100000 frames = 12.5 s.
float marker(std::size_t frame) {
    return static_cast<float>(frame) / 100000.0f;
}

std::shared_ptr<const PcmBuffer> indexedCall(int channels, std::size_t frames) {
    auto pcm = std::make_shared<PcmBuffer>();
    pcm->sampleRateHz = kRate;
    pcm->channels.assign(static_cast<std::size_t>(channels), std::vector<float>(frames));
    for (std::size_t i = 0; i < frames; ++i) {
        pcm->channels[0][i] = marker(i);
        if (channels > 1) {
            pcm->channels[1][i] = -marker(i);
        }
    }
    return pcm;
}

/// A player on a recording output, with helpers that pull exactly what a sound card would.
struct Rig {
    RecordingSink* sink;
    Player player;

    Rig() : Rig(std::make_unique<RecordingSink>()) {}
    explicit Rig(std::unique_ptr<RecordingSink> owned)
        : sink(owned.get()), player(std::move(owned)) {}

    void open(std::shared_ptr<const PcmBuffer> pcm) {
        player.open([pcm] {
            return tl::expected<std::unique_ptr<AudioStream>, AudioError>(makePcmStream(pcm));
        });
        for (int i = 0; i < 2000 && player.state() == Player::State::Loading; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
        ASSERT_EQ(player.state(), Player::State::Ready);
    }

    /// Waits (as a real output's steady callbacks would let it) until `frames` are decoded ahead.
    void settle(std::size_t frames) {
        for (int i = 0; i < 4000; ++i) {
            sink->pull(0);
            if (player.waitBuffered(frames, std::chrono::milliseconds(1))) {
                return;
            }
        }
        FAIL() << "player never buffered " << frames << " frames";
    }

    /// Plays `frames` frames in callback-sized pieces and returns the left channel heard.
    std::vector<float> hear(std::size_t frames, std::size_t piece = 512) {
        sink->clear();
        for (std::size_t done = 0; done < frames;) {
            const std::size_t n = std::min(piece, frames - done);
            settle(n);
            sink->pull(n);
            done += n;
        }
        return sink->channel(0);
    }
};

std::size_t markerIndex(float value) {
    return static_cast<std::size_t>(std::lround(value * 100000.0f));
}

TEST(Player, pausedPlayerRendersSilenceAndDoesNotAdvance) {
    Rig rig;
    rig.open(indexedCall(2, 4000));
    rig.settle(100);
    rig.sink->pull(100);
    for (float v : rig.sink->samples()) {
        ASSERT_EQ(v, 0.0f);
    }
    EXPECT_DOUBLE_EQ(rig.player.positionSec(), 0.0);
}

TEST(Player, playsEverySampleOfAStereoCallInOrder) {
    Rig rig;
    rig.open(indexedCall(2, 20000));
    rig.player.play();
    const auto left = rig.hear(20000, 441);
    const auto right = rig.sink->channel(1);
    ASSERT_EQ(left.size(), 20000u);
    for (std::size_t i = 0; i < left.size(); ++i) {
        ASSERT_EQ(left[i], marker(i)) << i;
        ASSERT_EQ(right[i], -marker(i)) << i;
    }
    EXPECT_EQ(rig.player.underruns(), 0u);
}

TEST(Player, seekContinuesAtTheExactSample) {
    Rig rig;
    rig.open(indexedCall(2, 40000));
    rig.player.play();
    (void)rig.hear(1000);
    rig.player.seek(3.25);
    EXPECT_DOUBLE_EQ(rig.player.positionSec(), 3.25);
    const auto left = rig.hear(800);
    EXPECT_EQ(markerIndex(left.front()), 26000u);
    EXPECT_EQ(markerIndex(left.back()), 26799u);
    EXPECT_NEAR(rig.player.positionSec(), 3.35, 1e-9);
}

TEST(Player, monoIsDoubledToBothOutputs) {
    Rig rig;
    rig.open(indexedCall(1, 4000));
    rig.player.play();
    const auto left = rig.hear(100);
    const auto right = rig.sink->channel(1);
    EXPECT_EQ(left, right);
    EXPECT_EQ(left[42], marker(42));
}

TEST(Player, muteAndSoloSilenceTheRightParty) {
    Rig rig;
    rig.open(indexedCall(2, 40000));
    rig.player.play();
    rig.player.setMuted(Party::Customer, true);
    auto left = rig.hear(300);
    auto right = rig.sink->channel(1);
    EXPECT_NE(left[200], 0.0f);
    EXPECT_EQ(right[200], 0.0f);

    rig.player.setMuted(Party::Customer, false);
    rig.player.setSolo(Party::Customer);
    left = rig.hear(300);
    right = rig.sink->channel(1);
    EXPECT_EQ(left[200], 0.0f);
    EXPECT_NE(right[200], 0.0f);

    // The agent on the right: soloing the agent keeps the right channel.
    rig.player.setAgentChannel(1);
    rig.player.setSolo(Party::Agent);
    left = rig.hear(300);
    right = rig.sink->channel(1);
    EXPECT_EQ(left[200], 0.0f);
    EXPECT_NE(right[200], 0.0f);
}

TEST(Player, volumeAndBalanceScaleTheChannels) {
    Rig rig;
    rig.open(indexedCall(2, 40000));
    rig.player.play();
    rig.player.setVolume(0.5);
    rig.player.setBalance(0.5);
    const auto left = rig.hear(300);
    const auto right = rig.sink->channel(1);
    const std::size_t at = markerIndex(left[100] / 0.25f);
    EXPECT_FLOAT_EQ(left[100], marker(at) * 0.25f);
    EXPECT_FLOAT_EQ(right[100], -marker(at) * 0.5f);
}

TEST(Player, skipSilenceJumpsOverDeadAir) {
    Rig rig;
    rig.open(indexedCall(2, 80000));
    rig.player.setSkipSilence(true, {Interval{1.0, 3.0}, Interval{5.0, 6.5}});
    rig.player.seek(0.5);
    rig.player.play();
    const auto left = rig.hear(4000 + 16000 + 100);
    // 0.5–1.0 s, then straight to 3.0 s.
    EXPECT_EQ(markerIndex(left[0]), 4000u);
    EXPECT_EQ(markerIndex(left[3999]), 7999u);
    EXPECT_EQ(markerIndex(left[4000]), 24000u);
    // 3.0–5.0 s, then straight to 6.5 s.
    EXPECT_EQ(markerIndex(left[4000 + 15999]), 39999u);
    EXPECT_EQ(markerIndex(left[4000 + 16000]), 52000u);
    for (float v : left) {
        const double sec = static_cast<double>(markerIndex(v)) / kRate;
        ASSERT_FALSE((sec >= 1.0 && sec < 3.0) || (sec >= 5.0 && sec < 6.5)) << sec;
    }
}

TEST(Player, abLoopRepeatsTheRange) {
    Rig rig;
    rig.open(indexedCall(2, 40000));
    rig.player.setLoop(Interval{2.0, 2.1});
    rig.player.play();
    const auto left = rig.hear(2000);
    for (std::size_t i = 0; i < left.size(); ++i) {
        ASSERT_EQ(markerIndex(left[i]), 16000u + i % 800u) << i;
    }
    rig.player.setLoop(std::nullopt);
    EXPECT_FALSE(rig.player.loop().has_value());
}

/// Zero crossings per second of a signal: 2 × its frequency for a pure tone.
double crossingsPerSecond(const std::vector<float>& x, std::size_t from, std::size_t to) {
    int crossings = 0;
    for (std::size_t i = from + 1; i < to; ++i) {
        if ((x[i - 1] < 0) != (x[i] < 0)) {
            ++crossings;
        }
    }
    return crossings / (static_cast<double>(to - from) / kRate);
}

TEST(Player, doubleSpeedKeepsThePitchAndCoversTwiceTheCall) {
    auto pcm = std::make_shared<PcmBuffer>();
    pcm->sampleRateHz = kRate;
    pcm->channels.assign(2, std::vector<float>(10 * kRate));
    for (std::size_t i = 0; i < pcm->channels[0].size(); ++i) {
        const auto v =
            static_cast<float>(0.5 * std::sin(2 * M_PI * 440.0 * static_cast<double>(i) / kRate));
        pcm->channels[0][i] = v;
        pcm->channels[1][i] = v;
    }
    Rig rig;
    rig.open(pcm);
    rig.player.setSpeed(2.0);
    EXPECT_DOUBLE_EQ(rig.player.speed(), 2.0);
    rig.player.play();
    const auto left = rig.hear(2 * kRate);
    EXPECT_NEAR(crossingsPerSecond(left, kRate / 2, 2 * kRate), 880.0, 20.0);
    EXPECT_NEAR(rig.player.positionSec(), 4.0, 0.25);

    rig.player.setSpeed(9.0);
    EXPECT_DOUBLE_EQ(rig.player.speed(), Player::kMaxSpeed);
}

TEST(Player, stopsAtTheEndAndReportsTheDecodedLength) {
    Rig rig;
    rig.open(indexedCall(2, 1000));
    rig.player.play();
    const auto left = rig.hear(1500);
    EXPECT_EQ(markerIndex(left[999]), 999u);
    EXPECT_EQ(left[1200], 0.0f);
    EXPECT_FALSE(rig.player.playing());
    EXPECT_DOUBLE_EQ(rig.player.positionSec(), 1000.0 / kRate);
    EXPECT_DOUBLE_EQ(rig.player.durationSec(), 1000.0 / kRate);
    // Play again from the end starts over.
    rig.player.play();
    const auto again = rig.hear(10);
    EXPECT_EQ(markerIndex(again[0]), 0u);
}

TEST(Player, aMissingFileFailsWithItsName) {
    Rig rig;
    rig.player.open(std::filesystem::path(CALLQC_TEST_TMP) / "no-such-call.wav");
    for (int i = 0; i < 2000 && rig.player.state() == Player::State::Loading; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    EXPECT_EQ(rig.player.state(), Player::State::Failed);
    EXPECT_NE(rig.player.error().find("no-such-call.wav"), std::string::npos);
}

TEST(Player, nullSinkAdvancesWithTheClock) {
    Player player(makeNullSink());
    player.open([] {
        return tl::expected<std::unique_ptr<AudioStream>, AudioError>(
            makePcmStream(indexedCall(2, 8000)));
    });
    for (int i = 0; i < 2000 && player.state() == Player::State::Loading; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    player.play();
    for (int i = 0; i < 400 && player.positionSec() == 0.0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_GT(player.positionSec(), 0.0);
    EXPECT_NE(player.sinkName().find("null"), std::string::npos);
}

} // namespace
} // namespace callqc::audio

namespace callqc::audio {
namespace {

// Through real files: the stream decoder, the seek index taken at "import", and the player.

TEST(PlayerOnFiles, seeksInAFloatWavLandOnTheExactSample) {
    const auto dir = tests::freshDir("player-float-wav");
    const auto path = dir / "通话 marker.WAV";
    ASSERT_TRUE(encodeFile(*indexedCall(2, 80000), path, EncodeFormat::FloatWav));
    auto decoded = decodeFile(path);
    ASSERT_TRUE(decoded) << decoded.error().detail;

    Rig rig;
    rig.player.open(path, decoded->seekIndex);
    for (int i = 0; i < 2000 && rig.player.state() == Player::State::Loading; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_EQ(rig.player.state(), Player::State::Ready) << rig.player.error();
    EXPECT_DOUBLE_EQ(rig.player.durationSec(), 10.0);
    rig.player.play();
    for (double at : {7.5, 0.125, 9.0, 3.0}) {
        rig.player.seek(at);
        const auto left = rig.hear(400);
        EXPECT_EQ(markerIndex(left.front()), static_cast<std::size_t>(at * kRate)) << at;
        EXPECT_EQ(markerIndex(left.back()), static_cast<std::size_t>(at * kRate) + 399) << at;
    }
}

TEST(PlayerOnFiles, silenceSuppressedAmrKeepsItsTimelineAndSkipSilenceJumpsIt) {
    // 2 s tone, 20 s of digital silence (sent as SID/NO_DATA frames), 2 s tone: 24 s in all.
    PcmBuffer pcm = tests::silence(1, 24.0);
    tests::addTone(pcm, 0, 0.0, 2.0, 440.0, 0.5f);
    tests::addTone(pcm, 0, 22.0, 24.0, 440.0, 0.5f);
    const auto dir = tests::freshDir("player-amr-dtx");
    const auto path = dir / "dtx.amr";
    EncodeOptions options;
    options.format = EncodeFormat::AmrNb;
    options.amrDtx = true;
    ASSERT_TRUE(encodeFile(pcm, path, options));
    auto decoded = decodeFile(path);
    ASSERT_TRUE(decoded) << decoded.error().detail;
    EXPECT_EQ(decoded->pcm.frames(), 24u * kRate);

    Rig rig;
    rig.player.open(path, decoded->seekIndex);
    for (int i = 0; i < 2000 && rig.player.state() == Player::State::Loading; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    ASSERT_EQ(rig.player.state(), Player::State::Ready) << rig.player.error();
    EXPECT_DOUBLE_EQ(rig.player.durationSec(), 24.0);
    rig.player.setSkipSilence(true, {Interval{2.5, 21.5}});
    rig.player.seek(1.0);
    rig.player.play();
    // 1.0–2.5 s, then 21.5–24 s: 4 s of audio and the end.
    const auto left = rig.hear(4 * kRate + 800);
    EXPECT_FALSE(rig.player.playing());
    EXPECT_DOUBLE_EQ(rig.player.positionSec(), 24.0);
    // The last 0.5 s before the end is the closing tone, the 800 frames after it silence.
    const auto tail = std::vector<float>(left.end() - 800 - kRate / 2, left.end() - 800);
    EXPECT_NEAR(crossingsPerSecond(tail, 0, tail.size()), 880.0, 30.0);
}

} // namespace
} // namespace callqc::audio
