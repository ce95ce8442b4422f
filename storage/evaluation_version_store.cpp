#include "storage/evaluation_version_store.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace callqc::storage {
namespace {

constexpr std::string_view kHeadColumns =
    "SELECT e.id, e.recording_id, e.checklist_id, e.inspector, e.status, e.score, e.working, "
    "COALESCE(e.submitted_at, ''), e.version, r.call_id, r.queue, COALESCE(t.name, '') "
    "FROM evaluations e JOIN recordings r ON r.id = e.recording_id "
    "JOIN agents a ON a.id = r.agent_id LEFT JOIN teams t ON t.id = a.team_id ";

EvaluationHead readHead(const Statement& s) {
    EvaluationHead h;
    h.record = readEvaluationRow(s);
    h.version = static_cast<int>(s.getInt(8));
    h.callId = s.getText(9);
    h.queue = s.getText(10);
    h.team = s.getText(11);
    return h;
}

std::string answersJson(const std::vector<AnswerRecord>& answers) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& a : answers) {
        list.push_back({{"item_id", a.itemId},
                        {"value", a.value},
                        {"points", a.points},
                        {"occurrences", a.occurrences},
                        {"comment", a.comment},
                        {"suggested", a.suggested},
                        {"suggestion_reason", a.suggestionReason}});
    }
    return list.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

/// The answers of a stored version; false when the text is not the JSON answersJson() writes.
bool parseAnswers(const std::string& text, std::vector<AnswerRecord>& out) {
    const auto doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_array()) {
        return false;
    }
    try {
        for (const auto& a : doc) {
            out.push_back(AnswerRecord{
                a.at("item_id").get<std::string>(), a.at("value").get<std::string>(),
                a.at("points").get<double>(), a.at("occurrences").get<int>(),
                a.at("comment").get<std::string>(), a.at("suggested").get<std::string>(),
                a.at("suggestion_reason").get<std::string>()});
        }
    } catch (const nlohmann::json::exception&) {
        out.clear();
        return false;
    }
    return true;
}

constexpr std::string_view kVersionColumns =
    "SELECT evaluation_id, version, recording_id, checklist_id, inspector, score, working, "
    "answers, reason, created_by, created_at, content_hash FROM evaluation_versions ";

EvaluationVersionRecord readVersion(const Statement& s) {
    EvaluationVersionRecord v;
    v.evaluationId = s.getInt(0);
    v.version = static_cast<int>(s.getInt(1));
    v.recordingId = s.getInt(2);
    v.checklistId = s.getInt(3);
    v.inspector = s.getText(4);
    if (!s.isNull(5)) {
        v.score = s.getDouble(5);
    }
    v.working = s.getText(6);
    v.answersReadable = parseAnswers(s.getText(7), v.answers);
    v.reason = s.getText(8);
    v.createdBy = s.getText(9);
    v.createdAt = s.getText(10);
    v.contentHash = s.getText(11);
    return v;
}

} // namespace

Result<std::optional<EvaluationHead>> evaluationHead(Database& db, std::int64_t evaluationId) {
    auto stmt = db.prepare(fmt::format("{} WHERE e.id = ?", kHeadColumns));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(evaluationId);
    auto heads = collect<EvaluationHead>(*stmt, readHead);
    if (!heads) {
        return tl::unexpected(heads.error());
    }
    if (heads->empty()) {
        return std::optional<EvaluationHead>{};
    }
    EvaluationHead head = std::move(heads->front());
    if (auto ok = loadEvaluationAnswers(db, head.record); !ok) {
        return tl::unexpected(ok.error());
    }
    return std::optional<EvaluationHead>(std::move(head));
}

Result<std::vector<EvaluationHead>> submittedEvaluationHeads(Database& db) {
    auto stmt =
        db.prepare(fmt::format("{} WHERE e.status = 'submitted' ORDER BY e.id", kHeadColumns));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    auto heads = collect<EvaluationHead>(*stmt, readHead);
    if (!heads) {
        return tl::unexpected(heads.error());
    }
    for (auto& head : *heads) {
        if (auto ok = loadEvaluationAnswers(db, head.record); !ok) {
            return tl::unexpected(ok.error());
        }
    }
    return heads;
}

Result<std::vector<std::int64_t>> sealedButNotSubmitted(Database& db) {
    auto stmt =
        db.prepare("SELECT DISTINCT v.evaluation_id FROM evaluation_versions v "
                   "LEFT JOIN evaluations e ON e.id = v.evaluation_id "
                   "WHERE e.id IS NULL OR e.status <> 'submitted' ORDER BY v.evaluation_id");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    return collect<std::int64_t>(*stmt, [](const Statement& s) { return s.getInt(0); });
}

Result<void> insertEvaluationVersion(Database& db, const EvaluationVersionRecord& v) {
    auto stmt = db.prepare("INSERT INTO evaluation_versions(evaluation_id, version, recording_id, "
                           "checklist_id, inspector, score, working, answers, reason, created_by, "
                           "created_at, content_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(v.evaluationId, v.version, v.recordingId, v.checklistId, v.inspector, v.score,
                  v.working, answersJson(v.answers), v.reason, v.createdBy, v.createdAt,
                  v.contentHash);
    return stmt->run();
}

Result<void> showEvaluationVersion(Database& db, const EvaluationVersionRecord& v) {
    // Answers first: the triggers allow replacing them while the stored version is ahead of the
    // one the row shows, and the row moves to it last.
    auto clear = db.prepare("DELETE FROM evaluation_answers WHERE evaluation_id = ?");
    if (!clear) {
        return tl::unexpected(clear.error());
    }
    clear->bindAll(v.evaluationId);
    if (auto ok = clear->run(); !ok) {
        return ok;
    }
    auto answer = db.prepare("INSERT INTO evaluation_answers(evaluation_id, item_id, value, "
                             "points, occurrences, comment, suggested, suggestion_reason) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    if (!answer) {
        return tl::unexpected(answer.error());
    }
    for (const auto& a : v.answers) {
        answer->bindAll(v.evaluationId, a.itemId, a.value, a.points, a.occurrences, a.comment,
                        a.suggested, a.suggestionReason);
        if (auto ok = answer->run(); !ok) {
            return ok;
        }
    }
    auto head = db.prepare("UPDATE evaluations SET checklist_id = ?, score = ?, working = ?, "
                           "version = ?, updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now') "
                           "WHERE id = ? AND status = 'submitted'");
    if (!head) {
        return tl::unexpected(head.error());
    }
    head->bindAll(v.checklistId, v.score, v.working, v.version, v.evaluationId);
    return head->run();
}

Result<std::vector<EvaluationVersionRecord>> evaluationVersions(Database& db,
                                                                std::int64_t evaluationId) {
    auto stmt =
        db.prepare(fmt::format("{} WHERE evaluation_id = ? ORDER BY version", kVersionColumns));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(evaluationId);
    return collect<EvaluationVersionRecord>(*stmt, readVersion);
}

Result<std::vector<EvaluationVersionRecord>> allEvaluationVersions(Database& db) {
    auto stmt = db.prepare(fmt::format("{} ORDER BY evaluation_id, version", kVersionColumns));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    return collect<EvaluationVersionRecord>(*stmt, readVersion);
}

} // namespace callqc::storage
