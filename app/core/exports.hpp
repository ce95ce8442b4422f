#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "audio/analysis.hpp"
#include "audio/encoder.hpp"
#include "scoring/language.hpp"
#include "storage/call_store.hpp"
#include "storage/table_export.hpp"

namespace callqc::core {

/// How to write an exported table (Session::exportCalls, Session::exportReport).
struct TableExportOptions {
    std::filesystem::path out;
    storage::TableFormat format = storage::TableFormat::Csv;
    /// Customer numbers in full. Only roles that see full numbers (permissions.hpp
    /// seesFullNumbers) may ask; for everyone else asking is Refused. Masked when not asked.
    bool fullNumbers = false;
    scoring::Language language = scoring::Language::Zh; ///< of the headings and notes
};

struct TableExportSummary {
    std::filesystem::path file;
    std::size_t rows = 0;
    bool masked = true; ///< customer numbers were masked
};

/// The most calls one call-list export takes; the formats have their own limits below it
/// (storage/table_export.hpp).
inline constexpr std::size_t kMaxExportedCalls = 1'000'000;

/// A stretch of a call to export as training material (Session::exportClip).
struct ClipRequest {
    double startSec = 0; ///< call time, seconds
    double endSec = 0;
    /// Wav (PcmS16Wav), Mp3 or OpusOgg; the other encoder formats are for fixtures, not clips.
    audio::EncodeFormat format = audio::EncodeFormat::PcmS16Wav;
    bool muteCustomer = false;                          ///< silence the customer's channel
    int customerChannel = 1;                            ///< of a stereo call, 0-based
    std::vector<audio::Interval> beeps;                 ///< call time ranges to cover with a beep
    std::filesystem::path outDir;                       ///< the clip's folder; the name is made
    bool fullNumbers = false;                           ///< as TableExportOptions::fullNumbers
    scoring::Language language = scoring::Language::Zh; ///< of the file's tags
};

struct ClipSummary {
    std::filesystem::path file;
    double durationSec = 0;
    bool masked = true;
    std::string title;   ///< the file's title tag
    std::string comment; ///< the file's comment tag: agent, team, start and customer number
};

/// A clip's file name: call id, employee number and the stretch as minutes and seconds, e.g.
/// "C20240301-0007_008012_01m05s-01m40s.mp3". No customer number goes into a file name; characters
/// that are not safe in file names on Windows or Linux become '_'.
[[nodiscard]] std::string clipFileName(const storage::RecordingRecord& recording, double startSec,
                                       double endSec, audio::EncodeFormat format);

} // namespace callqc::core
