#include "audio/audio_stream.hpp"

#include <algorithm>
#include <array>
#include <cassert>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <optional>
#include <string_view>
#include <system_error>
#include <utility>

#include <fmt/format.h>

#include "audio/libav_log.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libswresample/swresample.h>
}

#include <opus.h>

namespace callqc::audio {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxChannels = 8;
constexpr int kMaxSampleRateHz = 384000;
constexpr double kMaxDurationSec = 6.0 * 3600.0;
/// Rejected packets in a row, before any audio decoded, after which a file is not audio.
constexpr int kMaxRejectedBeforeAudio = 1000;
/// Packets after a mid-file restart whose decoded length is checked against the packet's.
constexpr int kMaxAlignedPackets = 8;
/// Packets read after repositioning the demuxer before the seek point must have turned up.
constexpr int kMaxLandingPackets = 4096;
/// Bytes read to name the format of a file libav refused to open.
constexpr std::size_t kSniffBytes = 4096;
/// AMR frame types (3GPP TS 26.101 table 1a, TS 26.201 table 1a) from which SID frames start,
/// and the NO_DATA frame type.
constexpr int kAmrNbFirstSidType = 8;
constexpr int kAmrWbFirstSidType = 9;
constexpr int kAmrNoDataType = 15;
/// The rate of Opus timestamps, packet durations and skip side data, whatever the decoded rate.
constexpr int kOpusRateHz = 48000;
/// The longest Opus packet, in ms (RFC 6716, section 3.2.5).
constexpr int kOpusMaxPacketMs = 120;

struct FormatCloser {
    void operator()(AVFormatContext* ctx) const { avformat_close_input(&ctx); }
};
struct CodecFreer {
    void operator()(AVCodecContext* ctx) const { avcodec_free_context(&ctx); }
};
struct PacketFreer {
    void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct FrameFreer {
    void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct SwrFreer {
    void operator()(SwrContext* s) const { swr_free(&s); }
};
using FormatPtr = std::unique_ptr<AVFormatContext, FormatCloser>;
using CodecPtr = std::unique_ptr<AVCodecContext, CodecFreer>;
using PacketPtr = std::unique_ptr<AVPacket, PacketFreer>;
using FramePtr = std::unique_ptr<AVFrame, FrameFreer>;
using SwrPtr = std::unique_ptr<SwrContext, SwrFreer>;
struct OpusFreer {
    void operator()(OpusDecoder* d) const { opus_decoder_destroy(d); }
};
using OpusPtr = std::unique_ptr<OpusDecoder, OpusFreer>;

/// An AVChannelLayout that is uninitialised when it goes out of scope.
class ChannelLayout {
public:
    ChannelLayout() = default;
    ~ChannelLayout() { av_channel_layout_uninit(&m_layout); }
    ChannelLayout(const ChannelLayout&) = delete;
    ChannelLayout& operator=(const ChannelLayout&) = delete;

    [[nodiscard]] AVChannelLayout* get() { return &m_layout; }
    [[nodiscard]] const AVChannelLayout* get() const { return &m_layout; }

private:
    AVChannelLayout m_layout{};
};

std::string avErrorText(int code) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, buf, sizeof buf);
    return buf;
}

AudioError fail(AudioError::Kind kind, const fs::path& path, std::string_view what) {
    return AudioError{kind, fmt::format("{}: {}", path.string(), what)};
}

/// How the demuxer is put back at a seek point.
enum class SeekMethod {
    /// av_seek_frame with AVSEEK_FLAG_BYTE to the packet's file offset. For raw containers whose
    /// demuxer reads from wherever the file position is (WAV, MP3, AMR, FLAC), so the packets
    /// after the seek are those of the sequential read whatever their timestamps say: an MP3's
    /// are counted, not stored, and restart at 0 after a byte seek.
    Byte,
    /// av_seek_frame backwards to the packet's pts, then packets are skipped up to that pts. For
    /// containers with real timestamps (Ogg granules, MP4 sample tables), and for every other
    /// one: Ogg packets share their page's offset, so an offset does not name a packet there.
    Timestamp,
};

SeekMethod seekMethodFor(const AVInputFormat& format) {
    static constexpr std::array<std::string_view, 4> kByteSeekable = {"wav", "mp3", "amr", "flac"};
    if ((format.flags & AVFMT_NO_BYTE_SEEK) != 0) {
        return SeekMethod::Timestamp;
    }
    const std::string_view name = format.name;
    return std::find(kByteSeekable.begin(), kByteSeekable.end(), name) != kByteSeekable.end()
               ? SeekMethod::Byte
               : SeekMethod::Timestamp;
}

/// How a packet's decoded length is known without decoding it.
enum class PacketLength {
    Duration,  ///< the packet's duration (PCM, MP3, FLAC, AMR, GSM)
    FrameSize, ///< the codec's fixed frame size (AAC-LC: MP4 trims the last sample's duration,
               ///< the decoder does not)
    /// The seek index is built by decoding: codecs whose decoder output per packet depends on its
    /// state, like FFmpeg's Opus decoder, which holds back its SILK resampler's delay (24 samples
    /// at 8 kHz) from the first packet and releases it when drained; codecs not tested here.
    Unknown,
};

bool isPcm(AVCodecID id) {
    return id >= AV_CODEC_ID_PCM_S16LE && id < AV_CODEC_ID_ADPCM_IMA_QT;
}

PacketLength packetLengthFor(const AVCodecParameters& par) {
    switch (par.codec_id) {
    case AV_CODEC_ID_MP3:
    case AV_CODEC_ID_FLAC:
    case AV_CODEC_ID_AMR_NB:
    case AV_CODEC_ID_GSM_MS:
        return PacketLength::Duration;
    case AV_CODEC_ID_AAC:
        return par.profile == FF_PROFILE_AAC_LOW && par.frame_size == 1024 ? PacketLength::FrameSize
                                                                           : PacketLength::Unknown;
    default:
        return isPcm(par.codec_id) ? PacketLength::Duration : PacketLength::Unknown;
    }
}

/// Samples decoded and thrown away before a seek target, so that decoder state reaching back
/// across packets is rebuilt: MP3's bit reservoir (up to 511 bytes, several frames at telephony
/// bit rates) plus its MDCT overlap; Opus's 80 ms (RFC 7845, section 4.6); AAC's overlap and
/// the speech codecs' filter and pitch memories (two frames, at least 100 ms). PCM and FLAC
/// packets decode independently.
std::int64_t prerollFor(const AVCodecParameters& par, int rateHz) {
    const std::int64_t tenth = rateHz / 10;
    const std::int64_t frame = par.frame_size > 0 ? par.frame_size : 0;
    switch (par.codec_id) {
    case AV_CODEC_ID_FLAC:
        return 0;
    case AV_CODEC_ID_MP3:
        return std::max<std::int64_t>(4 * (frame > 0 ? frame : 1152), tenth);
    case AV_CODEC_ID_OPUS: // frame_size counts 48 kHz samples whatever the decoded rate
        return std::max<std::int64_t>(rateHz * 80 / 1000, 2 * frame * rateHz / kOpusRateHz);
    default:
        return isPcm(par.codec_id) ? 0 : std::max(2 * frame, tenth);
    }
}

std::uint32_t readLe32(const std::uint8_t* p) {
    return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
           static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

/// What an Ogg Opus stream's identification header (RFC 7845, section 5.1; libavformat's
/// extradata) says, for a stream libopus's single-stream decoder can take: channel mapping family
/// 0, one or two channels.
struct OpusHead {
    int channels = 0;
    int decodeRateHz = kOpusRateHz; ///< the encoder's input rate, rounded up to one libopus has
    int gainQ8 = 0;                 ///< output gain in dB, Q7.8 (what OPUS_SET_GAIN takes)
};

/// The header of `par` when it is Opus that libopus can decode at the stream's own rate;
/// nothing for other codecs, other mapping families (multistream, surround) and damaged headers,
/// which stay with libav's decoder.
std::optional<OpusHead> opusHeadOf(const AVCodecParameters& par) {
    constexpr int kHeadBytes = 19;
    if (par.codec_id != AV_CODEC_ID_OPUS || par.extradata == nullptr ||
        par.extradata_size < kHeadBytes || std::memcmp(par.extradata, "OpusHead", 8) != 0) {
        return std::nullopt;
    }
    const std::uint8_t* head = par.extradata;
    const int version = head[8];
    const int channels = head[9];
    const std::uint32_t inputRateHz = readLe32(head + 12);
    const int mappingFamily = head[18];
    if ((version & 0xF0) != 0 || mappingFamily != 0 || channels < 1 || channels > 2 ||
        channels != par.ch_layout.nb_channels) {
        return std::nullopt;
    }
    OpusHead out;
    out.channels = channels;
    out.gainQ8 = static_cast<std::int16_t>(head[16] | head[17] << 8);
    // The rates libopus decodes at (RFC 6716, section 4); 0 means "unknown": full band.
    for (const int rate : {8000, 12000, 16000, 24000}) {
        if (inputRateHz > 0 && inputRateHz <= static_cast<std::uint32_t>(rate)) {
            out.decodeRateHz = rate;
            break;
        }
    }
    return out;
}

/// Samples a packet of `samples` decoded samples yields after libavcodec applies the packet's
/// skip and discard instructions (AV_PKT_DATA_SKIP_SAMPLES, AV_PKT_FLAG_DISCARD), mirroring
/// decode_simple_internal() in FFmpeg 5.1's libavcodec/decode.c. `skip` carries samples still to
/// skip from one packet to the next, as the decoder does.
std::int64_t lengthAfterSkips(const AVPacket& packet, std::int64_t samples, std::int64_t& skip) {
    std::int64_t discard = 0;
    std::size_t size = 0;
    if (const std::uint8_t* side =
            av_packet_get_side_data(&packet, AV_PKT_DATA_SKIP_SAMPLES, &size);
        side != nullptr && size >= 10) {
        skip = std::max<std::int64_t>(0, static_cast<std::int32_t>(readLe32(side)));
        discard = readLe32(side + 4);
    }
    if ((packet.flags & AV_PKT_FLAG_DISCARD) != 0) {
        skip = std::max<std::int64_t>(0, skip - samples);
        return 0;
    }
    if (skip > 0) {
        if (samples <= skip) {
            skip -= samples;
            return 0;
        }
        samples -= skip;
        skip = 0;
    }
    if (discard > 0 && discard <= samples) {
        samples -= discard;
    }
    return samples;
}

/// Adds a seek point for `packet`, which starts at decoded sample `sample`, when the last point
/// is at least `interval` behind and the packet can be found again with `method`. The first
/// packet always becomes the point at sample 0 (it is reached by reopening the file).
void notePoint(SeekIndex& index, std::int64_t& nextSample, std::int64_t sample,
               const AVPacket& packet, SeekMethod method, std::int64_t interval) {
    if (sample < nextSample) {
        return;
    }
    if (!index.points.empty()) {
        if (index.points.back().sample == sample) {
            return;
        }
        const bool findable =
            method == SeekMethod::Byte ? packet.pos >= 0 : packet.pts != AV_NOPTS_VALUE;
        if (!findable) {
            return;
        }
    }
    index.points.push_back(SeekPoint{sample, packet.pos, packet.pts});
    nextSample = sample + interval;
}

/// Names the format of a file by its content alone, or "" when nothing recognises it.
std::string sniffFormat(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::vector<std::uint8_t> bytes(kSniffBytes + AVPROBE_PADDING_SIZE, 0);
    in.read(reinterpret_cast<char*>(bytes.data()), static_cast<std::streamsize>(kSniffBytes));
    AVProbeData probe{};
    probe.filename = "";
    probe.buf = bytes.data();
    probe.buf_size = static_cast<int>(in.gcount());
    int score = 0;
    const AVInputFormat* format = av_probe_input_format3(&probe, 1, &score);
    return format != nullptr && score > AVPROBE_SCORE_MAX / 4 ? format->name : "";
}

/// Seconds of audio the data chunk of a RIFF WAVE file claims, or -1 when it claims nothing
/// usable (0 and 0xFFFFFFFF are what recorders write while still recording). libavformat clamps
/// the claim to the file's size, which would hide a truncated file.
double wavClaimedSeconds(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::array<std::uint8_t, 12> riff{};
    if (!in.read(reinterpret_cast<char*>(riff.data()), riff.size()) ||
        std::memcmp(riff.data(), "RIFF", 4) != 0 || std::memcmp(riff.data() + 8, "WAVE", 4) != 0) {
        return -1;
    }
    std::uint32_t byteRate = 0;
    constexpr int kMaxChunks = 64;
    for (int chunk = 0; chunk < kMaxChunks; ++chunk) {
        std::array<std::uint8_t, 16> head{};
        if (!in.read(reinterpret_cast<char*>(head.data()), 8)) {
            return -1;
        }
        const std::uint32_t size = readLe32(head.data() + 4);
        if (std::memcmp(head.data(), "data", 4) == 0) {
            if (size == 0 || size == 0xFFFFFFFFu || byteRate == 0) {
                return -1;
            }
            return static_cast<double>(size) / byteRate;
        }
        std::uint32_t consumed = 0;
        if (std::memcmp(head.data(), "fmt ", 4) == 0 && size >= 16) {
            if (!in.read(reinterpret_cast<char*>(head.data()), 16)) {
                return -1;
            }
            byteRate = readLe32(head.data() + 8);
            consumed = 16;
        }
        in.seekg(static_cast<std::streamoff>(size - consumed + (size & 1)), std::ios::cur);
    }
    return -1;
}

/// A demuxer at the start of a file, with its audio stream chosen and checked for sanity.
struct Demuxer {
    FormatPtr format;
    int streamIndex = -1;
    const AVCodec* codec = nullptr;
};

tl::expected<Demuxer, AudioError> openDemuxer(const fs::path& path) {
    std::error_code ec;
    const auto status = fs::status(path, ec);
    if (!fs::exists(status)) {
        return tl::unexpected(fail(AudioError::Kind::NotFound, path, "file not found"));
    }
    if (fs::is_directory(status)) {
        return tl::unexpected(fail(AudioError::Kind::NotAudio, path, "is a folder, not a file"));
    }
    if (fs::file_size(path, ec) == 0 && !ec) {
        return tl::unexpected(fail(AudioError::Kind::Empty, path, "file is empty (0 bytes)"));
    }

    AVFormatContext* raw = nullptr;
    int rc = avformat_open_input(&raw, path.c_str(), nullptr, nullptr);
    if (rc < 0) {
        if (rc == AVERROR(EACCES) || rc == AVERROR(ENOENT) || rc == AVERROR(EIO)) {
            return tl::unexpected(
                fail(AudioError::Kind::Io, path, fmt::format("cannot read ({})", avErrorText(rc))));
        }
        const std::string sniffed = sniffFormat(path);
        if (!sniffed.empty()) {
            return tl::unexpected(
                fail(AudioError::Kind::Corrupt, path,
                     fmt::format("{} file with an invalid header ({})", sniffed, avErrorText(rc))));
        }
        return tl::unexpected(
            fail(AudioError::Kind::NotAudio, path,
                 fmt::format("not a recognised audio file ({})", avErrorText(rc))));
    }
    Demuxer demuxer;
    demuxer.format.reset(raw);
    rc = avformat_find_stream_info(raw, nullptr);
    if (rc < 0) {
        return tl::unexpected(fail(AudioError::Kind::Corrupt, path,
                                   fmt::format("cannot read stream info ({})", avErrorText(rc))));
    }
    demuxer.streamIndex = av_find_best_stream(raw, AVMEDIA_TYPE_AUDIO, -1, -1, &demuxer.codec, 0);
    if (demuxer.streamIndex == AVERROR_STREAM_NOT_FOUND) {
        for (unsigned i = 0; i < raw->nb_streams; ++i) {
            const AVCodecParameters* par = raw->streams[i]->codecpar;
            if (par->codec_type == AVMEDIA_TYPE_AUDIO) {
                return tl::unexpected(fail(
                    AudioError::Kind::Corrupt, path,
                    fmt::format("{} file whose audio stream is unusable ({} channels, {} Hz)",
                                raw->iformat->name, par->ch_layout.nb_channels, par->sample_rate)));
            }
        }
    }
    if (demuxer.streamIndex < 0 || demuxer.codec == nullptr) {
        const bool noDecoder = demuxer.streamIndex == AVERROR_DECODER_NOT_FOUND;
        return tl::unexpected(
            fail(noDecoder ? AudioError::Kind::Unsupported : AudioError::Kind::NotAudio, path,
                 noDecoder ? fmt::format("no decoder for its audio codec in {}", raw->iformat->name)
                           : fmt::format("{} file contains no audio stream", raw->iformat->name)));
    }
    const AVCodecParameters* par = raw->streams[demuxer.streamIndex]->codecpar;
    if (par->ch_layout.nb_channels <= 0 || par->ch_layout.nb_channels > kMaxChannels) {
        return tl::unexpected(fail(AudioError::Kind::Corrupt, path,
                                   fmt::format("implausible channel count {} (1–{} supported)",
                                               par->ch_layout.nb_channels, kMaxChannels)));
    }
    if (par->sample_rate <= 0 || par->sample_rate > kMaxSampleRateHz) {
        return tl::unexpected(fail(AudioError::Kind::Corrupt, path,
                                   fmt::format("implausible sample rate {} Hz", par->sample_rate)));
    }
    return demuxer;
}

/// The one implementation of AudioStream, over libavformat, libavcodec and libswresample.
///
/// Opus with one or two channels (mapping family 0) is decoded by libopus instead, on the packets
/// libavformat's Ogg demuxer returns, at the rate the stream was encoded from (its OpusHead input
/// rate, e.g. 8 or 16 kHz for telephony): libavcodec's Opus decoders, its native one and its
/// libopus wrapper alike, always produce 48 kHz, three to six times the samples a call has.
/// Timestamps, packet durations and skip side data stay in 48 kHz units and are scaled.
///
/// Decoded audio goes through m_buffer one packet at a time. Every sample has a label, its place
/// on the timeline of a sequential decode from the start: m_decodedEnd labels the sample after
/// the last one decoded, m_position the next one read() returns. Samples labelled before
/// m_discardUntil (a seek target) are dropped as they are decoded, samples at or after m_limit
/// (the exact length, once known) are never returned.
class LibavStream final : public AudioStream {
public:
    static tl::expected<std::unique_ptr<LibavStream>, AudioError> create(const fs::path& path,
                                                                         SeekIndex index);

    [[nodiscard]] const StreamInfo& info() const override { return m_info; }
    [[nodiscard]] tl::expected<std::size_t, AudioError> read(float* const* planes,
                                                             std::size_t maxFrames) override;
    [[nodiscard]] tl::expected<void, AudioError> seek(std::int64_t sample) override;
    [[nodiscard]] std::int64_t position() const override { return m_position; }
    [[nodiscard]] const SeekIndex& gatheredIndex() const override { return m_index; }
    [[nodiscard]] std::vector<std::string> warnings() const override;

private:
    explicit LibavStream(fs::path path) : m_path(std::move(path)) {}

    tl::expected<void, AudioError> setUp(Demuxer demuxer, SeekIndex index);
    tl::expected<void, AudioError> openDecoder();
    /// Whether `index` can be trusted for this file: same rate, points ascending from 0, each
    /// findable with this container's seek method.
    [[nodiscard]] bool usableIndex(const SeekIndex& index) const;
    /// Decodes until one packet decoded (or was silence-suppressed AMR); an error when the file
    /// ends, or kMaxRejectedBeforeAudio packets are rejected in a row, before that.
    tl::expected<void, AudioError> decodeUntilAudio();
    /// Reads and decodes one packet of the stream into m_buffer, or ends the stream at EOF.
    tl::expected<void, AudioError> decodeNext();
    /// Decodes `packet`; a packet the decoder rejects becomes silence of the packet's length.
    void decodePacket(AVPacket& packet);
    /// decodePacket with libopus: applies the packet's skip and discard side data (48 kHz units)
    /// as libavcodec would; false when libopus rejects the packet.
    bool decodeOpusPacket(const AVPacket& packet);
    /// Appends the decoder's pending frames to the packet's frames; false on a decoding error.
    bool receiveFrames();
    void appendFrame(const AVFrame& frame);
    void appendSilence(std::int64_t frames);
    /// Room for `frames` more frames after the current packet's; planes point at it.
    float* const* reserve(std::size_t frames);
    /// Labels the current packet's frames (a packet of `expected` samples) on the timeline and
    /// keeps those between m_discardUntil and m_limit for read().
    void commitPacket(std::int64_t expected);
    /// Sets the resampler up for the frame's format and layout; false if it cannot convert.
    /// Appends `frame` without the resampler when its format is a common one; false if not.
    bool appendCommonFormat(const AVFrame& frame);
    bool configureResampler(const AVFrame& frame);
    void finishStream(int readResult);
    void noteRejected(const AVPacket& packet, std::int64_t atSample);
    /// The packet's length in decoded samples as its header gives it; 0 when unknown.
    [[nodiscard]] std::int64_t packetSamples(const AVPacket& packet) const;
    /// An AMR SID or NO_DATA frame, which FFmpeg 5.1's decoders reject.
    [[nodiscard]] bool isSuppressedSilence(const AVPacket& packet) const;

    tl::expected<void, AudioError> buildIndex();
    tl::expected<bool, AudioError> gatherToEnd(bool countAfterWarmUp);
    /// Puts the demuxer at index point `pointIndex` (0: reopens the file) with a fresh decoder,
    /// the point's packet held for decodeNext. False when the point's packet was not where the
    /// index says (a stale index): the caller restarts from the beginning instead.
    tl::expected<bool, AudioError> reposition(std::size_t pointIndex);
    /// Reopens the file: the state of a fresh open, so that decoding from sample 0 is the
    /// sequential decode bit for bit.
    tl::expected<void, AudioError> restart();
    tl::expected<void, AudioError> resetDecoder();
    /// Reopens the file and decodes from the start again, discarding up to m_decodedEnd, where
    /// reading after a seek failed although the sequential read went on.
    tl::expected<void, AudioError> resumeFromStart();

    fs::path m_path;
    StreamInfo m_info;
    FormatPtr m_format;
    CodecPtr m_codec;
    const AVCodec* m_decoder = nullptr;
    SwrPtr m_swr;
    OpusPtr m_opus; ///< set when libopus decodes the stream instead of m_codec
    OpusHead m_opusHead;
    int m_opusMaxFrames = 0;          ///< samples per channel of the longest packet
    std::vector<float> m_opusScratch; ///< one packet, interleaved
    std::int64_t m_opusSkip = 0;      ///< samples still to skip at the start (pre-skip)
    PacketPtr m_packet;
    FramePtr m_frame;
    ChannelLayout m_outLayout;
    ChannelLayout m_swrInLayout;
    int m_swrInFormat = -1;
    int m_streamIndex = -1;
    AVCodecID m_codecId = AV_CODEC_ID_NONE;
    AVRational m_timeBase{1, 1};
    SeekMethod m_seekMethod = SeekMethod::Timestamp;
    PacketLength m_packetLength = PacketLength::Unknown;
    std::int64_t m_frameSize = 0;
    std::int64_t m_preroll = 0;
    std::int64_t m_interval = 0;
    std::int64_t m_maxSamples = 0;
    std::int64_t m_maxSilencePerPacket = 0;

    std::vector<std::vector<float>> m_buffer; ///< per channel, m_capacity frames each
    std::vector<float*> m_bufferPlanes;
    std::size_t m_capacity = 0;
    std::size_t m_begin = 0;        ///< next frame read() copies
    std::size_t m_end = 0;          ///< end of the frames read() may copy
    std::size_t m_packetFrames = 0; ///< frames after m_end decoded from the current packet

    std::int64_t m_position = 0;
    std::int64_t m_decodedEnd = 0;
    std::int64_t m_discardUntil = 0;
    std::int64_t m_limit = -1;
    bool m_ended = false;
    bool m_held = false;      ///< m_packet holds the seek point's packet, not yet decoded
    bool m_afterSeek = false; ///< positioned mid-file: start-skip side data is spurious
    int m_aligning = 0;       ///< packets after a mid-file restart still to align (commitPacket)

    SeekIndex m_index;
    bool m_indexComplete = false;
    bool m_gathering = false;
    std::int64_t m_nextPoint = 0;

    std::int64_t m_highWater = 0; ///< problems before this sample were counted already
    std::int64_t m_goodPackets = 0;
    int m_rejectedInARow = 0;
    std::int64_t m_suppressed = 0;
    std::int64_t m_firstSuppressed = -1;
    std::int64_t m_undecodable = 0;
    std::int64_t m_firstUndecodable = -1;
    std::int64_t m_foreignFrames = 0;
    int m_seekFallbacks = 0;
    std::string m_readError;
    std::string m_truncation;
    std::string m_indexNote;
    double m_claimedSec = -1; ///< length a WAV's data chunk claims, -1 if none
};

tl::expected<std::unique_ptr<LibavStream>, AudioError> LibavStream::create(const fs::path& path,
                                                                           SeekIndex index) {
    quietLibavLogs();
    auto demuxer = openDemuxer(path);
    if (!demuxer) {
        return tl::unexpected(demuxer.error());
    }
    std::unique_ptr<LibavStream> stream(new LibavStream(path));
    if (auto ready = stream->setUp(std::move(*demuxer), std::move(index)); !ready) {
        return tl::unexpected(ready.error());
    }
    if (auto primed = stream->decodeUntilAudio(); !primed) {
        return tl::unexpected(primed.error());
    }
    return stream;
}

tl::expected<void, AudioError> LibavStream::setUp(Demuxer demuxer, SeekIndex index) {
    m_format = std::move(demuxer.format);
    m_streamIndex = demuxer.streamIndex;
    const AVStream* stream = m_format->streams[m_streamIndex];
    const AVCodecParameters* par = stream->codecpar;

    m_decoder = demuxer.codec;
    const std::optional<OpusHead> opusHead = opusHeadOf(*par);
    if (opusHead) {
        m_opusHead = *opusHead;
        m_opusMaxFrames = opusHead->decodeRateHz / 1000 * kOpusMaxPacketMs;
        m_opusScratch.assign(static_cast<std::size_t>(m_opusMaxFrames) *
                                 static_cast<std::size_t>(opusHead->channels),
                             0.0f);
        int error = OPUS_OK;
        m_opus.reset(opus_decoder_create(opusHead->decodeRateHz, opusHead->channels, &error));
        if (!m_opus || error != OPUS_OK) {
            return tl::unexpected(
                fail(AudioError::Kind::Unsupported, m_path,
                     fmt::format("cannot open the libopus decoder ({})", opus_strerror(error))));
        }
    }
    if (auto opened = openDecoder(); !opened) {
        return opened;
    }

    const int rate = m_opus ? opusHead->decodeRateHz : m_codec->sample_rate;
    const int channels = m_opus ? opusHead->channels : m_codec->ch_layout.nb_channels;
    if (rate <= 0 || rate > kMaxSampleRateHz || channels <= 0 || channels > kMaxChannels) {
        return tl::unexpected(
            fail(AudioError::Kind::Corrupt, m_path,
                 fmt::format("decoder reports an implausible {} Hz, {} channels", rate, channels)));
    }

    m_info.sampleRateHz = rate;
    m_info.channels = channels;
    m_info.codec = m_opus ? "opus" : demuxer.codec->name;
    m_info.container = m_format->iformat->name;
    if (m_format->duration != AV_NOPTS_VALUE && m_format->duration > 0) {
        m_info.headerDurationSec = static_cast<double>(m_format->duration) / AV_TIME_BASE;
    } else if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0) {
        m_info.headerDurationSec =
            static_cast<double>(stream->duration) * av_q2d(stream->time_base);
    }

    if (m_info.container == "wav") {
        m_claimedSec = wavClaimedSeconds(m_path);
    }
    m_codecId = par->codec_id;
    m_timeBase = stream->time_base;
    m_seekMethod = seekMethodFor(*m_format->iformat);
    m_packetLength = packetLengthFor(*par);
    m_frameSize = m_opus ? 0 : std::max(par->frame_size, m_codec->frame_size);
    m_preroll = prerollFor(*par, rate);
    m_interval = static_cast<std::int64_t>(SeekIndex::kIntervalSec * rate);
    m_maxSamples = static_cast<std::int64_t>(kMaxDurationSec * rate);
    m_maxSilencePerPacket = std::max<std::int64_t>(2 * static_cast<std::int64_t>(rate), 65536);

    av_channel_layout_default(m_outLayout.get(), channels);
    m_packet.reset(av_packet_alloc());
    m_frame.reset(av_frame_alloc());
    if (!m_packet || !m_frame) {
        return tl::unexpected(fail(AudioError::Kind::Io, m_path, "out of memory"));
    }
    m_buffer.assign(static_cast<std::size_t>(channels), {});
    m_bufferPlanes.assign(static_cast<std::size_t>(channels), nullptr);

    if (usableIndex(index)) {
        m_index = std::move(index);
        m_indexComplete = true;
        m_limit = m_index.totalSamples;
    } else {
        if (!index.empty()) {
            m_indexNote = "the stored seek index does not fit this file; it was rebuilt";
        }
        m_index.sampleRateHz = rate;
        m_gathering = true;
        // Room for the points of the length the header claims (at most the 6 h guard), so that
        // gathering them does not allocate during reads.
        const double claimedSec = std::clamp(m_info.headerDurationSec, 0.0, kMaxDurationSec);
        m_index.points.reserve(static_cast<std::size_t>(claimedSec / SeekIndex::kIntervalSec) + 2);
    }
    return {};
}

/// A fresh decoder for the current demuxer's stream. A seek takes a new one rather than
/// avcodec_flush_buffers: some decoders keep state through a flush (AAC's noise-substitution
/// generator; amrnb has no flush at all), and decoding after a seek must depend on the file alone.
tl::expected<void, AudioError> LibavStream::openDecoder() {
    if (m_opus) {
        // A fresh state in place (no allocation), so a seek decodes as if the file began there.
        m_opusSkip = 0;
        int rc = opus_decoder_init(m_opus.get(), m_opusHead.decodeRateHz, m_opusHead.channels);
        if (rc == OPUS_OK) {
            rc = opus_decoder_ctl(m_opus.get(), OPUS_SET_GAIN(m_opusHead.gainQ8));
        }
        if (rc != OPUS_OK) {
            return tl::unexpected(
                fail(AudioError::Kind::Unsupported, m_path,
                     fmt::format("cannot reset the libopus decoder ({})", opus_strerror(rc))));
        }
        return {};
    }
    const AVStream* stream = m_format->streams[m_streamIndex];
    m_codec.reset(avcodec_alloc_context3(m_decoder));
    if (!m_codec || avcodec_parameters_to_context(m_codec.get(), stream->codecpar) < 0) {
        return tl::unexpected(fail(AudioError::Kind::Io, m_path, "cannot set up the decoder"));
    }
    m_codec->pkt_timebase = stream->time_base;
    if (const int rc = avcodec_open2(m_codec.get(), m_decoder, nullptr); rc < 0) {
        return tl::unexpected(
            fail(AudioError::Kind::Unsupported, m_path,
                 fmt::format("cannot open {} decoder ({})", m_decoder->name, avErrorText(rc))));
    }
    return {};
}

bool LibavStream::usableIndex(const SeekIndex& index) const {
    if (index.empty() || index.sampleRateHz != m_info.sampleRateHz || index.totalSamples <= 0 ||
        index.points.front().sample != 0 || index.points.back().sample > index.totalSamples) {
        return false;
    }
    for (std::size_t i = 1; i < index.points.size(); ++i) {
        const SeekPoint& point = index.points[i];
        const bool findable =
            m_seekMethod == SeekMethod::Byte ? point.bytePos >= 0 : point.pts != AV_NOPTS_VALUE;
        if (point.sample <= index.points[i - 1].sample || !findable) {
            return false;
        }
    }
    return true;
}

tl::expected<void, AudioError> LibavStream::decodeUntilAudio() {
    while (m_goodPackets == 0 && !m_ended && m_rejectedInARow < kMaxRejectedBeforeAudio) {
        if (auto step = decodeNext(); !step) {
            return step;
        }
    }
    if (m_goodPackets == 0) {
        return tl::unexpected(
            fail(AudioError::Kind::Corrupt, m_path,
                 m_undecodable > 0
                     ? fmt::format("no decodable {} audio ({} packet(s) rejected)", m_info.codec,
                                   m_undecodable)
                     : fmt::format("no audio could be decoded{}",
                                   m_readError.empty() ? "" : fmt::format(" ({})", m_readError))));
    }
    return {};
}

tl::expected<std::size_t, AudioError> LibavStream::read(float* const* planes,
                                                        std::size_t maxFrames) {
    std::size_t written = 0;
    while (written < maxFrames) {
        if (m_begin < m_end) {
            const std::size_t n = std::min(maxFrames - written, m_end - m_begin);
            for (std::size_t c = 0; c < m_buffer.size(); ++c) {
                std::memcpy(planes[c] + written, m_buffer[c].data() + m_begin, n * sizeof(float));
            }
            m_begin += n;
            written += n;
            m_position += static_cast<std::int64_t>(n);
            continue;
        }
        if (m_ended) {
            break;
        }
        if (auto step = decodeNext(); !step) {
            return tl::unexpected(step.error());
        }
    }
    return written;
}

tl::expected<void, AudioError> LibavStream::decodeNext() {
    if (m_decodedEnd > m_maxSamples) {
        return tl::unexpected(fail(
            AudioError::Kind::Corrupt, m_path,
            fmt::format("longer than {:.0f} hours; refusing to decode", kMaxDurationSec / 3600)));
    }
    AVPacket* packet = m_packet.get();
    if (m_held) {
        m_held = false;
    } else {
        int rc = 0;
        while ((rc = av_read_frame(m_format.get(), packet)) >= 0 &&
               packet->stream_index != m_streamIndex) {
            av_packet_unref(packet);
        }
        // A damaged file may read differently after the demuxer was repositioned (an Ogg page
        // that resynchronises elsewhere): the rest then comes from a decode from the start. An
        // early end of file counts only without a decoder to drain (libopus has no delay).
        if (rc < 0 && (rc != AVERROR_EOF || m_opus) && m_afterSeek && m_decodedEnd < m_limit) {
            return resumeFromStart();
        }
        if (rc < 0) {
            finishStream(rc);
            return {};
        }
    }
    if (m_gathering) {
        notePoint(m_index, m_nextPoint, m_decodedEnd, *packet, m_seekMethod, m_interval);
    }
    if (m_afterSeek) {
        // libavformat re-arms an MP3's encoder-delay skip for any packet whose counted pts is 0,
        // which after a byte seek is the first one read.
        std::size_t size = 0;
        if (std::uint8_t* side = av_packet_get_side_data(packet, AV_PKT_DATA_SKIP_SAMPLES, &size);
            side != nullptr && size >= 4) {
            std::memset(side, 0, 4);
        }
    }
    decodePacket(*packet);
    av_packet_unref(packet);
    m_highWater = std::max(m_highWater, m_decodedEnd);
    return {};
}

void LibavStream::decodePacket(AVPacket& packet) {
    const std::int64_t before = m_decodedEnd;
    const std::int64_t expected = packetSamples(packet);
    bool rejected = false;
    if (m_opus) {
        rejected = !decodeOpusPacket(packet);
    } else {
        int rc = avcodec_send_packet(m_codec.get(), &packet);
        if (rc == AVERROR(EAGAIN)) {
            rejected = !receiveFrames();
            rc = avcodec_send_packet(m_codec.get(), &packet);
        }
        if (rc < 0 || !receiveFrames()) {
            rejected = true;
        }
    }
    if (rejected) {
        const std::int64_t missing =
            std::min(expected - static_cast<std::int64_t>(m_packetFrames), m_maxSilencePerPacket);
        if (missing > 0) {
            appendSilence(missing);
        }
        noteRejected(packet, before);
    } else {
        ++m_goodPackets;
        m_rejectedInARow = 0;
    }
    commitPacket(expected);
}

bool LibavStream::decodeOpusPacket(const AVPacket& packet) {
    const int rate = m_info.sampleRateHz;
    const auto toRate = [rate](std::int64_t samples48k) {
        return av_rescale(samples48k, rate, kOpusRateHz);
    };
    std::int64_t discard48k = 0;
    std::size_t size = 0;
    if (const std::uint8_t* side =
            av_packet_get_side_data(&packet, AV_PKT_DATA_SKIP_SAMPLES, &size);
        side != nullptr && size >= 10) {
        m_opusSkip = toRate(std::max<std::int64_t>(0, static_cast<std::int32_t>(readLe32(side))));
        discard48k = readLe32(side + 4);
    }
    if (packet.data == nullptr || packet.size <= 0) {
        return false; // libopus would conceal it as a lost packet, of whatever length we ask
    }
    const int got = opus_decode_float(m_opus.get(), packet.data, packet.size, m_opusScratch.data(),
                                      m_opusMaxFrames, 0);
    if (got < 0) {
        return false;
    }
    if ((packet.flags & AV_PKT_FLAG_DISCARD) != 0) {
        m_opusSkip = std::max<std::int64_t>(0, m_opusSkip - got);
        return true;
    }
    const std::int64_t from = std::min<std::int64_t>(m_opusSkip, got);
    m_opusSkip -= from;
    std::int64_t to = got;
    // The end trimmed as libavcodec trims it at 48 kHz: what the packet keeps is scaled (not what
    // it drops), so that the packet ends where its 48 kHz duration says.
    const std::int64_t kept48k = (to - from) * kOpusRateHz / rate;
    if (discard48k > 0 && discard48k <= kept48k) {
        to = from + toRate(kept48k - discard48k);
    }
    if (to <= from) {
        return true;
    }
    const auto n = static_cast<std::size_t>(to - from);
    const auto channels = static_cast<std::size_t>(m_info.channels);
    float* const* planes = reserve(n);
    const float* in = m_opusScratch.data() + static_cast<std::size_t>(from) * channels;
    if (channels == 1) {
        std::memcpy(planes[0], in, n * sizeof(float));
    } else {
        for (std::size_t i = 0; i < n; ++i) {
            planes[0][i] = in[2 * i];
            planes[1][i] = in[2 * i + 1];
        }
    }
    m_packetFrames += n;
    return true;
}

void LibavStream::noteRejected(const AVPacket& packet, std::int64_t atSample) {
    if (isSuppressedSilence(packet)) {
        ++m_goodPackets;
        m_rejectedInARow = 0;
        if (atSample >= m_highWater && m_suppressed++ == 0) {
            m_firstSuppressed = atSample;
        }
        return;
    }
    ++m_rejectedInARow;
    if (atSample >= m_highWater && m_undecodable++ == 0) {
        m_firstUndecodable = atSample;
    }
}

bool LibavStream::isSuppressedSilence(const AVPacket& packet) const {
    if (packet.size < 1 || (m_codecId != AV_CODEC_ID_AMR_NB && m_codecId != AV_CODEC_ID_AMR_WB)) {
        return false;
    }
    const int frameType = (packet.data[0] >> 3) & 0x0F;
    const int firstSid = m_codecId == AV_CODEC_ID_AMR_NB ? kAmrNbFirstSidType : kAmrWbFirstSidType;
    return frameType == kAmrNoDataType || (frameType >= firstSid && frameType < firstSid + 4);
}

std::int64_t LibavStream::packetSamples(const AVPacket& packet) const {
    if (m_packetLength == PacketLength::FrameSize && m_frameSize > 0) {
        return m_frameSize;
    }
    if (packet.duration > 0) {
        return av_rescale_q(packet.duration, m_timeBase, AVRational{1, m_info.sampleRateHz});
    }
    if (m_opus && packet.size > 0) {
        return std::max(0,
                        opus_packet_get_nb_samples(packet.data, packet.size, m_info.sampleRateHz));
    }
    if (m_codecId == AV_CODEC_ID_AMR_NB) {
        return 160;
    }
    if (m_codecId == AV_CODEC_ID_AMR_WB) {
        return 320;
    }
    return m_packetLength == PacketLength::Unknown ? 0 : m_frameSize;
}

bool LibavStream::receiveFrames() {
    for (;;) {
        const int rc = avcodec_receive_frame(m_codec.get(), m_frame.get());
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) {
            return true;
        }
        if (rc < 0) {
            return false;
        }
        appendFrame(*m_frame);
        av_frame_unref(m_frame.get());
    }
}

