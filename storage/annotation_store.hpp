#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.hpp"

namespace callqc::storage {

/// A moment (or stretch) of a call that an inspector marked with a note while reviewing it.
struct AnnotationRecord {
    std::int64_t id = 0;
    std::int64_t recordingId = 0;
    std::string inspector;
    double startSec = 0;               ///< call time, >= 0
    std::optional<double> endSec;      ///< end of a marked stretch (> startSec); none for a moment
    std::string note;                  ///< may be empty
    std::optional<std::string> itemId; ///< the checklist item the note is about, if any
    std::string createdAt;             ///< UTC, 'YYYY-MM-DDTHH:MM:SSZ', set by the database
};

/// Stores a new annotation (its id and createdAt are ignored) and returns it as stored.
[[nodiscard]] Result<AnnotationRecord> addAnnotation(Database& db,
                                                     const AnnotationRecord& annotation);

/// Replaces the note of annotation `id` of `inspector`; NotFound when there is no such annotation.
[[nodiscard]] Result<void> updateAnnotationNote(Database& db, std::int64_t id,
                                                const std::string& inspector,
                                                const std::string& note);

/// Deletes annotation `id` of `inspector`; NotFound when there is no such annotation.
[[nodiscard]] Result<void> deleteAnnotation(Database& db, std::int64_t id,
                                            const std::string& inspector);

/// `inspector`'s annotations of the recording in time order (start, then creation).
[[nodiscard]] Result<std::vector<AnnotationRecord>>
annotationsFor(Database& db, std::int64_t recordingId, const std::string& inspector);

} // namespace callqc::storage
