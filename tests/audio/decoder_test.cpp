#include <fstream>

#include <gtest/gtest.h>

#include "audio/decoder.hpp"
#include "tests/audio/fixtures.hpp"

namespace callqc::audio {
namespace {

using tests::addTone;
using tests::freshDir;
using tests::silence;
using tests::writeWav16;

TEST(Decoder, decodesStereoWavSampleExact) {
    const auto dir = freshDir("decoder_exact");
    auto pcm = silence(2, 3.0);
    addTone(pcm, 0, 0.0, 3.0, 440.0, 0.5f);
    addTone(pcm, 1, 1.0, 2.0, 1000.0, 0.25f);
    writeWav16(dir / "call.wav", pcm);

    auto decoded = decodeFile(dir / "call.wav");
    ASSERT_TRUE(decoded) << decoded.error().detail;
    EXPECT_EQ(decoded->codec, "pcm_s16le");
    EXPECT_EQ(decoded->container, "wav");
    EXPECT_EQ(decoded->pcm.sampleRateHz, 8000);
    ASSERT_EQ(decoded->pcm.channelCount(), 2);
    ASSERT_EQ(decoded->pcm.frames(), 24000u);
    for (std::size_t i = 0; i < 24000; i += 997) {
        EXPECT_NEAR(decoded->pcm.channels[0][i], pcm.channels[0][i], 1.0 / 32767);
        EXPECT_NEAR(decoded->pcm.channels[1][i], pcm.channels[1][i], 1.0 / 32767);
    }
    EXPECT_TRUE(decoded->warnings.empty());
}

TEST(Decoder, detectsFormatByContentNotExtensionAndAcceptsChineseNames) {
    const auto dir = freshDir("decoder_names");
    auto pcm = silence(1, 1.5);
    addTone(pcm, 0, 0.0, 1.5);
    const auto path = dir / "录音 文件 2026.MP3";
    writeWav16(path, pcm);
    auto decoded = decodeFile(path);
    ASSERT_TRUE(decoded) << decoded.error().detail;
    EXPECT_EQ(decoded->container, "wav");
    EXPECT_EQ(decoded->pcm.frames(), 12000u);
}

TEST(Decoder, missingFileIsNotFoundNamingTheFile) {
    auto decoded = decodeFile("/nonexistent/没有.wav");
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().kind, AudioError::Kind::NotFound);
    EXPECT_NE(decoded.error().detail.find("/nonexistent/没有.wav"), std::string::npos);
}

TEST(Decoder, emptyFileIsEmpty) {
    const auto dir = freshDir("decoder_empty");
    std::ofstream(dir / "zero.wav").close();
    auto decoded = decodeFile(dir / "zero.wav");
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().kind, AudioError::Kind::Empty);
    EXPECT_NE(decoded.error().detail.find("zero.wav"), std::string::npos);
}

TEST(Decoder, textAndRandomBytesAreNotAudio) {
    const auto dir = freshDir("decoder_garbage");
    std::ofstream(dir / "notes.wav") << "这不是录音 — just some text, not audio\n";
    std::ofstream random(dir / "random.mp3", std::ios::binary);
    std::uint32_t state = 7;
    for (int i = 0; i < 4096; ++i) {
        state = state * 1664525u + 1013904223u;
        random.put(static_cast<char>(state >> 24));
    }
    random.close();
    for (const char* name : {"notes.wav", "random.mp3"}) {
        auto decoded = decodeFile(dir / name);
        ASSERT_FALSE(decoded) << name;
        EXPECT_NE(decoded.error().detail.find(name), std::string::npos) << decoded.error().detail;
    }
}

TEST(Decoder, truncatedWavDecodesWhatIsThere) {
    const auto dir = freshDir("decoder_truncated");
    auto pcm = silence(1, 4.0);
    addTone(pcm, 0, 0.0, 4.0);
    writeWav16(dir / "full.wav", pcm);
    std::ifstream in(dir / "full.wav", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(dir / "cut.wav", std::ios::binary).write(bytes.data(), 44 + 2 * 8000);

    auto decoded = decodeFile(dir / "cut.wav");
    ASSERT_TRUE(decoded) << decoded.error().detail;
    EXPECT_EQ(decoded->pcm.frames(), 8000u);
}

TEST(Decoder, absurdChannelCountIsRejected) {
    const auto dir = freshDir("decoder_absurd");
    auto pcm = silence(1, 0.5);
    writeWav16(dir / "absurd.wav", pcm);
    std::fstream f(dir / "absurd.wav", std::ios::binary | std::ios::in | std::ios::out);
    f.seekp(22);
    const std::uint16_t channels = 65535;
    f.write(reinterpret_cast<const char*>(&channels), 2);
    f.close();
    auto decoded = decodeFile(dir / "absurd.wav");
    ASSERT_FALSE(decoded);
    EXPECT_NE(decoded.error().detail.find("absurd.wav"), std::string::npos);
}

} // namespace
} // namespace callqc::audio
