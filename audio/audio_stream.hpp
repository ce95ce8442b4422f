#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "audio/audio_error.hpp"

namespace callqc::audio {

/// A place where decoding can restart: the packet that starts at byte `bytePos` of the file (pts
/// `pts` in the stream's time base) is the one whose first decoded sample is `sample`.
struct SeekPoint {
    std::int64_t sample = 0;
    std::int64_t bytePos = -1;
    std::int64_t pts = 0;
    friend bool operator==(const SeekPoint&, const SeekPoint&) = default;
};

/// Restart points gathered during one sequential decode, so that later seeks land on the exact
/// sample even in formats whose headers and timestamps lie (MP3 bitrate estimates, AMR with
/// silence suppression). Positions count decoded samples, the same timeline decodeFile produces.
/// A point is the first packet at or after each kIntervalSec of audio since the last point, so
/// points are at least kIntervalSec apart (a little more, by up to one packet each).
struct SeekIndex {
    static constexpr double kIntervalSec = 1.0; ///< one point per this much audio, at most
    int sampleRateHz = 0;
    std::int64_t totalSamples = 0; ///< exact decoded length
    std::vector<SeekPoint> points; ///< ascending by sample; first is sample 0

    [[nodiscard]] bool empty() const { return points.empty(); }
    friend bool operator==(const SeekIndex&, const SeekIndex&) = default;
};

/// Compact bytes for storage: magic "SKI1", then little-endian base-128 varints: the rate, the
/// total, the point count, and for each point its differences from the previous point (byte
/// position and pts zigzag-encoded): about 8 bytes a point, 25-30 KB for an hour.
[[nodiscard]] std::vector<std::uint8_t> serializeSeekIndex(const SeekIndex& index);
/// The inverse of serializeSeekIndex; an empty index when the bytes are not a valid encoding
/// (wrong magic, cut short, trailing bytes, points not ascending from 0 or beyond the total).
[[nodiscard]] SeekIndex deserializeSeekIndex(const std::vector<std::uint8_t>& bytes);

struct StreamInfo {
    int sampleRateHz = 0;  ///< decoded rate
    int channels = 0;      ///< decoded channel count (1..8)
    std::string codec;     ///< libav decoder name, e.g. "mp3float", "amrnb", "pcm_mulaw", "opus"
    std::string container; ///< libav demuxer name, e.g. "wav", "ogg", "mov,mp4,m4a,3gp,3g2,mj2"
    /// What the header claims, in seconds; -1 when it claims nothing. Never shown as the truth:
    /// the decoded length is.
    double headerDurationSec = -1;
};

/// Incremental decoding of one audio file: sequential reads of planar float samples at the file's
/// own rate and channel count, and sample-exact seeks. Format detected from the content, not the
/// extension. Packets the decoder rejects (AMR SID/NO_DATA frames, a corrupt MP3 frame) are
/// replaced by silence of the packet's duration, so the timeline never shrinks, and counted in
/// warnings(). The stream owns its open file and libav contexts; reads reuse them and allocate
/// nothing once the first packets have sized the buffers (libav's packet buffers aside).
///
/// Thread-safety: none; one thread uses a stream at a time (the player's decoder thread).
/// Separate streams, even of one file, are independent.
class AudioStream {
public:
    virtual ~AudioStream() = default;

    /// Opens `path` and decodes its first packet. Errors name the file: NotFound, Empty, NotAudio
    /// (text, random bytes, a folder), Corrupt (absurd headers: more than 8 channels, rates
    /// outside 1 Hz-384 kHz; nothing decodable), Unsupported.
    ///
    /// With an index from an earlier decode of this file (DecodedAudio::seekIndex) seeks use it
    /// at once; an index that does not fit the file is ignored (and said so in warnings()).
    /// Without one, the first seek builds it on a second pass over the file: for PCM, G.711, GSM,
    /// MP3, AAC-LC, FLAC and AMR-NB the first 2 s are decoded (decoder start-up is in no packet
    /// header) and the rest counted from packet lengths with av_read_frame alone (an hour of 8 kHz
    /// MP3: ~30 ms); other codecs, Opus among them, are decoded throughout (an hour: seconds).
    [[nodiscard]] static tl::expected<std::unique_ptr<AudioStream>, AudioError>
    open(const std::filesystem::path& path, SeekIndex index = {});

    [[nodiscard]] virtual const StreamInfo& info() const = 0;

    /// Decodes up to `maxFrames` frames into `planes` (info().channels pointers, each with room
    /// for maxFrames floats). Returns how many frames were written: fewer than maxFrames only at
    /// the end, 0 once there. A Corrupt error past 6 hours of audio.
    [[nodiscard]] virtual tl::expected<std::size_t, AudioError> read(float* const* planes,
                                                                     std::size_t maxFrames) = 0;

    /// After this the next read() starts exactly at decoded sample `sample`, clamped to
    /// [0, length]. Decoding restarts at the last index point at least a preroll before it (none
    /// for PCM and FLAC; 100 ms or 2-4 codec frames for lossy codecs, the most 288 ms for 8 kHz
    /// MP3) and discards up to it, so a seek decodes at most kIntervalSec plus the preroll.
    /// From sample 0 the output is the sequential decode bit for bit; restarted mid-file, a lossy
    /// decoder may take a moment to agree with it again (Opus's SILK layer, whose gains are
    /// coded relative to the previous frame's, until the next pause).
    [[nodiscard]] virtual tl::expected<void, AudioError> seek(std::int64_t sample) = 0;

    /// Sample that the next read() starts at.
    [[nodiscard]] virtual std::int64_t position() const = 0;

    /// The index gathered by reading sequentially from sample 0, or the one supplied or built for
    /// seeking. Complete (totalSamples set) once a read has returned 0 without any seek in
    /// between, and after any seek; until then totalSamples is 0.
    [[nodiscard]] virtual const SeekIndex& gatheredIndex() const = 0;

    /// Problems met so far, e.g. "12 silence-suppressed (SID/NO_DATA) frame(s) kept as silence,
    /// first at 3.2 s", "audio ends at 2.0 s although the header promises 6.0 s: the file is
    /// truncated". A region decoded again after a seek is not counted twice.
    [[nodiscard]] virtual std::vector<std::string> warnings() const = 0;
};

} // namespace callqc::audio
