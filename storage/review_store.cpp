#include "storage/review_store.hpp"

#include <fmt/format.h>

namespace callqc::storage {
namespace {

ChecklistRecord readChecklist(const Statement& s) {
    return {s.getInt(0),  s.getText(1), static_cast<int>(s.getInt(2)),
            s.getText(3), s.getText(4), s.getText(5)};
}

constexpr std::string_view kChecklistColumns =
    "SELECT id, checklist_key, version, name, source, fingerprint FROM checklists ";

} // namespace

Result<ChecklistRecord> ensureChecklist(Database& db, const ChecklistRecord& wanted) {
    return db.transaction([&]() -> Result<ChecklistRecord> {
        auto find = db.prepare(fmt::format("{} WHERE fingerprint = ?", kChecklistColumns));
        if (!find) {
            return tl::unexpected(find.error());
        }
        find->bindAll(wanted.fingerprint);
        auto row = find->step();
        if (!row) {
            return tl::unexpected(row.error());
        }
        if (*row) {
            return readChecklist(*find);
        }
        // A changed file under the same key and version becomes the next free version.
        auto next = db.prepare("SELECT COALESCE(MAX(version), 0) FROM checklists "
                               "WHERE checklist_key = ?");
        if (!next) {
            return tl::unexpected(next.error());
        }
        next->bindAll(wanted.key);
        if (auto stepped = next->step(); !stepped) {
            return tl::unexpected(stepped.error());
        }
        ChecklistRecord stored = wanted;
        stored.version = std::max(wanted.version, static_cast<int>(next->getInt(0)) + 1);
        auto insert = db.prepare("INSERT INTO checklists(checklist_key, version, name, source, "
                                 "fingerprint) VALUES (?, ?, ?, ?, ?)");
        if (!insert) {
            return tl::unexpected(insert.error());
        }
        insert->bindAll(stored.key, stored.version, stored.name, stored.source, stored.fingerprint);
        if (auto ok = insert->run(); !ok) {
            return tl::unexpected(ok.error());
        }
        stored.id = db.lastInsertId();
        return stored;
    });
}

Result<ChecklistRecord> checklistById(Database& db, std::int64_t id) {
    auto stmt = db.prepare(fmt::format("{} WHERE id = ?", kChecklistColumns));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(id);
    auto row = stmt->step();
    if (!row) {
        return tl::unexpected(row.error());
    }
    if (!*row) {
        return tl::unexpected(
            StorageError{StorageError::Kind::NotFound, fmt::format("no checklist with id {}", id)});
    }
    return readChecklist(*stmt);
}

Result<std::int64_t> createBatch(Database& db, const std::string& callDate, int perAgent,
                                 std::uint64_t seed, const std::string& createdBy,
                                 const std::vector<QueuePick>& picks) {
    return db.transaction([&]() -> Result<std::int64_t> {
        auto batch = db.prepare("INSERT INTO sample_batches(call_date, per_agent, seed, "
                                "created_by) VALUES (?, ?, ?, ?)");
        if (!batch) {
            return tl::unexpected(batch.error());
        }
        batch->bindAll(callDate, perAgent, static_cast<std::int64_t>(seed), createdBy);
        if (auto ok = batch->run(); !ok) {
            return tl::unexpected(ok.error());
        }
        const std::int64_t batchId = db.lastInsertId();
        auto item = db.prepare("INSERT INTO queue_items(batch_id, recording_id, inspector, reason, "
                               "explanation) VALUES (?, ?, ?, ?, ?)");
        if (!item) {
            return tl::unexpected(item.error());
        }
        for (const auto& pick : picks) {
            item->bindAll(batchId, pick.recordingId, pick.inspector, pick.reason, pick.explanation);
            if (auto ok = item->run(); !ok) {
                return tl::unexpected(ok.error());
            }
        }
        return batchId;
    });
}

Result<std::vector<SampleCandidateRow>> sampleCandidates(Database& db, const std::string& callDate,
                                                         const std::optional<std::string>& queue) {
    auto stmt = db.prepare(
        "SELECT r.id, r.call_id, a.employee_no, r.start_time, r.duration_sec, r.complaint, "
        "EXISTS (SELECT 1 FROM evaluations e WHERE e.recording_id = r.id), a.focus, a.hire_date, "
        "a.name "
        "FROM recordings r JOIN agents a ON a.id = r.agent_id "
        "WHERE r.call_date = ?1 AND (?2 IS NULL OR r.queue = ?2) ORDER BY r.call_id");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(callDate, queue);
    return collect<SampleCandidateRow>(*stmt, [](const Statement& s) {
        return SampleCandidateRow{
            s.getInt(0),      s.getText(1),     s.getText(2),     s.getText(3), s.getDouble(4),
            s.getInt(5) != 0, s.getInt(6) != 0, s.getInt(7) != 0, s.getText(8), s.getText(9)};
    });
}

namespace {} // namespace

Result<void> setAgentFocus(Database& db, const std::string& employeeNo, bool focus) {
    return updateExisting(db, "UPDATE agents SET focus = ? WHERE employee_no = ?",
                          fmt::format("no agent \"{}\"", employeeNo), focus ? 1 : 0, employeeNo);
}

Result<void> setAgentHireDate(Database& db, const std::string& employeeNo,
                              const std::string& hireDate) {
    return updateExisting(db, "UPDATE agents SET hire_date = ? WHERE employee_no = ?",
                          fmt::format("no agent \"{}\"", employeeNo), hireDate, employeeNo);
}

Result<void> setComplaint(Database& db, const std::string& callId, bool complaint) {
    return updateExisting(db, "UPDATE recordings SET complaint = ? WHERE call_id = ?",
                          fmt::format("no call \"{}\"", callId), complaint ? 1 : 0, callId);
}

Result<std::vector<QueueRow>> queueFor(Database& db, const std::string& inspector,
                                       const std::optional<std::string>& callDate) {
    auto stmt = db.prepare(
        "SELECT r.id, r.call_id, r.call_date, r.start_time, a.employee_no, a.name, "
        "COALESCE(t.name, ''), r.duration_sec, MIN(q.reason), MIN(q.explanation), "
        "COALESCE(e.status, ''), e.score, "
        "COALESCE(json_array_length(p.dead_air), 0), COALESCE(json_array_length(p.overtalk), 0), "
        "r.queue "
        "FROM queue_items q JOIN recordings r ON r.id = q.recording_id "
        "JOIN agents a ON a.id = r.agent_id LEFT JOIN teams t ON t.id = a.team_id "
        "LEFT JOIN audio_profiles p ON p.recording_id = r.id "
        "LEFT JOIN evaluations e ON e.recording_id = r.id AND e.inspector = q.inspector "
        "WHERE q.inspector = ?1 AND (?2 IS NULL OR r.call_date = ?2) "
        "GROUP BY r.id ORDER BY r.start_time, r.call_id");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(inspector, callDate);
    return collect<QueueRow>(*stmt, [](const Statement& s) {
        QueueRow q;
        q.recordingId = s.getInt(0);
        q.callId = s.getText(1);
        q.callDate = s.getText(2);
        q.startTime = s.getText(3);
        q.agentNo = s.getText(4);
        q.agentName = s.getText(5);
        q.team = s.getText(6);
        q.durationSec = s.getDouble(7);
        q.reason = s.getText(8);
        q.explanation = s.getText(9);
        q.status = s.getText(10);
        if (!s.isNull(11)) {
            q.score = s.getDouble(11);
        }
        q.deadAirCount = static_cast<int>(s.getInt(12));
        q.overtalkCount = static_cast<int>(s.getInt(13));
        q.queue = s.getText(14);
        return q;
    });
}

Result<std::int64_t> saveEvaluationWithin(Database& db, const EvaluationRecord& e) {
    auto existing =
        db.prepare("SELECT id, status FROM evaluations WHERE recording_id = ? AND inspector = ?");
    if (!existing) {
        return tl::unexpected(existing.error());
    }
    existing->bindAll(e.recordingId, e.inspector);
    auto row = existing->step();
    if (!row) {
        return tl::unexpected(row.error());
    }
    std::int64_t id = 0;
    if (*row) {
        id = existing->getInt(0);
        if (existing->getText(1) == "submitted") {
            return tl::unexpected(StorageError{
                StorageError::Kind::Constraint,
                fmt::format("evaluation {} of recording {} by {} is already submitted and "
                            "cannot be changed",
                            id, e.recordingId, e.inspector)});
        }
    }
    auto upsert = db.prepare(
        "INSERT INTO evaluations(recording_id, checklist_id, inspector, status, score, "
        "working, submitted_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, CASE WHEN ?4 = 'submitted' "
        "THEN strftime('%Y-%m-%dT%H:%M:%SZ', 'now') END) "
        "ON CONFLICT(recording_id, inspector) DO UPDATE SET checklist_id = "
        "excluded.checklist_id, "
        "status = excluded.status, score = excluded.score, working = excluded.working, "
        "submitted_at = excluded.submitted_at, "
        "updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') RETURNING id");
    if (!upsert) {
        return tl::unexpected(upsert.error());
    }
    upsert->bindAll(e.recordingId, e.checklistId, e.inspector, e.status, e.score, e.working);
    auto saved = upsert->step();
    if (!saved) {
        return tl::unexpected(saved.error());
    }
    id = upsert->getInt(0);
    upsert->reset();

    auto clear = db.prepare("DELETE FROM evaluation_answers WHERE evaluation_id = ?");
    if (!clear) {
        return tl::unexpected(clear.error());
    }
    clear->bindAll(id);
    if (auto ok = clear->run(); !ok) {
        return tl::unexpected(ok.error());
    }
    auto answer = db.prepare("INSERT INTO evaluation_answers(evaluation_id, item_id, value, "
                             "points, occurrences, comment, suggested, suggestion_reason) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!answer) {
        return tl::unexpected(answer.error());
    }
    for (const auto& a : e.answers) {
        answer->bindAll(id, a.itemId, a.value, a.points, a.occurrences, a.comment, a.suggested,
                        a.suggestionReason);
        if (auto ok = answer->run(); !ok) {
            return tl::unexpected(ok.error());
        }
    }
    return id;
}

Result<std::int64_t> saveEvaluation(Database& db, const EvaluationRecord& e) {
    return db.transaction([&] { return saveEvaluationWithin(db, e); });
}

namespace {

constexpr std::string_view kEvaluationColumns =
    "SELECT id, recording_id, checklist_id, inspector, status, score, working, "
    "COALESCE(submitted_at, '') FROM evaluations ";

} // namespace

EvaluationRecord readEvaluationRow(const Statement& s) {
    EvaluationRecord e;
    e.id = s.getInt(0);
    e.recordingId = s.getInt(1);
    e.checklistId = s.getInt(2);
    e.inspector = s.getText(3);
    e.status = s.getText(4);
    if (!s.isNull(5)) {
        e.score = s.getDouble(5);
    }
    e.working = s.getText(6);
    e.submittedAt = s.getText(7);
    return e;
}

Result<void> loadEvaluationAnswers(Database& db, EvaluationRecord& e) {
    auto answers = db.prepare("SELECT item_id, value, points, occurrences, comment, suggested, "
                              "suggestion_reason FROM evaluation_answers WHERE evaluation_id = ? "
                              "ORDER BY item_id");
    if (!answers) {
        return tl::unexpected(answers.error());
    }
    answers->bindAll(e.id);
    auto list = collect<AnswerRecord>(*answers, [](const Statement& s) {
        return AnswerRecord{
            s.getText(0), s.getText(1), s.getDouble(2), static_cast<int>(s.getInt(3)),
            s.getText(4), s.getText(5), s.getText(6)};
    });
    if (!list) {
        return tl::unexpected(list.error());
    }
    e.answers = std::move(*list);
    return {};
}

Result<std::optional<EvaluationRecord>> loadEvaluation(Database& db, std::int64_t recordingId,
                                                       const std::string& inspector) {
    auto stmt =
        db.prepare(fmt::format("{} WHERE recording_id = ? AND inspector = ?", kEvaluationColumns));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(recordingId, inspector);
    auto row = stmt->step();
    if (!row) {
        return tl::unexpected(row.error());
    }
    if (!*row) {
        return std::optional<EvaluationRecord>{};
    }
    EvaluationRecord e = readEvaluationRow(*stmt);
    if (auto loaded = loadEvaluationAnswers(db, e); !loaded) {
        return tl::unexpected(loaded.error());
    }
    return e;
}

Result<std::vector<EvaluationRecord>> evaluationsWithStatus(Database& db,
                                                            const std::string& status) {
    auto stmt = db.prepare(fmt::format("{} WHERE status = ? ORDER BY id", kEvaluationColumns));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(status);
    auto list = collect<EvaluationRecord>(*stmt, readEvaluationRow);
    if (!list) {
        return tl::unexpected(list.error());
    }
    for (auto& e : *list) {
        if (auto loaded = loadEvaluationAnswers(db, e); !loaded) {
            return tl::unexpected(loaded.error());
        }
    }
    return list;
}

Result<std::vector<ReportScoreRow>> submittedScores(Database& db, ReportGrouping by,
                                                    const std::string& fromDate,
                                                    const std::string& toDate) {
    const std::string_view key = by == ReportGrouping::Agent ? "a.employee_no" : "t.name";
    const std::string_view label = by == ReportGrouping::Agent ? "a.name" : "t.name";
    auto stmt = db.prepare(fmt::format(
        "SELECT COALESCE({0}, ''), COALESCE({1}, ''), e.score, r.queue, COALESCE(t.name, '') "
        "FROM evaluations e "
        "JOIN recordings r ON r.id = e.recording_id JOIN agents a ON a.id = r.agent_id "
        "LEFT JOIN teams t ON t.id = a.team_id "
        "WHERE e.status = 'submitted' AND e.score IS NOT NULL AND r.call_date BETWEEN ? AND ? "
        "ORDER BY 1, r.call_id",
        key, label));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(fromDate, toDate);
    return collect<ReportScoreRow>(*stmt, [](const Statement& s) {
        return ReportScoreRow{s.getText(0), s.getText(1), s.getDouble(2), s.getText(3),
                              s.getText(4)};
    });
}

namespace {

Result<CallScope> callScopeWhere(Database& db, std::string_view where, const auto& key,
                                 const std::string& preferInspector, const std::string& missing) {
    auto stmt = db.prepare(fmt::format(
        "SELECT r.id, r.call_id, r.queue, COALESCE(t.name, ''), COALESCE("
        "(SELECT q.inspector FROM queue_items q WHERE q.recording_id = r.id AND q.inspector = ?2), "
        "(SELECT q.inspector FROM queue_items q WHERE q.recording_id = r.id "
        "ORDER BY q.id DESC LIMIT 1), '') "
        "FROM recordings r JOIN agents a ON a.id = r.agent_id "
        "LEFT JOIN teams t ON t.id = a.team_id WHERE {}",
        where));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(key, preferInspector);
    auto row = stmt->step();
    if (!row) {
        return tl::unexpected(row.error());
    }
    if (!*row) {
        return tl::unexpected(StorageError{StorageError::Kind::NotFound, missing});
    }
    return CallScope{stmt->getInt(0), stmt->getText(1), stmt->getText(2), stmt->getText(3),
                     stmt->getText(4)};
}

} // namespace

Result<CallScope> callScope(Database& db, std::int64_t recordingId,
                            const std::string& preferInspector) {
    return callScopeWhere(db, "r.id = ?1", recordingId, preferInspector,
                          fmt::format("no recording with id {}", recordingId));
}

Result<CallScope> callScopeByCallId(Database& db, const std::string& callId,
                                    const std::string& preferInspector) {
    return callScopeWhere(db, "r.call_id = ?1", callId, preferInspector,
                          fmt::format("no call \"{}\"", callId));
}

Result<bool> inQueueOf(Database& db, std::int64_t recordingId, const std::string& inspector) {
    auto stmt =
        db.prepare("SELECT 1 FROM queue_items WHERE recording_id = ? AND inspector = ? LIMIT 1");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(recordingId, inspector);
    return stmt->step();
}

Result<void> moveQueueItems(Database& db, std::int64_t recordingId, const std::string& from,
                            const std::string& to) {
    return updateExisting(
        db, "UPDATE queue_items SET inspector = ?3 WHERE recording_id = ?1 AND inspector = ?2",
        fmt::format("recording {} is not in {}'s queue", recordingId, from), recordingId, from, to);
}

Result<AgentScope> agentScope(Database& db, const std::string& employeeNo) {
    auto agent = db.prepare("SELECT a.id, COALESCE(t.name, '') FROM agents a "
                            "LEFT JOIN teams t ON t.id = a.team_id WHERE a.employee_no = ?");
    if (!agent) {
        return tl::unexpected(agent.error());
    }
    agent->bindAll(employeeNo);
    auto row = agent->step();
    if (!row) {
        return tl::unexpected(row.error());
    }
    if (!*row) {
        return tl::unexpected(
            StorageError{StorageError::Kind::NotFound, fmt::format("no agent \"{}\"", employeeNo)});
    }
    AgentScope scope;
    scope.team = agent->getText(1);
    auto queues =
        db.prepare("SELECT DISTINCT queue FROM recordings WHERE agent_id = ? ORDER BY queue");
    if (!queues) {
        return tl::unexpected(queues.error());
    }
    queues->bindAll(agent->getInt(0));
    auto list = collect<std::string>(*queues, [](const Statement& s) { return s.getText(0); });
    if (!list) {
        return tl::unexpected(list.error());
    }
    scope.queues = std::move(*list);
    return scope;
}

} // namespace callqc::storage