void LibavStream::appendFrame(const AVFrame& frame) {
    if (frame.nb_samples <= 0) {
        return;
    }
    if (frame.sample_rate > 0 && frame.sample_rate != m_info.sampleRateHz) {
        appendSilence(frame.nb_samples);
        ++m_foreignFrames;
        return;
    }
    if (m_info.channels <= 2 && frame.ch_layout.nb_channels == m_info.channels &&
        appendCommonFormat(frame)) {
        return;
    }
    if (!configureResampler(frame)) {
        appendSilence(frame.nb_samples);
        ++m_foreignFrames;
        return;
    }
    const int capacity = swr_get_out_samples(m_swr.get(), frame.nb_samples);
    if (capacity <= 0) {
        return;
    }
    float* const* planes = reserve(static_cast<std::size_t>(capacity));
    const int got = swr_convert(
        m_swr.get(), reinterpret_cast<std::uint8_t**>(const_cast<float**>(planes)), capacity,
        const_cast<const std::uint8_t**>(frame.extended_data), frame.nb_samples);
    m_packetFrames += got > 0 ? static_cast<std::size_t>(got) : 0;
}

bool LibavStream::appendCommonFormat(const AVFrame& frame) {
    // The formats telephony decoders produce (mp3float and aac: planar float; opus and amrnb:
    // packed float; PCM and G.711: 16-bit) are converted here directly, which is several times
    // cheaper than a resampler pass that changes nothing but the layout.
    const auto format = static_cast<AVSampleFormat>(frame.format);
    if (format != AV_SAMPLE_FMT_FLTP && format != AV_SAMPLE_FMT_FLT &&
        format != AV_SAMPLE_FMT_S16 && format != AV_SAMPLE_FMT_S16P) {
        return false;
    }
    const auto n = static_cast<std::size_t>(frame.nb_samples);
    const auto channels = static_cast<std::size_t>(m_info.channels);
    float* const* planes = reserve(n);
    for (std::size_t c = 0; c < channels; ++c) {
        float* out = planes[c];
        switch (format) {
        case AV_SAMPLE_FMT_FLTP:
            std::memcpy(out, frame.extended_data[c], n * sizeof(float));
            break;
        case AV_SAMPLE_FMT_FLT: {
            const auto* in = reinterpret_cast<const float*>(frame.extended_data[0]);
            for (std::size_t i = 0; i < n; ++i) {
                out[i] = in[i * channels + c];
            }
            break;
        }
        case AV_SAMPLE_FMT_S16P: {
            const auto* in = reinterpret_cast<const std::int16_t*>(frame.extended_data[c]);
            for (std::size_t i = 0; i < n; ++i) {
                out[i] = static_cast<float>(in[i]) * (1.0f / 32768.0f);
            }
            break;
        }
        default: { // AV_SAMPLE_FMT_S16
            const auto* in = reinterpret_cast<const std::int16_t*>(frame.extended_data[0]);
            for (std::size_t i = 0; i < n; ++i) {
                out[i] = static_cast<float>(in[i * channels + c]) * (1.0f / 32768.0f);
            }
            break;
        }
        }
    }
    m_packetFrames += n;
    return true;
}

