#include <algorithm>
#include <fstream>
#include <vector>

#include <gtest/gtest.h>

#include "audio/decoder.hpp"
#include "audio/encoder.hpp"
#include "tests/audio/fixtures.hpp"

namespace callqc::audio {
namespace {

using tests::addTone;
using tests::freshDir;
using tests::putLe16;
using tests::putLe32;
using tests::silence;
using tests::writeBytes;
using tests::writeWav16;

/// A RIFF WAVE file written field by field, so that tests can put any lie in its header.
struct WavHeader {
    std::uint16_t formatTag = 1;
    std::uint16_t channels = 1;
    std::uint32_t sampleRateHz = 8000;
    std::uint16_t bitsPerSample = 16;
    std::uint32_t dataBytes = 0; ///< what the data chunk claims
};

std::vector<std::uint8_t> wavFile(const WavHeader& h, const std::vector<std::uint8_t>& payload) {
    std::vector<std::uint8_t> out = {'R', 'I', 'F', 'F'};
    putLe32(out, 36 + h.dataBytes);
    out.insert(out.end(), {'W', 'A', 'V', 'E', 'f', 'm', 't', ' '});
    putLe32(out, 16);
    putLe16(out, h.formatTag);
    putLe16(out, h.channels);
    putLe32(out, h.sampleRateHz);
    const auto blockAlign = static_cast<std::uint16_t>(h.channels * h.bitsPerSample / 8);
    putLe32(out, h.sampleRateHz * blockAlign);
    putLe16(out, blockAlign);
    putLe16(out, h.bitsPerSample);
    out.insert(out.end(), {'d', 'a', 't', 'a'});
    putLe32(out, h.dataBytes);
    out.insert(out.end(), payload.begin(), payload.end());
    return out;
}

/// `frames` frames of a 16-bit square wave, so that there is something to decode.
std::vector<std::uint8_t> pcm16Payload(std::size_t frames, int channels = 1) {
    std::vector<std::uint8_t> out;
    for (std::size_t i = 0; i < frames * static_cast<std::size_t>(channels); ++i) {
        putLe16(out, (i / 20) % 2 != 0 ? 8000 : static_cast<std::uint16_t>(-8000));
    }
    return out;
}

bool mentions(const std::vector<std::string>& warnings, const std::string& word) {
    return std::any_of(warnings.begin(), warnings.end(),
                       [&](const std::string& w) { return w.find(word) != std::string::npos; });
}

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
    EXPECT_TRUE(mentions(decoded->warnings, "truncated"));
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
    EXPECT_EQ(decoded.error().kind, AudioError::Kind::Corrupt);
    EXPECT_NE(decoded.error().detail.find("absurd.wav"), std::string::npos);
}

TEST(Decoder, headerOnlyWavIsCorruptNamingTheFile) {
    const auto dir = freshDir("decoder_header_only");
    writeBytes(dir / "header only.wav", wavFile({.dataBytes = 16000}, {}));
    auto decoded = decodeFile(dir / "header only.wav");
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().kind, AudioError::Kind::Corrupt);
    EXPECT_NE(decoded.error().detail.find("header only.wav"), std::string::npos);
}

TEST(Decoder, absurdWavHeadersAreCorruptNamingTheFile) {
    const auto dir = freshDir("decoder_absurd_headers");
    const auto payload = pcm16Payload(800);
    const std::vector<std::pair<std::string, WavHeader>> cases = {
        {"rate zero.wav", {.sampleRateHz = 0, .dataBytes = 1600}},
        {"rate huge.wav", {.sampleRateHz = 0x7FFFFFFF, .dataBytes = 1600}},
        {"channels zero.wav", {.channels = 0, .dataBytes = 1600}},
        {"channels 65535.wav", {.channels = 65535, .dataBytes = 1600}},
        {"channels 9.wav", {.channels = 9, .dataBytes = 1600}},
    };
    for (const auto& [name, header] : cases) {
        writeBytes(dir / name, wavFile(header, payload));
        auto decoded = decodeFile(dir / name);
        ASSERT_FALSE(decoded) << name;
        EXPECT_EQ(decoded.error().kind, AudioError::Kind::Corrupt) << decoded.error().detail;
        EXPECT_NE(decoded.error().detail.find(name), std::string::npos) << decoded.error().detail;
    }
}

