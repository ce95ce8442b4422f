#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <numbers>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "audio/encoder.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/dict.h>
#include <libavutil/frame.h>
#include <libavutil/samplefmt.h>
}

namespace {

namespace fs = std::filesystem;
using callqc::audio::AmrMode;
using callqc::audio::AudioError;
using callqc::audio::EncodeFormat;
using callqc::audio::EncodeOptions;
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
    std::string sampleFormat; ///< of the decoded frames, e.g. "s16", "fltp"
    int sampleRateHz = 0;
    int channels = 0;
    std::int64_t decodedFrames = 0;
    std::vector<double> firstChannel; ///< decoded samples of channel 0
    std::set<int> packetSizes;
    std::string title;   ///< container or stream tag "title"
    std::string comment; ///< container or stream tag "comment"
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
    case AV_SAMPLE_FMT_U8:
        return (plane[at] - 128) / 128.0;
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
    for (const AVDictionary* tags : {input->metadata, stream->metadata}) {
        if (const AVDictionaryEntry* e = av_dict_get(tags, "title", nullptr, 0)) {
            result.title = e->value;
        }
        if (const AVDictionaryEntry* e = av_dict_get(tags, "comment", nullptr, 0)) {
            result.comment = e->value;
        }
    }
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
            result.sampleFormat =
                av_get_sample_fmt_name(static_cast<AVSampleFormat>(frame->format));
            result.decodedFrames += frame->nb_samples;
            for (int i = 0; i < frame->nb_samples; ++i) {
                result.firstChannel.push_back(sampleAt(frame.get(), 0, i));
            }
            av_frame_unref(frame.get());
        }
    };
    while (av_read_frame(input.get(), packet.get()) >= 0) {
        if (packet->stream_index == streamIndex) {
            result.packetSizes.insert(packet->size);
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
    const char* codec;        ///< libav codec name when probed
    const char* container;    ///< libav demuxer name when probed
    const char* sampleFormat; ///< of libav's decoded frames
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
    EXPECT_EQ(p.sampleFormat, c.sampleFormat);
    EXPECT_EQ(p.sampleRateHz, c.format == EncodeFormat::OpusOgg ? 48000 : 8000); // Opus: always
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

// Tolerances: PCM, GSM (16000 samples are whole 320-sample blocks), AMR (whole 160-sample frames)
// and FLAC are exact; MP3 and
// Opus carry their encoder delay and padding, so libav trims them to within a few ms; for AAC in
// MP4, libav 5.1 drops the priming but decodes the last frame's padding, which is 48 ms for
// 16000 samples at 8 kHz (at most one 1024-sample frame).
INSTANTIATE_TEST_SUITE_P(
    Encoder, EncodeEachFormat,
    ::testing::Values(
        FormatCase{EncodeFormat::PcmS16Wav, ".wav", "pcm_s16le", "wav", "s16", 2, 0.0},
        FormatCase{EncodeFormat::MulawWav, ".wav", "pcm_mulaw", "wav", "s16", 2, 0.0},
        FormatCase{EncodeFormat::AlawWav, ".wav", "pcm_alaw", "wav", "s16", 2, 0.0},
        FormatCase{EncodeFormat::GsmWav, ".wav", "gsm_ms", "wav", "s16", 1, 0.0},
        FormatCase{EncodeFormat::Mp3, ".mp3", "mp3", "mp3", "fltp", 2, 0.01},
        FormatCase{EncodeFormat::OpusOgg, ".ogg", "opus", "ogg", "fltp", 2, 0.01},
        FormatCase{EncodeFormat::AacM4a, ".m4a", "aac", "mov,mp4,m4a,3gp,3g2,mj2", "fltp", 2, 0.07},
        FormatCase{EncodeFormat::Flac, ".flac", "flac", "flac", "s16", 2, 0.0},
        FormatCase{EncodeFormat::PcmU8Wav, ".wav", "pcm_u8", "wav", "u8", 2, 0.0},
        FormatCase{EncodeFormat::PcmS24Wav, ".wav", "pcm_s24le", "wav", "s32", 2, 0.0},
        FormatCase{EncodeFormat::FloatWav, ".wav", "pcm_f32le", "wav", "flt", 2, 0.0},
        FormatCase{EncodeFormat::PcmS16WavExtensible, ".wav", "pcm_s16le", "wav", "s16", 2, 0.0},
        FormatCase{EncodeFormat::AmrNb, ".amr", "amr_nb", "amr", "fltp", 1, 0.0}),
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
    const std::vector<EncodeFormat> all = {
        EncodeFormat::PcmS16Wav, EncodeFormat::MulawWav, EncodeFormat::AlawWav,
        EncodeFormat::GsmWav,    EncodeFormat::Mp3,      EncodeFormat::OpusOgg,
        EncodeFormat::AacM4a,    EncodeFormat::Flac,     EncodeFormat::PcmU8Wav,
        EncodeFormat::PcmS24Wav, EncodeFormat::FloatWav, EncodeFormat::PcmS16WavExtensible,
        EncodeFormat::AmrNb};
    for (std::size_t i = 0; i < all.size(); ++i) {
        EXPECT_FALSE(callqc::audio::formatName(all[i]).empty());
        for (std::size_t j = i + 1; j < all.size(); ++j) {
            EXPECT_NE(callqc::audio::formatName(all[i]), callqc::audio::formatName(all[j]));
        }
    }
}

EncodeOptions optionsFor(EncodeFormat format) {
    EncodeOptions options;
    options.format = format;
    return options;
}

std::uint32_t le(const std::string& bytes, std::size_t at, int width) {
    std::uint32_t value = 0;
    for (int i = width - 1; i >= 0; --i) {
        value =
            (value << 8) | static_cast<unsigned char>(bytes.at(at + static_cast<std::size_t>(i)));
    }
    return value;
}

/// The `fmt ` and `data` chunks of a WAV file, read from its bytes.
struct WavHeader {
    std::uint32_t riffSize = 0;
    std::uint32_t formatTag = 0;
    std::uint32_t channels = 0;
    std::uint32_t sampleRateHz = 0;
    std::uint32_t bitsPerSample = 0;
    std::uint32_t fmtSize = 0;
    std::uint32_t validBits = 0;   ///< extensible only
    std::uint32_t channelMask = 0; ///< extensible only
    std::string subFormat;         ///< extensible only, the 16 GUID bytes
    std::uint32_t dataSize = 0;
};

WavHeader readWavHeader(const std::string& bytes) {
    WavHeader h;
    EXPECT_EQ(bytes.substr(0, 4), "RIFF");
    EXPECT_EQ(bytes.substr(8, 4), "WAVE");
    h.riffSize = le(bytes, 4, 4);
    for (std::size_t at = 12; at + 8 <= bytes.size();) {
        const std::string id = bytes.substr(at, 4);
        const std::uint32_t size = le(bytes, at + 4, 4);
        const std::size_t body = at + 8;
        if (id == "fmt ") {
            h.fmtSize = size;
            h.formatTag = le(bytes, body, 2);
            h.channels = le(bytes, body + 2, 2);
            h.sampleRateHz = le(bytes, body + 4, 4);
            h.bitsPerSample = le(bytes, body + 14, 2);
            if (size >= 40) {
                h.validBits = le(bytes, body + 18, 2);
                h.channelMask = le(bytes, body + 20, 4);
                h.subFormat = bytes.substr(body + 24, 16);
            }
        } else if (id == "data") {
            h.dataSize = size;
        }
        at = body + size + (size % 2);
    }
    return h;
}

const std::string kSubtypePcm("\x01\x00\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71",
                              16);
const std::string kSubtypeFloat("\x03\x00\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71",
                                16);

struct WavHeaderCase {
    EncodeFormat format;
    std::uint32_t formatTag;
    std::uint32_t bits;
    const std::string* subFormat; ///< extensible only
};

TEST(Encoder, eachWavVariantHasItsFormatTagInTheHeader) {
    const std::vector<WavHeaderCase> cases = {
        {EncodeFormat::PcmS16Wav, 1, 16, nullptr},
        {EncodeFormat::PcmU8Wav, 1, 8, nullptr},
        {EncodeFormat::PcmS24Wav, 0xFFFE, 24, &kSubtypePcm},
        {EncodeFormat::FloatWav, 0xFFFE, 32, &kSubtypeFloat},
        {EncodeFormat::PcmS16WavExtensible, 0xFFFE, 16, &kSubtypePcm},
    };
    for (const int channels : {1, 2}) {
        for (const auto& c : cases) {
            SCOPED_TRACE(std::string(callqc::audio::formatName(c.format)) + " with " +
                         std::to_string(channels) + " channels");
            const fs::path path = tmpDir() / (std::string("header-") +
                                              std::string(callqc::audio::formatName(c.format)) +
                                              "-" + std::to_string(channels) + ".wav");
            ASSERT_TRUE(callqc::audio::encodeFile(tone(8000, channels, 8001), path, c.format));
            const std::string bytes = readBytes(path);
            const WavHeader h = readWavHeader(bytes);
            EXPECT_EQ(h.riffSize, bytes.size() - 8);
            EXPECT_EQ(h.formatTag, c.formatTag);
            EXPECT_EQ(h.channels, static_cast<std::uint32_t>(channels));
            EXPECT_EQ(h.sampleRateHz, 8000u);
            EXPECT_EQ(h.bitsPerSample, c.bits);
            EXPECT_EQ(h.dataSize, 8001u * static_cast<std::uint32_t>(channels) * c.bits / 8);
            if (c.subFormat != nullptr) {
                EXPECT_EQ(h.fmtSize, 40u);
                EXPECT_EQ(h.validBits, c.bits);
                EXPECT_EQ(h.channelMask, channels == 1 ? 0x4u : 0x3u); // centre; left + right
                EXPECT_TRUE(h.subFormat == *c.subFormat);
            }
        }
    }
}

TEST(Encoder, pcmWavVariantsKeepTheSamplesToTheirResolution) {
    PcmBuffer pcm = tone(8000, 1, 8000, 440);
    pcm.channels[0][100] = 1.0f; // full scale both ways, and a value between two 16-bit steps
    pcm.channels[0][101] = -1.0f;
    pcm.channels[0][102] = 0.1234567f;
    const auto decoded = [&](EncodeFormat format) {
        const fs::path path =
            tmpDir() / ("resolution-" + std::string(callqc::audio::formatName(format)) + ".wav");
        EXPECT_TRUE(callqc::audio::encodeFile(pcm, path, format));
        return probe(path).firstChannel;
    };
    const auto maxError = [&](const std::vector<double>& samples) {
        EXPECT_EQ(samples.size(), pcm.frames());
        double worst = 0;
        for (std::size_t i = 0; i < std::min(samples.size(), pcm.frames()); ++i) {
            worst = std::max(worst, std::abs(samples[i] - pcm.channels[0][i]));
        }
        return worst;
    };
    const auto asFloat = decoded(EncodeFormat::FloatWav);
    EXPECT_EQ(maxError(asFloat), 0.0) << "float WAV must keep every sample exactly";
    EXPECT_LE(maxError(decoded(EncodeFormat::PcmS24Wav)), 1.0 / 8388608);
    EXPECT_LE(maxError(decoded(EncodeFormat::PcmS16Wav)), 1.0 / 32768);
    EXPECT_LE(maxError(decoded(EncodeFormat::PcmU8Wav)), 1.0 / 128);
    EXPECT_EQ(decoded(EncodeFormat::PcmS16WavExtensible), decoded(EncodeFormat::PcmS16Wav))
        << "only the header differs between the 16-bit variants";
}

/// AMR-NB storage-format frame sizes including the one-byte header, by frame type (RFC 4867
/// section 5.3, 3GPP TS 26.101); 0 = a type that must not occur.
constexpr std::array<std::size_t, 16> kAmrFrameBytes = {13, 14, 16, 18, 20, 21, 27, 32,
                                                        6,  0,  0,  0,  0,  0,  0,  1};

/// The frame types of an AMR-NB file in order, walking its frames; fails the test on a bad layout.
std::vector<int> amrFrameTypes(const std::string& bytes) {
    std::vector<int> types;
    EXPECT_EQ(bytes.substr(0, 6), "#!AMR\n");
    std::size_t at = 6;
    while (at < bytes.size()) {
        const auto header = static_cast<unsigned char>(bytes[at]);
        const int type = (header >> 3) & 0x0F;
        EXPECT_NE(header & 0x04, 0) << "frame at byte " << at << " is marked bad (Q = 0)";
        const std::size_t size = kAmrFrameBytes.at(static_cast<std::size_t>(type));
        if (size == 0) {
            ADD_FAILURE() << "frame type " << type << " at byte " << at;
            return types;
        }
        types.push_back(type);
        at += size;
    }
    EXPECT_EQ(at, bytes.size()) << "the last frame is cut short";
    return types;
}

/// How many of `types[from, to)` are `type`.
long countOf(const std::vector<int>& types, int type, std::size_t from = 0,
             std::size_t to = SIZE_MAX) {
    to = std::min(to, types.size());
    from = std::min(from, to);
    return std::count(types.begin() + static_cast<std::ptrdiff_t>(from),
                      types.begin() + static_cast<std::ptrdiff_t>(to), type);
}

TEST(Encoder, amrWritesOneMr122FramePer20MsByDefault) {
    const fs::path path = tmpDir() / "speech.amr";
    ASSERT_TRUE(callqc::audio::encodeFile(tone(8000, 1, 16000), path, EncodeFormat::AmrNb));
    const std::string bytes = readBytes(path);
    EXPECT_EQ(amrFrameTypes(bytes), std::vector<int>(100, 7));
    EXPECT_EQ(bytes.size(), 6u + 100u * 32u);
}

TEST(Encoder, amrTakesTheAskedMode) {
    const fs::path path = tmpDir() / "mr475.amr";
    EncodeOptions options = optionsFor(EncodeFormat::AmrNb);
    options.amrMode = AmrMode::Mr475;
    ASSERT_TRUE(callqc::audio::encodeFile(tone(8000, 1, 16000), path, options));
    EXPECT_EQ(amrFrameTypes(readBytes(path)), std::vector<int>(100, 0));
    const Probe p = probe(path);
    EXPECT_EQ(p.decodedFrames, 16000);
}

TEST(Encoder, amrPadsTheLastFrameToAWhole20Ms) {
    const fs::path path = tmpDir() / "odd-length.amr";
    ASSERT_TRUE(callqc::audio::encodeFile(tone(8000, 1, 16001), path, EncodeFormat::AmrNb));
    EXPECT_EQ(amrFrameTypes(readBytes(path)).size(), 101u);
    EXPECT_EQ(probe(path).decodedFrames, 16160);
}

TEST(Encoder, amrResamplesAndMixesOtherInputToEightKilohertzMono) {
    const fs::path path = tmpDir() / "wideband-stereo.amr";
    ASSERT_TRUE(callqc::audio::encodeFile(tone(16000, 2, 32000), path, EncodeFormat::AmrNb));
    const Probe p = probe(path);
    EXPECT_EQ(p.codec, "amr_nb");
    EXPECT_EQ(p.sampleRateHz, 8000);
    EXPECT_EQ(p.channels, 1);
    EXPECT_EQ(p.decodedFrames, 16000);
    EXPECT_GT(toneShare(p.firstChannel, p.sampleRateHz, 1000.0), 0.8);
}

TEST(Encoder, amrDtxSendsSidAndNoDataThroughSilenceAndKeepsEveryFrame) {
    // 2 s tone, 6 s digital silence, 2 s tone: 500 frames of 20 ms, whatever they carry.
    PcmBuffer pcm = tone(8000, 1, 80000);
    std::fill(pcm.channels[0].begin() + 16000, pcm.channels[0].begin() + 64000, 0.0f);
    EncodeOptions options = optionsFor(EncodeFormat::AmrNb);
    options.amrDtx = true;
    const fs::path path = tmpDir() / "dtx.amr";
    ASSERT_TRUE(callqc::audio::encodeFile(pcm, path, options));

    constexpr int kSpeech = 7;
    constexpr int kSid = 8;
    constexpr int kNoData = 15;
    const std::vector<int> types = amrFrameTypes(readBytes(path));
    ASSERT_EQ(types.size(), 500u);
    EXPECT_EQ(countOf(types, kSpeech, 0, 100), 100) << "the first tone must stay speech";
    EXPECT_EQ(countOf(types, kSpeech, 400, 500), 100) << "the second tone must stay speech";
    // The VAD's hangover keeps a few frames after the tone as speech; well inside the silence
    // there is only comfort noise: SID updates and NO_DATA.
    EXPECT_EQ(countOf(types, kSpeech, 150, 400), 0);
    EXPECT_GT(countOf(types, kSid, 100, 400), 0) << "no SID frames";
    EXPECT_GT(countOf(types, kNoData, 100, 400), 200) << "too few NO_DATA frames";
    EXPECT_EQ(countOf(types, kSpeech) + countOf(types, kSid) + countOf(types, kNoData), 500);

    const fs::path plain = tmpDir() / "no-dtx.amr";
    ASSERT_TRUE(callqc::audio::encodeFile(pcm, plain, EncodeFormat::AmrNb));
    EXPECT_EQ(amrFrameTypes(readBytes(plain)), std::vector<int>(500, kSpeech));
}

TEST(Encoder, mp3VbrMarksItselfXingAndVariesTheFrameSize) {
    // Tone, silence, noise: a variable bit rate has something to vary on.
    PcmBuffer pcm = tone(8000, 2, 24000);
    std::uint32_t state = 7;
    for (auto& channel : pcm.channels) {
        std::fill(channel.begin() + 8000, channel.begin() + 16000, 0.0f);
        for (std::size_t i = 16000; i < 24000; ++i) {
            state = state * 1664525u + 1013904223u;
            channel[i] = 0.3f * (static_cast<float>(state >> 8) / 8388608.0f - 1.0f);
        }
    }
    EncodeOptions options = optionsFor(EncodeFormat::Mp3);
    options.mp3VbrQuality = 4;
    const fs::path vbr = tmpDir() / "vbr.mp3";
    const fs::path cbr = tmpDir() / "cbr.mp3";
    ASSERT_TRUE(callqc::audio::encodeFile(pcm, vbr, options));
    ASSERT_TRUE(callqc::audio::encodeFile(pcm, cbr, EncodeFormat::Mp3));

    const std::string vbrBytes = readBytes(vbr);
    EXPECT_NE(vbrBytes.find("Xing"), std::string::npos);
    EXPECT_EQ(vbrBytes.find("Info"), std::string::npos);
    EXPECT_NE(readBytes(cbr).find("Info"), std::string::npos);

    const Probe p = probe(vbr);
    EXPECT_EQ(p.codec, "mp3");
    EXPECT_EQ(p.sampleFormat, "fltp");
    EXPECT_EQ(p.channels, 2);
    EXPECT_EQ(p.sampleRateHz, 8000);
    EXPECT_EQ(p.decodedFrames, 24000) << "libav trims the delay and padding the LAME tag gives";
    EXPECT_GT(p.packetSizes.size(), 2u);
    EXPECT_LE(probe(cbr).packetSizes.size(), 2u);
}

TEST(Encoder, mp3TitleAndCommentAreAnId3v23TagWithTit2AndComm) {
    const std::string title = "质检培训：退款话术 \xF0\x9F\x8E\xA7"; // with a non-BMP emoji
    const std::string comment = "客户已同意录音";
    for (const bool vbr : {false, true}) {
        SCOPED_TRACE(vbr ? "VBR" : "CBR");
        EncodeOptions options = optionsFor(EncodeFormat::Mp3);
        options.title = title;
        options.comment = comment;
        if (vbr) {
            options.mp3VbrQuality = 6;
        }
        const fs::path path = tmpDir() / (vbr ? "tagged-vbr.mp3" : "tagged-cbr.mp3");
        ASSERT_TRUE(callqc::audio::encodeFile(tone(8000, 1, 16000), path, options));
        const std::string bytes = readBytes(path);
        EXPECT_EQ(bytes.substr(0, 5), std::string("ID3\x03\x00", 5));
        EXPECT_NE(bytes.find("TIT2"), std::string::npos);
        EXPECT_NE(bytes.find("COMM"), std::string::npos);
        EXPECT_EQ(bytes.find("TXXX"), std::string::npos);
        EXPECT_NE(bytes.find(vbr ? "Xing" : "Info"), std::string::npos);

        const Probe p = probe(path);
        EXPECT_EQ(p.title, title);
        EXPECT_EQ(p.comment, comment);
        EXPECT_EQ(p.decodedFrames, 16000) << "the tag must not upset the gapless info";
    }
}

TEST(Encoder, otherContainersCarryTitleAndCommentAsTheirOwnTags) {
    for (const auto& [format, extension] :
         {std::pair{EncodeFormat::OpusOgg, ".ogg"}, std::pair{EncodeFormat::PcmS16Wav, ".wav"},
          std::pair{EncodeFormat::PcmS16WavExtensible, ".wav"},
          std::pair{EncodeFormat::Flac, ".flac"}, std::pair{EncodeFormat::AacM4a, ".m4a"}}) {
        SCOPED_TRACE(std::string(callqc::audio::formatName(format)));
        EncodeOptions options = optionsFor(format);
        options.title = "投诉回访 0815";
        options.comment = "training";
        const fs::path path =
            tmpDir() / ("tagged-" + std::string(callqc::audio::formatName(format)) + extension);
        ASSERT_TRUE(callqc::audio::encodeFile(tone(8000, 1, 8000), path, options));
        const Probe p = probe(path);
        EXPECT_EQ(p.title, options.title);
        EXPECT_EQ(p.comment, options.comment);
        EXPECT_NEAR(p.decodedSec(), 1.0, 0.07); // AAC decodes its last frame's padding
    }
}

TEST(Encoder, optionsForAnotherFormatOrOutOfRangeAreErrors) {
    const auto refused = [](EncodeOptions options, const std::string& what) {
        const fs::path path = tmpDir() / "refused.out";
        fs::remove(path);
        const auto written = callqc::audio::encodeFile(tone(8000, 1, 8000), path, options);
        ASSERT_FALSE(written) << what;
        EXPECT_EQ(written.error().kind, AudioError::Kind::Encode);
        EXPECT_NE(written.error().detail.find(what), std::string::npos) << written.error().detail;
        EXPECT_FALSE(fs::exists(path));
    };
    EncodeOptions vbr = optionsFor(EncodeFormat::Mp3);
    vbr.mp3VbrQuality = 10;
    refused(vbr, "0 to 9");
    vbr.format = EncodeFormat::OpusOgg;
    vbr.mp3VbrQuality = 2;
    refused(vbr, "MP3 only");
    EncodeOptions dtx = optionsFor(EncodeFormat::PcmS16Wav);
    dtx.amrDtx = true;
    refused(dtx, "AMR-NB only");
    EncodeOptions amrTagged = optionsFor(EncodeFormat::AmrNb);
    amrTagged.title = "call";
    refused(amrTagged, "no place for a title");
    EncodeOptions badText = optionsFor(EncodeFormat::Mp3);
    badText.comment = "caf\xE9";
    refused(badText, "UTF-8");
}

} // namespace