bool LibavStream::configureResampler(const AVFrame& frame) {
    if (m_swr && m_swrInFormat == frame.format &&
        av_channel_layout_compare(m_swrInLayout.get(), &frame.ch_layout) == 0) {
        return true;
    }
    ChannelLayout inLayout;
    if (frame.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || frame.ch_layout.nb_channels == 0) {
        const int channels =
            frame.ch_layout.nb_channels > 0 ? frame.ch_layout.nb_channels : m_info.channels;
        av_channel_layout_default(inLayout.get(), channels);
    } else if (av_channel_layout_copy(inLayout.get(), &frame.ch_layout) < 0) {
        return false;
    }
    if (m_swr && m_swrInFormat == frame.format &&
        av_channel_layout_compare(m_swrInLayout.get(), inLayout.get()) == 0) {
        return true;
    }
    if (inLayout.get()->nb_channels > kMaxChannels) {
        return false;
    }
    SwrContext* raw = nullptr;
    const int rc = swr_alloc_set_opts2(
        &raw, m_outLayout.get(), AV_SAMPLE_FMT_FLTP, m_info.sampleRateHz, inLayout.get(),
        static_cast<AVSampleFormat>(frame.format), m_info.sampleRateHz, 0, nullptr);
    m_swr.reset(raw);
    if (rc < 0 || swr_init(m_swr.get()) < 0 ||
        av_channel_layout_copy(m_swrInLayout.get(), inLayout.get()) < 0) {
        m_swr.reset();
        m_swrInFormat = -1;
        return false;
    }
    m_swrInFormat = frame.format;
    return true;
}

