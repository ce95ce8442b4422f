#pragma once

#include <filesystem>
#include <string_view>

#include <tl/expected.hpp>

#include "audio/audio_error.hpp"
#include "audio/pcm_buffer.hpp"

namespace callqc::audio {

/// The file formats a telephony platform writes, and that clip export produces.
enum class EncodeFormat {
    PcmS16Wav, ///< 16-bit linear PCM in WAV
    MulawWav,  ///< G.711 mu-law in WAV
    AlawWav,   ///< G.711 A-law in WAV
    GsmWav,    ///< GSM 6.10 (Microsoft variant) in WAV, 8 kHz mono only
    Mp3,       ///< MPEG-1/2/2.5 layer III
    OpusOgg,   ///< Opus in Ogg
    AacM4a,    ///< AAC-LC in MP4
    Flac,      ///< FLAC
};

[[nodiscard]] std::string_view formatName(EncodeFormat format);

/// Encodes `pcm` into `path` with libav. GSM requires 8 kHz mono input (other rates or channel
/// counts are an Encode error); Opus input at a rate libopus cannot take (other than 8, 12, 16,
/// 24, 48 kHz) is resampled to 48 kHz; the other formats keep the buffer's rate and channel count.
/// Writes to a temporary name beside `path` and renames, so a failed encode leaves no partial file.
[[nodiscard]] tl::expected<void, AudioError>
encodeFile(const PcmBuffer& pcm, const std::filesystem::path& path, EncodeFormat format);

} // namespace callqc::audio
