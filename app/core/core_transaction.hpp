#pragma once

#include "app/core/core_error.hpp"
#include "storage/database.hpp"

namespace callqc::core {

/// A storage failure as a use case reports it (NotFound stays NotFound).
[[nodiscard]] inline CoreError fromStorage(const storage::StorageError& e) {
    return CoreError{e.kind == storage::StorageError::Kind::NotFound ? CoreError::Kind::NotFound
                                                                     : CoreError::Kind::Storage,
                     e.detail};
}

/// Runs `work` (returning a CoreResult) inside storage::Database::transaction; rolls back when
/// it returns an error. For work whose refusals are CoreErrors. Not nestable.
template <typename F> auto coreTransaction(storage::Database& db, F&& work) -> decltype(work()) {
    using Out = decltype(work());
    Out out = tl::unexpected(CoreError{CoreError::Kind::Storage, "transaction did not start"});
    bool ran = false;
    auto done = db.transaction([&]() -> storage::Result<void> {
        ran = true;
        out = work();
        if (!out) {
            return tl::unexpected(
                storage::StorageError{storage::StorageError::Kind::Query, out.error().detail});
        }
        return {};
    });
    if (!done && (!ran || out)) {
        return tl::unexpected(fromStorage(done.error())); // BEGIN or COMMIT failed
    }
    return out;
}

} // namespace callqc::core