void LibavStream::appendSilence(std::int64_t frames) {
    const auto count = static_cast<std::size_t>(frames);
    float* const* planes = reserve(count);
    for (std::size_t c = 0; c < m_buffer.size(); ++c) {
        std::fill_n(planes[c], count, 0.0f);
    }
    m_packetFrames += count;
}

float* const* LibavStream::reserve(std::size_t frames) {
    if (m_begin == m_end && m_packetFrames == 0) {
        m_begin = m_end = 0;
    }
    const std::size_t needed = m_end + m_packetFrames + frames;
    if (needed > m_capacity) {
        m_capacity = std::max(needed, 2 * m_capacity);
        for (auto& channel : m_buffer) {
            channel.resize(m_capacity);
        }
    }
    for (std::size_t c = 0; c < m_buffer.size(); ++c) {
        m_bufferPlanes[c] = m_buffer[c].data() + m_end + m_packetFrames;
    }
    return m_bufferPlanes.data();
}

void LibavStream::commitPacket(std::int64_t expected) {
    auto frames = static_cast<std::int64_t>(m_packetFrames);
    m_packetFrames = 0;
    if (m_aligning > 0) {
        // A decoder opened mid-file may give back less than a packet holds, the missing part at
        // the front: a skip it applies at its start (Opus's pre-skip), or a delay it drops (its
        // SILK resampler's). Each packet still ends where it ended in the sequential decode, so
        // its samples are aligned to the end, the gap zeroed, until a packet comes back whole.
        const std::int64_t gap = expected - frames;
        if (gap > 0) {
            const auto shift = static_cast<std::size_t>(gap);
            float* const* planes = reserve(shift + static_cast<std::size_t>(frames));
            for (std::size_t c = 0; c < m_buffer.size(); ++c) {
                std::memmove(planes[c] + shift, planes[c],
                             static_cast<std::size_t>(frames) * sizeof(float));
                std::fill_n(planes[c], shift, 0.0f);
            }
            frames += gap;
            --m_aligning;
        } else {
            m_aligning = 0;
        }
    }
    const std::int64_t start = m_decodedEnd;
    m_decodedEnd += frames;
    const std::int64_t keepFrom = std::clamp<std::int64_t>(m_discardUntil - start, 0, frames);
    std::int64_t keepTo = frames;
    if (m_limit >= 0 && m_decodedEnd >= m_limit) {
        keepTo = std::clamp<std::int64_t>(m_limit - start, keepFrom, frames);
        m_ended = true;
    }
    if (keepFrom > 0) {
        assert(m_begin == m_end);
        m_begin = m_end + static_cast<std::size_t>(keepFrom);
    }
    m_end += static_cast<std::size_t>(keepTo);
    m_begin = std::min(m_begin, m_end);
}

