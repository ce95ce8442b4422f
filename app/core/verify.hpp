#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/core/core_error.hpp"
#include "app/core/progress.hpp"
#include "storage/database.hpp"

namespace callqc::core {

/// A recording whose file is no longer what was imported.
struct VerifyProblem {
    enum class Kind {
        Missing,    ///< no file at the stored path
        Changed,    ///< a different size or SHA-256 than at import
        Unreadable, ///< there, but it cannot be read
    };
    Kind kind = Kind::Missing;
    std::string callId;
    std::string path;
    std::string detail; ///< what differs or why it cannot be read
};

struct VerifyReport {
    int checked = 0;                     ///< recordings looked at
    std::vector<VerifyProblem> problems; ///< in call-id order
    [[nodiscard]] bool allFine() const { return problems.empty(); }
};

[[nodiscard]] const char* verifyKindName(VerifyProblem::Kind kind); ///< "missing", …

/// Hashes the files of the calls of `callDate` ('YYYY-MM-DD'), or of every call, again and
/// compares each with the size and SHA-256 stored at import. Reports progress per file and stops
/// with a Cancelled error when `progress->cancel` is set. Runs on the calling thread (a job
/// thread for the station); `db` belongs to that thread.
[[nodiscard]] CoreResult<VerifyReport> verifyRecordings(storage::Database& db,
                                                        const std::optional<std::string>& callDate,
                                                        Progress* progress = nullptr);

} // namespace callqc::core
