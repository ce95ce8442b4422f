#include "app/core/verify.hpp"

#include <filesystem>
#include <system_error>

#include <fmt/format.h>

#include "app/core/file_hash.hpp"
#include "storage/search_store.hpp"

namespace callqc::core {

const char* verifyKindName(VerifyProblem::Kind kind) {
    switch (kind) {
    case VerifyProblem::Kind::Missing:
        return "missing";
    case VerifyProblem::Kind::Changed:
        return "changed";
    case VerifyProblem::Kind::Unreadable:
        break;
    }
    return "unreadable";
}

CoreResult<VerifyReport> verifyRecordings(storage::Database& db,
                                          const std::optional<std::string>& callDate,
                                          Progress* progress) {
    auto files = storage::recordingFiles(db, callDate);
    if (!files) {
        return tl::unexpected(CoreError{CoreError::Kind::Storage, files.error().message()});
    }
    if (progress != nullptr) {
        progress->total = static_cast<int>(files->size());
        progress->done = 0;
    }
    VerifyReport report;
    for (const storage::RecordingFile& file : *files) {
        if (progress != nullptr && progress->cancel.load()) {
            return tl::unexpected(CoreError{CoreError::Kind::Cancelled, "verify cancelled"});
        }
        const std::filesystem::path path(file.filePath);
        const auto problem = [&](VerifyProblem::Kind kind, std::string detail) {
            report.problems.push_back({kind, file.callId, file.filePath, std::move(detail)});
        };
        std::error_code ec;
        const auto status = std::filesystem::status(path, ec);
        if (status.type() == std::filesystem::file_type::not_found) {
            problem(VerifyProblem::Kind::Missing, "no such file");
        } else if (ec || !std::filesystem::is_regular_file(status)) {
            problem(VerifyProblem::Kind::Unreadable,
                    ec ? ec.message() : std::string("not a regular file"));
        } else if (const auto size = std::filesystem::file_size(path, ec); ec) {
            problem(VerifyProblem::Kind::Unreadable, ec.message());
        } else if (static_cast<std::int64_t>(size) != file.fileSize) {
            problem(VerifyProblem::Kind::Changed,
                    fmt::format("size {} bytes, imported {} bytes", size, file.fileSize));
        } else if (auto hash = sha256File(path); !hash) {
            problem(VerifyProblem::Kind::Unreadable, hash.error());
        } else if (*hash != file.sha256) {
            problem(VerifyProblem::Kind::Changed,
                    fmt::format("SHA-256 {}, imported {}", *hash, file.sha256));
        }
        ++report.checked;
        if (progress != nullptr) {
            ++progress->done;
        }
    }
    return report;
}

} // namespace callqc::core
