#include "audio/decoder.hpp"

#include <memory>
#include <system_error>

#include <fmt/format.h>

#include "audio/libav_log.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
#include <libswresample/swresample.h>
}

namespace callqc::audio {
namespace {

constexpr int kMaxChannels = 8;
constexpr int kMaxSampleRateHz = 384000;
constexpr double kMaxDurationSec = 6.0 * 3600.0;

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

std::string avErrorText(int code) {
    char buf[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, buf, sizeof buf);
    return buf;
}

AudioError fail(AudioError::Kind kind, const std::filesystem::path& path, std::string_view what) {
    return AudioError{kind, fmt::format("{}: {}", path.string(), what)};
}

/// Appends converted frames to the planar output, growing each channel.
class PlanarSink {
public:
    PlanarSink(PcmBuffer& pcm, int channels) : m_pcm(pcm) {
        m_pcm.channels.assign(static_cast<std::size_t>(channels), {});
    }

    void append(SwrContext* swr, const AVFrame* frame, std::vector<float*>& planes) {
        const int inSamples = frame ? frame->nb_samples : 0;
        const int capacity = swr_get_out_samples(swr, inSamples);
        if (capacity <= 0) {
            return;
        }
        for (std::size_t c = 0; c < m_pcm.channels.size(); ++c) {
            auto& ch = m_pcm.channels[c];
            m_base = ch.size();
            ch.resize(m_base + static_cast<std::size_t>(capacity));
            planes[c] = ch.data() + m_base;
        }
        const int got = swr_convert(
            swr, reinterpret_cast<std::uint8_t**>(planes.data()), capacity,
            frame ? const_cast<const std::uint8_t**>(frame->extended_data) : nullptr, inSamples);
        const std::size_t kept = got > 0 ? static_cast<std::size_t>(got) : 0;
        for (auto& ch : m_pcm.channels) {
            ch.resize(m_base + kept);
        }
    }

private:
    PcmBuffer& m_pcm;
    std::size_t m_base = 0;
};

} // namespace

tl::expected<DecodedAudio, AudioError> decodeFile(const std::filesystem::path& path) {
    quietLibavLogs();
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        return tl::unexpected(fail(AudioError::Kind::NotFound, path, "file not found"));
    }
    if (std::filesystem::is_directory(path, ec)) {
        return tl::unexpected(fail(AudioError::Kind::NotAudio, path, "is a folder, not a file"));
    }
    if (std::filesystem::file_size(path, ec) == 0 && !ec) {
        return tl::unexpected(fail(AudioError::Kind::Empty, path, "file is empty (0 bytes)"));
    }

