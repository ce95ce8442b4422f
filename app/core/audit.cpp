#include "app/core/audit.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <utility>

#include <fmt/format.h>
#include <sodium.h>

#include "app/core/core_transaction.hpp"

namespace callqc::core {
namespace {

void netstring(std::string& out, std::string_view field) {
    out += fmt::format("{}:", field.size());
    out += field;
    out += ',';
}

std::string sha256Hex(std::string_view bytes) {
    std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
    crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(bytes.data()),
                       bytes.size());
    std::string hex;
    hex.reserve(digest.size() * 2);
    for (unsigned char b : digest) {
        hex += fmt::format("{:02x}", b);
    }
    return hex;
}

std::string scoreText(const std::optional<double>& score) {
    return score ? fmt::format("{}", *score) : std::string("null");
}

std::string contentHash(std::int64_t evaluationId, int version, std::int64_t recordingId,
                        std::int64_t checklistId, const std::string& inspector,
                        const std::optional<double>& score, const std::string& working,
                        std::vector<storage::AnswerRecord> answers, bool answersReadable) {
    std::sort(answers.begin(), answers.end(),
              [](const auto& a, const auto& b) { return a.itemId < b.itemId; });
    std::string in;
    netstring(in, "evaluation");
    netstring(in, std::to_string(evaluationId));
    netstring(in, std::to_string(version));
    netstring(in, std::to_string(recordingId));
    netstring(in, std::to_string(checklistId));
    netstring(in, inspector);
    netstring(in, scoreText(score));
    netstring(in, working);
    netstring(in, answersReadable ? std::to_string(answers.size()) : "unreadable");
    for (const auto& a : answers) {
        netstring(in, a.itemId);
        netstring(in, a.value);
        netstring(in, fmt::format("{}", a.points));
        netstring(in, std::to_string(a.occurrences));
        netstring(in, a.comment);
        netstring(in, a.suggested);
        netstring(in, a.suggestionReason);
    }
    return sha256Hex(in);
}

/// What an "evaluation.submit" or "evaluation.revise" entry recorded about a sealed version.
struct SealRecord {
    std::int64_t seq = 0;
    std::string contentHash;
    std::string reason;
};

bool isSealAction(const std::string& action) {
    return action == "evaluation.submit" || action == "evaluation.revise";
}

std::string describe(const storage::AuditEntry& e) {
    return fmt::format("audit entry {} ({} {} by \"{}\" at {})", e.seq, e.action, e.subject, e.user,
                       e.at);
}

} // namespace

std::string auditEntryHash(const storage::AuditEntry& e) {
    std::string in;
    netstring(in, e.prevHash);
    netstring(in, std::to_string(e.seq));
    netstring(in, e.at);
    netstring(in, e.user);
    netstring(in, e.action);
    netstring(in, e.subject);
    netstring(in, e.detail);
    return sha256Hex(in);
}

std::string evaluationContentHash(std::int64_t evaluationId, int version,
                                  const storage::EvaluationRecord& c) {
    return contentHash(evaluationId, version, c.recordingId, c.checklistId, c.inspector, c.score,
                       c.working, c.answers, true);
}

std::string evaluationContentHash(const storage::EvaluationVersionRecord& v) {
    return contentHash(v.evaluationId, v.version, v.recordingId, v.checklistId, v.inspector,
                       v.score, v.working, v.answers, v.answersReadable);
}

CoreResult<storage::AuditEntry> recordAuditWithin(storage::Database& db, const AuditEvent& event,
                                                  const Clock& clock) {
    if (sodium_init() < 0) {
        return tl::unexpected(
            CoreError{CoreError::Kind::Storage, "libsodium failed to initialise"});
    }
    auto last = storage::lastAuditEntry(db);
    if (!last) {
        return tl::unexpected(fromStorage(last.error()));
    }
    auto issued = storage::highestAuditSeqIssued(db);
    if (!issued) {
        return tl::unexpected(fromStorage(issued.error()));
    }
    storage::AuditEntry entry;
    // Past the highest seq ever issued: if entries at the end were deleted, the gap stays
    // visible instead of being filled.
    entry.seq = std::max(*last ? (*last)->seq : 0, *issued) + 1;
    entry.prevHash = *last ? (*last)->hash : std::string(kGenesisHash);
    entry.at = isoUtc(clock());
    entry.user = event.user;
    entry.action = event.action;
    entry.subject = event.subject;
    entry.detail = (event.detail.is_null() ? nlohmann::json::object() : event.detail)
                       .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    entry.hash = auditEntryHash(entry);
    if (auto ok = storage::insertAuditEntry(db, entry); !ok) {
        return tl::unexpected(fromStorage(ok.error()));
    }
    return entry;
}

