// This file replaces the global operator new/delete with malloc/free to count allocations; once
// inlined, g++ -O3 pairs library `new` expressions with our `free` and warns. They match.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <new>
#include <numbers>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "audio/audio_stream.hpp"
#include "audio/decoder.hpp"
#include "audio/encoder.hpp"
#include "tests/audio/fixtures.hpp"

// Counts operator new while a test asks, to show that steady-state reads allocate nothing.
namespace {
std::atomic<bool> g_countAllocations{false};
std::atomic<long> g_allocations{0};
} // namespace

void* operator new(std::size_t size) {
    if (g_countAllocations.load(std::memory_order_relaxed)) {
        g_allocations.fetch_add(1, std::memory_order_relaxed);
    }
    if (void* p = std::malloc(size == 0 ? 1 : size)) {
        return p;
    }
    throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
    std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
    std::free(p);
}

namespace callqc::audio {
namespace {

namespace fs = std::filesystem;
using tests::freshDir;

/// Speech-like test audio: 0.7 s bursts of two inharmonic tones plus noise (so that a
/// cross-correlation has one sharp peak), separated by 0.5 s of digital silence (so that AMR's
/// DTX sends SID and NO_DATA frames). Channels differ.
PcmBuffer talk(int channels, double seconds, int rateHz) {
    PcmBuffer pcm = tests::silence(channels, seconds, rateHz);
    std::uint32_t state = 11;
    const double nyquist = rateHz / 2.0;
    for (int c = 0; c < channels; ++c) {
        auto& samples = pcm.channels[static_cast<std::size_t>(c)];
        for (std::size_t i = 0; i < samples.size(); ++i) {
            const double t = static_cast<double>(i) / rateHz;
            const double cycle = std::fmod(t, 1.2);
            if (cycle >= 0.7) {
                continue;
            }
            const int burst = static_cast<int>(t / 1.2);
            const double f1 = std::min(0.4 * nyquist, 220.0 + 37.0 * burst + 50.0 * c);
            const double f2 = std::min(0.45 * nyquist, 1130.0 + 91.0 * burst);
            state = state * 1664525u + 1013904223u;
            const double noise = static_cast<double>(state >> 8) / 8388608.0 - 1.0;
            samples[i] =
                static_cast<float>(0.3 * std::sin(2 * std::numbers::pi * f1 * t) +
                                   0.15 * std::sin(2 * std::numbers::pi * f2 * t) + 0.08 * noise);
        }
    }
    return pcm;
}

enum class Source { Encoder, HandWav16, Mp3InWav, HandAmr };

struct FormatCase {
    std::string name;
    std::string extension;
    int rateHz = 8000;
    int channels = 1;
    EncodeOptions options;
    bool lossy = false;
    Source source = Source::Encoder;
    /// Relative error allowed from 50 ms to 350 ms after a seek (lossy codecs).
    double earlyTolerance = 1e-3;
};

void PrintTo(const FormatCase& c, std::ostream* out) {
    *out << c.name;
}

EncodeOptions opts(EncodeFormat format) {
    EncodeOptions options;
    options.format = format;
    return options;
}

constexpr double kSeconds = 9.0;

/// Writes the case's file under a name with Chinese characters, spaces and often an upper-case
/// extension.
fs::path makeFixture(const fs::path& dir, const FormatCase& c) {
    const fs::path path = dir / ("通话 录音 " + c.name + c.extension);
    const PcmBuffer pcm = talk(c.channels, kSeconds, c.rateHz);
    switch (c.source) {
    case Source::Encoder: {
        auto encoded = encodeFile(pcm, path, c.options);
        EXPECT_TRUE(encoded) << encoded.error().detail;
        break;
    }
    case Source::HandWav16:
        tests::writeWav16(path, pcm);
        break;
    case Source::Mp3InWav: {
        const fs::path mp3 = dir / "inner.mp3";
        auto encoded = encodeFile(pcm, mp3, EncodeFormat::Mp3);
        EXPECT_TRUE(encoded) << encoded.error().detail;
        tests::writeBytes(path,
                          tests::mp3InWav(tests::readBytes(mp3), c.rateHz, c.channels, 16000));
        break;
    }
    case Source::HandAmr: {
        const int frames = static_cast<int>(kSeconds * 50);
        tests::writeBytes(path, tests::amrNbFile(frames, [](int i) { return i % 60 >= 35; }));
        break;
    }
    }
    return path;
}

std::vector<FormatCase> formatCases() {
    std::vector<FormatCase> cases;
    const auto add = [&](std::string name, std::string extension, int rate, int channels,
                         EncodeOptions options, bool lossy, Source source = Source::Encoder,
                         double earlyTolerance = 1e-3) {
        cases.push_back(FormatCase{std::move(name), std::move(extension), rate, channels,
                                   std::move(options), lossy, source, earlyTolerance});
    };
    add("pcm16_8k_mono", ".WAV", 8000, 1, {}, false, Source::HandWav16);
    add("pcm16_44k_stereo", ".wav", 44100, 2, opts(EncodeFormat::PcmS16Wav), false);
    add("pcm16_extensible_16k_stereo", ".wav", 16000, 2, opts(EncodeFormat::PcmS16WavExtensible),
        false);
    add("pcmu8_8k_mono", ".WAV", 8000, 1, opts(EncodeFormat::PcmU8Wav), false);
    add("pcm24_48k_stereo", ".wav", 48000, 2, opts(EncodeFormat::PcmS24Wav), false);
    add("float_16k_mono", ".wav", 16000, 1, opts(EncodeFormat::FloatWav), false);
    add("mulaw_8k_mono", ".WAV", 8000, 1, opts(EncodeFormat::MulawWav), false);
    add("alaw_8k_stereo", ".wav", 8000, 2, opts(EncodeFormat::AlawWav), false);
    add("gsm_8k_mono", ".WAV", 8000, 1, opts(EncodeFormat::GsmWav), true);
    add("mp3_cbr_8k_mono", ".MP3", 8000, 1, opts(EncodeFormat::Mp3), true);
    add("mp3_cbr_44k_stereo", ".mp3", 44100, 2, opts(EncodeFormat::Mp3), true);
    EncodeOptions vbr = opts(EncodeFormat::Mp3);
    vbr.mp3VbrQuality = 6;
    vbr.title = "客户 投诉 — call 42";
    vbr.comment = "queue 7";
    add("mp3_vbr_id3_16k_mono", ".MP3", 16000, 1, vbr, true);
    add("mp3_in_wav_8k_mono", ".wav", 8000, 1, {}, true, Source::Mp3InWav);
    // SILK (Opus below 16 kHz) codes gains relative to the previous frame's: restarted mid-speech
    // its level is off, here up to 0.5 in error energy, until the next pause.
    add("opus_8k_mono", ".OPUS", 8000, 1, opts(EncodeFormat::OpusOgg), true, Source::Encoder, 1.0);
    add("opus_16k_stereo", ".opus", 16000, 2, opts(EncodeFormat::OpusOgg), true, Source::Encoder,
        1.0);
    add("opus_48k_stereo", ".ogg", 48000, 2, opts(EncodeFormat::OpusOgg), true);
    add("aac_8k_mono", ".M4A", 8000, 1, opts(EncodeFormat::AacM4a), true);
    add("aac_44k_stereo", ".m4a", 44100, 2, opts(EncodeFormat::AacM4a), true);
    add("flac_16k_mono", ".FLAC", 16000, 1, opts(EncodeFormat::Flac), false);
    add("flac_44k_stereo", ".flac", 44100, 2, opts(EncodeFormat::Flac), false);
    EncodeOptions amr = opts(EncodeFormat::AmrNb);
    amr.amrDtx = true;
    add("amrnb_dtx_encoded", ".AMR", 8000, 1, amr, true);
    // Random speech-frame payloads make predictor states that converge slowly (0.13 here).
    add("amrnb_dtx_handmade", ".amr", 8000, 1, {}, true, Source::HandAmr, 0.3);
    return cases;
}

/// How far `got` is from the reference over [start + from, start + to), all channels.
struct Difference {
    double error = 0;  ///< summed squared differences
    double energy = 0; ///< summed squared reference samples
    std::size_t samples = 0;

