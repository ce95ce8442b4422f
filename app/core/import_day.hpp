#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "app/core/core_error.hpp"
#include "app/core/progress.hpp"
#include "audio/analysis.hpp"
#include "storage/database.hpp"

namespace callqc::core {

struct ImportOptions {
    int jobs = 0; ///< analysis threads; 0 = all cores
    audio::AnalysisConfig analysis;
    int rowsPerTransaction = 32;
    /// Folders audio may be read from; a row naming a file outside all of them is rejected
    /// unread. Empty: the day folder itself.
    std::vector<std::filesystem::path> recordingRoots;
    /// Header names for the fields, read over assets/import/columns.toml (the fields it lists
    /// replace the defaults' names). Empty: the defaults alone.
    std::filesystem::path columnsFile;
    /// The zone start times are stored in: a time written without an offset is taken as local
    /// to it, one with an offset is converted to it. An IANA name or a fixed "+08:00".
    std::string timeZone = "Asia/Shanghai";
};

struct RejectedRow {
    int row = 0; ///< 1-based line of the metadata file
    std::string callId;
    std::string file;
    std::string reason;
};

struct ImportReport {
    int imported = 0;
    int unchanged = 0;
    std::vector<RejectedRow> rejected; ///< by row
    std::vector<std::string> warnings;
    bool cancelled = false; ///< stopped by Progress::cancel; what was written is committed
    std::string encoding;   ///< of the metadata file: "UTF-8" or "GB18030"
};

/// Imports a day: `source` is the day's folder (holding `metadata.csv`) or the metadata CSV
/// itself. The CSV may be UTF-8 (with or without a byte-order mark) or GBK/GB18030, with a header
/// row whose names are mapped to fields by the column map. Audio files are named relative to the
/// CSV's folder or absolutely, in UTF-8 or as GBK bytes; transcripts are
/// `transcripts/<call_id>.json`, `.srt` or `.vtt` beside the CSV.
///
/// Each row is hashed, decoded and analysed on worker threads and written in order in short
/// transactions of `rowsPerTransaction` rows; a bad row is rejected with its reason and never
/// stops the others; a broken transcript is a warning and the call comes in without it. A call
/// already in the database with the same SHA-256 is unchanged; with other content it is reported,
/// not replaced. So an interrupted import (even killed) resumes by running it again, and ends with
/// the rows a clean run gives. Setting `progress->cancel` stops after the rows in hand are
/// written. Fails as a whole only when the metadata or the configuration cannot be read or the
/// database cannot be written.
[[nodiscard]] CoreResult<ImportReport> importDay(storage::Database& db,
                                                 const std::filesystem::path& source,
                                                 const ImportOptions& options = {},
                                                 Progress* progress = nullptr);

} // namespace callqc::core
