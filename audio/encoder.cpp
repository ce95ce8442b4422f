#include "audio/encoder.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

#include <fmt/format.h>

#include "audio/libav_log.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/channel_layout.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/samplefmt.h>
#include <libswresample/swresample.h>
}

namespace callqc::audio {

namespace {

/// Which libav encoder and muxer make each format.
struct FormatSpec {
    const char* encoder;
    const char* muxer;
};

FormatSpec specFor(EncodeFormat format) {
    switch (format) {
    case EncodeFormat::PcmS16Wav:
        return {"pcm_s16le", "wav"};
    case EncodeFormat::MulawWav:
        return {"pcm_mulaw", "wav"};
    case EncodeFormat::AlawWav:
        return {"pcm_alaw", "wav"};
    case EncodeFormat::GsmWav:
        return {"libgsm_ms", "wav"};
    case EncodeFormat::Mp3:
        return {"libmp3lame", "mp3"};
    case EncodeFormat::OpusOgg:
        return {"libopus", "ogg"};
    case EncodeFormat::AacM4a:
        return {"aac", "ipod"};
    case EncodeFormat::Flac:
        return {"flac", "flac"};
    }
    return {"", ""};
}

/// Bit rate for the lossy codecs, chosen for speech: enough that a telephone call sounds like the
/// original, small enough to look like what a recording platform stores. 0 = codec decides.
std::int64_t bitRateFor(EncodeFormat format, int sampleRateHz, int channelCount) {
    std::int64_t perChannel = 0;
    switch (format) {
    case EncodeFormat::Mp3:
        perChannel = sampleRateHz <= 12000 ? 16000 : sampleRateHz <= 24000 ? 32000 : 64000;
        break;
    case EncodeFormat::OpusOgg:
        perChannel = sampleRateHz <= 16000 ? 16000 : 32000;
        break;
    case EncodeFormat::AacM4a:
        perChannel = sampleRateHz <= 12000 ? 24000 : sampleRateHz <= 24000 ? 32000 : 64000;
        break;
    default:
        return 0;
    }
    return perChannel * channelCount;
}

std::string avErrorText(int code) {
    char buffer[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, buffer, sizeof buffer);
    return buffer;
}

struct CodecContextDeleter {
    void operator()(AVCodecContext* context) const { avcodec_free_context(&context); }
};
struct FrameDeleter {
    void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
struct PacketDeleter {
    void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
struct SwrDeleter {
    void operator()(SwrContext* swr) const { swr_free(&swr); }
};
struct FifoDeleter {
    void operator()(AVAudioFifo* fifo) const { av_audio_fifo_free(fifo); }
};

using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;
using SwrPtr = std::unique_ptr<SwrContext, SwrDeleter>;
using FifoPtr = std::unique_ptr<AVAudioFifo, FifoDeleter>;

/// An AVChannelLayout that is uninitialised when it goes out of scope.
class ChannelLayout {
public:
    explicit ChannelLayout(int channelCount) { av_channel_layout_default(&m_layout, channelCount); }
    ~ChannelLayout() { av_channel_layout_uninit(&m_layout); }
    ChannelLayout(const ChannelLayout&) = delete;
    ChannelLayout& operator=(const ChannelLayout&) = delete;

    // Non-const because swr_alloc_set_opts2 takes non-const layouts it does not modify.
    [[nodiscard]] AVChannelLayout* get() { return &m_layout; }

private:
    AVChannelLayout m_layout{};
};

/// An output AVFormatContext and its AVIOContext. Owns both; closes the file (without writing a
/// trailer) and frees the context on destruction.
class OutputContext {
public:
    OutputContext() = default;
    ~OutputContext() {
        if (m_context == nullptr) {
            return;
        }
        if (m_context->pb != nullptr && (m_context->oformat->flags & AVFMT_NOFILE) == 0) {
            avio_closep(&m_context->pb);
        }
        avformat_free_context(m_context);
    }
    OutputContext(const OutputContext&) = delete;
    OutputContext& operator=(const OutputContext&) = delete;