void LibavStream::finishStream(int readResult) {
    if (readResult != AVERROR_EOF && m_readError.empty()) {
        m_readError = fmt::format("reading stopped at {:.1f} s: {}",
                                  static_cast<double>(m_decodedEnd) / m_info.sampleRateHz,
                                  avErrorText(readResult));
    }
    if (!m_opus && avcodec_send_packet(m_codec.get(), nullptr) >= 0) {
        receiveFrames();
        commitPacket(0);
    }
    m_ended = true;
    if (!m_gathering) {
        return;
    }
    m_gathering = false;
    m_index.totalSamples = m_decodedEnd;
    m_indexComplete = true;
    m_limit = m_decodedEnd;
    const double decodedSec = static_cast<double>(m_decodedEnd) / m_info.sampleRateHz;
    const double headerSec =
        std::max(m_format->duration_estimation_method == AVFMT_DURATION_FROM_BITRATE
                     ? -1.0
                     : m_info.headerDurationSec,
                 m_claimedSec);
    if (headerSec > 0 && decodedSec < headerSec - std::max(0.25, 0.01 * headerSec)) {
        m_truncation = fmt::format(
            "audio ends at {:.1f} s although the header promises {:.1f} s: the file is truncated",
            decodedSec, headerSec);
    }
}

