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
    std::vector<RejectedRow> rejected;
    std::vector<std::string> warnings;
};

/// Imports a day folder: `dir/metadata.csv`, the audio files it names (relative to `dir` or
/// absolute) and `dir/transcripts/<call_id>.json`. Each row is decoded, analysed and hashed on
/// worker threads and written in batched transactions; a bad row is rejected with its reason and
/// never stops the others. Importing the same day again reports the rows as unchanged.
/// Fails as a whole only when the metadata cannot be read or the database cannot be written.
[[nodiscard]] CoreResult<ImportReport> importDay(storage::Database& db,
                                                 const std::filesystem::path& dir,
                                                 const ImportOptions& options = {},
                                                 Progress* progress = nullptr);

} // namespace callqc::core