    /// Within `relative` of the reference's energy, or below -60 dBFS RMS where the reference
    /// is next to silent (the talk's pauses).
    [[nodiscard]] bool within(double relative) const {
        return error <= relative * energy + 1e-6 * static_cast<double>(samples);
    }
    [[nodiscard]] double ratio() const { return energy > 0 ? error / energy : error; }
};

Difference difference(const PcmBuffer& ref, const std::vector<std::vector<float>>& got,
                      std::int64_t start, std::size_t from, std::size_t to) {
    Difference d;
    for (std::size_t c = 0; c < got.size(); ++c) {
        for (std::size_t i = from; i < to; ++i) {
            const double r = ref.channels[c][static_cast<std::size_t>(start) + i];
            const double diff = got[c][i] - r;
            d.error += diff * diff;
            d.energy += r * r;
            ++d.samples;
        }
    }
    return d;
}

/// The lag, within ±maxLag samples, at which channel 0 of `got` (from `from`) best matches the
/// reference: 0 when the seek landed where it should. Nothing when the reference is silent there
/// (the talk's pauses), where every lag matches.
std::optional<int> bestLag(const PcmBuffer& ref, const std::vector<float>& got, std::int64_t start,
                           std::size_t from, std::size_t n, int maxLag) {
    const auto total = static_cast<std::int64_t>(ref.frames());
    const std::size_t window = std::min<std::size_t>(n - from, 4096);
    double energy = 0;
    for (std::size_t i = from; i < from + window; ++i) {
        const float r = ref.channels[0][static_cast<std::size_t>(start) + i];
        energy += r * r;
    }
    if (energy < 1e-3 * static_cast<double>(window)) {
        return std::nullopt;
    }
    int best = 0;
    double bestScore = -2;
    for (int lag = -maxLag; lag <= maxLag; ++lag) {
        double dot = 0;
        double a2 = 0;
        double b2 = 0;
        for (std::size_t i = from; i < from + window; ++i) {
            const std::int64_t j = start + static_cast<std::int64_t>(i) + lag;
            if (j < 0 || j >= total) {
                continue;
            }
            const double a = got[i];
            const double b = ref.channels[0][static_cast<std::size_t>(j)];
            dot += a * b;
            a2 += a * a;
            b2 += b * b;
        }
        const double score = a2 > 0 && b2 > 0 ? dot / std::sqrt(a2 * b2) : -1;
        if (score > bestScore) {
            bestScore = score;
            best = lag;
        }
    }
    return best;
}

/// Reads up to `frames` frames (fewer only at the end).
std::vector<std::vector<float>> readFrames(AudioStream& stream, std::size_t frames) {
    const auto channels = static_cast<std::size_t>(stream.info().channels);
    std::vector<std::vector<float>> out(channels, std::vector<float>(frames));
    std::vector<float*> planes(channels);
    std::size_t have = 0;
    while (have < frames) {
        for (std::size_t c = 0; c < channels; ++c) {
            planes[c] = out[c].data() + have;
        }
        auto got = stream.read(planes.data(), std::min<std::size_t>(frames - have, 1000));
        EXPECT_TRUE(got) << got.error().detail;
        if (!got || *got == 0) {
            break;
        }
        have += *got;
    }
    for (auto& channel : out) {
        channel.resize(have);
    }
    return out;
}

class StreamFormats : public ::testing::TestWithParam<FormatCase> {};

TEST_P(StreamFormats, seeksLandOnTheExactSampleOfTheWholeFileDecode) {
    const FormatCase& param = GetParam();
    const auto dir = freshDir("stream_" + param.name);
    const fs::path path = makeFixture(dir, param);
    auto reference = decodeFile(path);
    ASSERT_TRUE(reference) << reference.error().detail;
    const PcmBuffer& ref = reference->pcm;
    const auto total = static_cast<std::int64_t>(ref.frames());
    const int rate = ref.sampleRateHz;
    ASSERT_EQ(rate, param.rateHz) << "not decoded at the file's own rate";
    ASSERT_GT(total, static_cast<std::int64_t>(kSeconds * rate * 0.9));
    ASSERT_EQ(reference->seekIndex.totalSamples, total);
    ASSERT_EQ(reference->seekIndex.sampleRateHz, rate);
    ASSERT_FALSE(reference->seekIndex.empty());
    EXPECT_EQ(reference->seekIndex.points.front().sample, 0);
    EXPECT_GE(reference->seekIndex.points.size(), static_cast<std::size_t>(kSeconds) - 1);

    std::uint32_t state = 5;
    std::vector<std::int64_t> targets;
    for (int i = 0; i < 10; ++i) {
        state = state * 1664525u + 1013904223u;
        targets.push_back(static_cast<std::int64_t>(state % static_cast<std::uint32_t>(total)));
    }
    targets.insert(targets.begin() + 3, 0);
    targets.insert(targets.begin() + 6, 37);
    targets.insert(targets.begin() + 8, total - 1);
    targets.push_back(total + 5000);
    targets.push_back(total);
    targets.push_back(rate / 3);

    // Lossy reads are long enough to include a pause of the talk: decoders restarted mid-speech
    // may take until then to agree with the sequential decode (SILK codes gains relative to the
    // previous frame's, RFC 6716 section 4.2.7.4), but from there on they must.
    const auto ms = [rate](int milliseconds) {
        return static_cast<std::size_t>(rate) * static_cast<std::size_t>(milliseconds) / 1000;
    };
    const std::size_t window = param.lossy ? ms(1500) : ms(400);
    const std::size_t settle = ms(50);
    const std::size_t tail = ms(300);
    const int maxLag = rate / 50;
    enum class Mode { NoIndex, DecodedIndex, StoredIndex };
    for (const Mode mode : {Mode::NoIndex, Mode::DecodedIndex, Mode::StoredIndex}) {
        SCOPED_TRACE(mode == Mode::NoIndex        ? "without an index"
                     : mode == Mode::DecodedIndex ? "with decodeFile's index"
                                                  : "with a stored index");
        SeekIndex index;
        if (mode == Mode::DecodedIndex) {
            index = reference->seekIndex;
        } else if (mode == Mode::StoredIndex) {
            index = deserializeSeekIndex(serializeSeekIndex(reference->seekIndex));
            ASSERT_EQ(index, reference->seekIndex);
        }
        auto opened = AudioStream::open(path, index);
        ASSERT_TRUE(opened) << opened.error().detail;
        AudioStream& stream = **opened;
        ASSERT_EQ(stream.info().sampleRateHz, rate);
        ASSERT_EQ(stream.info().channels, ref.channelCount());

        int checkedLags = 0;
        for (const std::int64_t target : targets) {
            SCOPED_TRACE("seek to " + std::to_string(target));
            ASSERT_TRUE(stream.seek(target));
            const std::int64_t landed = std::min(target, total);
            ASSERT_EQ(stream.position(), landed);
            const std::size_t expected =
                static_cast<std::size_t>(std::min<std::int64_t>(total - landed, window));
            const auto got = readFrames(stream, window);
            ASSERT_EQ(got[0].size(), expected);
            EXPECT_EQ(stream.position(), landed + static_cast<std::int64_t>(expected));
            if (expected == 0) {
                continue;
            }
            if (!param.lossy || target == 0) {
                // Lossless codecs, and any codec from the very start (the file is reopened), give
                // back the reference's samples bit for bit.
                std::size_t mismatches = 0;
                for (std::size_t c = 0; c < got.size(); ++c) {
                    for (std::size_t i = 0; i < expected; ++i) {
                        mismatches +=
                            got[c][i] != ref.channels[c][static_cast<std::size_t>(landed) + i];
                    }
                }
                EXPECT_EQ(mismatches, 0u);
                continue;
            }
            if (expected <= settle + ms(20)) {
                continue;
            }
            const Difference early =
                difference(ref, got, landed, settle, std::min(expected, settle + tail));
            EXPECT_TRUE(early.within(param.earlyTolerance))
                << "error " << early.ratio() << " 50-350 ms after the seek, lag "
                << bestLag(ref, got[0], landed, settle, expected, maxLag).value_or(0);
            if (expected < window) {
                continue;
            }
            const Difference late = difference(ref, got, landed, window - tail, window);
            EXPECT_TRUE(late.within(1e-4)) << "error " << late.ratio() << " after a pause";
            if (const auto lag = bestLag(ref, got[0], landed, window - tail, window, maxLag)) {
                ++checkedLags;
                EXPECT_EQ(*lag, 0);
            }
        }
        if (param.lossy) {
            EXPECT_GE(checkedLags, 4) << "too few seeks landed on sound to check alignment";
        }

        // Without an index the first seek built one; it must be the one decoding gathers.
        EXPECT_EQ(stream.gatheredIndex(), reference->seekIndex);

        const std::int64_t from = total * 3 / 7;
        ASSERT_TRUE(stream.seek(from));
        std::int64_t readToEnd = 0;
        std::vector<std::vector<float>> scratch(ref.channels.size(), std::vector<float>(4096));
        std::vector<float*> planes;
        for (auto& channel : scratch) {
            planes.push_back(channel.data());
        }
        for (;;) {
            auto got = stream.read(planes.data(), 4096);
            ASSERT_TRUE(got) << got.error().detail;
            if (*got == 0) {
                break;
            }
            readToEnd += static_cast<std::int64_t>(*got);
        }
        EXPECT_EQ(from + readToEnd, total);
        for (const auto& warning : stream.warnings()) {
            EXPECT_EQ(warning.find("seek"), std::string::npos) << warning;
        }
    }
}

TEST_P(StreamFormats, sequentialReadsInAnyChunkSizeEqualTheWholeFileDecode) {
    const FormatCase& param = GetParam();
    const auto dir = freshDir("stream_seq_" + param.name);
    const fs::path path = makeFixture(dir, param);
    auto reference = decodeFile(path);
    ASSERT_TRUE(reference) << reference.error().detail;
    auto opened = AudioStream::open(path);
    ASSERT_TRUE(opened) << opened.error().detail;
    AudioStream& stream = **opened;
    EXPECT_EQ(stream.gatheredIndex().totalSamples, 0) << "not complete before the end";

    const std::size_t total = reference->pcm.frames();
    std::vector<std::vector<float>> all(reference->pcm.channels.size(),
                                        std::vector<float>(total + 1));
    std::vector<float*> planes(all.size());
    std::size_t have = 0;
    std::size_t chunk = 1;
    for (;;) {
        for (std::size_t c = 0; c < all.size(); ++c) {
            planes[c] = all[c].data() + have;
        }
        auto got = stream.read(planes.data(), std::min(chunk, total + 1 - have));
        ASSERT_TRUE(got) << got.error().detail;
        if (*got == 0) {
            break;
        }
        have += *got;
        chunk = chunk * 3 % 5000 + 1;
    }
    ASSERT_EQ(have, total);
    for (std::size_t c = 0; c < all.size(); ++c) {
        all[c].resize(total);
        EXPECT_TRUE(all[c] == reference->pcm.channels[c]) << "channel " << c;
    }
    EXPECT_EQ(stream.gatheredIndex(), reference->seekIndex);
    EXPECT_EQ(stream.warnings(), reference->warnings);
}

INSTANTIATE_TEST_SUITE_P(EveryTelephonyFormat, StreamFormats, ::testing::ValuesIn(formatCases()),
                         [](const ::testing::TestParamInfo<FormatCase>& param) {
                             return param.param.name;
                         });

TEST(AudioStream, readsDoNotAllocateInSteadyState) {
    const auto dir = freshDir("stream_alloc");
    const PcmBuffer pcm = talk(2, 6.0, 44100);
    ASSERT_TRUE(encodeFile(pcm, dir / "a.mp3", EncodeFormat::Mp3));
    tests::writeWav16(dir / "a.wav", pcm);
    ASSERT_TRUE(encodeFile(talk(2, 12.0, 16000), dir / "a.opus", EncodeFormat::OpusOgg));
    for (const char* name : {"a.mp3", "a.wav", "a.opus"}) {
        auto opened = AudioStream::open(dir / name);
        ASSERT_TRUE(opened) << opened.error().detail;
        std::vector<float> left(512);
        std::vector<float> right(512);
        float* planes[] = {left.data(), right.data()};
        for (int i = 0; i < 40; ++i) {
            ASSERT_TRUE((*opened)->read(planes, 512));
        }
        g_allocations = 0;
        g_countAllocations = true;
        std::size_t frames = 0;
        for (int i = 0; i < 300; ++i) {
            auto got = (*opened)->read(planes, 512);
            frames += got ? *got : 0;
        }
        g_countAllocations = false;
        EXPECT_EQ(frames, 300u * 512u);
        EXPECT_EQ(g_allocations.load(), 0) << name;
    }
}

TEST(AudioStream, indexFromAnotherFileIsIgnoredAndRebuilt) {
    const auto dir = freshDir("stream_stale");
    tests::writeWav16(dir / "a.wav", talk(1, 3.0, 8000));
    tests::writeWav16(dir / "b.wav", talk(1, 5.0, 16000));
    auto a = decodeFile(dir / "a.wav");
    ASSERT_TRUE(a);
    auto opened = AudioStream::open(dir / "b.wav", a->seekIndex);
    ASSERT_TRUE(opened) << opened.error().detail;
    ASSERT_TRUE((*opened)->seek(16000 * 4));
    EXPECT_EQ((*opened)->gatheredIndex().totalSamples, 80000);
    std::vector<float> samples(32000);
    float* planes[] = {samples.data()};
    auto got = (*opened)->read(planes, 32000);
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, 16000u);
    ASSERT_FALSE((*opened)->warnings().empty());
    EXPECT_NE((*opened)->warnings()[0].find("seek index"), std::string::npos);
}

TEST(AudioStream, restartPointsNotFoundFallBackToDecodingFromTheStart) {
    const auto dir = freshDir("stream_fallback");
    ASSERT_TRUE(encodeFile(talk(1, 5.0, 8000), dir / "call.m4a", EncodeFormat::AacM4a));
    auto reference = decodeFile(dir / "call.m4a");
    ASSERT_TRUE(reference) << reference.error().detail;
    SeekIndex shifted = reference->seekIndex;
    for (std::size_t i = 1; i < shifted.points.size(); ++i) {
        shifted.points[i].pts += 1; // between two packets' timestamps: no packet there
    }
    auto opened = AudioStream::open(dir / "call.m4a", shifted);
    ASSERT_TRUE(opened) << opened.error().detail;
    const std::int64_t target = 3 * 8000 + 77;
    ASSERT_TRUE((*opened)->seek(target));
    const auto got = readFrames(**opened, 4000);
    ASSERT_EQ(got[0].size(), 4000u);
    for (std::size_t i = 0; i < got[0].size(); ++i) {
        ASSERT_EQ(got[0][i], reference->pcm.channels[0][static_cast<std::size_t>(target) + i]) << i;
    }
    const auto warnings = (*opened)->warnings();
    ASSERT_EQ(warnings.size(), 1u);
    EXPECT_EQ(warnings[0],
              "1 seek(s) could not find their restart point and decoded from the start");
}

TEST(AudioStream, openingABadFileNamesIt) {
    auto opened = AudioStream::open("/nonexistent/通话.amr");
    ASSERT_FALSE(opened);
    EXPECT_EQ(opened.error().kind, AudioError::Kind::NotFound);
    EXPECT_NE(opened.error().detail.find("通话.amr"), std::string::npos);
}

TEST(SeekIndex, serializesCompactlyAndRoundTrips) {
    SeekIndex index;
    index.sampleRateHz = 8000;
    index.totalSamples = 8000 * 3600;
    index.points.push_back({0, -1, std::numeric_limits<std::int64_t>::min()});
    for (std::int64_t i = 1; i < 3600; ++i) {
        index.points.push_back({i * 8000 + (i % 7) * 160, 44 + i * 2000, i * 8000 - 312});
    }
    const auto bytes = serializeSeekIndex(index);
    EXPECT_EQ(std::string(bytes.begin(), bytes.begin() + 4), "SKI1");
    EXPECT_LT(bytes.size(), 3600u * 12u);
    EXPECT_EQ(deserializeSeekIndex(bytes), index);
    EXPECT_EQ(deserializeSeekIndex(serializeSeekIndex(SeekIndex{})), SeekIndex{});
}

TEST(SeekIndex, damagedBytesGiveAnEmptyIndex) {
    SeekIndex index;
    index.sampleRateHz = 16000;
    index.totalSamples = 160000;
    for (std::int64_t i = 0; i < 10; ++i) {
        index.points.push_back({i * 16000, 100 + i * 4000, i * 16000});
    }
    const auto bytes = serializeSeekIndex(index);
    for (std::size_t cut = 0; cut < bytes.size(); ++cut) {
        EXPECT_TRUE(
            deserializeSeekIndex({bytes.begin(), bytes.begin() + static_cast<long>(cut)}).empty())
            << cut;
    }
    auto wrongMagic = bytes;
    wrongMagic[3] = '2';
    EXPECT_TRUE(deserializeSeekIndex(wrongMagic).empty());
    auto trailing = bytes;
    trailing.push_back(0);
    EXPECT_TRUE(deserializeSeekIndex(trailing).empty());
    const std::vector<std::uint8_t> hugeCount = {'S',  'K',  'I',  '1',  0x80, 0x7D, 0x80, 0x7D,
                                                 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0,    0,    0};
    EXPECT_TRUE(deserializeSeekIndex(hugeCount).empty());
    std::uint32_t state = 9;
    for (int i = 0; i < 2000; ++i) {
        auto mutated = bytes;
        state = state * 1664525u + 1013904223u;
        mutated[state % mutated.size()] ^= static_cast<std::uint8_t>(1u << (state >> 29));
        const SeekIndex decoded = deserializeSeekIndex(mutated);
        if (!decoded.empty()) {
            EXPECT_EQ(decoded.points.front().sample, 0);
            for (std::size_t p = 1; p < decoded.points.size(); ++p) {
                EXPECT_LT(decoded.points[p - 1].sample, decoded.points[p].sample);
            }
            EXPECT_LE(decoded.points.back().sample, decoded.totalSamples);
        }
    }
}

} // namespace
} // namespace callqc::audio
