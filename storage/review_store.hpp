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
    std::string inspector;   ///< whose queue the call goes to
    std::string explanation; ///< why, for people
};

/// Stores a sample batch drawn by `createdBy` and its queue items in one transaction; returns the
/// batch id.
[[nodiscard]] Result<std::int64_t> createBatch(Database& db, const std::string& callDate,
                                               int perAgent, std::uint64_t seed,
                                               const std::string& createdBy,
                                               const std::vector<QueuePick>& picks);

/// A call of the day as the sampling plan sees it.
struct SampleCandidateRow {
    std::int64_t recordingId = 0;
    std::string callId;
    std::string agentNo;
    std::string startTime; ///< 'YYYY-MM-DD HH:MM:SS'
    double durationSec = 0;
    bool complaint = false;
    bool evaluated = false; ///< has an evaluation (draft or submitted) by anyone
    bool focusAgent = false;
    std::string hireDate; ///< 'YYYY-MM-DD' or empty
    std::string agentName;
};

/// The calls of `callDate`, of one queue (技能组/项目) when `queue` is given.
[[nodiscard]] Result<std::vector<SampleCandidateRow>>
sampleCandidates(Database& db, const std::string& callDate,
                 const std::optional<std::string>& queue = std::nullopt);

/// Flags an agent for focused listening (重点监听) or clears it; NotFound for an unknown agent.
[[nodiscard]] Result<void> setAgentFocus(Database& db, const std::string& employeeNo, bool focus);
/// Sets an agent's hire date ('YYYY-MM-DD'); NotFound for an unknown agent.
[[nodiscard]] Result<void> setAgentHireDate(Database& db, const std::string& employeeNo,
                                            const std::string& hireDate);
/// Marks a call as having received a customer complaint, or clears it; NotFound when unknown.
[[nodiscard]] Result<void> setComplaint(Database& db, const std::string& callId, bool complaint);

struct QueueRow {
    std::int64_t recordingId = 0;
    std::string callId;
    std::string callDate;
    std::string startTime;
    std::string agentNo;
    std::string agentName;
    std::string team;
    double durationSec = 0;
    std::string reason; ///< code: "random", "focus", "new_hire", "complaint"
    std::string explanation;
    std::string status; ///< "" (not started), "draft" or "submitted"
    std::optional<double> score;
    int deadAirCount = 0;
    int overtalkCount = 0;
    std::string queue; ///< the call's queue (技能组/项目)
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

/// An evaluation from a row whose first columns are id, recording_id, checklist_id, inspector,
/// status, score, working, submitted_at (answers not loaded).
[[nodiscard]] EvaluationRecord readEvaluationRow(const Statement& row);
/// Loads the answers of evaluation `e.id` into `e`, by item id.
[[nodiscard]] Result<void> loadEvaluationAnswers(Database& db, EvaluationRecord& e);

/// Saves a draft or a submission of `inspector`'s evaluation of the recording, replacing an earlier
/// draft. A submitted evaluation is never overwritten: that is a Constraint error.
[[nodiscard]] Result<std::int64_t> saveEvaluation(Database& db, const EvaluationRecord& evaluation);
/// The same, for callers already inside Database::transaction (so it commits or rolls back with
/// what else they do).
[[nodiscard]] Result<std::int64_t> saveEvaluationWithin(Database& db,
                                                        const EvaluationRecord& evaluation);
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
    std::string queue; ///< the call's queue (技能组/项目)
    std::string team;  ///< the agent's team, "" when none
};

/// Submitted, scored evaluations of calls from `fromDate` to `toDate` (inclusive, 'YYYY-MM-DD'),
/// one row each, keyed by agent or team.
[[nodiscard]] Result<std::vector<ReportScoreRow>> submittedScores(Database& db, ReportGrouping by,
                                                                  const std::string& fromDate,
                                                                  const std::string& toDate);

/// What decides who may work on one call: its project, its agent's team, and whose queue it is
/// in.
struct CallScope {
    std::int64_t recordingId = 0;
    std::string callId;
    std::string queue; ///< the call's queue (技能组/项目)
    std::string team;  ///< the agent's team, "" when none
    /// The inspector whose queue the call is in: `preferInspector` when one of the call's queue
    /// items is theirs, else the latest queue item's inspector; "" when never sampled.
    std::string assignedInspector;
};

/// The scope of the recording with this id; NotFound when there is none.
[[nodiscard]] Result<CallScope> callScope(Database& db, std::int64_t recordingId,
                                          const std::string& preferInspector = "");
/// The same, by call id.
[[nodiscard]] Result<CallScope> callScopeByCallId(Database& db, const std::string& callId,
                                                  const std::string& preferInspector = "");

/// Whether the recording is in `inspector`'s queue (any batch).
[[nodiscard]] Result<bool> inQueueOf(Database& db, std::int64_t recordingId,
                                     const std::string& inspector);
/// Moves the recording's queue items from `from`'s queue to `to`'s; NotFound when `from` has
/// none of it.
[[nodiscard]] Result<void> moveQueueItems(Database& db, std::int64_t recordingId,
                                          const std::string& from, const std::string& to);

/// Where an agent works: their team and the queues of their calls.
struct AgentScope {
    std::string team;                ///< "" when none
    std::vector<std::string> queues; ///< distinct, sorted; empty when they have no calls
};

/// The scope of the agent with this employee number; NotFound when unknown.
[[nodiscard]] Result<AgentScope> agentScope(Database& db, const std::string& employeeNo);

} // namespace callqc::storage
