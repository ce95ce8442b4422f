#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/core/auth.hpp"
#include "app/core/core_error.hpp"
#include "storage/database.hpp"
#include "storage/evaluation_version_store.hpp"
#include "storage/review_store.hpp"

namespace callqc::core {

/// Seals a submitted evaluation as version 1: its content is copied to evaluation_versions with
/// its hash, and an "evaluation.submit" audit entry records the hash. From then on the row and
/// its answers are immutable (schema triggers) and verifyAuditChain() detects a direct edit.
/// Returns the version the evaluation shows (1, or more if it was sealed and revised before:
/// sealing is idempotent). Refused unless `actor` may score the call and it is assigned to them
/// (the evaluation is theirs); Input error for a draft.
[[nodiscard]] CoreResult<int> sealEvaluation(storage::Database& db, const Actor& actor,
                                             std::int64_t evaluationId,
                                             const Clock& clock = systemClock());
/// The same, for callers already inside Database::transaction: Session::saveEvaluation stores a
/// submission and seals it in one transaction, so a submission is never left unsealed.
[[nodiscard]] CoreResult<int> sealEvaluationWithin(storage::Database& db, const Actor& actor,
                                                   std::int64_t evaluationId, const Clock& clock);

/// Seals every submitted evaluation not yet sealed (those submitted before sealing existed), in
/// the name of `actor`, an administrator or supervisor vouching for them. Returns how many.
[[nodiscard]] CoreResult<int> sealUnsealedEvaluations(storage::Database& db, const Actor& actor,
                                                      const Clock& clock = systemClock());

/// The corrected content of an evaluation, scored by the caller (Session scores answers with
/// the checklist version).
struct EvaluationCorrection {
    std::int64_t checklistId = 0;
    std::optional<double> score;
    std::string working;
    std::vector<storage::AnswerRecord> answers;
};

/// Corrects a submitted evaluation: stores the next version with `reason`, makes the evaluation
/// row show it (so reports use it) and audits "evaluation.revise" with the old and new score.
/// Every earlier version stays readable (evaluationHistory). Refused unless `actor` may revise
/// evaluations of that call (the inspector their own, a supervisor in their projects); Input
/// error for an empty reason or a draft. Returns the new version number.
[[nodiscard]] CoreResult<int> reviseEvaluation(storage::Database& db, const Actor& actor,
                                               std::int64_t evaluationId,
                                               const EvaluationCorrection& correction,
                                               const std::string& reason,
                                               const Clock& clock = systemClock());

/// Every sealed version of the evaluation, oldest first; refused unless `actor` may read
/// evaluations of that call.
[[nodiscard]] CoreResult<std::vector<storage::EvaluationVersionRecord>>
evaluationHistory(storage::Database& db, const Actor& actor, std::int64_t evaluationId);

} // namespace callqc::core
