#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <numbers>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "audio/encoder.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
#include <libavutil/samplefmt.h>
}

namespace {

namespace fs = std::filesystem;
using callqc::audio::AudioError;
using callqc::audio::EncodeFormat;
using callqc::audio::PcmBuffer;

fs::path tmpDir() {
    const fs::path dir = fs::path(CALLQC_TEST_TMP) / "encoder";
    fs::create_directories(dir);
    return dir;
}

/// A sine of `frequencyHz` at half scale, the same on every channel.
PcmBuffer tone(int sampleRateHz, int channelCount, std::size_t frames, double frequencyHz = 1000) {
    PcmBuffer pcm;
    pcm.sampleRateHz = sampleRateHz;
    pcm.channels.assign(static_cast<std::size_t>(channelCount), std::vector<float>(frames));
    for (std::size_t i = 0; i < frames; ++i) {
        const double t = static_cast<double>(i) / sampleRateHz;
        const auto v = static_cast<float>(0.5 * std::sin(2 * std::numbers::pi * frequencyHz * t));
        for (auto& channel : pcm.channels) {
            channel[i] = v;
        }
    }
    return pcm;
}

/// What libav finds in a file, decoded in-process, independent of the code under test.
struct Probe {
    std::string codec;
    std::string container;
    int sampleRateHz = 0;
    int channels = 0;
    std::int64_t decodedFrames = 0;
    std::vector<double> firstChannel; ///< decoded samples of channel 0
    [[nodiscard]] double decodedSec() const {
        return sampleRateHz > 0 ? static_cast<double>(decodedFrames) / sampleRateHz : 0.0;
    }
};

struct InputCloser {
    void operator()(AVFormatContext* c) const { avformat_close_input(&c); }
};
struct CodecFreer {
    void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameFreer {
    void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketFreer {
    void operator()(AVPacket* p) const { av_packet_free(&p); }
};

double sampleAt(const AVFrame* frame, int channel, int index) {
    const auto format = static_cast<AVSampleFormat>(frame->format);
    const bool planar = av_sample_fmt_is_planar(format) != 0;
    const int channels = frame->ch_layout.nb_channels;
    const uint8_t* plane = frame->extended_data[planar ? channel : 0];
    const int at = planar ? index : index * channels + channel;
    switch (av_get_packed_sample_fmt(format)) {
    case AV_SAMPLE_FMT_S16:
        return reinterpret_cast<const int16_t*>(plane)[at] / 32768.0;
    case AV_SAMPLE_FMT_S32:
        return reinterpret_cast<const int32_t*>(plane)[at] / 2147483648.0;
    case AV_SAMPLE_FMT_FLT:
        return reinterpret_cast<const float*>(plane)[at];
    case AV_SAMPLE_FMT_DBL:
        return reinterpret_cast<const double*>(plane)[at];
    default:
        return 0.0;
    }
}

Probe probe(const fs::path& path) {
    Probe result;
    AVFormatContext* raw = nullptr;
    if (avformat_open_input(&raw, path.string().c_str(), nullptr, nullptr) < 0) {
        ADD_FAILURE() << "libav cannot open " << path;
        return result;
    }
    std::unique_ptr<AVFormatContext, InputCloser> input(raw);
    if (avformat_find_stream_info(input.get(), nullptr) < 0) {
        ADD_FAILURE() << "no stream info in " << path;
        return result;
    }
    const AVCodec* decoder = nullptr;
    const int streamIndex =
        av_find_best_stream(input.get(), AVMEDIA_TYPE_AUDIO, -1, -1, &decoder, 0);
    if (streamIndex < 0 || decoder == nullptr) {
        ADD_FAILURE() << "no audio stream in " << path;
        return result;
    }
    const AVStream* stream = input->streams[streamIndex];
    result.codec = avcodec_get_name(stream->codecpar->codec_id);
    result.container = input->iformat->name;
    std::unique_ptr<AVCodecContext, CodecFreer> codec(avcodec_alloc_context3(decoder));
    avcodec_parameters_to_context(codec.get(), stream->codecpar);
    if (avcodec_open2(codec.get(), decoder, nullptr) < 0) {
        ADD_FAILURE() << "cannot open decoder for " << path;
        return result;
    }
    std::unique_ptr<AVPacket, PacketFreer> packet(av_packet_alloc());
    std::unique_ptr<AVFrame, FrameFreer> frame(av_frame_alloc());
    auto receiveAll = [&] {
        while (avcodec_receive_frame(codec.get(), frame.get()) >= 0) {
            result.sampleRateHz = frame->sample_rate;
            result.channels = frame->ch_layout.nb_channels;
            result.decodedFrames += frame->nb_samples;
            for (int i = 0; i < frame->nb_samples; ++i) {
                result.firstChannel.push_back(sampleAt(frame.get(), 0, i));
            }
            av_frame_unref(frame.get());
        }
    };
    while (av_read_frame(input.get(), packet.get()) >= 0) {
        if (packet->stream_index == streamIndex) {
            avcodec_send_packet(codec.get(), packet.get());
            receiveAll();
        }
        av_packet_unref(packet.get());
    }
    avcodec_send_packet(codec.get(), nullptr);
    receiveAll();
    return result;
}

/// Share of the signal's energy at `frequencyHz` (Goertzel), 0..1; a clean sine gives ~1.
double toneShare(const std::vector<double>& samples, int sampleRateHz, double frequencyHz) {
    if (samples.empty()) {
        return 0.0;
    }
    const double w = 2 * std::numbers::pi * frequencyHz / sampleRateHz;
    const double coeff = 2 * std::cos(w);
    double s1 = 0;
    double s2 = 0;
    double energy = 0;
    for (const double x : samples) {
        const double s0 = x + coeff * s1 - s2;
        s2 = s1;
        s1 = s0;
        energy += x * x;
    }
    const double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    const auto n = static_cast<double>(samples.size());
    return energy > 0 ? (2.0 * power / n) / energy : 0.0;
}

std::string readBytes(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

struct FormatCase {
    EncodeFormat format;
    const char* extension;
    const char* codec;     ///< libav codec name when probed
    const char* container; ///< libav demuxer name when probed
    int channels;
    double toleranceSec; ///< how far the decoded length may be from the input's
};

void PrintTo(const FormatCase& c, std::ostream* os) {
    *os << callqc::audio::formatName(c.format);
}

class EncodeEachFormat : public ::testing::TestWithParam<FormatCase> {};

TEST_P(EncodeEachFormat, writesTheAskedCodecWithTheInputsDuration) {
    const FormatCase& c = GetParam();
    const fs::path path =
        tmpDir() /
        (std::string("tone-") + std::string(callqc::audio::formatName(c.format)) + c.extension);
    fs::remove(path);
    const PcmBuffer pcm = tone(8000, c.channels, 16000);

    const auto written = callqc::audio::encodeFile(pcm, path, c.format);
    ASSERT_TRUE(written) << written.error().detail;
    ASSERT_TRUE(fs::exists(path));

    const Probe p = probe(path);
    EXPECT_EQ(p.codec, c.codec);
    EXPECT_EQ(p.container, c.container);
    EXPECT_EQ(p.channels, c.channels);
    EXPECT_NEAR(p.decodedSec(), 2.0, c.toleranceSec);
    EXPECT_GT(toneShare(p.firstChannel, p.sampleRateHz, 1000.0), 0.8)
        << "the decoded audio is not the 1 kHz tone that was encoded";
}

TEST_P(EncodeEachFormat, isByteIdenticalForTheSameInput) {
    const FormatCase& c = GetParam();
    const std::string stem = "repeat-" + std::string(callqc::audio::formatName(c.format));
    const fs::path first = tmpDir() / (stem + "-a" + c.extension);
    const fs::path second = tmpDir() / (stem + "-b" + c.extension);
    const PcmBuffer pcm = tone(8000, c.channels, 12345, 440);

    ASSERT_TRUE(callqc::audio::encodeFile(pcm, first, c.format));
    ASSERT_TRUE(callqc::audio::encodeFile(pcm, second, c.format));
    const std::string a = readBytes(first);
    EXPECT_FALSE(a.empty());
    EXPECT_TRUE(a == readBytes(second)) << "two encodes of the same audio differ";
}

// Tolerances: PCM, GSM (16000 samples are whole 320-sample blocks) and FLAC are exact; MP3 and
// Opus carry their encoder delay and padding, so libav trims them to within a few ms; for AAC in
// MP4, libav 5.1 drops the priming but decodes the last frame's padding, which is 48 ms for
// 16000 samples at 8 kHz (at most one 1024-sample frame).
INSTANTIATE_TEST_SUITE_P(
    Encoder, EncodeEachFormat,
    ::testing::Values(FormatCase{EncodeFormat::PcmS16Wav, ".wav", "pcm_s16le", "wav", 2, 0.0},
                      FormatCase{EncodeFormat::MulawWav, ".wav", "pcm_mulaw", "wav", 2, 0.0},
                      FormatCase{EncodeFormat::AlawWav, ".wav", "pcm_alaw", "wav", 2, 0.0},
                      FormatCase{EncodeFormat::GsmWav, ".wav", "gsm_ms", "wav", 1, 0.0},
                      FormatCase{EncodeFormat::Mp3, ".mp3", "mp3", "mp3", 2, 0.01},
                      FormatCase{EncodeFormat::OpusOgg, ".ogg", "opus", "ogg", 2, 0.01},
                      FormatCase{EncodeFormat::AacM4a, ".m4a", "aac", "mov,mp4,m4a,3gp,3g2,mj2", 2,
                                 0.07},
                      FormatCase{EncodeFormat::Flac, ".flac", "flac", "flac", 2, 0.0}),
    [](const ::testing::TestParamInfo<FormatCase>& param) {
        std::string name(callqc::audio::formatName(param.param.format));
        for (char& ch : name) {
            if (ch == '-') {
                ch = '_';
            }
        }
        return name;
    });

TEST(Encoder, gsmRejectsStereo) {
    const fs::path path = tmpDir() / "stereo.gsm.wav";
    fs::remove(path);
    const auto written = callqc::audio::encodeFile(tone(8000, 2, 8000), path, EncodeFormat::GsmWav);
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().kind, AudioError::Kind::Encode);
    EXPECT_NE(written.error().detail.find(path.string()), std::string::npos)
        << written.error().detail;
    EXPECT_FALSE(fs::exists(path));
}

TEST(Encoder, gsmRejectsRatesOtherThan8kHz) {
    const fs::path path = tmpDir() / "wideband.gsm.wav";
    const auto written =
        callqc::audio::encodeFile(tone(16000, 1, 16000), path, EncodeFormat::GsmWav);
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().kind, AudioError::Kind::Encode);
}

TEST(Encoder, gsmPadsTheLastFrameWithSilence) {
    const fs::path path = tmpDir() / "odd-length.gsm.wav";
    const auto written =
        callqc::audio::encodeFile(tone(8000, 1, 16001), path, EncodeFormat::GsmWav);
    ASSERT_TRUE(written) << written.error().detail;
    const Probe p = probe(path);
    EXPECT_EQ(p.decodedFrames, 16320); // 16001 rounded up to whole 320-sample GSM blocks
}

TEST(Encoder, pathInAMissingFolderIsAnErrorNamingThePath) {
    const fs::path path = tmpDir() / "no-such-folder" / "call.wav";
    const auto written =
        callqc::audio::encodeFile(tone(8000, 1, 800), path, EncodeFormat::PcmS16Wav);
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().kind, AudioError::Kind::Encode);
    EXPECT_NE(written.error().detail.find(path.string()), std::string::npos)
        << written.error().detail;
}

TEST(Encoder, leavesNoTemporaryFileBehind) {
    const fs::path dir = tmpDir() / "clean";
    fs::remove_all(dir);
    fs::create_directories(dir);
    ASSERT_TRUE(callqc::audio::encodeFile(tone(8000, 1, 8000), dir / "a.mp3", EncodeFormat::Mp3));
    ASSERT_FALSE(
        callqc::audio::encodeFile(tone(8000, 2, 8000), dir / "b.wav", EncodeFormat::GsmWav));
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) {
        names.push_back(entry.path().filename().string());
    }
    EXPECT_EQ(names, std::vector<std::string>{"a.mp3"});
}

