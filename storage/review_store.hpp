#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "storage/database.hpp"

namespace callqc::storage {

struct ChecklistRecord {
    std::int64_t id = 0;
    std::string key;
    int version = 0;
    std::string name;
    std::string source; ///< the checklist file's text, frozen at first use
    std::string fingerprint;
};

/// Returns the stored checklist version with this fingerprint, storing it first if it is new.
[[nodiscard]] Result<ChecklistRecord> ensureChecklist(Database& db, const ChecklistRecord& wanted);
[[nodiscard]] Result<ChecklistRecord> checklistById(Database& db, std::int64_t id);

struct QueuePick {
    std::int64_t recordingId = 0;
    std::string reason;
};

/// Stores a sample batch and its queue items in one transaction; returns the batch id.
[[nodiscard]] Result<std::int64_t> createBatch(Database& db, const std::string& callDate,
                                               int perAgent, std::uint64_t seed,
                                               const std::string& inspector,
                                               const std::vector<QueuePick>& picks);

struct QueueRow {
    std::int64_t recordingId = 0;
    std::string callId;
    std::string callDate;
    std::string startTime;
    std::string agentNo;
    std::string agentName;
    std::string team;
    double durationSec = 0;
    std::string reason;
    std::string status; ///< "" (not started), "draft" or "submitted"
    std::optional<double> score;
    int deadAirCount = 0;
    int overtalkCount = 0;
};

/// The inspector's queue: items of every batch for `inspector`, on `callDate` when given, ordered
/// by call time.
[[nodiscard]] Result<std::vector<QueueRow>> queueFor(Database& db, const std::string& inspector,
                                                     const std::optional<std::string>& callDate);

struct AnswerRecord {
    std::string itemId;
    std::string value; ///< "pass" | "fail" | "na" | "points" | "deduction"
    double points = 0;
    int occurrences = 0;
    std::string comment;
    std::string suggested;        ///< what the tool suggested ("pass" | "fail" | ""), kept as is
    std::string suggestionReason; ///< why it suggested that
};

struct EvaluationRecord {
    std::int64_t id = 0;
    std::int64_t recordingId = 0;
    std::int64_t checklistId = 0;
    std::string inspector;
    std::string status; ///< "draft" | "submitted"
    std::optional<double> score;
    std::string working;
    std::string submittedAt;
    std::vector<AnswerRecord> answers;
};

/// Saves a draft or a submission of `inspector`'s evaluation of the recording, replacing an earlier
/// draft. A submitted evaluation is never overwritten: that is a Constraint error.
[[nodiscard]] Result<std::int64_t> saveEvaluation(Database& db, const EvaluationRecord& evaluation);
[[nodiscard]] Result<std::optional<EvaluationRecord>>
loadEvaluation(Database& db, std::int64_t recordingId, const std::string& inspector);

/// Every evaluation with `status` ("draft" or "submitted"), with answers, oldest first.
[[nodiscard]] Result<std::vector<EvaluationRecord>>
evaluationsWithStatus(Database& db, const std::string& status);

enum class ReportGrouping { Agent, Team };

struct ReportScoreRow {
    std::string groupKey;
    std::string groupLabel;
    double score = 0;
};

/// Submitted, scored evaluations of calls on `callDate`, one row each, keyed by agent or team.
[[nodiscard]] Result<std::vector<ReportScoreRow>> submittedScores(Database& db, ReportGrouping by,
                                                                  const std::string& callDate);

} // namespace callqc::storage
