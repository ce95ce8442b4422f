#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include <tl/expected.hpp>

namespace callqc::demo {

struct DemoOptions {
    std::uint64_t seed = 20261125;
    int calls = 100;
    std::string date = "2026-11-25"; ///< YYYY-MM-DD; the calls' day and part of their ids
    /// Called after each call is written, with the number done so far; from the calling thread.
    std::function<void(int done, int total)> progress;
};

struct DemoSummary {
    int calls = 0;
    int teams = 0;  ///< teams that took at least one call
    int agents = 0; ///< agents who took at least one call
    double totalAudioSec = 0;
};

/// Writes one day of a small Chinese call center into `dir` as a telephony platform would:
/// `audio/<call_id>.<ext>` (PCM, mu-law, A-law and GSM WAV, MP3, Opus/Ogg, AAC/M4A; all 8 kHz;
/// stereo with the agent left and the customer right, some mono), `metadata.csv`
/// and `transcripts/<call_id>.json`. Speech is Mandarin from libespeak-ng. The same options give
/// byte-identical metadata and transcripts (and, with the same libraries, audio). Existing files
/// of the same names are replaced; nothing else in `dir` is touched.
///
/// Uses the process's espeak-ng engine: concurrent calls wait for each other. Errors name the
/// file or folder that failed.
[[nodiscard]] tl::expected<DemoSummary, std::string>
generateDemoDay(const std::filesystem::path& dir, const DemoOptions& options);

} // namespace callqc::demo
