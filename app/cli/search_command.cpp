#include "app/cli/search_command.hpp"

#include <cstdio>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "app/cli/sign_in.hpp"
#include "app/core/session.hpp"
#include "storage/text_encoding.hpp"

namespace callqc::cli {
namespace {

nlohmann::ordered_json rowJson(const storage::SearchRow& row) {
    return {{"id", row.id},
            {"call_id", row.callId},
            {"start_time", row.startTime},
            {"duration_sec", row.durationSec},
            {"agent_no", row.agentNo},
            {"agent_name", row.agentName},
            {"team", row.team},
            {"queue", row.queue},
            {"customer_phone", row.customerPhone},
            {"dead_air", row.deadAirCount},
            {"overtalk", row.overtalkCount},
            {"evaluation", row.evaluationStatus.empty() ? "none" : row.evaluationStatus},
            {"score", row.score ? nlohmann::ordered_json(*row.score) : nullptr}};
}

/// Pads `text` to `width` terminal columns, counting a CJK character as two.
std::string padded(const std::string& text, std::size_t width) {
    const std::size_t columns = storage::displayColumns(text);
    return columns >= width ? text : text + std::string(width - columns, ' ');
}

} // namespace

void addSearchCriteria(CLI::App& command, core::SearchRequest& r, std::string& evaluated) {
    command.add_option("--call-id", r.callId, "the call id; end it with * for a prefix");
    command.add_option("--phone", r.phone, "the customer's number, or its last 4 digits");
    command.add_option("--agent", r.agent, "employee number or name");
    command.add_option("--team", r.team, "team name");
    command.add_option("--queue", r.queue, "queue (技能组/项目)");
    command.add_option("--from", r.from,
                       "from this time on: YYYY-MM-DD, YYYY-MM-DD HH:MM or YYYY-MM-DD HH:MM:SS");
    command.add_option("--to", r.to, "up to this time, inclusive (a date: that whole day)");
    command.add_option("--min-duration", r.minDurationSec, "at least this many seconds")
        ->check(CLI::Range(0.0, 1e9));
    command.add_option("--max-duration", r.maxDurationSec, "at most this many seconds")
        ->check(CLI::Range(0.0, 1e9));
    command.add_flag("--dead-air", r.deadAir, "calls with dead air");
    command.add_flag("--overtalk", r.overtalk, "calls with overtalk");
    command.add_option("--evaluated", evaluated, "yes: with a submitted evaluation; no: none")
        ->check(CLI::IsMember({"yes", "no"}));
    command.add_option("--min-score", r.minScore, "evaluation score at least")
        ->check(CLI::Range(0.0, 1e9));
    command.add_option("--max-score", r.maxScore, "evaluation score at most")
        ->check(CLI::Range(0.0, 1e9));
    command.add_option("--failed-item", r.failedItem, "checklist item id failed (e.g. 1.3)");
    command.add_option("--text", r.text, "words said in the transcript (any length)");
}

std::optional<std::string> finishSearchCriteria(core::SearchRequest& request,
                                                const std::string& evaluated) {
    if (!evaluated.empty()) {
        request.evaluated = evaluated == "yes";
    }
    auto criteria = core::searchCriteria(request);
    auto page = core::searchPage(request);
    if (!criteria || !page) {
        return (criteria ? page.error() : criteria.error()).message();
    }
    return std::nullopt;
}

SearchCommand::SearchCommand(CLI::App& app)
    : m_command(app.add_subcommand(
          "search", "find calls by call id, customer number, agent, team, queue, time, "
                    "duration, dead air, overtalk, evaluation or transcript text")),
      m_dbPath(core::defaultDatabasePath().string()) {
    addSearchCriteria(*m_command, m_request, m_evaluated);
    auto& r = m_request;
    m_command->add_option("--limit", r.limit, "calls per page (default 50)")
        ->check(CLI::Range(1, core::kMaxSearchLimit));
    m_command->add_option("--after", r.after, "the \"next\" cursor of the page before");
    m_command->add_option("--count", r.countUpTo, "also count the matches, up to this many")
        ->check(CLI::Range(0, 1000000));
    m_command->add_flag("--full-numbers", r.fullNumbers,
                        "show customer numbers in full (quality supervisors and managers); "
                        "masked otherwise");
    m_command->add_option("--db", m_dbPath,
                          "SQLite database (default: $CALLQC_DB or per-user path)");
    m_command->add_option("--user", m_user,
                          "who is acting (default: $CALLQC_USER); the password comes from "
                          "$CALLQC_PASSWORD or a prompt");
    m_command->add_flag("--json", m_json, R"(one object: {"rows": [...], "next": cursor or null})");
    m_command->footer("Criteria combine: a call must match all of them. Newest calls first; pass "
                      "the printed next cursor as --after for the next page.");
}

bool SearchCommand::parsed() const {
    return m_command->parsed();
}

int SearchCommand::run() const {
    core::SearchRequest request = m_request;
    // Check the request before opening (and perhaps creating) the database.
    if (auto wrong = finishSearchCriteria(request, m_evaluated)) {
        fmt::print(stderr, "callqc: search: {}\n", *wrong);
        return 1;
    }
    auto session = openSession(m_dbPath, m_user, nameWithoutAccounts(m_user));
    if (!session) {
        fmt::print(stderr, "callqc: {}\n", session.error());
        return 1;
    }
    auto result = session->search(request);
    if (!result) {
        fmt::print(stderr, "callqc: search: {}\n", result.error().message());
        return 1;
    }
    if (m_json) {
        auto rows = nlohmann::ordered_json::array();
        for (const auto& row : result->rows) {
            rows.push_back(rowJson(row));
        }
        nlohmann::ordered_json out{
            {"rows", std::move(rows)},
            {"next", result->next ? nlohmann::ordered_json(*result->next) : nullptr}};
        if (result->count) {
            out["count"] = *result->count;
            out["count_capped"] = result->countCapped;
        }
        fmt::print("{}\n", out.dump());
        return 0;
    }
    fmt::print("{} {} {:>7} {} {} {} {:<13} {:<5} {}\n", padded("start", 19), padded("call id", 18),
               "sec", padded("agent", 16), padded("team", 10), padded("queue", 12), "phone",
               "flags", "evaluation");
    for (const auto& row : result->rows) {
        const std::string flags = fmt::format("{}{}", row.deadAirCount > 0 ? "D" : "-",
                                              row.overtalkCount > 0 ? "O" : "-");
        const std::string evaluation =
            row.evaluationStatus.empty()
                ? "-"
                : fmt::format("{}{}", row.evaluationStatus,
                              row.score ? fmt::format(" {:.1f}", *row.score) : "");
        fmt::print("{} {} {:>7.1f} {} {} {} {:<13} {:<5} {}\n", padded(row.startTime, 19),
                   padded(row.callId, 18), row.durationSec,
                   padded(row.agentNo + " " + row.agentName, 16), padded(row.team, 10),
                   padded(row.queue, 12), row.customerPhone, flags, evaluation);
    }
    if (result->rows.empty()) {
        fmt::print("(no calls match)\n");
    }
    if (result->count) {
        fmt::print("{}{} matching calls\n", result->countCapped ? "more than " : "",
                   *result->count);
    }
    if (result->next) {
        fmt::print("more: --after {}\n", *result->next);
    }
    return 0;
}

} // namespace callqc::cli