    AVFormatContext** out() { return &m_context; }
    [[nodiscard]] AVFormatContext* get() const { return m_context; }

    /// Closes the file explicitly so that a write error at close is seen. Returns an AVERROR.
    int close() {
        if (m_context == nullptr || m_context->pb == nullptr) {
            return 0;
        }
        return avio_closep(&m_context->pb);
    }

private:
    AVFormatContext* m_context = nullptr;
};

/// Removes the temporary file unless the encode succeeded and it was renamed into place.
class TempFileGuard {
public:
    explicit TempFileGuard(std::filesystem::path path) : m_path(std::move(path)) {}
    ~TempFileGuard() {
        if (m_armed) {
            std::error_code ignored;
            std::filesystem::remove(m_path, ignored);
        }
    }
    TempFileGuard(const TempFileGuard&) = delete;
    TempFileGuard& operator=(const TempFileGuard&) = delete;

    void release() { m_armed = false; }
    [[nodiscard]] const std::filesystem::path& path() const { return m_path; }

private:
    std::filesystem::path m_path;
    bool m_armed = true;
};

bool contains(const int* list, int value, int terminator) {
    for (; list != nullptr && *list != terminator; ++list) {
        if (*list == value) {
            return true;
        }
    }
    return false;
}

/// Float formats first (lossy encoders work in float), otherwise the encoder's first choice.
AVSampleFormat chooseSampleFormat(const AVCodec* codec) {
    const AVSampleFormat* formats = codec->sample_fmts;
    if (formats == nullptr) {
        return AV_SAMPLE_FMT_S16;
    }
    for (const AVSampleFormat preferred : {AV_SAMPLE_FMT_FLTP, AV_SAMPLE_FMT_FLT}) {
        for (const AVSampleFormat* f = formats; *f != AV_SAMPLE_FMT_NONE; ++f) {
            if (*f == preferred) {
                return preferred;
            }
        }
    }
    return formats[0];
}

bool supportsChannelCount(const AVCodec* codec, int channelCount) {
    if (codec->ch_layouts == nullptr) {
        return true;
    }
    for (const AVChannelLayout* layout = codec->ch_layouts; layout->nb_channels != 0; ++layout) {
        if (layout->nb_channels == channelCount) {
            return true;
        }
    }
    return false;
}

/// One encode of a PcmBuffer into one file: resample/convert, cut into encoder frames, encode,
/// mux. Single use, single thread.
class FileEncoder {
public:
    FileEncoder(const PcmBuffer& pcm, const std::filesystem::path& path, EncodeFormat format)
        : m_pcm(pcm), m_path(path), m_format(format) {}

    tl::expected<void, AudioError> run();

private:
    tl::unexpected<AudioError> fail(const std::string& what) const {
        return tl::unexpected(
            AudioError{AudioError::Kind::Encode, fmt::format("{}: {}", m_path.string(), what)});
    }
    tl::unexpected<AudioError> failAv(const std::string& what, int code) const {
        return fail(fmt::format("{} ({})", what, avErrorText(code)));
    }

    tl::expected<void, AudioError> validateInput() const;
    tl::expected<void, AudioError> openEncoder(const AVCodec* codec, int outputRateHz);
    tl::expected<void, AudioError> openResampler();
    tl::expected<void, AudioError> convertAndQueue(const std::uint8_t** input, int frames);
    tl::expected<void, AudioError> drainFifo(bool final);
    tl::expected<void, AudioError> sendFrame(const AVFrame* frame);

    const PcmBuffer& m_pcm;
    const std::filesystem::path& m_path;
    EncodeFormat m_format;

