#include "audio/encoder.hpp"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <fstream>
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
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/dict.h>
#include <libavutil/error.h>
#include <libavutil/frame.h>
#include <libavutil/samplefmt.h>
#include <libswresample/swresample.h>
}

#include <opencore-amrnb/interf_enc.h>

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
    case EncodeFormat::PcmU8Wav:
        return {"pcm_u8", "wav"};
    case EncodeFormat::PcmS24Wav:
        return {"pcm_s24le", "wav"};
    case EncodeFormat::FloatWav:
        return {"pcm_f32le", "wav"};
    case EncodeFormat::PcmS16WavExtensible:
        return {"pcm_s16le", "wav"};
    case EncodeFormat::AmrNb: // written with libopencore-amrnb, see AmrFileEncoder
        return {"", ""};
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

/// Calls `feed(planes, frames)` with consecutive chunks of `pcm` as planar byte pointers (as
/// libswresample takes them), stopping at the first failure.
template <class Feed>
tl::expected<void, AudioError> feedInChunks(const PcmBuffer& pcm, Feed&& feed) {
    constexpr std::size_t kChunkFrames = 4096;
    const std::size_t total = pcm.frames();
    std::vector<const std::uint8_t*> planes(pcm.channels.size());
    for (std::size_t pos = 0; pos < total; pos += kChunkFrames) {
        const std::size_t count = std::min(kChunkFrames, total - pos);
        for (std::size_t ch = 0; ch < planes.size(); ++ch) {
            planes[ch] = reinterpret_cast<const std::uint8_t*>(pcm.channels[ch].data() + pos);
        }
        if (auto fed = feed(planes.data(), static_cast<int>(count)); !fed) {
            return fed;
        }
    }
    return {};
}

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

/// `.name.part.ext` beside `path`: hidden, and with the target's extension since some muxers
/// check it. `tag` tells apart several temporaries of one encode.
std::filesystem::path tempPathFor(const std::filesystem::path& path, std::string_view tag) {
    return path.parent_path() /
           fmt::format(".{}.{}{}", path.stem().string(), tag, path.extension().string());
}

tl::unexpected<AudioError> encodeError(const std::filesystem::path& path, const std::string& what) {
    return tl::unexpected(
        AudioError{AudioError::Kind::Encode, fmt::format("{}: {}", path.string(), what)});
}

tl::expected<void, AudioError> moveIntoPlace(TempFileGuard& temp,
                                             const std::filesystem::path& path) {
    std::error_code ec;
    std::filesystem::rename(temp.path(), path, ec);
    if (ec) {
        return encodeError(path,
                           fmt::format("cannot move finished file into place ({})", ec.message()));
    }
    temp.release();
    return {};
}

/// Why `pcm` cannot be encoded at all, or nothing.
std::optional<std::string> unusableInput(const PcmBuffer& pcm) {
    if (pcm.channels.empty()) {
        return "no channels to encode";
    }
    if (pcm.frames() == 0) {
        return "no samples to encode";
    }
    if (pcm.sampleRateHz <= 0) {
        return fmt::format("invalid sample rate {} Hz", pcm.sampleRateHz);
    }
    for (const auto& channel : pcm.channels) {
        if (channel.size() != pcm.channels[0].size()) {
            return "channels differ in length";
        }
    }
    return std::nullopt;
}

/// Unicode code points of UTF-8 `text`, or nothing when it is not valid UTF-8 (RFC 3629: no
/// overlong forms, no surrogates, nothing above U+10FFFF).
std::optional<std::vector<char32_t>> decodeUtf8(std::string_view text) {
    std::vector<char32_t> out;
    for (std::size_t i = 0; i < text.size();) {
        const auto lead = static_cast<unsigned char>(text[i]);
        int extra = 0;
        char32_t cp = 0;
        char32_t minimum = 0;
        if (lead < 0x80) {
            cp = lead;
        } else if ((lead & 0xE0) == 0xC0) {
            extra = 1;
            cp = lead & 0x1Fu;
            minimum = 0x80;
        } else if ((lead & 0xF0) == 0xE0) {
            extra = 2;
            cp = lead & 0x0Fu;
            minimum = 0x800;
        } else if ((lead & 0xF8) == 0xF0) {
            extra = 3;
            cp = lead & 0x07u;
            minimum = 0x10000;
        } else {
            return std::nullopt;
        }
        if (i + static_cast<std::size_t>(extra) >= text.size()) {
            return std::nullopt;
        }
        for (int k = 1; k <= extra; ++k) {
            const auto next = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
            if ((next & 0xC0) != 0x80) {
                return std::nullopt;
            }
            cp = (cp << 6) | (next & 0x3Fu);
        }
        if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return std::nullopt;
        }
        out.push_back(cp);
        i += static_cast<std::size_t>(extra) + 1;
    }
    return out;
}