TEST(Decoder, wavClaimingFourGigabytesDecodesWhatIsThere) {
    const auto dir = freshDir("decoder_huge_claim");
    writeBytes(dir / "claims.wav", wavFile({.dataBytes = 0xFFFFFFF0u}, pcm16Payload(8000)));
    auto decoded = decodeFile(dir / "claims.wav");
    ASSERT_TRUE(decoded) << decoded.error().detail;
    EXPECT_EQ(decoded->pcm.frames(), 8000u);
}

TEST(Decoder, truncatedFilesDecodeWhatIsThereAndSaySo) {
    const auto dir = freshDir("decoder_truncated_formats");
    auto pcm = silence(1, 6.0);
    addTone(pcm, 0, 0.0, 6.0, 300.0, 0.4f);
    addTone(pcm, 0, 0.0, 6.0, 1270.0, 0.2f);
    writeBytes(dir / "cut.wav", wavFile({.dataBytes = 96000}, pcm16Payload(16000)));
    for (const auto format : {EncodeFormat::Mp3, EncodeFormat::Flac}) {
        const std::string name =
            std::string("full.") + (format == EncodeFormat::Mp3 ? "mp3" : "flac");
        ASSERT_TRUE(encodeFile(pcm, dir / name, format));
        auto bytes = tests::readBytes(dir / name);
        bytes.resize(bytes.size() / 2);
        writeBytes(dir / ("cut " + name), bytes);
    }
    for (const char* name : {"cut.wav", "cut full.mp3", "cut full.flac"}) {
        auto decoded = decodeFile(dir / name);
        ASSERT_TRUE(decoded) << decoded.error().detail;
        EXPECT_GT(decoded->pcm.durationSec(), 1.9) << name;
        EXPECT_LT(decoded->pcm.durationSec(), 4.0) << name;
        EXPECT_TRUE(mentions(decoded->warnings, "truncated")) << name;
        EXPECT_EQ(decoded->seekIndex.totalSamples,
                  static_cast<std::int64_t>(decoded->pcm.frames()));
    }
}

TEST(Decoder, truncatedM4aWithoutItsIndexIsCorrupt) {
    const auto dir = freshDir("decoder_truncated_m4a");
    auto pcm = silence(1, 3.0);
    addTone(pcm, 0, 0.0, 3.0);
    ASSERT_TRUE(encodeFile(pcm, dir / "full.m4a", EncodeFormat::AacM4a));
    auto bytes = tests::readBytes(dir / "full.m4a");
    bytes.resize(bytes.size() * 2 / 3);
    writeBytes(dir / "cut.m4a", bytes);
    auto decoded = decodeFile(dir / "cut.m4a");
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().kind, AudioError::Kind::Corrupt) << decoded.error().detail;
    EXPECT_NE(decoded.error().detail.find("cut.m4a"), std::string::npos);
}

TEST(Decoder, textWithAudioExtensionsIsNotAudio) {
    const auto dir = freshDir("decoder_text");
    for (const char* name : {"notes.MP3", "notes.amr", "notes.m4a", "notes.ogg", "notes.wav"}) {
        std::ofstream(dir / name) << "Call notes: customer asked about the invoice.\n"
                                     "客户询问了发票。\n";
        auto decoded = decodeFile(dir / name);
        ASSERT_FALSE(decoded) << name;
        EXPECT_EQ(decoded.error().kind, AudioError::Kind::NotAudio) << decoded.error().detail;
        EXPECT_NE(decoded.error().detail.find(name), std::string::npos);
    }
}

// Raw GSM 6.10 (.gsm, as Asterisk records) has no header and no sync word: libav recognises it by
// its extension alone and any bytes are valid frames, so it is not among these names.
TEST(Decoder, randomBytesUnderEveryAudioNameAreRejected) {
    const auto dir = freshDir("decoder_random");
    std::vector<std::uint8_t> bytes;
    std::uint32_t state = 17;
    for (int i = 0; i < 64 * 1024; ++i) {
        state = state * 1664525u + 1013904223u;
        bytes.push_back(static_cast<std::uint8_t>(state >> 24));
    }
    for (const char* name : {"r.mp3", "r.amr", "r.ogg", "r.m4a", "r.flac", "r.wav", "r.opus"}) {
        writeBytes(dir / name, bytes);
        auto decoded = decodeFile(dir / name);
        ASSERT_FALSE(decoded) << name;
        EXPECT_TRUE(decoded.error().kind == AudioError::Kind::NotAudio ||
                    decoded.error().kind == AudioError::Kind::Corrupt)
            << decoded.error().detail;
        EXPECT_NE(decoded.error().detail.find(name), std::string::npos);
    }
}