std::vector<std::string> LibavStream::warnings() const {
    const auto seconds = [this](std::int64_t sample) {
        return static_cast<double>(sample) / m_info.sampleRateHz;
    };
    std::vector<std::string> out;
    if (m_suppressed > 0) {
        out.push_back(fmt::format(
            "{} silence-suppressed (SID/NO_DATA) frame(s) kept as silence, first at {:.1f} s",
            m_suppressed, seconds(m_firstSuppressed)));
    }
    if (m_undecodable > 0) {
        out.push_back(fmt::format("{} undecodable packet(s) kept as silence, first at {:.1f} s",
                                  m_undecodable, seconds(m_firstUndecodable)));
    }
    if (m_foreignFrames > 0) {
        out.push_back(fmt::format("{} frame(s) in another sample rate or layout kept as silence",
                                  m_foreignFrames));
    }
    if (!m_readError.empty()) {
        out.push_back(m_readError);
    }
    if (!m_truncation.empty()) {
        out.push_back(m_truncation);
    }
    if (!m_indexNote.empty()) {
        out.push_back(m_indexNote);
    }
    if (m_seekFallbacks > 0) {
        out.push_back(
            fmt::format("{} seek(s) could not find their restart point and decoded from the start",
                        m_seekFallbacks));
    }
    return out;
}

