#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <numbers>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "audio/clip_export.hpp"
#include "tests/audio/fixtures.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
#include <libavutil/samplefmt.h>
}

namespace {

namespace fs = std::filesystem;
using callqc::audio::AudioError;
using callqc::audio::ClipOptions;
using callqc::audio::EncodeFormat;
using callqc::audio::Interval;
using callqc::audio::PcmBuffer;

constexpr int kRateHz = 8000;
constexpr double kAgentHz = 440.0;
constexpr double kCustomerHz = 700.0;

/// 20 s of a stereo call: the agent's tone on the left, the customer's on the right, throughout.
PcmBuffer stereoCall() {
    PcmBuffer call = callqc::tests::silence(2, 20.0, kRateHz);
    callqc::tests::addTone(call, 0, 0.0, 20.0, kAgentHz, 0.5f);
    callqc::tests::addTone(call, 1, 0.0, 20.0, kCustomerHz, 0.4f);
    return call;
}

ClipOptions range(double startSec, double endSec, EncodeFormat format = EncodeFormat::FloatWav) {
    ClipOptions options;
    options.startSec = startSec;
    options.endSec = endSec;
    options.encode.format = format;
    return options;
}

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

float sampleAt(const AVFrame* frame, int channel, int index) {
    const auto format = static_cast<AVSampleFormat>(frame->format);
    const bool planar = av_sample_fmt_is_planar(format) != 0;
    const std::uint8_t* plane = frame->extended_data[planar ? channel : 0];
    const int at = planar ? index : index * frame->ch_layout.nb_channels + channel;
    switch (av_get_packed_sample_fmt(format)) {
    case AV_SAMPLE_FMT_S16:
        return static_cast<float>(reinterpret_cast<const std::int16_t*>(plane)[at] / 32768.0);
    case AV_SAMPLE_FMT_FLT:
        return reinterpret_cast<const float*>(plane)[at];
    default:
        ADD_FAILURE() << "unexpected sample format " << av_get_sample_fmt_name(format);
        return 0.0f;
    }
}

/// Decodes the file's first audio stream with libav directly, independent of the decoder module.
PcmBuffer decodeWithLibav(const fs::path& path) {
    PcmBuffer pcm;
    pcm.sampleRateHz = 0;
    AVFormatContext* raw = nullptr;
    if (avformat_open_input(&raw, path.string().c_str(), nullptr, nullptr) < 0) {
        ADD_FAILURE() << "libav cannot open " << path;
        return pcm;
    }
    std::unique_ptr<AVFormatContext, InputCloser> input(raw);
    const AVCodec* decoder = nullptr;
    if (avformat_find_stream_info(input.get(), nullptr) < 0) {
        ADD_FAILURE() << "no stream info in " << path;
        return pcm;
    }
    const int streamIndex =
        av_find_best_stream(input.get(), AVMEDIA_TYPE_AUDIO, -1, -1, &decoder, 0);
    if (streamIndex < 0 || decoder == nullptr) {
        ADD_FAILURE() << "no audio stream in " << path;
        return pcm;
    }
    std::unique_ptr<AVCodecContext, CodecFreer> codec(avcodec_alloc_context3(decoder));
    avcodec_parameters_to_context(codec.get(), input->streams[streamIndex]->codecpar);
    if (avcodec_open2(codec.get(), decoder, nullptr) < 0) {
        ADD_FAILURE() << "cannot open decoder for " << path;
        return pcm;
    }
    std::unique_ptr<AVPacket, PacketFreer> packet(av_packet_alloc());
    std::unique_ptr<AVFrame, FrameFreer> frame(av_frame_alloc());
    const auto receiveAll = [&] {
        while (avcodec_receive_frame(codec.get(), frame.get()) >= 0) {
            pcm.sampleRateHz = frame->sample_rate;
            pcm.channels.resize(static_cast<std::size_t>(frame->ch_layout.nb_channels));
            for (int ch = 0; ch < frame->ch_layout.nb_channels; ++ch) {
                for (int i = 0; i < frame->nb_samples; ++i) {
                    pcm.channels[static_cast<std::size_t>(ch)].push_back(
                        sampleAt(frame.get(), ch, i));
                }
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
    return pcm;
}

/// The call's samples of `channel` over [first, first + count).
std::vector<float> slice(const PcmBuffer& call, int channel, std::size_t first, std::size_t count) {
    const auto& samples = call.channels.at(static_cast<std::size_t>(channel));
    return {samples.begin() + static_cast<std::ptrdiff_t>(first),
            samples.begin() + static_cast<std::ptrdiff_t>(first + count)};
}

std::vector<float> part(const std::vector<float>& samples, std::size_t first, std::size_t end) {
    return {samples.begin() + static_cast<std::ptrdiff_t>(first),
            samples.begin() + static_cast<std::ptrdiff_t>(end)};
}

/// Sign changes, zeros skipped (a sine sampled at 8 kHz hits 0 exactly every half cycle).
int signChanges(const std::vector<float>& samples) {
    int changes = 0;
    int last = 0;
    for (const float s : samples) {
        const int sign = (s > 0) - (s < 0);
        if (sign != 0) {
            changes += (last != 0 && sign != last) ? 1 : 0;
            last = sign;
        }
    }
    return changes;
}

float peak(const std::vector<float>& samples) {
    float worst = 0;
    for (const float s : samples) {
        worst = std::max(worst, std::abs(s));
    }
    return worst;
}

TEST(ClipExport, wavHoldsExactlyTheRangeSampleForSample) {
    const fs::path dir = callqc::tests::freshDir("clip");
    const PcmBuffer call = stereoCall();

    const auto result = callqc::audio::exportClip(call, dir / "clip.wav", range(10.0, 12.5));
    ASSERT_TRUE(result) << result.error().detail;
    EXPECT_EQ(result->startFrame, 80000u);
    EXPECT_EQ(result->frames, 20000u);
    EXPECT_EQ(result->durationSec, 2.5);

    const PcmBuffer clip = decodeWithLibav(dir / "clip.wav");
    EXPECT_EQ(clip.sampleRateHz, kRateHz);
    ASSERT_EQ(clip.channelCount(), 2);
    EXPECT_EQ(clip.frames(), 20000u);
    EXPECT_EQ(clip.channels[0], slice(call, 0, 80000, 20000));
    EXPECT_EQ(clip.channels[1], slice(call, 1, 80000, 20000));
}

TEST(ClipExport, sixteenBitWavIsTheRangeToTheLastBit) {
    const fs::path dir = callqc::tests::freshDir("clip");
    const PcmBuffer call = stereoCall();
    ASSERT_TRUE(callqc::audio::exportClip(call, dir / "clip16.wav",
                                          range(10.0, 12.5, EncodeFormat::PcmS16Wav)));
    const PcmBuffer clip = decodeWithLibav(dir / "clip16.wav");
    ASSERT_EQ(clip.frames(), 20000u);
    for (int ch = 0; ch < 2; ++ch) {
        const std::vector<float> source = slice(call, ch, 80000, 20000);
        for (std::size_t i = 0; i < source.size(); ++i) {
            ASSERT_LE(std::abs(clip.channels[static_cast<std::size_t>(ch)][i] - source[i]),
                      1.0 / 32768)
                << "channel " << ch << " sample " << i;
        }
    }
}

TEST(ClipExport, muteCustomerZeroesTheCustomerChannelAndLeavesTheAgent) {
    const fs::path dir = callqc::tests::freshDir("clip");
    const PcmBuffer call = stereoCall();
    ClipOptions options = range(10.0, 12.5);
    options.muteCustomer = true;

    ASSERT_TRUE(callqc::audio::exportClip(call, dir / "muted.wav", options));
    const PcmBuffer clip = decodeWithLibav(dir / "muted.wav");
    ASSERT_EQ(clip.channelCount(), 2);
    EXPECT_EQ(clip.channels[1], std::vector<float>(20000, 0.0f));
    EXPECT_EQ(clip.channels[0], slice(call, 0, 80000, 20000));
}

TEST(ClipExport, muteCustomerTakesTheCustomerChannelFromTheOptions) {
    const fs::path dir = callqc::tests::freshDir("clip");
    const PcmBuffer call = stereoCall();
    ClipOptions options = range(10.0, 12.5);
    options.muteCustomer = true;
    options.customerChannel = 0;

    ASSERT_TRUE(callqc::audio::exportClip(call, dir / "muted-left.wav", options));
    const PcmBuffer clip = decodeWithLibav(dir / "muted-left.wav");
    ASSERT_EQ(clip.channelCount(), 2);
    EXPECT_EQ(clip.channels[0], std::vector<float>(20000, 0.0f));
    EXPECT_EQ(clip.channels[1], slice(call, 1, 80000, 20000));
}

TEST(ClipExport, beepReplacesItsRangeOnEveryChannelAndNothingElse) {
    const fs::path dir = callqc::tests::freshDir("clip");
    const PcmBuffer call = stereoCall();
    ClipOptions options = range(10.0, 12.5);
    options.beeps = {{11.0, 11.5}};

    const auto result = callqc::audio::exportClip(call, dir / "beeped.wav", options);
    ASSERT_TRUE(result) << result.error().detail;
    EXPECT_EQ(result->beeps, (std::vector<Interval>{{11.0, 11.5}}));

    const PcmBuffer clip = decodeWithLibav(dir / "beeped.wav");
    ASSERT_EQ(clip.frames(), 20000u);
    // 11.0-11.5 s of call time is samples 8000-12000 of the clip.
    const float expectedPeak = static_cast<float>(std::pow(10.0, -12.0 / 20.0));
    for (int ch = 0; ch < 2; ++ch) {
        SCOPED_TRACE("channel " + std::to_string(ch));
        const auto& samples = clip.channels[static_cast<std::size_t>(ch)];
        const std::vector<float> beep = part(samples, 8000, 12000);
        EXPECT_EQ(signChanges(beep), 999) << "500 cycles of 1 kHz in 0.5 s";
        EXPECT_NEAR(peak(beep), expectedPeak, 1e-6);
        EXPECT_EQ(part(samples, 0, 8000), slice(call, ch, 80000, 8000));
        EXPECT_EQ(part(samples, 12000, 20000), slice(call, ch, 92000, 8000));
    }
    EXPECT_EQ(part(clip.channels[0], 8000, 12000), part(clip.channels[1], 8000, 12000))
        << "the beep is the same on both channels";
    for (std::size_t k = 0; k < 4000; ++k) {
        const double expected =
            expectedPeak * std::sin(2 * std::numbers::pi * 1000.0 * static_cast<double>(k) / 8000);
        ASSERT_NEAR(clip.channels[0][8000 + k], expected, 1e-6) << "beep sample " << k;
    }
}

TEST(ClipExport, beepsAreClippedToTheRangeAndMergedWhereTheyOverlap) {
    const fs::path dir = callqc::tests::freshDir("clip");
    const PcmBuffer call = stereoCall();
    ClipOptions options = range(10.0, 12.5);
    options.beeps = {{12.4, 13.0}, {1.0, 2.0}, {9.5, 10.2}, {10.1, 10.3}};
    options.muteCustomer = true;

    const auto result = callqc::audio::exportClip(call, dir / "edges.wav", options);
    ASSERT_TRUE(result) << result.error().detail;
    EXPECT_EQ(result->beeps, (std::vector<Interval>{{10.0, 10.3}, {12.4, 12.5}}));

    const PcmBuffer clip = decodeWithLibav(dir / "edges.wav");
    ASSERT_EQ(clip.frames(), 20000u);
    EXPECT_EQ(signChanges(part(clip.channels[1], 0, 2400)), 599) << "one continuous beep";
    EXPECT_EQ(part(clip.channels[1], 2400, 19200), std::vector<float>(16800, 0.0f))
        << "muted outside the beeps";
    EXPECT_EQ(part(clip.channels[0], 2400, 19200), slice(call, 0, 82400, 16800));
    EXPECT_EQ(part(clip.channels[0], 19200, 20000), part(clip.channels[1], 19200, 20000));
}

TEST(ClipExport, mp3AndOpusDecodeToTheClipLength) {
    const fs::path dir = callqc::tests::freshDir("clip");
    const PcmBuffer call = stereoCall();
    for (const auto& [format, name] :
         {std::pair{EncodeFormat::Mp3, "clip.mp3"}, std::pair{EncodeFormat::OpusOgg, "clip.ogg"}}) {
        SCOPED_TRACE(name);
        ClipOptions options = range(10.0, 12.5, format);
        options.beeps = {{11.0, 11.5}};
        options.encode.title = "退款话术 片段";
        ASSERT_TRUE(callqc::audio::exportClip(call, dir / name, options));
        const PcmBuffer clip = decodeWithLibav(dir / name);
        EXPECT_EQ(clip.channelCount(), 2);
        EXPECT_NEAR(clip.durationSec(), 2.5, 0.05);
    }
}

TEST(ClipExport, chineseFileNamesWork) {
    const fs::path dir = callqc::tests::freshDir("clip") / "质检培训";
    fs::create_directories(dir);
    const fs::path out = dir / "退款话术_坐席甲.mp3";
    const auto result =
        callqc::audio::exportClip(stereoCall(), out, range(10.0, 12.5, EncodeFormat::Mp3));
    ASSERT_TRUE(result) << result.error().detail;
    EXPECT_NEAR(decodeWithLibav(out).durationSec(), 2.5, 0.05);
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir)) {
        files.push_back(entry.path().filename());
    }
    EXPECT_EQ(files, std::vector<fs::path>{out.filename()}) << "no temporary file left behind";
}

/// Asserts that exporting `options` fails with an Encode error naming the output and saying
/// `what`, and writes nothing.
void expectRefused(const PcmBuffer& call, const ClipOptions& options, const std::string& what) {
    const fs::path dir = callqc::tests::freshDir("clip-refused");
    const fs::path out = dir / "refused.wav";
    const auto result = callqc::audio::exportClip(call, out, options);
    ASSERT_FALSE(result) << "expected an error saying: " << what;
    EXPECT_EQ(result.error().kind, AudioError::Kind::Encode);
    EXPECT_NE(result.error().detail.find(out.string()), std::string::npos) << result.error().detail;
    EXPECT_NE(result.error().detail.find(what), std::string::npos) << result.error().detail;
    EXPECT_TRUE(fs::is_empty(dir));
}

TEST(ClipExport, badRangesAreClearErrors) {
    const PcmBuffer call = stereoCall();
    expectRefused(call, range(-0.5, 2.0), "starts at -0.500 s, before the call");
    expectRefused(call, range(18.0, 20.5), "ends at 20.500 s, after the call ends at 20.000 s");
    expectRefused(call, range(12.0, 10.0), "12.000-10.000 s is empty");
    expectRefused(call, range(12.0, 12.0), "is empty");
    expectRefused(call, range(12.0, 12.00001), "shorter than one sample");
    expectRefused(call, range(std::numeric_limits<double>::quiet_NaN(), 2.0), "numbers");
    expectRefused(PcmBuffer{}, range(0.0, 1.0), "no audio");
    EXPECT_TRUE(callqc::audio::exportClip(call, callqc::tests::freshDir("clip") / "whole.wav",
                                          range(0.0, 20.0)))
        << "the whole call is a valid range";
}

TEST(ClipExport, badBeepsAndChannelsAreClearErrors) {
    const PcmBuffer call = stereoCall();
    ClipOptions reversed = range(10.0, 12.5);
    reversed.beeps = {{11.0, 11.5}, {11.5, 11.0}};
    expectRefused(call, reversed, "beep 2 (11.500-11.000 s) is empty or reversed");

    ClipOptions noSuchChannel = range(10.0, 12.5);
    noSuchChannel.muteCustomer = true;
    noSuchChannel.customerChannel = 2;
    expectRefused(call, noSuchChannel, "customer channel 2 does not exist");
    noSuchChannel.customerChannel = -1;
    expectRefused(call, noSuchChannel, "customer channel -1 does not exist");

    PcmBuffer mono = callqc::tests::silence(1, 20.0, kRateHz);
    callqc::tests::addTone(mono, 0, 0.0, 20.0, kAgentHz);
    ClipOptions monoMute = range(10.0, 12.5);
    monoMute.muteCustomer = true;
    expectRefused(mono, monoMute, "mono call: both parties are mixed");
    EXPECT_TRUE(callqc::audio::exportClip(mono, callqc::tests::freshDir("clip") / "mono.wav",
                                          range(10.0, 12.5)))
        << "a mono call exports without muting";
}

TEST(ClipExport, encoderErrorsComeThroughNamingTheFile) {
    const fs::path out = callqc::tests::freshDir("clip") / "no-such-folder" / "clip.wav";
    const auto result = callqc::audio::exportClip(stereoCall(), out, range(10.0, 12.5));
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, AudioError::Kind::Encode);
    EXPECT_NE(result.error().detail.find(out.string()), std::string::npos);
}

} // namespace
