// Opus decoded at the stream's own rate (libopus on libavformat's Ogg packets): exact lengths,
// the right tones on the right channels, the header's output gain, agreement with libav's own
// 48 kHz decode, and seeks that land on the sample at the stream's rate.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <memory>
#include <numbers>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libswresample/swresample.h>
}

#include "audio/audio_stream.hpp"
#include "audio/decoder.hpp"
#include "audio/encoder.hpp"
#include "tests/audio/fixtures.hpp"

namespace callqc::audio {
namespace {

namespace fs = std::filesystem;
using tests::freshDir;

/// Tone frequencies by channel: distinct, so that a swapped or mixed pair shows.
constexpr double kToneHz[] = {500.0, 1250.0};

/// `frames` frames of a steady tone per channel (kToneHz), at half scale.
PcmBuffer tones(int rateHz, int channels, std::size_t frames) {
    PcmBuffer pcm;
    pcm.sampleRateHz = rateHz;
    pcm.channels.assign(static_cast<std::size_t>(channels), std::vector<float>(frames));
    for (std::size_t c = 0; c < pcm.channels.size(); ++c) {
        for (std::size_t i = 0; i < frames; ++i) {
            const double t = static_cast<double>(i) / rateHz;
            pcm.channels[c][i] =
                static_cast<float>(0.5 * std::sin(2 * std::numbers::pi * kToneHz[c] * t));
        }
    }
    return pcm;
}

/// Frequency of a steady tone by counting zero crossings, skipping `marginSec` at each end.
double zeroCrossingHz(const std::vector<float>& samples, int rateHz, double marginSec = 0.1) {
    const auto margin = static_cast<std::size_t>(marginSec * rateHz);
    std::size_t crossings = 0;
    for (std::size_t i = margin + 1; i + margin < samples.size(); ++i) {
        crossings += (samples[i - 1] < 0) != (samples[i] < 0);
    }
    const double seconds = static_cast<double>(samples.size() - 2 * margin - 1) / rateHz;
    return static_cast<double>(crossings) / 2.0 / seconds;
}

double rms(const std::vector<float>& samples, std::size_t from, std::size_t to) {
    double sum = 0;
    for (std::size_t i = from; i < to; ++i) {
        sum += static_cast<double>(samples[i]) * samples[i];
    }
    return std::sqrt(sum / static_cast<double>(to - from));
}

struct RateCase {
    int rateHz;
    int channels;
};

void PrintTo(const RateCase& c, std::ostream* out) {
    *out << c.rateHz << " Hz, " << c.channels << " channel(s)";
}

class OpusRates : public ::testing::TestWithParam<RateCase> {};

TEST_P(OpusRates, decodeAtTheStreamsOwnRateToTheExactLength) {
    const RateCase& c = GetParam();
    const auto dir = freshDir("opus_rate");
    // Not a whole number of 20 ms packets, so that the last packet is trimmed.
    const std::size_t frames = static_cast<std::size_t>(c.rateHz) * 2 + 137;
    const PcmBuffer input = tones(c.rateHz, c.channels, frames);
    const fs::path path = dir / "通话 tone.opus";
    ASSERT_TRUE(encodeFile(input, path, EncodeFormat::OpusOgg));

    auto decoded = decodeFile(path);
    ASSERT_TRUE(decoded) << decoded.error().detail;
    EXPECT_EQ(decoded->codec, "opus");
    EXPECT_EQ(decoded->container, "ogg");
    EXPECT_EQ(decoded->pcm.sampleRateHz, c.rateHz);
    ASSERT_EQ(decoded->pcm.channelCount(), c.channels);
    EXPECT_EQ(decoded->pcm.frames(), frames);
    EXPECT_EQ(decoded->seekIndex.sampleRateHz, c.rateHz);
    EXPECT_EQ(decoded->seekIndex.totalSamples, static_cast<std::int64_t>(frames));
    EXPECT_TRUE(decoded->warnings.empty()) << decoded->warnings.front();
    for (std::size_t ch = 0; ch < decoded->pcm.channels.size(); ++ch) {
        const auto& samples = decoded->pcm.channels[ch];
        EXPECT_NEAR(zeroCrossingHz(samples, c.rateHz), kToneHz[ch], 2.0) << "channel " << ch;
        EXPECT_NEAR(rms(samples, samples.size() / 4, samples.size() * 3 / 4), 0.5 / std::sqrt(2.0),
                    0.05)
            << "channel " << ch;
    }

    auto opened = AudioStream::open(path);
    ASSERT_TRUE(opened) << opened.error().detail;
    EXPECT_EQ((*opened)->info().sampleRateHz, c.rateHz);
    EXPECT_EQ((*opened)->info().channels, c.channels);
    EXPECT_EQ((*opened)->info().codec, "opus");
}

INSTANTIATE_TEST_SUITE_P(Opus, OpusRates,
                         ::testing::Values(RateCase{8000, 1}, RateCase{8000, 2}, RateCase{12000, 1},
                                           RateCase{16000, 1}, RateCase{16000, 2},
                                           RateCase{24000, 2}, RateCase{48000, 2}),
                         [](const ::testing::TestParamInfo<RateCase>& param) {
                             return std::to_string(param.param.rateHz / 1000) + "k_" +
                                    (param.param.channels == 1 ? "mono" : "stereo");
                         });

/// Speech-like audio: bursts of two inharmonic tones plus noise, with pauses.
PcmBuffer talk(int rateHz, double seconds) {
    PcmBuffer pcm = tests::silence(1, seconds, rateHz);
    std::uint32_t state = 7;
    auto& samples = pcm.channels[0];
    for (std::size_t i = 0; i < samples.size(); ++i) {
        const double t = static_cast<double>(i) / rateHz;
        if (std::fmod(t, 1.2) >= 0.7) {
            continue;
        }
        const int burst = static_cast<int>(t / 1.2);
        state = state * 1664525u + 1013904223u;
        const double noise = static_cast<double>(state >> 8) / 8388608.0 - 1.0;
        samples[i] = static_cast<float>(
            0.3 * std::sin(2 * std::numbers::pi * (230.0 + 41.0 * burst) * t) +
            0.15 * std::sin(2 * std::numbers::pi * (1130.0 + 97.0 * burst) * t) + 0.05 * noise);
    }
    return pcm;
}

struct FormatCloser {
    void operator()(AVFormatContext* ctx) const { avformat_close_input(&ctx); }
};
struct CodecFreer {
    void operator()(AVCodecContext* ctx) const { avcodec_free_context(&ctx); }
};
struct SwrFreer {
    void operator()(SwrContext* s) const { swr_free(&s); }
};

/// Channel 0 of `path` as libav's decoder `decoderName` decodes it (always 48 kHz for Opus),
/// resampled to `rateHz` by libswresample: a reference the direct decode must agree with.
std::vector<float> libavDecodeAt(const fs::path& path, const char* decoderName, int rateHz) {
    std::vector<float> out;
    AVFormatContext* raw = nullptr;
    if (avformat_open_input(&raw, path.c_str(), nullptr, nullptr) < 0) {
        ADD_FAILURE() << "libav cannot open " << path;
        return out;
    }
    std::unique_ptr<AVFormatContext, FormatCloser> format(raw);
    const AVCodec* decoder = nullptr;
    if (avformat_find_stream_info(raw, nullptr) < 0 ||
        av_find_best_stream(raw, AVMEDIA_TYPE_AUDIO, -1, -1, &decoder, 0) != 0) {
        ADD_FAILURE() << "no audio stream in " << path;
        return out;
    }
    decoder = avcodec_find_decoder_by_name(decoderName);
    if (decoder == nullptr) {
        ADD_FAILURE() << "libav has no " << decoderName << " decoder";
        return out;
    }
    std::unique_ptr<AVCodecContext, CodecFreer> codec(avcodec_alloc_context3(decoder));
    avcodec_parameters_to_context(codec.get(), raw->streams[0]->codecpar);
    codec->pkt_timebase = raw->streams[0]->time_base;
    if (avcodec_open2(codec.get(), decoder, nullptr) < 0) {
        ADD_FAILURE() << "cannot open the decoder";
        return out;
    }
    EXPECT_EQ(codec->sample_rate, 48000);
    SwrContext* swrRaw = nullptr;
    AVChannelLayout mono = AV_CHANNEL_LAYOUT_MONO;
    swr_alloc_set_opts2(&swrRaw, &mono, AV_SAMPLE_FMT_FLT, rateHz, &codec->ch_layout,
                        codec->sample_fmt, codec->sample_rate, 0, nullptr);
    std::unique_ptr<SwrContext, SwrFreer> swr(swrRaw);
    if (!swr || swr_init(swr.get()) < 0) {
        ADD_FAILURE() << "cannot set up the resampler";
        return out;
    }
    AVPacket* packet = av_packet_alloc();
    AVFrame* frame = av_frame_alloc();
    const auto drain = [&] {
        while (avcodec_receive_frame(codec.get(), frame) >= 0) {
            std::vector<float> chunk(static_cast<std::size_t>(frame->nb_samples));
            auto* dst = reinterpret_cast<std::uint8_t*>(chunk.data());
            const int got = swr_convert(swr.get(), &dst, frame->nb_samples,
                                        const_cast<const std::uint8_t**>(frame->extended_data),
                                        frame->nb_samples);
            out.insert(out.end(), chunk.begin(), chunk.begin() + std::max(got, 0));
            av_frame_unref(frame);
        }
    };
    while (av_read_frame(raw, packet) >= 0) {
        avcodec_send_packet(codec.get(), packet);
        av_packet_unref(packet);
        drain();
    }
    avcodec_send_packet(codec.get(), nullptr);
    drain();
    av_packet_free(&packet);
    av_frame_free(&frame);
    return out;
}

/// Normalised correlation of `a` and `b` shifted by `lag` (b[i + lag] against a[i]).
double correlation(const std::vector<float>& a, const std::vector<float>& b, int lag) {
    double dot = 0;
    double a2 = 0;
    double b2 = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const auto j = static_cast<std::int64_t>(i) + lag;
        if (j < 0 || j >= static_cast<std::int64_t>(b.size())) {
            continue;
        }
        const double x = a[i];
        const double y = b[static_cast<std::size_t>(j)];
        dot += x * y;
        a2 += x * x;
        b2 += y * y;
    }
    return a2 > 0 && b2 > 0 ? dot / std::sqrt(a2 * b2) : 0;
}

TEST(Opus, directDecodeMatchesLibavs48kHzDecodeResampled) {
    const auto dir = freshDir("opus_vs_libav");
    for (const int rate : {8000, 16000}) {
        SCOPED_TRACE(std::to_string(rate) + " Hz");
        const fs::path path = dir / ("talk-" + std::to_string(rate) + ".ogg");
        ASSERT_TRUE(encodeFile(talk(rate, 6.0), path, EncodeFormat::OpusOgg));
        auto decoded = decodeFile(path);
        ASSERT_TRUE(decoded) << decoded.error().detail;
        ASSERT_EQ(decoded->pcm.sampleRateHz, rate);
        const auto& ours = decoded->pcm.channels[0];
        // libopus through libav at 48 kHz: the same decoder at another rate, in step to the
        // sample. FFmpeg's native decoder has its own SILK resampler, up to a sample (at 8 kHz)
        // off libopus's.
        for (const auto* name : {"libopus", "opus"}) {
            SCOPED_TRACE(name);
            const bool same = std::string(name) == "libopus";
            const std::vector<float> reference = libavDecodeAt(path, name, rate);
            // libswresample keeps back a few samples of filter delay at the end.
            EXPECT_NEAR(static_cast<double>(reference.size()), static_cast<double>(ours.size()),
                        32);
            int bestLag = 0;
            double best = -1;
            for (int lag = -rate / 100; lag <= rate / 100; ++lag) {
                if (const double r = correlation(ours, reference, lag); r > best) {
                    best = r;
                    bestLag = lag;
                }
            }
            EXPECT_LE(std::abs(bestLag), same ? 0 : 1) << "the decodes are not in step";
            // Two resamplers' passbands differ near the 8 kHz rate's Nyquist frequency.
            EXPECT_GT(best, rate == 8000 ? 0.97 : 0.99);
        }
    }
}

/// The CRC of an Ogg page (RFC 3533, section 6: polynomial 0x04C11DB7, not reflected, initial
/// value 0), computed with the checksum field zeroed.
std::uint32_t oggCrc(const std::vector<std::uint8_t>& page) {
    std::uint32_t crc = 0;
    for (const std::uint8_t byte : page) {
        crc ^= static_cast<std::uint32_t>(byte) << 24;
        for (int bit = 0; bit < 8; ++bit) {
            crc = (crc & 0x80000000u) != 0 ? (crc << 1) ^ 0x04C11DB7u : crc << 1;
        }
    }
    return crc;
}

TEST(Opus, headersOutputGainIsApplied) {
    const auto dir = freshDir("opus_gain");
    const fs::path plain = dir / "plain.ogg";
    ASSERT_TRUE(encodeFile(tones(16000, 1, 32000), plain, EncodeFormat::OpusOgg));
    // The first Ogg page holds the OpusHead packet alone: 27 header bytes, one lacing value.
    auto bytes = tests::readBytes(plain);
    ASSERT_GT(bytes.size(), 28u + 19u);
    ASSERT_EQ(std::string(bytes.begin(), bytes.begin() + 4), "OggS");
    ASSERT_EQ(bytes[26], 1);
    const std::size_t headAt = 28;
    ASSERT_EQ(std::string(bytes.begin() + headAt, bytes.begin() + headAt + 8), "OpusHead");
    const std::size_t pageSize = headAt + bytes[27];
    constexpr std::int16_t kSixDbQ8 = 1541; // 20 log10(2) dB in Q7.8: twice the amplitude
    bytes[headAt + 16] = static_cast<std::uint8_t>(kSixDbQ8 & 0xFF);
    bytes[headAt + 17] = static_cast<std::uint8_t>(kSixDbQ8 >> 8);
    std::vector<std::uint8_t> page(bytes.begin(), bytes.begin() + static_cast<long>(pageSize));
    std::fill_n(page.begin() + 22, 4, 0);
    const std::uint32_t crc = oggCrc(page);
    for (int i = 0; i < 4; ++i) {
        bytes[22 + static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(crc >> (8 * i));
    }
    const fs::path gained = dir / "gained.ogg";
    tests::writeBytes(gained, bytes);

    auto a = decodeFile(plain);
    auto b = decodeFile(gained);
    ASSERT_TRUE(a) << a.error().detail;
    ASSERT_TRUE(b) << b.error().detail;
    ASSERT_EQ(a->pcm.frames(), b->pcm.frames());
    const std::size_t n = a->pcm.frames();
    const double ratio =
        rms(b->pcm.channels[0], n / 4, n * 3 / 4) / rms(a->pcm.channels[0], n / 4, n * 3 / 4);
    EXPECT_NEAR(ratio, 2.0, 0.01);
}

TEST(Opus, exactSeeksLandOnTheSampleAtTheStreamsRate) {
    const auto dir = freshDir("opus_seek");
    const fs::path path = dir / "talk.opus";
    const int rate = 16000;
    ASSERT_TRUE(encodeFile(talk(rate, 8.0), path, EncodeFormat::OpusOgg));
    auto reference = decodeFile(path);
    ASSERT_TRUE(reference) << reference.error().detail;
    ASSERT_EQ(reference->pcm.sampleRateHz, rate);
    const auto& whole = reference->pcm.channels[0];
    const auto total = static_cast<std::int64_t>(whole.size());
    ASSERT_EQ(total, 8 * rate);

    // Bursts start every 1.2 s; the seek target is 0.1 s into each, so that the preroll (80 ms)
    // and the 1 s index step both reach back across the pause before it.
    for (const bool withIndex : {false, true}) {
        SCOPED_TRACE(withIndex ? "with the stored index" : "without an index");
        auto opened = AudioStream::open(
            path, withIndex ? deserializeSeekIndex(serializeSeekIndex(reference->seekIndex))
                            : SeekIndex{});
        ASSERT_TRUE(opened) << opened.error().detail;
        AudioStream& stream = **opened;
        for (const double sec : {3.7, 1.3, 6.1, 0.0, 4.9}) {
            const auto target = static_cast<std::int64_t>(sec * rate) + 3;
            SCOPED_TRACE("seek to " + std::to_string(target));
            ASSERT_TRUE(stream.seek(target));
            ASSERT_EQ(stream.position(), target);
            std::vector<float> got(static_cast<std::size_t>(rate / 2));
            float* planes[] = {got.data()};
            auto read = stream.read(planes, got.size());
            ASSERT_TRUE(read) << read.error().detail;
            ASSERT_EQ(*read, got.size());
            const std::vector<float> expected(whole.begin() + target,
                                              whole.begin() + target + rate / 2);
            EXPECT_EQ(correlation(got, expected, 0) > 0.999, true)
                << "correlation " << correlation(got, expected, 0);
            int bestLag = 0;
            double best = -1;
            for (int lag = -40; lag <= 40; ++lag) {
                if (target + lag < 0 || target + lag + rate / 2 > total) {
                    continue;
                }
                std::vector<float> shifted(whole.begin() + target + lag,
                                           whole.begin() + target + lag + rate / 2);
                if (const double r = correlation(got, shifted, 0); r > best) {
                    best = r;
                    bestLag = lag;
                }
            }
            EXPECT_EQ(bestLag, 0);
        }
        ASSERT_TRUE(stream.seek(total - 5));
        std::vector<float> tail(100);
        float* planes[] = {tail.data()};
        auto read = stream.read(planes, tail.size());
        ASSERT_TRUE(read);
        EXPECT_EQ(*read, 5u);
        EXPECT_EQ(stream.gatheredIndex(), reference->seekIndex);
    }
}

TEST(Opus, truncatedFileDecodesWhatIsThere) {
    const auto dir = freshDir("opus_truncated");
    ASSERT_TRUE(encodeFile(talk(8000, 6.0), dir / "full.ogg", EncodeFormat::OpusOgg));
    auto bytes = tests::readBytes(dir / "full.ogg");
    bytes.resize(bytes.size() / 2);
    tests::writeBytes(dir / "cut.ogg", bytes);
    auto decoded = decodeFile(dir / "cut.ogg");
    ASSERT_TRUE(decoded) << decoded.error().detail;
    EXPECT_EQ(decoded->pcm.sampleRateHz, 8000);
    EXPECT_GT(decoded->pcm.durationSec(), 1.5);
    EXPECT_LT(decoded->pcm.durationSec(), 4.5);
    EXPECT_EQ(decoded->seekIndex.totalSamples, static_cast<std::int64_t>(decoded->pcm.frames()));
}

} // namespace
} // namespace callqc::audio