tl::expected<void, AudioError> LibavStream::seek(std::int64_t sample) {
    if (!m_indexComplete) {
        if (auto built = buildIndex(); !built) {
            return built;
        }
    }
    m_gathering = false;
    const std::int64_t total = m_index.totalSamples;
    const std::int64_t target = std::clamp<std::int64_t>(sample, 0, total);
    m_begin = m_end = 0;
    m_held = false;
    m_position = target;
    m_limit = total;
    m_discardUntil = target;
    if (target == total) {
        m_decodedEnd = total;
        m_ended = true;
        return {};
    }

    const auto& points = m_index.points;
    const auto after = std::upper_bound(
        points.begin(), points.end(), target - m_preroll,
        [](std::int64_t value, const SeekPoint& point) { return value < point.sample; });
    std::size_t chosen =
        after == points.begin() ? 0 : static_cast<std::size_t>(after - points.begin()) - 1;
    auto landed = reposition(chosen);
    if (!landed) {
        return tl::unexpected(landed.error());
    }
    if (!*landed) {
        ++m_seekFallbacks;
        chosen = 0;
        if (auto restarted = reposition(0); !restarted) {
            return tl::unexpected(restarted.error());
        }
    }
    m_decodedEnd = points[chosen].sample;
    m_ended = false;
    return {};
}

tl::expected<bool, AudioError> LibavStream::reposition(std::size_t pointIndex) {
    if (pointIndex == 0) {
        if (auto restarted = restart(); !restarted) {
            return tl::unexpected(restarted.error());
        }
        return true;
    }
    const SeekPoint& point = m_index.points[pointIndex];
    const bool byBytes = m_seekMethod == SeekMethod::Byte;
    const int rc =
        byBytes ? av_seek_frame(m_format.get(), -1, point.bytePos, AVSEEK_FLAG_BYTE)
                : av_seek_frame(m_format.get(), m_streamIndex, point.pts, AVSEEK_FLAG_BACKWARD);
    if (auto reset = resetDecoder(); !reset) {
        return tl::unexpected(reset.error());
    }
    m_afterSeek = true;
    m_aligning = kMaxAlignedPackets;
    if (rc < 0) {
        return false;
    }
    AVPacket* packet = m_packet.get();
    for (int read = 0; read < kMaxLandingPackets; ++read) {
        if (av_read_frame(m_format.get(), packet) < 0) {
            return false;
        }
        if (packet->stream_index != m_streamIndex) {
            av_packet_unref(packet);
            continue;
        }
        const bool unknown = byBytes ? packet->pos < 0 : packet->pts == AV_NOPTS_VALUE;
        const bool before =
            !unknown && (byBytes ? packet->pos < point.bytePos : packet->pts < point.pts);
        const bool at =
            !unknown && (byBytes ? packet->pos == point.bytePos : packet->pts == point.pts);
        if (at) {
            m_held = true;
            return true;
        }
        av_packet_unref(packet);
        if (!unknown && !before) {
            return false;
        }
    }
    return false;
}

tl::expected<void, AudioError> LibavStream::restart() {
    auto demuxer = openDemuxer(m_path);
    if (!demuxer) {
        return tl::unexpected(demuxer.error());
    }
    if (demuxer->streamIndex != m_streamIndex ||
        demuxer->format->streams[m_streamIndex]->codecpar->codec_id != m_codecId) {
        return tl::unexpected(
            fail(AudioError::Kind::Io, m_path, "the file changed while it was open"));
    }
    m_format = std::move(demuxer->format);
    m_afterSeek = false;
    m_aligning = 0;
    return resetDecoder();
}

tl::expected<void, AudioError> LibavStream::resumeFromStart() {
    assert(m_begin == m_end && m_packetFrames == 0);
    ++m_seekFallbacks;
    if (auto restarted = restart(); !restarted) {
        return restarted;
    }
    m_begin = m_end = 0;
    m_held = false;
    m_discardUntil = std::max(m_discardUntil, m_decodedEnd);
    m_decodedEnd = 0;
    return {};
}

