#include <gtest/gtest.h>

#include "audio/player.hpp"
#include "tests/audio/fixtures.hpp"

namespace callqc::audio {
namespace {

/// A sink that never runs a thread: the test pulls audio through the callback it was given.
class ManualSink final : public AudioSink {
public:
    explicit ManualSink(RenderCallback* slot) : m_slot(slot) {}
    tl::expected<void, AudioError> start(int rateHz, int channels, RenderCallback render) override {
        EXPECT_EQ(rateHz, 8000);
        EXPECT_EQ(channels, 2);
        *m_slot = std::move(render);
        return {};
    }
    void stop() override { *m_slot = nullptr; }
    std::string name() const override { return "manual"; }

private:
    RenderCallback* m_slot;
};

std::shared_ptr<const PcmBuffer> ramp(int channels, std::size_t frames) {
    auto pcm = std::make_shared<PcmBuffer>();
    pcm->channels.assign(static_cast<std::size_t>(channels), std::vector<float>(frames));
    for (std::size_t i = 0; i < frames; ++i) {
        pcm->channels[0][i] = static_cast<float>(i) / 1000.0f;
        if (channels > 1) {
            pcm->channels[1][i] = -static_cast<float>(i) / 1000.0f;
        }
    }
    return pcm;
}

TEST(Player, pausedPlayerRendersSilenceAndDoesNotAdvance) {
    RenderCallback render;
    Player player(std::make_unique<ManualSink>(&render));
    ASSERT_TRUE(player.load(ramp(2, 100)));
    std::vector<float> out(20, 1.0f);
    render(out.data(), 10);
    EXPECT_EQ(out, std::vector<float>(20, 0.0f));
    EXPECT_DOUBLE_EQ(player.positionSec(), 0.0);
}

TEST(Player, playingCopiesStereoFramesAndAdvances) {
    RenderCallback render;
    Player player(std::make_unique<ManualSink>(&render));
    ASSERT_TRUE(player.load(ramp(2, 100)));
    player.seek(10.0 / 8000.0);
    player.play();
    std::vector<float> out(8);
    render(out.data(), 4);
    EXPECT_FLOAT_EQ(out[0], 0.010f);
    EXPECT_FLOAT_EQ(out[1], -0.010f);
    EXPECT_FLOAT_EQ(out[6], 0.013f);
    EXPECT_FLOAT_EQ(out[7], -0.013f);
    EXPECT_DOUBLE_EQ(player.positionSec(), 14.0 / 8000.0);
}

TEST(Player, monoIsDoubledAndMuteSilencesAChannel) {
    RenderCallback render;
    Player player(std::make_unique<ManualSink>(&render));
    ASSERT_TRUE(player.load(ramp(1, 100)));
    player.play();
    std::vector<float> out(4);
    render(out.data(), 2);
    EXPECT_FLOAT_EQ(out[2], 0.001f);
    EXPECT_FLOAT_EQ(out[3], 0.001f);
    player.setMuteMask(1u);
    render(out.data(), 2);
    EXPECT_FLOAT_EQ(out[0], 0.0f);
}

TEST(Player, stopsAtTheEndAndPadsWithSilence) {
    RenderCallback render;
    Player player(std::make_unique<ManualSink>(&render));
    ASSERT_TRUE(player.load(ramp(2, 5)));
    player.play();
    std::vector<float> out(20, 9.0f);
    render(out.data(), 10);
    EXPECT_FLOAT_EQ(out[8], 0.004f);
    EXPECT_FLOAT_EQ(out[10], 0.0f);
    EXPECT_FALSE(player.playing());
    EXPECT_DOUBLE_EQ(player.positionSec(), 5.0 / 8000.0);
}

TEST(Player, nullSinkAdvancesWithTheClock) {
    Player player(makeNullSink());
    ASSERT_TRUE(player.load(ramp(2, 8000)));
    player.play();
    for (int i = 0; i < 200 && player.positionSec() == 0.0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    EXPECT_GT(player.positionSec(), 0.0);
    EXPECT_NE(player.sinkName().find("null"), std::string::npos);
}

TEST(Player, refusesAnEmptyBuffer) {
    RenderCallback render;
    Player player(std::make_unique<ManualSink>(&render));
    EXPECT_FALSE(player.load(std::make_shared<PcmBuffer>()));
}

} // namespace
} // namespace callqc::audio
