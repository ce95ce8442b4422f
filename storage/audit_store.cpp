#include "storage/audit_store.hpp"

#include <fmt/format.h>

namespace callqc::storage {
namespace {

constexpr std::string_view kAuditColumns =
    "SELECT seq, at, user, action, subject, detail, prev_hash, hash FROM audit_log ";

AuditEntry readEntry(const Statement& s) {
    return AuditEntry{s.getInt(0),  s.getText(1), s.getText(2), s.getText(3),
                      s.getText(4), s.getText(5), s.getText(6), s.getText(7)};
}

} // namespace

Result<std::optional<AuditEntry>> lastAuditEntry(Database& db) {
    auto stmt = db.prepare(fmt::format("{} ORDER BY seq DESC LIMIT 1", kAuditColumns));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    auto rows = collect<AuditEntry>(*stmt, readEntry);
    if (!rows) {
        return tl::unexpected(rows.error());
    }
    if (rows->empty()) {
        return std::optional<AuditEntry>{};
    }
    return std::optional<AuditEntry>(std::move(rows->front()));
}

Result<void> insertAuditEntry(Database& db, const AuditEntry& e) {
    auto stmt = db.prepare("INSERT INTO audit_log(seq, at, user, action, subject, detail, "
                           "prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(e.seq, e.at, e.user, e.action, e.subject, e.detail, e.prevHash, e.hash);
    return stmt->run();
}

Result<std::vector<AuditEntry>> auditEntriesAfter(Database& db, std::int64_t afterSeq, int limit) {
    auto stmt = db.prepare(fmt::format("{} WHERE seq > ? ORDER BY seq LIMIT ?", kAuditColumns));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(afterSeq, limit);
    return collect<AuditEntry>(*stmt, readEntry);
}

Result<std::vector<AuditEntry>> auditEntriesWithAction(Database& db, const std::string& action) {
    auto stmt = db.prepare(fmt::format("{} WHERE action = ? ORDER BY seq", kAuditColumns));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(action);
    return collect<AuditEntry>(*stmt, readEntry);
}

Result<std::int64_t> highestAuditSeqIssued(Database& db) {
    auto stmt = db.prepare("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence "
                           "WHERE name = 'audit_log'");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    auto row = stmt->step();
    if (!row) {
        return tl::unexpected(row.error());
    }
    return stmt->getInt(0);
}

} // namespace callqc::storage
