#include "app/cli/evaluation_command.hpp"

#include <charconv>
#include <cstdio>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/cli/failure.hpp"
#include "app/cli/sign_in.hpp"
#include "app/core/session.hpp"
#include "storage/review_store.hpp"

namespace callqc::cli {
namespace {

/// "1.2=fail" → {"1.2", "fail"}; none without '=' or with an empty side.
std::optional<std::pair<std::string, std::string>> splitAssignment(const std::string& text) {
    const auto at = text.find('=');
    if (at == std::string::npos || at == 0 || at + 1 == text.size()) {
        return std::nullopt;
    }
    return std::pair(text.substr(0, at), text.substr(at + 1));
}

nlohmann::json scoreJson(const std::optional<double>& score) {
    return score ? nlohmann::json(*score) : nlohmann::json(nullptr);
}

std::string scoreText(const std::optional<double>& score) {
    return score ? fmt::format("{:.1f}", *score) : std::string("-");
}

} // namespace

EvaluationCommands::EvaluationCommands(CLI::App& app)
    : m_revise(app.add_subcommand("revise",
                                  "correct a submitted evaluation: a new version with the reason")),
      m_history(app.add_subcommand("history", "every version of a call's evaluation")),
      m_dbPath(core::defaultDatabasePath().string()) {
    for (auto* command : {m_revise, m_history}) {
        command->add_option("CALL_ID", m_callId, "the call")->required();
        command->add_option("--inspector", m_inspector,
                            "whose evaluation (default: the acting user)");
        command->add_option("--db", m_dbPath,
                            "SQLite database (default: $CALLQC_DB or per-user path)");
        command->add_option("--user", m_user,
                            "who is acting (default: $CALLQC_USER); the password comes from "
                            "$CALLQC_PASSWORD or a prompt");
        command->add_flag("--json", m_json, "machine-readable output");
    }
    m_revise
        ->add_option("--set", m_sets,
                     "ITEM=pass|fail|na, or ITEM=N for the points or occurrences of an item "
                     "(repeatable)")
        ->required();
    m_revise->add_option("--comment", m_comments, "ITEM=TEXT: the item's comment (repeatable)");
    m_revise->add_option("--reason", m_reason, "why it is corrected (kept with the version)")
        ->required();
}

bool EvaluationCommands::parsed() const {
    return m_revise->parsed() || m_history->parsed();
}

int EvaluationCommands::run() const {
    return m_revise->parsed() ? runRevise() : runHistory();
}

int EvaluationCommands::runRevise() const {
    std::map<std::string, core::AnswerChange> changes;
    for (const auto& text : m_sets) {
        const auto set = splitAssignment(text);
        if (!set) {
            return fail("revise", fmt::format("--set \"{}\" is not ITEM=VALUE", text));
        }
        auto& change = changes[set->first];
        const std::string& value = set->second;
        double number = 0;
        const auto* end = value.data() + value.size();
        if (value == "pass") {
            change.value = scoring::AnswerValue::Pass;
        } else if (value == "fail") {
            change.value = scoring::AnswerValue::Fail;
        } else if (value == "na") {
            change.value = scoring::AnswerValue::NotApplicable;
        } else if (const auto [stop, error] = std::from_chars(value.data(), end, number);
                   error == std::errc{} && stop == end) {
            change.number = number;
        } else {
            return fail("revise", fmt::format("--set \"{}\": {} is not pass, fail, na or a number",
                                              text, value));
        }
    }
    for (const auto& text : m_comments) {
        const auto comment = splitAssignment(text);
        if (!comment) {
            return fail("revise", fmt::format("--comment \"{}\" is not ITEM=TEXT", text));
        }
        changes[comment->first].comment = comment->second;
    }
    auto session = openSession(m_dbPath, m_user, nameWithoutAccounts(m_user));
    if (!session) {
        return fail("revise", session.error());
    }
    auto scope = storage::callScopeByCallId(session->db(), m_callId);
    if (!scope) {
        return fail("revise", scope.error().message());
    }
    const std::string inspector = m_inspector.empty() ? session->inspector() : m_inspector;
    auto revised = session->reviseEvaluation(scope->recordingId, inspector, changes, m_reason);
    if (!revised) {
        return fail("revise", revised.error().message());
    }
    if (m_json) {
        fmt::print("{}\n", nlohmann::ordered_json{{"call_id", m_callId},
                                                  {"inspector", inspector},
                                                  {"version", revised->version},
                                                  {"score_before", scoreJson(revised->scoreBefore)},
                                                  {"score_after", scoreJson(revised->scoreAfter)}}
                               .dump());
    } else {
        fmt::print("{}: {}'s evaluation corrected as version {}, score {} → {}\n", m_callId,
                   inspector, revised->version, scoreText(revised->scoreBefore),
                   scoreText(revised->scoreAfter));
    }
    return 0;
}

int EvaluationCommands::runHistory() const {
    auto session = openSession(m_dbPath, m_user, nameWithoutAccounts(m_user));
    if (!session) {
        return fail("history", session.error());
    }
    auto scope = storage::callScopeByCallId(session->db(), m_callId);
    if (!scope) {
        return fail("history", scope.error().message());
    }
    const std::string inspector = m_inspector.empty() ? session->inspector() : m_inspector;
    auto versions = session->evaluationVersions(scope->recordingId, inspector);
    if (!versions) {
        return fail("history", versions.error().message());
    }
    if (m_json) {
        auto rows = nlohmann::ordered_json::array();
        for (const auto& v : *versions) {
            rows.push_back({{"version", v.version},
                            {"score", scoreJson(v.score)},
                            {"reason", v.reason},
                            {"by", v.createdBy},
                            {"at", v.createdAt},
                            {"hash", v.contentHash}});
        }
        fmt::print("{}\n", nlohmann::ordered_json{{"call_id", m_callId},
                                                  {"inspector", inspector},
                                                  {"versions", std::move(rows)}}
                               .dump());
        return 0;
    }
    for (const auto& v : *versions) {
        fmt::print("v{}  {}  {:<10} {:>6}  {}\n", v.version, v.createdAt, v.createdBy,
                   scoreText(v.score), v.reason);
    }
    if (versions->empty()) {
        fmt::print("(not submitted: a draft has no versions)\n");
    }
    return 0;
}

} // namespace callqc::cli