tl::expected<void, AudioError> LibavStream::resetDecoder() {
    av_packet_unref(m_packet.get());
    m_packetFrames = 0;
    if (m_swr) {
        swr_init(m_swr.get());
    }
    return openDecoder();
}

/// Builds the complete index on a second stream opened for the purpose, so that this one stays
/// where it is until the seek repositions it.
tl::expected<void, AudioError> LibavStream::buildIndex() {
    const bool countable = m_packetLength != PacketLength::Unknown;
    auto other = create(m_path, {});
    if (!other) {
        return tl::unexpected(other.error());
    }
    auto complete = (*other)->gatherToEnd(countable);
    if (!complete) {
        return tl::unexpected(complete.error());
    }
    if (!*complete) {
        other = create(m_path, {});
        if (!other) {
            return tl::unexpected(other.error());
        }
        complete = (*other)->gatherToEnd(false);
        if (!complete) {
            return tl::unexpected(complete.error());
        }
    }
    m_index = std::move((*other)->m_index);
    m_indexComplete = true;
    return {};
}

/// Reads a freshly opened stream to the end, gathering its index. With `countAfterWarmUp`, only
/// the first seconds are decoded (the decoder's start-up - priming skips, a resampler's delay -
/// is in no packet header) and the rest is counted from packet lengths with av_read_frame alone,
/// applying the packets' skip and discard instructions as libavcodec would. Returns false when a
/// packet's length cannot be known without decoding it; the stream is then spent.
tl::expected<bool, AudioError> LibavStream::gatherToEnd(bool countAfterWarmUp) {
    const std::int64_t warmUp = countAfterWarmUp ? 2 * m_interval : m_maxSamples + 1;
    while (!m_ended && m_decodedEnd < warmUp) {
        m_begin = m_end;
        if (auto step = decodeNext(); !step) {
            return tl::unexpected(step.error());
        }
    }
    if (m_ended) {
        return true;
    }
    AVPacket* packet = m_packet.get();
    std::int64_t skip = 0;
    while (av_read_frame(m_format.get(), packet) >= 0) {
        if (packet->stream_index == m_streamIndex) {
            notePoint(m_index, m_nextPoint, m_decodedEnd, *packet, m_seekMethod, m_interval);
            const std::int64_t samples = std::min(packetSamples(*packet), m_maxSilencePerPacket);
            if (samples <= 0) {
                av_packet_unref(packet);
                return false;
            }
            m_decodedEnd += lengthAfterSkips(*packet, samples, skip);
            if (m_decodedEnd > m_maxSamples) {
                av_packet_unref(packet);
                return tl::unexpected(
                    fail(AudioError::Kind::Corrupt, m_path,
                         fmt::format("longer than {:.0f} hours; refusing to decode",
                                     kMaxDurationSec / 3600)));
            }
        }
        av_packet_unref(packet);
    }
    m_index.totalSamples = m_decodedEnd;
    m_gathering = false;
    m_ended = true;
    return true;
}

// Little-endian base-128 varints; signed values zigzag-encoded.
void putVarint(std::vector<std::uint8_t>& out, std::uint64_t value) {
    while (value >= 0x80) {
        out.push_back(static_cast<std::uint8_t>(value | 0x80));
        value >>= 7;
    }
    out.push_back(static_cast<std::uint8_t>(value));
}

std::uint64_t zigzag(std::uint64_t delta) {
    const auto value = static_cast<std::int64_t>(delta);
    return (static_cast<std::uint64_t>(value) << 1) ^ static_cast<std::uint64_t>(value >> 63);
}

std::uint64_t unzigzag(std::uint64_t value) {
    return (value >> 1) ^ (~(value & 1) + 1);
}

class ByteReader {
public:
    explicit ByteReader(const std::vector<std::uint8_t>& bytes) : m_bytes(bytes) {}

    std::optional<std::uint64_t> varint() {
        std::uint64_t value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (m_pos >= m_bytes.size()) {
                return std::nullopt;
            }
            const std::uint8_t byte = m_bytes[m_pos++];
            value |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
            if ((byte & 0x80) == 0) {
                return value;
            }
        }
        return std::nullopt;
    }
    [[nodiscard]] std::size_t remaining() const { return m_bytes.size() - m_pos; }
    void skip(std::size_t n) { m_pos += n; }

private:
    const std::vector<std::uint8_t>& m_bytes;
    std::size_t m_pos = 0;
};

constexpr std::array<std::uint8_t, 4> kIndexMagic = {'S', 'K', 'I', '1'};

} // namespace

tl::expected<std::unique_ptr<AudioStream>, AudioError> AudioStream::open(const fs::path& path,
                                                                         SeekIndex index) {
    auto stream = LibavStream::create(path, std::move(index));
    if (!stream) {
        return tl::unexpected(stream.error());
    }
    return std::unique_ptr<AudioStream>(std::move(*stream));
}

std::vector<std::uint8_t> serializeSeekIndex(const SeekIndex& index) {
    std::vector<std::uint8_t> out(kIndexMagic.begin(), kIndexMagic.end());
    out.reserve(16 + index.points.size() * 6);
    putVarint(out, static_cast<std::uint64_t>(index.sampleRateHz));
    putVarint(out, static_cast<std::uint64_t>(index.totalSamples));
    putVarint(out, index.points.size());
    SeekPoint previous{0, 0, 0};
    for (const SeekPoint& point : index.points) {
        putVarint(out, static_cast<std::uint64_t>(point.sample) -
                           static_cast<std::uint64_t>(previous.sample));
        putVarint(out, zigzag(static_cast<std::uint64_t>(point.bytePos) -
                              static_cast<std::uint64_t>(previous.bytePos)));
        putVarint(out, zigzag(static_cast<std::uint64_t>(point.pts) -
                              static_cast<std::uint64_t>(previous.pts)));
        previous = point;
    }
    return out;
}

SeekIndex deserializeSeekIndex(const std::vector<std::uint8_t>& bytes) {
    if (bytes.size() < kIndexMagic.size() ||
        !std::equal(kIndexMagic.begin(), kIndexMagic.end(), bytes.begin())) {
        return {};
    }
    ByteReader reader(bytes);
    reader.skip(kIndexMagic.size());
    const auto rate = reader.varint();
    const auto total = reader.varint();
    const auto count = reader.varint();
    constexpr std::uint64_t kMaxTotal = static_cast<std::uint64_t>(1) << 62;
    // Each point takes at least three bytes, so a count beyond that is a lie, not a reason to
    // reserve memory.
    if (!rate || !total || !count || *rate == 0 || *rate > kMaxSampleRateHz || *total == 0 ||
        *total > kMaxTotal || *count == 0 || *count > reader.remaining() / 3) {
        return {};
    }
    SeekIndex index;
    index.sampleRateHz = static_cast<int>(*rate);
    index.totalSamples = static_cast<std::int64_t>(*total);
    index.points.reserve(static_cast<std::size_t>(*count));
    SeekPoint previous{0, 0, 0};
    for (std::uint64_t i = 0; i < *count; ++i) {
        const auto sampleDelta = reader.varint();
        const auto posDelta = reader.varint();
        const auto ptsDelta = reader.varint();
        if (!sampleDelta || !posDelta || !ptsDelta || *sampleDelta > kMaxTotal ||
            (i > 0 && *sampleDelta == 0)) {
            return {};
        }
        SeekPoint point;
        point.sample = previous.sample + static_cast<std::int64_t>(*sampleDelta);
        point.bytePos = static_cast<std::int64_t>(static_cast<std::uint64_t>(previous.bytePos) +
                                                  unzigzag(*posDelta));
        point.pts = static_cast<std::int64_t>(static_cast<std::uint64_t>(previous.pts) +
                                              unzigzag(*ptsDelta));
        if (point.sample > index.totalSamples || (i == 0 && point.sample != 0)) {
            return {};
        }
        index.points.push_back(point);
        previous = point;
    }
    if (reader.remaining() != 0) {
        return {};
    }
    return index;
}

} // namespace callqc::audio