TEST(Encoder, emptyBufferIsAnError) {
    const PcmBuffer noChannels;
    const auto written =
        callqc::audio::encodeFile(noChannels, tmpDir() / "empty.wav", EncodeFormat::PcmS16Wav);
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().kind, AudioError::Kind::Encode);
    const auto noSamples =
        callqc::audio::encodeFile(tone(8000, 2, 0), tmpDir() / "empty.mp3", EncodeFormat::Mp3);
    ASSERT_FALSE(noSamples);
    EXPECT_FALSE(fs::exists(tmpDir() / "empty.mp3"));
}

TEST(Encoder, opusTakesRatesLibopusCannotByResampling) {
    const fs::path path = tmpDir() / "cd-rate.ogg";
    const auto written =
        callqc::audio::encodeFile(tone(22050, 1, 44100), path, EncodeFormat::OpusOgg);
    ASSERT_TRUE(written) << written.error().detail;
    const Probe p = probe(path);
    EXPECT_EQ(p.codec, "opus");
    EXPECT_NEAR(p.decodedSec(), 2.0, 0.03);
    EXPECT_GT(toneShare(p.firstChannel, p.sampleRateHz, 1000.0), 0.8);
}

TEST(Encoder, mp3RejectsARateItCannotCarry) {
    const auto written =
        callqc::audio::encodeFile(tone(7000, 1, 7000), tmpDir() / "odd.mp3", EncodeFormat::Mp3);
    ASSERT_FALSE(written);
    EXPECT_EQ(written.error().kind, AudioError::Kind::Encode);
}

TEST(Encoder, keepsWidebandRatesForCodecsThatCarryThem) {
    const fs::path path = tmpDir() / "wideband.m4a";
    ASSERT_TRUE(callqc::audio::encodeFile(tone(16000, 1, 32000), path, EncodeFormat::AacM4a));
    const Probe p = probe(path);
    EXPECT_EQ(p.sampleRateHz, 16000);
    EXPECT_NEAR(p.decodedSec(), 2.0, 0.07);
}

TEST(Encoder, formatNamesAreDistinct) {
    const std::vector<EncodeFormat> all = {EncodeFormat::PcmS16Wav, EncodeFormat::MulawWav,
                                           EncodeFormat::AlawWav,   EncodeFormat::GsmWav,
                                           EncodeFormat::Mp3,       EncodeFormat::OpusOgg,
                                           EncodeFormat::AacM4a,    EncodeFormat::Flac};
    for (std::size_t i = 0; i < all.size(); ++i) {
        EXPECT_FALSE(callqc::audio::formatName(all[i]).empty());
        for (std::size_t j = i + 1; j < all.size(); ++j) {
            EXPECT_NE(callqc::audio::formatName(all[i]), callqc::audio::formatName(all[j]));
        }
    }
}

} // namespace