TEST(Decoder, mp3InsideAWavContainerPlays) {
    const auto dir = freshDir("decoder_mp3_in_wav");
    auto pcm = silence(1, 2.0);
    addTone(pcm, 0, 0.0, 2.0);
    ASSERT_TRUE(encodeFile(pcm, dir / "inner.mp3", EncodeFormat::Mp3));
    writeBytes(dir / "acm.wav",
               tests::mp3InWav(tests::readBytes(dir / "inner.mp3"), 8000, 1, 16000));
    auto decoded = decodeFile(dir / "acm.wav");
    ASSERT_TRUE(decoded) << decoded.error().detail;
    EXPECT_EQ(decoded->container, "wav");
    EXPECT_EQ(decoded->codec.substr(0, 3), "mp3");
    EXPECT_NEAR(decoded->pcm.durationSec(), 2.0, 0.3);
}

TEST(Decoder, silenceSuppressedAmrFramesKeepTheTimeline) {
    const auto dir = freshDir("decoder_amr_dtx");
    // 1200 frames = 24 s; frames 200..499 and 900..1099 are a SID then NO_DATA frames, which
    // FFmpeg 5.1's amrnb decoder rejects.
    const auto suppressed = [](int i) {
        return (i >= 200 && i < 500) || (i >= 900 && i < 1100);
    };
    writeBytes(dir / "dtx.AMR", tests::amrNbFile(1200, suppressed));
    auto decoded = decodeFile(dir / "dtx.AMR");
    ASSERT_TRUE(decoded) << decoded.error().detail;
    EXPECT_EQ(decoded->codec, "amrnb");
    EXPECT_EQ(decoded->pcm.frames(), 192000u);
    EXPECT_DOUBLE_EQ(decoded->pcm.durationSec(), 24.0);
    ASSERT_EQ(decoded->warnings.size(), 1u);
    EXPECT_EQ(decoded->warnings[0],
              "500 silence-suppressed (SID/NO_DATA) frame(s) kept as silence, first at 4.0 s");
    const auto& samples = decoded->pcm.channels[0];
    EXPECT_TRUE(std::all_of(samples.begin() + 200 * 160, samples.begin() + 500 * 160,
                            [](float s) { return s == 0.0f; }));
    EXPECT_GT(std::abs(samples[100 * 160 + 80]) + std::abs(samples[100 * 160 + 81]), 0.0f);
    EXPECT_EQ(decoded->seekIndex.totalSamples, 192000);
}

TEST(Decoder, encodedDtxAmrDecodesToItsFullLength) {
    const auto dir = freshDir("decoder_amr_encoded");
    auto pcm = silence(1, 20.0);
    addTone(pcm, 0, 1.0, 4.0, 300.0, 0.4f);
    addTone(pcm, 0, 12.0, 14.5, 700.0, 0.4f);
    EncodeOptions options;
    options.format = EncodeFormat::AmrNb;
    options.amrDtx = true;
    ASSERT_TRUE(encodeFile(pcm, dir / "call.amr", options));
    auto decoded = decodeFile(dir / "call.amr");
    ASSERT_TRUE(decoded) << decoded.error().detail;
    EXPECT_EQ(decoded->pcm.frames(), 160000u);
    EXPECT_TRUE(mentions(decoded->warnings, "silence-suppressed"));
}

TEST(Decoder, folderIsNotAudio) {
    const auto dir = freshDir("decoder_folder");
    std::filesystem::create_directories(dir / "calls.wav");
    auto decoded = decodeFile(dir / "calls.wav");
    ASSERT_FALSE(decoded);
    EXPECT_EQ(decoded.error().kind, AudioError::Kind::NotAudio);
}

} // namespace
} // namespace callqc::audio