void appendBigEndian32(std::vector<std::uint8_t>& out, std::uint32_t value) {
    for (int shift = 24; shift >= 0; shift -= 8) {
        out.push_back(static_cast<std::uint8_t>(value >> shift));
    }
}

/// A byte-order mark and `text` in UTF-16LE, then a 16-bit terminator (ID3v2.3 encoding 1).
void appendUtf16(std::vector<std::uint8_t>& out, const std::vector<char32_t>& text) {
    const auto unit = [&out](std::uint32_t u) {
        out.push_back(static_cast<std::uint8_t>(u & 0xFF));
        out.push_back(static_cast<std::uint8_t>(u >> 8));
    };
    unit(0xFEFF);
    for (const char32_t cp : text) {
        if (cp >= 0x10000) {
            const std::uint32_t v = cp - 0x10000;
            unit(0xD800 + (v >> 10));
            unit(0xDC00 + (v & 0x3FF));
        } else {
            unit(cp);
        }
    }
    unit(0);
}

void appendId3Frame(std::vector<std::uint8_t>& tag, const char (&id)[5],
                    const std::vector<std::uint8_t>& body) {
    tag.insert(tag.end(), id, id + 4);
    appendBigEndian32(tag, static_cast<std::uint32_t>(body.size()));
    tag.push_back(0); // flags
    tag.push_back(0);
    tag.insert(tag.end(), body.begin(), body.end());
}

/// An ID3v2.3 tag (id3.org, "ID3 tag version 2.3.0") with TIT2 and COMM frames for the non-empty
/// ones of `title` and `comment` (already checked to be UTF-8), text in UTF-16 with BOM, which
/// Windows and older players read, unlike 2.4's UTF-8. No padding, no unsynchronisation.
/// libav 5.1 writes a comment as TXXX:comment, which players do not show as a comment; hence this.
std::vector<std::uint8_t> id3v23Tag(const std::vector<char32_t>& title,
                                    const std::vector<char32_t>& comment) {
    std::vector<std::uint8_t> frames;
    if (!title.empty()) {
        std::vector<std::uint8_t> body{1};
        appendUtf16(body, title);
        appendId3Frame(frames, "TIT2", body);
    }
    if (!comment.empty()) {
        std::vector<std::uint8_t> body{1, 'u', 'n', 'd'};
        appendUtf16(body, {}); // empty short description
        appendUtf16(body, comment);
        appendId3Frame(frames, "COMM", body);
    }
    std::vector<std::uint8_t> tag{'I', 'D', '3', 3, 0, 0};
    const auto size = static_cast<std::uint32_t>(frames.size());
    for (int shift = 21; shift >= 0; shift -= 7) { // "syncsafe": 7 bits a byte
        tag.push_back(static_cast<std::uint8_t>((size >> shift) & 0x7F));
    }
    tag.insert(tag.end(), frames.begin(), frames.end());
    return tag;
}

std::uint32_t readLittleEndian16(const char* bytes) {
    return static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[0])) |
           (static_cast<std::uint32_t>(static_cast<std::uint8_t>(bytes[1])) << 8);
}

std::uint32_t readLittleEndian32(const char* bytes) {
    std::uint32_t value = 0;
    for (int i = 3; i >= 0; --i) {
        value = (value << 8) | static_cast<unsigned char>(bytes[i]);
    }
    return value;
}

void putLittleEndian(std::string& out, std::uint32_t value, int byteCount) {
    for (int i = 0; i < byteCount; ++i) {
        out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
    }
}

constexpr std::uint32_t kWaveFormatExtensible = 0xFFFE;

/// The format tag of the WAV file at `path` if its first chunk is `fmt `, else 0.
std::uint32_t wavFormatTag(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::array<char, 22> head{};
    if (!in.read(head.data(), head.size()) || std::string_view(head.data() + 12, 4) != "fmt ") {
        return 0;
    }
    return readLittleEndian16(head.data() + 20);
}

