#include "storage/annotation_store.hpp"

#include <fmt/format.h>

namespace callqc::storage {
namespace {

constexpr std::string_view kColumns =
    "id, recording_id, inspector, start_sec, end_sec, note, item_id, created_at";

AnnotationRecord readAnnotation(const Statement& s) {
    AnnotationRecord a;
    a.id = s.getInt(0);
    a.recordingId = s.getInt(1);
    a.inspector = s.getText(2);
    a.startSec = s.getDouble(3);
    if (!s.isNull(4)) {
        a.endSec = s.getDouble(4);
    }
    a.note = s.getText(5);
    if (!s.isNull(6)) {
        a.itemId = s.getText(6);
    }
    a.createdAt = s.getText(7);
    return a;
}

/// NotFound unless the last statement changed a row.
Result<void> expectChanged(Database& db, std::int64_t id) {
    if (db.changes() == 0) {
        return tl::unexpected(StorageError{StorageError::Kind::NotFound,
                                           fmt::format("no annotation with id {}", id)});
    }
    return {};
}

} // namespace

Result<AnnotationRecord> addAnnotation(Database& db, const AnnotationRecord& annotation) {
    if (!(annotation.startSec >= 0) ||
        (annotation.endSec && !(*annotation.endSec > annotation.startSec))) {
        return tl::unexpected(StorageError{
            StorageError::Kind::Input,
            fmt::format("annotation of recording {}: times {} to {} are not a moment or a stretch "
                        "of the call",
                        annotation.recordingId, annotation.startSec,
                        annotation.endSec ? fmt::format("{}", *annotation.endSec) : "none")});
    }
    auto stmt =
        db.prepare(fmt::format("INSERT INTO annotations(recording_id, inspector, start_sec, "
                               "end_sec, note, item_id) VALUES (?, ?, ?, ?, ?, ?) "
                               "RETURNING {}",
                               kColumns));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(annotation.recordingId, annotation.inspector, annotation.startSec,
                  annotation.endSec, annotation.note, annotation.itemId);
    auto row = stmt->step();
    if (!row) {
        return tl::unexpected(row.error());
    }
    if (!*row) {
        return tl::unexpected(
            StorageError{StorageError::Kind::Query, "storing an annotation returned no row"});
    }
    auto stored = readAnnotation(*stmt);
    stmt->reset();
    return stored;
}

Result<void> updateAnnotationNote(Database& db, std::int64_t id, const std::string& inspector,
                                  const std::string& note) {
    auto stmt = db.prepare("UPDATE annotations SET note = ? WHERE id = ? AND inspector = ?");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(note, id, inspector);
    if (auto ok = stmt->run(); !ok) {
        return ok;
    }
    return expectChanged(db, id);
}

Result<void> deleteAnnotation(Database& db, std::int64_t id, const std::string& inspector) {
    auto stmt = db.prepare("DELETE FROM annotations WHERE id = ? AND inspector = ?");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(id, inspector);
    if (auto ok = stmt->run(); !ok) {
        return ok;
    }
    return expectChanged(db, id);
}

Result<std::vector<AnnotationRecord>> annotationsFor(Database& db, std::int64_t recordingId,
                                                     const std::string& inspector) {
    auto stmt = db.prepare(fmt::format("SELECT {} FROM annotations "
                                       "WHERE recording_id = ? AND inspector = ? "
                                       "ORDER BY start_sec, id",
                                       kColumns));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(recordingId, inspector);
    return collect<AnnotationRecord>(*stmt, readAnnotation);
}

} // namespace callqc::storage