CoreResult<storage::AuditEntry> recordAudit(storage::Database& db, const AuditEvent& event,
                                            const Clock& clock) {
    return coreTransaction(db, [&] { return recordAuditWithin(db, event, clock); });
}

std::string_view auditProblemKindName(AuditProblem::Kind kind) {
    switch (kind) {
    case AuditProblem::Kind::Changed:
        return "changed";
    case AuditProblem::Kind::Moved:
        return "moved";
    case AuditProblem::Kind::Deleted:
        return "deleted";
    case AuditProblem::Kind::Inserted:
        return "inserted";
    case AuditProblem::Kind::EvaluationChanged:
        return "evaluation_changed";
    case AuditProblem::Kind::EvaluationUnsealed:
        return "evaluation_unsealed";
    case AuditProblem::Kind::EvaluationDeleted:
        return "evaluation_deleted";
    case AuditProblem::Kind::VersionChanged:
        return "version_changed";
    case AuditProblem::Kind::VersionDeleted:
        return "version_deleted";
    case AuditProblem::Kind::VersionUnrecorded:
        return "version_unrecorded";
    }
    return "unknown";
}

CoreResult<AuditVerifyReport> verifyAuditChain(storage::Database& db) {
    if (sodium_init() < 0) {
        return tl::unexpected(
            CoreError{CoreError::Kind::Storage, "libsodium failed to initialise"});
    }
    using Kind = AuditProblem::Kind;
    AuditVerifyReport report;
    auto issued = storage::highestAuditSeqIssued(db);
    if (!issued) {
        return tl::unexpected(fromStorage(issued.error()));
    }

    // 1. The chain.
    constexpr int kPage = 4096;
    constexpr int kMaxPositionSearches = 16;
    int positionSearches = 0;
    std::string prevHash(kGenesisHash);
    std::int64_t expectedSeq = 1;
    std::int64_t lastSeq = 0;
    bool chainBroken = false;
    std::map<std::pair<std::int64_t, int>, SealRecord> sealed;
    while (true) {
        auto page = storage::auditEntriesAfter(db, lastSeq, kPage);
        if (!page) {
            return tl::unexpected(fromStorage(page.error()));
        }
        for (const auto& e : *page) {
            ++report.entries;
            const bool selfOk = auditEntryHash(e) == e.hash;
            if (!selfOk) {
                // An intact entry moved to another seq hashes right with the seq it was written
                // at; look for it among the seqs ever issued.
                std::int64_t writtenAt = 0;
                if (positionSearches++ < kMaxPositionSearches) {
                    storage::AuditEntry probe = e;
                    const std::int64_t highest = std::max(*issued, e.seq) + 1;
                    for (std::int64_t seq = 1; seq <= highest && writtenAt == 0; ++seq) {
                        probe.seq = seq;
                        if (seq != e.seq && auditEntryHash(probe) == e.hash) {
                            writtenAt = seq;
                        }
                    }
                }
                if (writtenAt != 0) {
                    report.problems.push_back(
                        {Kind::Moved, e.seq, 0,
                         fmt::format("{} was written as entry {}: entries were reordered",
                                     describe(e), writtenAt)});
                } else {
                    report.problems.push_back(
                        {Kind::Changed, e.seq, 0,
                         fmt::format("{} was changed: its content no longer matches its hash",
                                     describe(e))});
                }
            }
            if (!chainBroken) {
                if (e.seq != expectedSeq) {
                    report.problems.push_back(
                        {Kind::Deleted, expectedSeq, 0,
                         e.seq == expectedSeq + 1
                             ? fmt::format(
                                   "audit entry {} was deleted (the log goes from {} to {})",
                                   expectedSeq, expectedSeq - 1, e.seq)
                             : fmt::format("audit entries {} to {} were deleted (the log goes "
                                           "from {} to {})",
                                           expectedSeq, e.seq - 1, expectedSeq - 1, e.seq)});
                    chainBroken = true;
                } else if (e.prevHash != prevHash) {
                    if (selfOk) {
                        report.problems.push_back(
                            {Kind::Inserted, e.seq, 0,
                             fmt::format("{} does not follow entry {}: inserted or reordered",
                                         describe(e), e.seq - 1)});
                    }
                    chainBroken = true;
                } else if (!selfOk) {
                    chainBroken = true;
                }
            }
            if (isSealAction(e.action)) {
                const auto detail = nlohmann::json::parse(e.detail, nullptr, false);
                if (detail.is_object() && detail.contains("evaluation_id") &&
                    detail.contains("version") && detail["evaluation_id"].is_number_integer() &&
                    detail["version"].is_number_integer()) {
                    sealed[{detail["evaluation_id"].get<std::int64_t>(),
                            detail["version"].get<int>()}] =
                        SealRecord{e.seq, detail.value("content_hash", std::string()),
                                   detail.value("reason", std::string())};
                }
            }
            prevHash = e.hash;
            expectedSeq = e.seq + 1;
            lastSeq = e.seq;
        }
        if (static_cast<int>(page->size()) < kPage) {
            break;
        }
    }
    report.headHash = lastSeq > 0 ? prevHash : std::string();
    if (*issued > lastSeq) {
        report.problems.push_back(
            {Kind::Deleted, lastSeq + 1, 0,
             lastSeq + 1 == *issued
                 ? fmt::format("audit entry {} was deleted (the last entry is {})", *issued,
                               lastSeq)
                 : fmt::format("audit entries {} to {} were deleted (the last entry is {})",
                               lastSeq + 1, *issued, lastSeq)});
    }

    // 2. Sealed versions against their own hash and the audit log.
    auto versions = storage::allEvaluationVersions(db);
    if (!versions) {
        return tl::unexpected(fromStorage(versions.error()));
    }
    std::map<std::pair<std::int64_t, int>, const storage::EvaluationVersionRecord*> byKey;
    std::map<std::int64_t, int> latest;
    for (const auto& v : *versions) {
        ++report.versions;
        byKey[{v.evaluationId, v.version}] = &v;
        latest[v.evaluationId] = std::max(latest[v.evaluationId], v.version);
        const std::string name = fmt::format("evaluation {} version {}", v.evaluationId, v.version);
        if (evaluationContentHash(v) != v.contentHash) {
            report.problems.push_back(
                {Kind::VersionChanged, 0, v.evaluationId,
                 fmt::format("{} was changed after it was sealed: its content no longer matches "
                             "its hash",
                             name)});
            continue;
        }
        const auto found = sealed.find({v.evaluationId, v.version});
        if (found == sealed.end()) {
            report.problems.push_back(
                {Kind::VersionUnrecorded, 0, v.evaluationId,
                 fmt::format("{} is not in the audit log: written outside CallQC", name)});
            continue;
        }
        if (found->second.contentHash != v.contentHash || found->second.reason != v.reason) {
            report.problems.push_back(
                {Kind::VersionChanged, found->second.seq, v.evaluationId,
                 fmt::format("{} differs from what audit entry {} recorded when it was sealed",
                             name, found->second.seq)});
        }
    }
    for (const auto& [key, seal] : sealed) {
        if (!byKey.contains(key)) {
            report.problems.push_back(
                {Kind::VersionDeleted, seal.seq, key.first,
                 fmt::format("evaluation {} version {}, sealed in audit entry {}, is gone",
                             key.first, key.second, seal.seq)});
        }
    }

    // 3. Submitted evaluations against the version they show.
    auto heads = storage::submittedEvaluationHeads(db);
    if (!heads) {
        return tl::unexpected(fromStorage(heads.error()));
    }
    for (const auto& h : *heads) {
        ++report.evaluations;
        const auto& r = h.record;
        const std::string name =
            fmt::format("evaluation {} (call {}, inspector {})", r.id, h.callId, r.inspector);
        if (h.version == 0) {
            report.problems.push_back(
                {Kind::EvaluationUnsealed, 0, r.id,
                 fmt::format("{} is submitted but was never sealed: submitted before sealing "
                             "existed or written outside CallQC",
                             name)});
            continue;
        }
        const auto found = byKey.find({r.id, h.version});
        if (found == byKey.end()) {
            report.problems.push_back(
                {Kind::EvaluationChanged, 0, r.id,
                 fmt::format("{} shows version {}, which was never sealed", name, h.version)});
            continue;
        }
        if (evaluationContentHash(r.id, h.version, r) != found->second->contentHash) {
            report.problems.push_back(
                {Kind::EvaluationChanged, 0, r.id,
                 fmt::format("{} differs from its sealed version {}: edited outside CallQC", name,
                             h.version)});
        } else if (latest[r.id] > h.version) {
            report.problems.push_back({Kind::EvaluationChanged, 0, r.id,
                                       fmt::format("{} shows version {} but version {} exists",
                                                   name, h.version, latest[r.id])});
        }
    }
    auto gone = storage::sealedButNotSubmitted(db);
    if (!gone) {
        return tl::unexpected(fromStorage(gone.error()));
    }
    for (std::int64_t id : *gone) {
        report.problems.push_back(
            {Kind::EvaluationDeleted, 0, id,
             fmt::format("evaluation {} was sealed but is deleted or no longer submitted", id)});
    }
    return report;
}

} // namespace callqc::core
