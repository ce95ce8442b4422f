#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.hpp"
#include "storage/review_store.hpp"

namespace callqc::storage {

/// An evaluation row as it stands, with what decides who may see and change it.
struct EvaluationHead {
    EvaluationRecord record; ///< with answers
    int version = 0;         ///< the sealed version it shows; 0 while not sealed
    std::string callId;
    std::string queue; ///< the call's project (技能组/项目)
    std::string team;  ///< the agent's team, "" when none
};

/// One sealed version of a submitted evaluation; never changed once stored.
struct EvaluationVersionRecord {
    std::int64_t evaluationId = 0;
    int version = 0; ///< 1 is the submission, each correction the next
    std::int64_t recordingId = 0;
    std::int64_t checklistId = 0;
    std::string inspector;
    std::optional<double> score;
    std::string working;
    std::vector<AnswerRecord> answers; ///< by item id
    bool answersReadable = true;       ///< false when the stored answers are not valid JSON
    std::string reason;                ///< "submitted" for version 1, else why it was corrected
    std::string createdBy;
    std::string createdAt; ///< UTC
    std::string contentHash;
};

/// The evaluation with this id, or none.
[[nodiscard]] Result<std::optional<EvaluationHead>> evaluationHead(Database& db,
                                                                   std::int64_t evaluationId);
/// Every submitted evaluation, with answers, by id.
[[nodiscard]] Result<std::vector<EvaluationHead>> submittedEvaluationHeads(Database& db);
/// Ids of evaluations that have sealed versions but no longer exist or are no longer submitted.
[[nodiscard]] Result<std::vector<std::int64_t>> sealedButNotSubmitted(Database& db);

/// Stores the next sealed version (the triggers refuse a gap or a repeat). Call inside
/// Database::transaction, followed by showEvaluationVersion().
[[nodiscard]] Result<void> insertEvaluationVersion(Database& db,
                                                   const EvaluationVersionRecord& version);
/// Makes the evaluation row show `version`: its checklist, score, working and answers become the
/// version's. The triggers allow this only for the version right after the one shown, once
/// stored. Call inside Database::transaction.
[[nodiscard]] Result<void> showEvaluationVersion(Database& db,
                                                 const EvaluationVersionRecord& version);
/// Every sealed version of the evaluation, oldest first.
[[nodiscard]] Result<std::vector<EvaluationVersionRecord>>
evaluationVersions(Database& db, std::int64_t evaluationId);
/// Every sealed version of every evaluation, by evaluation and version.
[[nodiscard]] Result<std::vector<EvaluationVersionRecord>> allEvaluationVersions(Database& db);

} // namespace callqc::storage