/// Copies the WAV file `from`, whose first chunk is a plain 16-byte PCM `fmt ` chunk (as libav
/// writes for <= 16 bits and <= 2 channels), to `to` with that chunk replaced by a 40-byte
/// WAVE_FORMAT_EXTENSIBLE one (Microsoft, "Multiple channel audio data and WAVE files"): tag
/// 0xFFFE, valid bits = container bits, `channelMask`, subformat KSDATAFORMAT_SUBTYPE_PCM. The
/// other chunks are copied byte for byte. Returns why it failed, or nothing.
std::optional<std::string> rewrapAsExtensible(const std::filesystem::path& from,
                                              const std::filesystem::path& to,
                                              std::uint32_t channelMask) {
    std::ifstream in(from, std::ios::binary);
    std::array<char, 12> riff{};
    std::array<char, 8> chunk{};
    std::array<char, 16> fmtBody{};
    if (!in.read(riff.data(), riff.size()) || std::string_view(riff.data(), 4) != "RIFF" ||
        std::string_view(riff.data() + 8, 4) != "WAVE" || !in.read(chunk.data(), chunk.size()) ||
        std::string_view(chunk.data(), 4) != "fmt " ||
        readLittleEndian32(chunk.data() + 4) != fmtBody.size() ||
        !in.read(fmtBody.data(), fmtBody.size()) || readLittleEndian16(fmtBody.data()) != 1) {
        return "libav did not write the expected plain PCM WAV header";
    }
    constexpr std::uint32_t kExtensibleFmtSize = 40;
    constexpr std::array<unsigned char, 16> kSubtypePcm = {
        0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00,
        0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}; // {00000001-0000-0010-8000-00AA00389B71}

    std::string header;
    header.append("RIFF");
    putLittleEndian(header,
                    readLittleEndian32(riff.data() + 4) + kExtensibleFmtSize -
                        static_cast<std::uint32_t>(fmtBody.size()),
                    4);
    header.append("WAVEfmt ");
    putLittleEndian(header, kExtensibleFmtSize, 4);
    putLittleEndian(header, kWaveFormatExtensible, 2);
    header.append(fmtBody.data() + 2, 14); // channels, rate, byte rate, block align, bits
    const std::uint32_t bits = readLittleEndian16(fmtBody.data() + 14);
    putLittleEndian(header, 22, 2); // cbSize
    putLittleEndian(header, bits, 2);
    putLittleEndian(header, channelMask, 4);
    header.append(reinterpret_cast<const char*>(kSubtypePcm.data()), kSubtypePcm.size());

    std::ofstream out(to, std::ios::binary | std::ios::trunc);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    std::vector<char> buffer(1 << 16);
    while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        out.write(buffer.data(), in.gcount());
    }
    if (!in.eof() || !out) {
        return "cannot rewrite the WAV header";
    }
    out.close();
    if (!out) {
        return "cannot rewrite the WAV header";
    }
    return std::nullopt;
}

/// An AVDictionary, freed on destruction.
class Dictionary {
public:
    Dictionary() = default;
    ~Dictionary() { av_dict_free(&m_dict); }
    Dictionary(const Dictionary&) = delete;
    Dictionary& operator=(const Dictionary&) = delete;

    AVDictionary** out() { return &m_dict; }
    [[nodiscard]] int count() const { return av_dict_count(m_dict); }

private:
    AVDictionary* m_dict = nullptr;
};

/// Checks the options against the format, and the tags' encoding. Returns why they are unusable.
std::optional<std::string> unusableOptions(const EncodeOptions& options) {
    const EncodeFormat format = options.format;
    if (options.mp3VbrQuality) {
        if (format != EncodeFormat::Mp3) {
            return fmt::format("a VBR quality is for MP3 only, not {}", formatName(format));
        }
        if (*options.mp3VbrQuality < 0 || *options.mp3VbrQuality > 9) {
            return fmt::format("MP3 VBR quality must be 0 to 9, got {}", *options.mp3VbrQuality);
        }
    }
    if (options.amrDtx && format != EncodeFormat::AmrNb) {
        return fmt::format("DTX is for AMR-NB only, not {}", formatName(format));
    }
    if (format == EncodeFormat::AmrNb && (!options.title.empty() || !options.comment.empty())) {
        return "the AMR storage format has no place for a title or comment";
    }
    if (!decodeUtf8(options.title)) {
        return "the title is not valid UTF-8";
    }
    if (!decodeUtf8(options.comment)) {
        return "the comment is not valid UTF-8";
    }
    return std::nullopt;
}

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
    FileEncoder(const PcmBuffer& pcm, const std::filesystem::path& path,
                const EncodeOptions& options)
        : m_pcm(pcm), m_path(path), m_options(options), m_format(options.format) {}

    tl::expected<void, AudioError> run();