    // Declared before the output so that the file is closed before the guard removes it.
    std::optional<TempFileGuard> m_temp;
    OutputContext m_output;
    AVStream* m_stream = nullptr;
    CodecContextPtr m_codec;
    SwrPtr m_swr;
    FifoPtr m_fifo;
    FramePtr m_staging;
    PacketPtr m_packet;
    int m_frameSize = 0;
    bool m_padLastFrame = false;
    std::int64_t m_nextPts = 0;
};

tl::expected<void, AudioError> FileEncoder::validateInput() const {
    if (m_pcm.channels.empty()) {
        return fail("no channels to encode");
    }
    if (m_pcm.frames() == 0) {
        return fail("no samples to encode");
    }
    if (m_pcm.sampleRateHz <= 0) {
        return fail(fmt::format("invalid sample rate {} Hz", m_pcm.sampleRateHz));
    }
    for (const auto& channel : m_pcm.channels) {
        if (channel.size() != m_pcm.channels[0].size()) {
            return fail("channels differ in length");
        }
    }
    if (m_format == EncodeFormat::GsmWav &&
        (m_pcm.sampleRateHz != 8000 || m_pcm.channelCount() != 1)) {
        return fail(fmt::format("GSM 6.10 needs 8000 Hz mono, got {} Hz with {} channels",
                                m_pcm.sampleRateHz, m_pcm.channelCount()));
    }
    return {};
}

tl::expected<void, AudioError> FileEncoder::openEncoder(const AVCodec* codec, int outputRateHz) {
    m_codec.reset(avcodec_alloc_context3(codec));
    if (!m_codec) {
        return fail("cannot allocate encoder context");
    }
    AVCodecContext* c = m_codec.get();
    c->sample_rate = outputRateHz;
    c->sample_fmt = chooseSampleFormat(codec);
    ChannelLayout layout(m_pcm.channelCount());
    if (const int rc = av_channel_layout_copy(&c->ch_layout, layout.get()); rc < 0) {
        return failAv("cannot set channel layout", rc);
    }
    c->time_base = AVRational{1, outputRateHz};
    c->bit_rate = bitRateFor(m_format, outputRateHz, m_pcm.channelCount());
    c->flags |= AV_CODEC_FLAG_BITEXACT;
    if ((m_output.get()->oformat->flags & AVFMT_GLOBALHEADER) != 0) {
        c->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    }
    if (const int rc = avcodec_open2(c, codec, nullptr); rc < 0) {
        return failAv(fmt::format("cannot open encoder {}", codec->name), rc);
    }

    const bool variable = (codec->capabilities & AV_CODEC_CAP_VARIABLE_FRAME_SIZE) != 0;
    m_frameSize = (c->frame_size > 0 && !variable) ? c->frame_size : 1024;
    m_padLastFrame = c->frame_size > 0 && !variable &&
                     (codec->capabilities & AV_CODEC_CAP_SMALL_LAST_FRAME) == 0;
    return {};
}

tl::expected<void, AudioError> FileEncoder::openResampler() {
    ChannelLayout layout(m_pcm.channelCount());
    SwrContext* swr = nullptr;
    const int rc =
        swr_alloc_set_opts2(&swr, &m_codec->ch_layout, m_codec->sample_fmt, m_codec->sample_rate,
                            layout.get(), AV_SAMPLE_FMT_FLTP, m_pcm.sampleRateHz, 0, nullptr);
    m_swr.reset(swr);
    if (rc < 0) {
        return failAv("cannot allocate resampler", rc);
    }
    if (const int initRc = swr_init(m_swr.get()); initRc < 0) {
        return failAv("cannot initialise resampler", initRc);
    }
    m_fifo.reset(av_audio_fifo_alloc(m_codec->sample_fmt, m_pcm.channelCount(), m_frameSize * 2));
    m_packet.reset(av_packet_alloc());
    if (!m_fifo || !m_packet) {
        return fail("out of memory");
    }
    return {};
}

tl::expected<void, AudioError> FileEncoder::convertAndQueue(const std::uint8_t** input,
                                                            int frames) {
    const int capacity = swr_get_out_samples(m_swr.get(), frames);
    if (capacity < 0) {
        return failAv("resampler failed", capacity);
    }
    if (capacity == 0) {
        return {};
    }
    if (!m_staging || m_staging->nb_samples < capacity) {
        m_staging.reset(av_frame_alloc());
        if (!m_staging) {
            return fail("out of memory");
        }
        m_staging->format = m_codec->sample_fmt;
        m_staging->nb_samples = capacity;
        if (const int rc = av_channel_layout_copy(&m_staging->ch_layout, &m_codec->ch_layout);
            rc < 0) {
            return failAv("cannot set channel layout", rc);
        }
        if (const int rc = av_frame_get_buffer(m_staging.get(), 0); rc < 0) {
            return failAv("cannot allocate sample buffer", rc);
        }
    }
    const int converted =
        swr_convert(m_swr.get(), m_staging->extended_data, capacity, input, frames);
    if (converted < 0) {
        return failAv("sample conversion failed", converted);
    }
    if (converted > 0 &&
        av_audio_fifo_write(m_fifo.get(), reinterpret_cast<void**>(m_staging->extended_data),
                            converted) < converted) {
        return fail("out of memory");
    }
    return {};
}

tl::expected<void, AudioError> FileEncoder::drainFifo(bool final) {
    for (;;) {
        const int available = av_audio_fifo_size(m_fifo.get());
        if (available == 0 || (!final && available < m_frameSize)) {
            return {};
        }
        const int take = std::min(available, m_frameSize);
        FramePtr frame(av_frame_alloc());
        if (!frame) {
            return fail("out of memory");
        }
        frame->format = m_codec->sample_fmt;
        frame->sample_rate = m_codec->sample_rate;
        frame->nb_samples = m_padLastFrame ? m_frameSize : take;
        if (const int rc = av_channel_layout_copy(&frame->ch_layout, &m_codec->ch_layout); rc < 0) {
            return failAv("cannot set channel layout", rc);
        }
        if (const int rc = av_frame_get_buffer(frame.get(), 0); rc < 0) {
            return failAv("cannot allocate frame", rc);
        }
        if (take < frame->nb_samples) {
            av_samples_set_silence(frame->extended_data, 0, frame->nb_samples,
                                   m_codec->ch_layout.nb_channels, m_codec->sample_fmt);
        }
        if (av_audio_fifo_read(m_fifo.get(), reinterpret_cast<void**>(frame->extended_data), take) <
            take) {
            return fail("internal buffer underrun");
        }
        frame->pts = m_nextPts;
        m_nextPts += frame->nb_samples;
        if (auto sent = sendFrame(frame.get()); !sent) {
            return sent;
        }
    }
}

tl::expected<void, AudioError> FileEncoder::sendFrame(const AVFrame* frame) {
    if (const int rc = avcodec_send_frame(m_codec.get(), frame); rc < 0) {
        return failAv("encoder rejected audio", rc);
    }
    for (;;) {
        const int rc = avcodec_receive_packet(m_codec.get(), m_packet.get());
        if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) {
            return {};
        }
        if (rc < 0) {
            return failAv("encoding failed", rc);
        }
        av_packet_rescale_ts(m_packet.get(), m_codec->time_base, m_stream->time_base);
        m_packet->stream_index = m_stream->index;
        if (const int writeRc = av_interleaved_write_frame(m_output.get(), m_packet.get());
            writeRc < 0) {
            return failAv("cannot write audio", writeRc);
        }
    }
}

tl::expected<void, AudioError> FileEncoder::run() {
    if (auto valid = validateInput(); !valid) {
        return valid;
    }
    const FormatSpec spec = specFor(m_format);
    const AVCodec* codec = avcodec_find_encoder_by_name(spec.encoder);
    if (codec == nullptr) {
        return fail(fmt::format("encoder {} is not available in this libav build", spec.encoder));
    }

    int outputRateHz = m_pcm.sampleRateHz;
    if (codec->supported_samplerates != nullptr &&
        !contains(codec->supported_samplerates, outputRateHz, 0)) {
        // Opus always decodes at 48 kHz, so resampling to it loses nothing a listener could get
        // back; the other codecs have the rate in the stream and must not be changed silently.
        if (m_format != EncodeFormat::OpusOgg) {
            return fail(fmt::format("{} does not support {} Hz audio", spec.encoder, outputRateHz));
        }
        outputRateHz = 48000;
    }
    if (!supportsChannelCount(codec, m_pcm.channelCount())) {
        return fail(
            fmt::format("{} does not support {} channels", spec.encoder, m_pcm.channelCount()));
    }

    // Same extension as the target: some muxers check it.
    m_temp.emplace(m_path.parent_path() /
                   fmt::format(".{}.part{}", m_path.stem().string(), m_path.extension().string()));
    const std::string tempName = m_temp->path().string();
    if (const int rc =
            avformat_alloc_output_context2(m_output.out(), nullptr, spec.muxer, tempName.c_str());
        rc < 0 || m_output.get() == nullptr) {
        return failAv(fmt::format("cannot set up {} output", spec.muxer), rc);
    }
    m_output.get()->flags |= AVFMT_FLAG_BITEXACT;

    if (auto opened = openEncoder(codec, outputRateHz); !opened) {
        return opened;
    }
    if (auto opened = openResampler(); !opened) {
        return opened;
    }

    m_stream = avformat_new_stream(m_output.get(), nullptr);
    if (m_stream == nullptr) {
        return fail("cannot add audio stream");
    }
    m_stream->time_base = m_codec->time_base;
    if (const int rc = avcodec_parameters_from_context(m_stream->codecpar, m_codec.get()); rc < 0) {
        return failAv("cannot copy codec parameters", rc);
    }

    if (const int rc = avio_open(&m_output.get()->pb, tempName.c_str(), AVIO_FLAG_WRITE); rc < 0) {
        return failAv("cannot create file", rc);
    }
    if (const int rc = avformat_write_header(m_output.get(), nullptr); rc < 0) {
        return failAv("cannot write header", rc);
    }

    constexpr std::size_t kChunkFrames = 4096;
    const std::size_t total = m_pcm.frames();
    std::vector<const std::uint8_t*> planes(m_pcm.channels.size());
    for (std::size_t pos = 0; pos < total; pos += kChunkFrames) {
        const std::size_t count = std::min(kChunkFrames, total - pos);
        for (std::size_t ch = 0; ch < planes.size(); ++ch) {
            planes[ch] = reinterpret_cast<const std::uint8_t*>(m_pcm.channels[ch].data() + pos);
        }
        if (auto queued = convertAndQueue(planes.data(), static_cast<int>(count)); !queued) {
            return queued;
        }
        if (auto drained = drainFifo(false); !drained) {
            return drained;
        }
    }
    if (auto flushed = convertAndQueue(nullptr, 0); !flushed) {
        return flushed;
    }
    if (auto drained = drainFifo(true); !drained) {
        return drained;
    }
    if (auto flushed = sendFrame(nullptr); !flushed) {
        return flushed;
    }

    if (const int rc = av_write_trailer(m_output.get()); rc < 0) {
        return failAv("cannot finish file", rc);
    }
    if (const int rc = m_output.close(); rc < 0) {
        return failAv("cannot close file", rc);
    }

    std::error_code ec;
    std::filesystem::rename(m_temp->path(), m_path, ec);
    if (ec) {
        return fail(fmt::format("cannot move finished file into place ({})", ec.message()));
    }
    m_temp->release();
    return {};
}

} // namespace

std::string_view formatName(EncodeFormat format) {
    switch (format) {
    case EncodeFormat::PcmS16Wav:
        return "pcm-wav";
    case EncodeFormat::MulawWav:
        return "mulaw-wav";
    case EncodeFormat::AlawWav:
        return "alaw-wav";
    case EncodeFormat::GsmWav:
        return "gsm-wav";
    case EncodeFormat::Mp3:
        return "mp3";
    case EncodeFormat::OpusOgg:
        return "opus-ogg";
    case EncodeFormat::AacM4a:
        return "aac-m4a";
    case EncodeFormat::Flac:
        return "flac";
    }
    return "unknown";
}

tl::expected<void, AudioError> encodeFile(const PcmBuffer& pcm, const std::filesystem::path& path,
                                          EncodeFormat format) {
    quietLibavLogs();
    FileEncoder encoder(pcm, path, format);
    return encoder.run();
}

} // namespace callqc::audio
