#include "app/core/evaluation_history.hpp"

#include <fmt/format.h>

#include "app/core/audit.hpp"
#include "app/core/core_transaction.hpp"
#include "app/core/permissions.hpp"

namespace callqc::core {
namespace {

Subject subjectOf(const storage::EvaluationHead& head) {
    return Subject{head.queue, head.team, head.record.inspector};
}

CoreResult<storage::EvaluationHead> loadHead(storage::Database& db, std::int64_t evaluationId) {
    auto head = storage::evaluationHead(db, evaluationId);
    if (!head) {
        return tl::unexpected(fromStorage(head.error()));
    }
    if (!*head) {
        return tl::unexpected(
            CoreError{CoreError::Kind::NotFound, fmt::format("no evaluation {}", evaluationId)});
    }
    return std::move(**head);
}

nlohmann::json scoreJson(const std::optional<double>& score) {
    return score ? nlohmann::json(*score) : nlohmann::json(nullptr);
}

/// Stores `v` (content and version set, hash not yet), shows it and audits it. Inside a
/// transaction.
CoreResult<void> storeVersion(storage::Database& db, const Actor& actor,
                              storage::EvaluationVersionRecord v, const std::string& callId,
                              const std::optional<double>& previousScore, const Clock& clock) {
    v.createdBy = actor.user;
    v.createdAt = isoUtc(clock());
    v.contentHash = evaluationContentHash(v);
    if (auto ok = storage::insertEvaluationVersion(db, v); !ok) {
        return tl::unexpected(fromStorage(ok.error()));
    }
    if (auto ok = storage::showEvaluationVersion(db, v); !ok) {
        return tl::unexpected(fromStorage(ok.error()));
    }
    nlohmann::json detail{{"evaluation_id", v.evaluationId},
                          {"version", v.version},
                          {"content_hash", v.contentHash},
                          {"reason", v.reason},
                          {"call_id", callId},
                          {"inspector", v.inspector},
                          {"score", scoreJson(v.score)}};
    if (v.version > 1) {
        detail["previous_score"] = scoreJson(previousScore);
    }
    auto recorded =
        recordAuditWithin(db,
                          {actor.user, v.version == 1 ? "evaluation.submit" : "evaluation.revise",
                           fmt::format("evaluation:{}", v.evaluationId), detail},
                          clock);
    if (!recorded) {
        return tl::unexpected(recorded.error());
    }
    return {};
}

storage::EvaluationVersionRecord firstVersion(const storage::EvaluationHead& head) {
    const auto& r = head.record;
    storage::EvaluationVersionRecord v;
    v.evaluationId = r.id;
    v.version = 1;
    v.recordingId = r.recordingId;
    v.checklistId = r.checklistId;
    v.inspector = r.inspector;
    v.score = r.score;
    v.working = r.working;
    v.answers = r.answers;
    v.reason = "submitted";
    return v;
}

CoreResult<int> sealWithin(storage::Database& db, const Actor& actor,
                           const storage::EvaluationHead& head, const Clock& clock) {
    if (head.record.status != "submitted") {
        return tl::unexpected(
            CoreError{CoreError::Kind::Input,
                      fmt::format("evaluation {} is a draft: only a submitted evaluation is sealed",
                                  head.record.id)});
    }
    if (head.version > 0) {
        return head.version;
    }
    if (auto ok = storeVersion(db, actor, firstVersion(head), head.callId, std::nullopt, clock);
        !ok) {
        return tl::unexpected(ok.error());
    }
    return 1;
}

} // namespace

CoreResult<int> sealEvaluationWithin(storage::Database& db, const Actor& actor,
                                     std::int64_t evaluationId, const Clock& clock) {
    auto head = loadHead(db, evaluationId);
    if (!head) {
        return tl::unexpected(head.error());
    }
    if (auto refusal = authorize(actor, Action::ScoreCall, subjectOf(*head))) {
        return tl::unexpected(*refusal);
    }
    return sealWithin(db, actor, *head, clock);
}

CoreResult<int> sealEvaluation(storage::Database& db, const Actor& actor, std::int64_t evaluationId,
                               const Clock& clock) {
    return coreTransaction(db,
                           [&] { return sealEvaluationWithin(db, actor, evaluationId, clock); });
}

CoreResult<int> sealUnsealedEvaluations(storage::Database& db, const Actor& actor,
                                        const Clock& clock) {
    if (actor.role != Role::Administrator && actor.role != Role::Supervisor) {
        return tl::unexpected(CoreError{
            CoreError::Kind::Refused,
            fmt::format("{} ({}) may not seal others' evaluations: administrators and quality "
                        "supervisors do",
                        actor.user, roleLabel(actor.role))});
    }
    return coreTransaction(db, [&]() -> CoreResult<int> {
        auto heads = storage::submittedEvaluationHeads(db);
        if (!heads) {
            return tl::unexpected(fromStorage(heads.error()));
        }
        int sealedCount = 0;
        for (const auto& head : *heads) {
            if (head.version > 0) {
                continue;
            }
            if (auto ok = sealWithin(db, actor, head, clock); !ok) {
                return tl::unexpected(ok.error());
            }
            ++sealedCount;
        }
        return sealedCount;
    });
}

CoreResult<int> reviseEvaluation(storage::Database& db, const Actor& actor,
                                 std::int64_t evaluationId, const EvaluationCorrection& correction,
                                 const std::string& reason, const Clock& clock) {
    if (reason.find_first_not_of(" \t\r\n") == std::string::npos) {
        return tl::unexpected(
            CoreError{CoreError::Kind::Input,
                      fmt::format("a correction of evaluation {} needs a reason", evaluationId)});
    }
    return coreTransaction(db, [&]() -> CoreResult<int> {
        auto head = loadHead(db, evaluationId);
        if (!head) {
            return tl::unexpected(head.error());
        }
        if (auto refusal = authorize(actor, Action::ReviseEvaluation, subjectOf(*head))) {
            return tl::unexpected(*refusal);
        }
        auto shown = sealWithin(db, actor, *head, clock);
        if (!shown) {
            return tl::unexpected(shown.error());
        }
        storage::EvaluationVersionRecord v;
        v.evaluationId = head->record.id;
        v.version = *shown + 1;
        v.recordingId = head->record.recordingId;
        v.checklistId = correction.checklistId;
        v.inspector = head->record.inspector;
        v.score = correction.score;
        v.working = correction.working;
        v.answers = correction.answers;
        v.reason = reason;
        if (auto ok = storeVersion(db, actor, v, head->callId, head->record.score, clock); !ok) {
            return tl::unexpected(ok.error());
        }
        return v.version;
    });
}

CoreResult<std::vector<storage::EvaluationVersionRecord>>
evaluationHistory(storage::Database& db, const Actor& actor, std::int64_t evaluationId) {
    auto head = loadHead(db, evaluationId);
    if (!head) {
        return tl::unexpected(head.error());
    }
    if (auto refusal = authorize(actor, Action::ReadEvaluation, subjectOf(*head))) {
        return tl::unexpected(*refusal);
    }
    auto versions = storage::evaluationVersions(db, evaluationId);
    if (!versions) {
        return tl::unexpected(fromStorage(versions.error()));
    }
    return std::move(*versions);
}

} // namespace callqc::core
