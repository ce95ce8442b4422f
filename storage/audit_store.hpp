#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.hpp"

namespace callqc::storage {

/// One row of the append-only audit log. How `hash` is computed is app/core/audit.hpp's business;
/// this layer stores and reads rows as they are.
struct AuditEntry {
    std::int64_t seq = 0;
    std::string at; ///< UTC, 'YYYY-MM-DDTHH:MM:SS.mmmZ'
    std::string user;
    std::string action;
    std::string subject;
    std::string detail; ///< a JSON object, as text
    std::string prevHash;
    std::string hash;
};

/// The entry with the highest seq, or none when the log is empty.
[[nodiscard]] Result<std::optional<AuditEntry>> lastAuditEntry(Database& db);
/// Appends `entry` with its seq as given. Call inside Database::transaction together with the
/// lastAuditEntry() that chose its seq and prev_hash, so no other writer slips in between.
[[nodiscard]] Result<void> insertAuditEntry(Database& db, const AuditEntry& entry);
/// Up to `limit` entries with seq > `afterSeq`, in seq order.
[[nodiscard]] Result<std::vector<AuditEntry>> auditEntriesAfter(Database& db, std::int64_t afterSeq,
                                                                int limit);
/// Entries with this action, in seq order.
[[nodiscard]] Result<std::vector<AuditEntry>> auditEntriesWithAction(Database& db,
                                                                     const std::string& action);
/// The highest seq the log ever handed out (SQLite's AUTOINCREMENT memory), 0 when none: higher
/// than the last entry's seq when entries at the end were deleted.
[[nodiscard]] Result<std::int64_t> highestAuditSeqIssued(Database& db);

} // namespace callqc::storage