    AVFormatContext* rawFormat = nullptr;
    int rc = avformat_open_input(&rawFormat, path.c_str(), nullptr, nullptr);
    if (rc < 0) {
        return tl::unexpected(
            fail(AudioError::Kind::NotAudio, path,
                 fmt::format("not a recognised audio file ({})", avErrorText(rc))));
    }
    std::unique_ptr<AVFormatContext, FormatCloser> format(rawFormat);
    rc = avformat_find_stream_info(format.get(), nullptr);
    if (rc < 0) {
        return tl::unexpected(fail(AudioError::Kind::Corrupt, path,
                                   fmt::format("cannot read stream info ({})", avErrorText(rc))));
    }
    const AVCodec* codec = nullptr;
    const int streamIndex =
        av_find_best_stream(format.get(), AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
    if (streamIndex < 0 || codec == nullptr) {
        return tl::unexpected(
            fail(streamIndex == AVERROR_DECODER_NOT_FOUND ? AudioError::Kind::Unsupported
                                                          : AudioError::Kind::NotAudio,
                 path,
                 streamIndex == AVERROR_DECODER_NOT_FOUND ? "no decoder for its audio codec"
                                                          : "contains no audio stream"));
    }
    AVStream* stream = format->streams[streamIndex];
    const AVCodecParameters* par = stream->codecpar;
    if (par->ch_layout.nb_channels <= 0 || par->ch_layout.nb_channels > kMaxChannels) {
        return tl::unexpected(fail(AudioError::Kind::Corrupt, path,
                                   fmt::format("implausible channel count {} (1–{} supported)",
                                               par->ch_layout.nb_channels, kMaxChannels)));
    }
    if (par->sample_rate <= 0 || par->sample_rate > kMaxSampleRateHz) {
        return tl::unexpected(fail(AudioError::Kind::Corrupt, path,
                                   fmt::format("implausible sample rate {} Hz", par->sample_rate)));
    }

    std::unique_ptr<AVCodecContext, CodecFreer> dec(avcodec_alloc_context3(codec));
    if (!dec || avcodec_parameters_to_context(dec.get(), par) < 0) {
        return tl::unexpected(fail(AudioError::Kind::Io, path, "cannot set up the decoder"));
    }
    rc = avcodec_open2(dec.get(), codec, nullptr);
    if (rc < 0) {
        return tl::unexpected(
            fail(AudioError::Kind::Unsupported, path,
                 fmt::format("cannot open {} decoder ({})", codec->name, avErrorText(rc))));
    }

    DecodedAudio out;
    out.codec = codec->name;
    out.container = format->iformat->name;
    const int channels = dec->ch_layout.nb_channels;
    out.pcm.sampleRateHz = dec->sample_rate;

    AVChannelLayout outLayout;
    av_channel_layout_default(&outLayout, channels);
    SwrContext* rawSwr = nullptr;
    rc = swr_alloc_set_opts2(&rawSwr, &outLayout, AV_SAMPLE_FMT_FLTP, dec->sample_rate,
                             &dec->ch_layout, dec->sample_fmt, dec->sample_rate, 0, nullptr);
    std::unique_ptr<SwrContext, SwrFreer> swr(rawSwr);
    if (rc < 0 || swr_init(swr.get()) < 0) {
        return tl::unexpected(
            fail(AudioError::Kind::Unsupported, path, "cannot convert its sample format"));
    }

    std::unique_ptr<AVPacket, PacketFreer> packet(av_packet_alloc());
    std::unique_ptr<AVFrame, FrameFreer> frame(av_frame_alloc());
    PlanarSink sink(out.pcm, channels);
    std::vector<float*> planes(static_cast<std::size_t>(channels));
    const auto maxFrames = static_cast<std::size_t>(kMaxDurationSec * dec->sample_rate);
    int badPackets = 0;
    double firstBadSec = -1.0;

    auto drain = [&]() -> bool {
        while (true) {
            const int r = avcodec_receive_frame(dec.get(), frame.get());
            if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) {
                return true;
            }
            if (r < 0) {
                ++badPackets;
                return true;
            }
            if (frame->ch_layout.nb_channels != channels) {
                ++badPackets;
                av_frame_unref(frame.get());
                continue;
            }
            sink.append(swr.get(), frame.get(), planes);
            av_frame_unref(frame.get());
            if (out.pcm.frames() > maxFrames) {
                return false;
            }
        }
    };

    bool tooLong = false;
    while ((rc = av_read_frame(format.get(), packet.get())) >= 0) {
        if (packet->stream_index == streamIndex) {
            if (avcodec_send_packet(dec.get(), packet.get()) < 0) {
                if (badPackets++ == 0) {
                    firstBadSec = out.pcm.durationSec();
                }
            }
            if (!drain()) {
                tooLong = true;
                av_packet_unref(packet.get());
                break;
            }
        }
        av_packet_unref(packet.get());
    }
    if (rc < 0 && rc != AVERROR_EOF && !tooLong) {
        out.warnings.push_back(
            fmt::format("read stopped at {:.1f} s: {}", out.pcm.durationSec(), avErrorText(rc)));
    }
    avcodec_send_packet(dec.get(), nullptr);
    drain();
    sink.append(swr.get(), nullptr, planes);

    if (tooLong) {
        return tl::unexpected(fail(
            AudioError::Kind::Corrupt, path,
            fmt::format("longer than {:.0f} hours; refusing to decode", kMaxDurationSec / 3600)));
    }
    if (badPackets > 0) {
        out.warnings.push_back(fmt::format("{} undecodable packet(s), first at {:.1f} s",
                                           badPackets,
                                           firstBadSec < 0 ? out.pcm.durationSec() : firstBadSec));
    }
    if (out.pcm.frames() == 0) {
        return tl::unexpected(fail(AudioError::Kind::Corrupt, path, "no audio could be decoded"));
    }
    return out;
}

} // namespace callqc::audio
