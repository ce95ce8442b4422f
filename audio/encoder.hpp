#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

#include "audio/audio_error.hpp"
#include "audio/pcm_buffer.hpp"

namespace callqc::audio {

/// The file formats a telephony platform writes, and that clip export produces.
enum class EncodeFormat {
    PcmS16Wav, ///< 16-bit linear PCM in WAV (format tag 1)
    MulawWav,  ///< G.711 mu-law in WAV
    AlawWav,   ///< G.711 A-law in WAV
    GsmWav,    ///< GSM 6.10 (Microsoft variant) in WAV, 8 kHz mono only
    Mp3,       ///< MPEG-1/2/2.5 layer III
    OpusOgg,   ///< Opus in Ogg
    AacM4a,    ///< AAC-LC in MP4
    Flac,      ///< FLAC
    PcmU8Wav,  ///< unsigned 8-bit PCM in WAV (format tag 1)
    /// 24-bit PCM in WAV. libav writes every WAV of more than 16 bits per sample with a
    /// WAVE_FORMAT_EXTENSIBLE header (tag 0xFFFE, PCM subformat); there is no tag-1 24-bit variant.
    PcmS24Wav,
    /// 32-bit IEEE float in WAV, likewise WAVE_FORMAT_EXTENSIBLE (tag 0xFFFE, float subformat).
    FloatWav,
    /// 16-bit PCM in WAV with a WAVE_FORMAT_EXTENSIBLE header (tag 0xFFFE, PCM subformat, the
    /// default speaker mask for the channel count), as some Windows recorders write it.
    PcmS16WavExtensible,
    /// AMR-NB in the single-channel storage format of RFC 4867 section 5 ("#!AMR\n" and frames),
    /// always 8 kHz mono: other rates are resampled and channels are averaged into one.
    AmrNb,
};

/// AMR-NB codec modes (3GPP TS 26.071), in the order of their frame types 0-7.
enum class AmrMode { Mr475, Mr515, Mr59, Mr67, Mr74, Mr795, Mr102, Mr122 };

/// How to encode. Setting `mp3VbrQuality` or `amrDtx` for another format, or a tag for AMR, is
/// an Encode error; other formats ignore `amrMode`.
struct EncodeOptions {
    EncodeFormat format = EncodeFormat::PcmS16Wav;

    /// MP3 only: LAME variable-bit-rate quality (lame -V), 0 (best) to 9 (smallest). Unset: a
    /// constant bit rate chosen for speech.
    std::optional<int> mp3VbrQuality;

    /// AMR-NB only: the codec mode of speech frames.
    AmrMode amrMode = AmrMode::Mr122;
    /// AMR-NB only: discontinuous transmission. Silence becomes SID (frame type 8) and NO_DATA
    /// (frame type 15) frames, one per 20 ms as every frame, so the file keeps the timeline.
    bool amrDtx = false;

    /// Tags, UTF-8; empty means none. MP3: an ID3v2.3 tag (TIT2, COMM with language "und"),
    /// UTF-16 text. WAV: LIST INFO (INAM, ICMT). Ogg, FLAC: Vorbis comments (TITLE, COMMENT).
    /// M4A: the iTunes atoms. AMR has nowhere to put tags: setting one is an error.
    std::string title;
    std::string comment;
};

[[nodiscard]] std::string_view formatName(EncodeFormat format);

/// Encodes `pcm` into `path`. GSM requires 8 kHz mono input (other rates or channel counts are
/// an Encode error); Opus input at a rate libopus cannot take (other than 8, 12, 16, 24, 48 kHz)
/// is resampled to 48 kHz; AMR-NB is always 8 kHz mono (see EncodeFormat::AmrNb), its last frame
/// padded with silence to a whole 20 ms; the other formats keep the buffer's rate and channel
/// count. Writes to a temporary name beside `path` and renames, so a failed encode leaves no
/// partial file. Errors name `path`.
[[nodiscard]] tl::expected<void, AudioError>
encodeFile(const PcmBuffer& pcm, const std::filesystem::path& path, const EncodeOptions& options);

/// encodeFile with the format's defaults.
[[nodiscard]] tl::expected<void, AudioError>
encodeFile(const PcmBuffer& pcm, const std::filesystem::path& path, EncodeFormat format);

} // namespace callqc::audio
