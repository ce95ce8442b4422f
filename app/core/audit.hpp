#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/core/auth.hpp"
#include "app/core/core_error.hpp"
#include "storage/audit_store.hpp"
#include "storage/database.hpp"
#include "storage/evaluation_version_store.hpp"

namespace callqc::core {

/// prev_hash of the first entry.
inline constexpr std::string_view kGenesisHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened, by whom: one audit entry before it is chained.
struct AuditEvent {
    std::string user;    ///< who acted ("" for an unknown user's failed sign-in)
    std::string action;  ///< e.g. "auth.sign_in", "user.add", "evaluation.revise", "export.report"
    std::string subject; ///< what it was done to, e.g. "user:qc1", "evaluation:12"
    nlohmann::json detail = nlohmann::json::object(); ///< never a password or a full number
};

/// Appends `event` to the audit log at the clock's time, chained to the last entry, in a
/// transaction of its own.
[[nodiscard]] CoreResult<storage::AuditEntry>
recordAudit(storage::Database& db, const AuditEvent& event, const Clock& clock = systemClock());
/// The same, for callers already inside Database::transaction (so the entry commits or rolls
/// back with the change it records).
[[nodiscard]] CoreResult<storage::AuditEntry>
recordAuditWithin(storage::Database& db, const AuditEvent& event, const Clock& clock);

/// SHA-256 (libsodium crypto_hash_sha256), 64 lower-case hex digits, over the netstrings
/// ("<length>:<bytes>,") of prev_hash, seq, at, user, action, subject and detail: every byte of
/// the entry counts, and no two different entries give the same input.
[[nodiscard]] std::string auditEntryHash(const storage::AuditEntry& entry);

/// SHA-256 over the netstrings of an evaluation's content as sealed: evaluation id, version,
/// recording, checklist, inspector, score, working, and each answer's fields by item id.
[[nodiscard]] std::string evaluationContentHash(std::int64_t evaluationId, int version,
                                                const storage::EvaluationRecord& content);
/// The same over a stored version's own columns.
[[nodiscard]] std::string evaluationContentHash(const storage::EvaluationVersionRecord& version);

/// One thing `verifyAuditChain` found wrong.
struct AuditProblem {
    enum class Kind {
        Changed,            ///< an audit entry's content no longer matches its hash
        Moved,              ///< an intact entry at another position than it was written at
        Deleted,            ///< entries missing from the chain (a gap, or the end cut off)
        Inserted,           ///< an entry that does not follow the one before it
        EvaluationChanged,  ///< a submitted evaluation differs from the version it shows
        EvaluationUnsealed, ///< a submitted evaluation that was never sealed
        EvaluationDeleted,  ///< a sealed evaluation gone, or no longer submitted
        VersionChanged,     ///< a sealed version differs from its hash or its audit entry
        VersionDeleted,     ///< a version the audit log records is gone
        VersionUnrecorded,  ///< a sealed version the audit log does not know
    };
    Kind kind = Kind::Changed;
    std::int64_t seq = 0;          ///< the audit entry concerned, 0 when none
    std::int64_t evaluationId = 0; ///< the evaluation concerned, 0 when none
    std::string message;           ///< one line naming the entry or evaluation and what is wrong
};

[[nodiscard]] std::string_view auditProblemKindName(AuditProblem::Kind kind); ///< "changed", …

struct AuditVerifyReport {
    std::int64_t entries = 0;           ///< audit entries read
    std::int64_t evaluations = 0;       ///< submitted evaluations checked
    std::int64_t versions = 0;          ///< sealed versions checked
    std::string headHash;               ///< the last entry's hash; write it down to catch a rewrite
    std::vector<AuditProblem> problems; ///< chain problems in seq order, then evaluations by id
    [[nodiscard]] bool intact() const { return problems.empty(); }
};

/// Walks the audit log from the first entry and names the first entry that was changed, deleted
/// or inserted out of order (each entry whose own hash fails is named too); then checks every
/// sealed evaluation version against its hash and its audit entry, and every submitted
/// evaluation against the version it shows. Reads only. What it cannot see: a log rewritten
/// from some entry on with every later hash recomputed; compare headHash with a copy kept
/// elsewhere for that.
[[nodiscard]] CoreResult<AuditVerifyReport> verifyAuditChain(storage::Database& db);

} // namespace callqc::core