private:
    tl::unexpected<AudioError> fail(const std::string& what) const {
        return encodeError(m_path, what);
    }
    tl::unexpected<AudioError> failAv(const std::string& what, int code) const {
        return fail(fmt::format("{} ({})", what, avErrorText(code)));
    }

    tl::expected<void, AudioError> validateInput() const;
    tl::expected<void, AudioError> setTags();
    tl::expected<void, AudioError> writeHeader();
    tl::expected<void, AudioError> finishFile();
    tl::expected<void, AudioError> openEncoder(const AVCodec* codec, int outputRateHz);
    tl::expected<void, AudioError> openResampler();
    tl::expected<void, AudioError> convertAndQueue(const std::uint8_t** input, int frames);
    tl::expected<void, AudioError> drainFifo(bool final);
    tl::expected<void, AudioError> sendFrame(const AVFrame* frame);

    const PcmBuffer& m_pcm;
    const std::filesystem::path& m_path;
    const EncodeOptions& m_options;
    EncodeFormat m_format;

    // Declared before the output so that the file is closed before the guards remove it.
    std::optional<TempFileGuard> m_temp;
    std::optional<TempFileGuard> m_rewrapped;
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
    if (auto why = unusableInput(m_pcm)) {
        return fail(*why);
    }
    if (auto why = unusableOptions(m_options)) {
        return fail(*why);
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
    if (m_options.mp3VbrQuality) {
        // libmp3lame.c: QSCALE selects VBR, global_quality / FF_QP2LAMBDA is lame's -V.
        c->bit_rate = 0;
        c->flags |= AV_CODEC_FLAG_QSCALE;
        c->global_quality = FF_QP2LAMBDA * *m_options.mp3VbrQuality;
    }
    if (m_format == EncodeFormat::PcmS24Wav) {
        c->bits_per_raw_sample = 24;
    }
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

    m_temp.emplace(tempPathFor(m_path, "part"));
    const std::string tempName = m_temp->path().string();
    if (const int rc =
            avformat_alloc_output_context2(m_output.out(), nullptr, spec.muxer, tempName.c_str());
        rc < 0 || m_output.get() == nullptr) {
        return failAv(fmt::format("cannot set up {} output", spec.muxer), rc);
    }
    m_output.get()->flags |= AVFMT_FLAG_BITEXACT;
    if (auto tagged = setTags(); !tagged) {
        return tagged;
    }

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
    if (auto written = writeHeader(); !written) {
        return written;
    }

    auto fed = feedInChunks(m_pcm, [this](const std::uint8_t** planes, int count) {
        auto queued = convertAndQueue(planes, count);
        return queued ? drainFifo(false) : queued;
    });
    if (!fed) {
        return fed;
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

    return finishFile();
}

tl::expected<void, AudioError> FileEncoder::setTags() {
    // MP3 gets its ID3v2.3 tag from writeHeader.
    if (m_format == EncodeFormat::Mp3) {
        return {};
    }
    for (const auto& [key, value] :
         {std::pair{"title", &m_options.title}, std::pair{"comment", &m_options.comment}}) {
        if (!value->empty()) {
            if (const int rc = av_dict_set(&m_output.get()->metadata, key, value->c_str(), 0);
                rc < 0) {
                return failAv(fmt::format("cannot set the {}", key), rc);
            }
        }
    }
    return {};
}

tl::expected<void, AudioError> FileEncoder::writeHeader() {
    Dictionary muxerOptions;
    if (m_format == EncodeFormat::Mp3 && (!m_options.title.empty() || !m_options.comment.empty())) {
        // Our own tag goes first; the muxer's Xing/LAME frame follows, and av_write_trailer
        // rewrites that frame at the offset it recorded, after the tag.
        if (const int rc = av_dict_set(muxerOptions.out(), "id3v2_version", "0", 0); rc < 0) {
            return failAv("cannot set muxer options", rc);
        }
        const std::vector<std::uint8_t> tag =
            id3v23Tag(*decodeUtf8(m_options.title), *decodeUtf8(m_options.comment));
        avio_write(m_output.get()->pb, tag.data(), static_cast<int>(tag.size()));
    }
    if (const int rc = avformat_write_header(m_output.get(), muxerOptions.out()); rc < 0) {
        return failAv("cannot write header", rc);
    }
    if (muxerOptions.count() != 0) {
        return fail("the muxer did not take its options");
    }
    return {};
}

tl::expected<void, AudioError> FileEncoder::finishFile() {
    if (const int rc = av_write_trailer(m_output.get()); rc < 0) {
        return failAv("cannot finish file", rc);
    }
    if (const int rc = m_output.close(); rc < 0) {
        return failAv("cannot close file", rc);
    }
    if (m_format != EncodeFormat::PcmS16WavExtensible) {
        return moveIntoPlace(*m_temp, m_path);
    }
    if (wavFormatTag(m_temp->path()) == kWaveFormatExtensible) {
        return moveIntoPlace(*m_temp, m_path); // libav's own choice, for more than 2 channels
    }
    m_rewrapped.emplace(tempPathFor(m_path, "extensible"));
    ChannelLayout layout(m_pcm.channelCount());
    if (auto why = rewrapAsExtensible(m_temp->path(), m_rewrapped->path(),
                                      static_cast<std::uint32_t>(layout.get()->u.mask))) {
        return fail(*why);
    }
    return moveIntoPlace(*m_rewrapped, m_path);
}

/// The state of one libopencore-amrnb encoder, released on destruction.
class AmrEncoderState {
public:
    explicit AmrEncoderState(bool dtx) : m_state(Encoder_Interface_init(dtx ? 1 : 0)) {}
    ~AmrEncoderState() {
        if (m_state != nullptr) {
            Encoder_Interface_exit(m_state);
        }
    }
    AmrEncoderState(const AmrEncoderState&) = delete;
    AmrEncoderState& operator=(const AmrEncoderState&) = delete;

    [[nodiscard]] void* get() const { return m_state; }

private:
    void* m_state;
};

/// One encode of a PcmBuffer into an AMR-NB file with libopencore-amrnb: channels averaged and
/// resampled to 8 kHz 16-bit mono by libswresample, cut into 160-sample (20 ms) frames, each
/// written with its one-byte frame header after the "#!AMR\n" magic (RFC 4867 section 5).
/// Single use, single thread.
class AmrFileEncoder {
public:
    static constexpr int kRateHz = 8000;
    static constexpr std::size_t kFrameSamples = 160;

    AmrFileEncoder(const PcmBuffer& pcm, const std::filesystem::path& path,
                   const EncodeOptions& options)
        : m_pcm(pcm), m_path(path), m_options(options) {}

    tl::expected<void, AudioError> run();

private:
    tl::unexpected<AudioError> fail(const std::string& what) const {
        return encodeError(m_path, what);
    }
    tl::expected<void, AudioError> openResampler();
    tl::expected<void, AudioError> convert(const std::uint8_t** input, int frames);
    tl::expected<void, AudioError> encodeWholeFrames(bool final);

    const PcmBuffer& m_pcm;
    const std::filesystem::path& m_path;
    const EncodeOptions& m_options;

    std::optional<TempFileGuard> m_temp;
    std::ofstream m_out;
    SwrPtr m_swr;
    std::optional<AmrEncoderState> m_encoder;
    std::vector<std::int16_t> m_pending; ///< 8 kHz mono samples not yet encoded
    std::vector<std::int16_t> m_converted;
};

tl::expected<void, AudioError> AmrFileEncoder::openResampler() {
    ChannelLayout inLayout(m_pcm.channelCount());
    ChannelLayout outLayout(1);
    SwrContext* swr = nullptr;
    const int rc =
        swr_alloc_set_opts2(&swr, outLayout.get(), AV_SAMPLE_FMT_S16, kRateHz, inLayout.get(),
                            AV_SAMPLE_FMT_FLTP, m_pcm.sampleRateHz, 0, nullptr);
    m_swr.reset(swr);
    if (rc < 0) {
        return fail(fmt::format("cannot allocate resampler ({})", avErrorText(rc)));
    }
    // The plain mean of the channels: both parties of a stereo call at half level, never clipped.
    const std::vector<double> mean(m_pcm.channels.size(), 1.0 / m_pcm.channelCount());
    if (const int matrixRc = swr_set_matrix(m_swr.get(), mean.data(), m_pcm.channelCount());
        matrixRc < 0) {
        return fail(fmt::format("cannot set the channel mix ({})", avErrorText(matrixRc)));
    }
    if (const int initRc = swr_init(m_swr.get()); initRc < 0) {
        return fail(fmt::format("cannot initialise resampler ({})", avErrorText(initRc)));
    }
    return {};
}

tl::expected<void, AudioError> AmrFileEncoder::convert(const std::uint8_t** input, int frames) {
    const int capacity = swr_get_out_samples(m_swr.get(), frames);
    if (capacity < 0) {
        return fail(fmt::format("resampler failed ({})", avErrorText(capacity)));
    }
    m_converted.resize(static_cast<std::size_t>(capacity));
    auto* out = reinterpret_cast<std::uint8_t*>(m_converted.data());
    const int converted = swr_convert(m_swr.get(), &out, capacity, input, frames);
    if (converted < 0) {
        return fail(fmt::format("sample conversion failed ({})", avErrorText(converted)));
    }
    m_pending.insert(m_pending.end(), m_converted.begin(),
                     m_converted.begin() + static_cast<std::ptrdiff_t>(converted));
    return {};
}

tl::expected<void, AudioError> AmrFileEncoder::encodeWholeFrames(bool final) {
    if (final && m_pending.size() % kFrameSamples != 0) {
        m_pending.resize((m_pending.size() / kFrameSamples + 1) * kFrameSamples, 0);
    }
    const auto mode = static_cast<Mode>(static_cast<int>(m_options.amrMode));
    std::array<unsigned char, 64> packed{}; // the largest frame, MR122, is 32 bytes
    std::size_t pos = 0;
    for (; pos + kFrameSamples <= m_pending.size(); pos += kFrameSamples) {
        const int bytes = Encoder_Interface_Encode(m_encoder->get(), mode, m_pending.data() + pos,
                                                   packed.data(), 0);
        if (bytes <= 0 || static_cast<std::size_t>(bytes) > packed.size()) {
            return fail(fmt::format("AMR-NB encoder failed ({})", bytes));
        }
        m_out.write(reinterpret_cast<const char*>(packed.data()), bytes);
    }
    m_pending.erase(m_pending.begin(), m_pending.begin() + static_cast<std::ptrdiff_t>(pos));
    if (!m_out) {
        return fail("cannot write audio");
    }
    return {};
}

tl::expected<void, AudioError> AmrFileEncoder::run() {
    if (auto why = unusableInput(m_pcm)) {
        return fail(*why);
    }
    if (auto why = unusableOptions(m_options)) {
        return fail(*why);
    }
    if (auto opened = openResampler(); !opened) {
        return opened;
    }
    m_encoder.emplace(m_options.amrDtx);
    if (m_encoder->get() == nullptr) {
        return fail("cannot initialise the AMR-NB encoder");
    }

    m_temp.emplace(tempPathFor(m_path, "part"));
    m_out.open(m_temp->path(), std::ios::binary | std::ios::trunc);
    if (!m_out) {
        return fail("cannot create file");
    }
    m_out.write("#!AMR\n", 6);

    auto fed = feedInChunks(m_pcm, [this](const std::uint8_t** planes, int count) {
        auto converted = convert(planes, count);
        return converted ? encodeWholeFrames(false) : converted;
    });
    if (!fed) {
        return fed;
    }
    if (auto flushed = convert(nullptr, 0); !flushed) {
        return flushed;
    }
    if (auto encoded = encodeWholeFrames(true); !encoded) {
        return encoded;
    }
    m_out.close();
    if (!m_out) {
        return fail("cannot close file");
    }
    return moveIntoPlace(*m_temp, m_path);
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
    case EncodeFormat::PcmU8Wav:
        return "pcm-u8-wav";
    case EncodeFormat::PcmS24Wav:
        return "pcm-s24-wav";
    case EncodeFormat::FloatWav:
        return "float-wav";
    case EncodeFormat::PcmS16WavExtensible:
        return "pcm-extensible-wav";
    case EncodeFormat::AmrNb:
        return "amr-nb";
    }
    return "unknown";
}

tl::expected<void, AudioError> encodeFile(const PcmBuffer& pcm, const std::filesystem::path& path,
                                          const EncodeOptions& options) {
    quietLibavLogs();
    if (options.format == EncodeFormat::AmrNb) {
        AmrFileEncoder encoder(pcm, path, options);
        return encoder.run();
    }
    FileEncoder encoder(pcm, path, options);
    return encoder.run();
}

tl::expected<void, AudioError> encodeFile(const PcmBuffer& pcm, const std::filesystem::path& path,
                                          EncodeFormat format) {
    EncodeOptions options;
    options.format = format;
    return encodeFile(pcm, path, options);
}

} // namespace callqc::audio
