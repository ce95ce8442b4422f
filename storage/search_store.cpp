#include "storage/search_store.hpp"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace callqc::storage {
namespace {

// A criterion whose matches are read from its own index and then sorted is worth it up to
// about sqrt(kCandidateFactor * calls) matches: reading and sorting c matches costs about c row
// visits, while walking calls newest first until a page of 50 is found costs about
// 50 * calls / c visits (each a little cheaper); both are near 25 ms at the crossing for a
// million calls. Past that, the walk finds a page sooner.
constexpr double kCandidateFactor = 10.0;
constexpr std::int64_t kMinCandidateCap = 500;
constexpr std::int64_t kMaxCandidateCap = 50000;

// How the matches are found. Ordered drivers walk an index in sort_key order and stop at a full
// page (Evaluations walks the submitted evaluations by their call's sort_key); Candidates reads
// every match of one selective criterion, then sorts.
enum class Driver { CallId, Phone, Agents, Candidates, Evaluations, Text, Grams, Scan };
enum class Candidate { None, CallIdPrefix, Duration, Evaluation, FailedItem };

struct Plan {
    Driver driver = Driver::Scan;
    Candidate candidate = Candidate::None;
    bool agentsKnown = false;           ///< agent or team was given: agentIds holds them
    std::vector<std::int64_t> agentIds; ///< the calls' agent must be one of these
    bool textAsLike = false;            ///< text is tested per call with LIKE
};

// Values for the fixed parameters ?1..?18 every statement below may refer to.
struct Bound {
    std::optional<std::string> callId;     // ?1
    std::optional<std::string> callIdHigh; // ?2
    std::optional<std::string> phoneDigits;
    std::optional<std::string> phoneLast4;
    std::optional<std::string> agent; // ?5
    std::optional<std::string> team;
    std::optional<std::string> queue;
    std::optional<std::string> fromTime; // ?8
    std::optional<std::string> untilTime;
    std::optional<double> minDurationSec; // ?10
    std::optional<double> maxDurationSec;
    std::optional<double> minScore; // ?12
    std::optional<double> maxScore;
    std::optional<std::string> failedItem;                            // ?14
    std::optional<std::string> ftsQuery;                              // ?15
    std::optional<std::string> likePattern;                           // ?16
    std::int64_t afterKey = std::numeric_limits<std::int64_t>::max(); // ?17
    std::int64_t limit = 0;                                           // ?18
};

void bindParams(Statement& s, const Bound& b) {
    s.bindAll(b.callId, b.callIdHigh, b.phoneDigits, b.phoneLast4, b.agent, b.team, b.queue,
              b.fromTime, b.untilTime, b.minDurationSec, b.maxDurationSec, b.minScore, b.maxScore,
              b.failedItem, b.ftsQuery, b.likePattern, b.afterKey, b.limit);
}

/// The first sort key of the second of the time in parameter `param` (see migration 5).
std::string keyOf(int param) {
    return fmt::format("((COALESCE(CAST(strftime('%s', ?{}) AS INTEGER), 946684800) - "
                       "946684800) * 4096)",
                       param);
}

std::size_t charCount(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

/// True when the ascii tokenizer keeps every character of `text` in one token, so the gram index
/// can answer it.
bool gramsCanMatch(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u >= 0x80 || (u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') ||
               (u >= 'A' && u <= 'Z');
    });
}

std::string ftsPhrase(std::string_view text) {
    std::string out = "\"";
    for (const char c : text) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    out += '"';
    return out;
}

std::string likeContains(std::string_view text) {
    std::string out = "%";
    for (const char c : text) {
        if (c == '%' || c == '_' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    out += '%';
    return out;
}

std::string idList(const std::vector<std::int64_t>& ids) {
    return ids.size() == 1 ? fmt::format("= {}", ids.front())
                           : fmt::format("IN ({})", fmt::join(ids, ", "));
}

Bound boundFor(const SearchCriteria& c, const Plan& plan) {
    Bound b;
    b.callId = c.callId;
    if (c.callId && c.callIdPrefix) {
        b.callIdHigh = *c.callId + "\xff"; // above every UTF-8 continuation of the prefix
    }
    b.phoneDigits = c.phoneDigits;
    b.phoneLast4 = c.phoneLast4;
    b.agent = c.agent;
    b.team = c.team;
    b.queue = c.queue;
    b.fromTime = c.fromTime;
    b.untilTime = c.untilTime;
    b.minDurationSec = c.minDurationSec;
    b.maxDurationSec = c.maxDurationSec;
    b.minScore = c.minScore;
    b.maxScore = c.maxScore;
    b.failedItem = c.failedItem;
    if (c.text) {
        if (plan.driver == Driver::Text || plan.driver == Driver::Grams) {
            b.ftsQuery = ftsPhrase(*c.text);
        }
        b.likePattern = likeContains(*c.text);
    }
    return b;
}

/// The conditions on evaluation `alias` that the criteria ask for. As a per-call test
/// (`perCall`), the status is written so that it cannot pick evaluations_by_score: that index
/// would walk every submitted evaluation for each call instead of finding the call's own.
std::string evaluationCondition(const SearchCriteria& c, std::string_view alias, bool perCall) {
    std::string out = fmt::format("{}{}.status = 'submitted'", perCall ? "+" : "", alias);
    if (c.minScore) {
        out += fmt::format(" AND {}.score >= ?12", alias);
    }
    if (c.maxScore) {
        out += fmt::format(" AND {}.score <= ?13", alias);
    }
    return out;
}

/// A submitted evaluation `alias` that meets every evaluation criterion (score and failed item
/// hold for the same evaluation), tested per evaluation.
std::string qualifyingEvaluation(const SearchCriteria& c, std::string_view alias) {
    std::string out = evaluationCondition(c, alias, true);
    if (c.failedItem) {
        out += fmt::format(" AND EXISTS (SELECT 1 FROM evaluation_answers x WHERE x.evaluation_id "
                           "= {}.id AND x.item_id = ?14 AND (x.value = 'fail' OR x.occurrences > "
                           "0))",
                           alias);
    }
    return out;
}

/// Recording ids (column rid) of the matches of one selective criterion.
std::string candidateSql(Candidate which, const SearchCriteria& c) {
    switch (which) {
    case Candidate::CallIdPrefix:
        return "SELECT id AS rid FROM recordings WHERE call_id >= ?1 AND call_id < ?2";
    case Candidate::Duration: {
        std::string sql = "SELECT id AS rid FROM recordings INDEXED BY recordings_by_duration "
                          "WHERE duration_sec >= COALESCE(?10, -1e300)";
        if (c.maxDurationSec) {
            sql += " AND duration_sec <= ?11";
        }
        return sql;
    }
    case Candidate::Evaluation:
        return fmt::format("SELECT DISTINCT e.recording_id AS rid FROM evaluations e INDEXED BY "
                           "evaluations_by_score WHERE {}",
                           evaluationCondition(c, "e", false));
    case Candidate::FailedItem:
        return "SELECT DISTINCT e.recording_id AS rid FROM evaluation_answers x INDEXED BY "
               "evaluation_answers_failed JOIN evaluations e ON e.id = x.evaluation_id "
               "WHERE x.item_id = ?14 AND (x.value = 'fail' OR x.occurrences > 0) "
               "AND e.status = 'submitted'";
    case Candidate::None:
        break;
    }
    return {};
}

const char* candidateName(Candidate which) {
    switch (which) {
    case Candidate::CallIdPrefix:
        return "call_id_prefix";
    case Candidate::Duration:
        return "duration";
    case Candidate::Evaluation:
        return "evaluation";
    case Candidate::FailedItem:
        return "failed_item";
    case Candidate::None:
        break;
    }
    return "none";
}

const char* driverName(Driver driver) {
    switch (driver) {
    case Driver::CallId:
        return "call_id";
    case Driver::Phone:
        return "phone";
    case Driver::Agents:
        return "agent";
    case Driver::Candidates:
        return "candidates";
    case Driver::Evaluations:
        return "evaluations";
    case Driver::Text:
        return "text";
    case Driver::Grams:
        return "grams";
    case Driver::Scan:
        break;
    }
    return "scan";
}

/// Conditions on `r` (recordings) for every criterion the driver does not already guarantee.
std::vector<std::string> filtersFor(const SearchCriteria& c, const Plan& plan) {
    std::vector<std::string> where;
    if (c.callId && plan.candidate != Candidate::CallIdPrefix) {
        where.emplace_back(c.callIdPrefix ? "r.call_id >= ?1 AND r.call_id < ?2"
                                          : "r.call_id = ?1");
    }
    if (c.phoneDigits) {
        where.emplace_back("r.phone_digits = ?3");
    }
    if (c.phoneLast4) {
        where.emplace_back("r.phone_last4 = ?4");
    }
    if (plan.agentsKnown) {
        where.push_back(fmt::format("r.agent_id {}", idList(plan.agentIds)));
    }
    if (c.queue) {
        where.emplace_back("r.queue = ?7");
    }
    if (c.fromTime) {
        where.push_back(fmt::format("r.sort_key >= {}", keyOf(8)));
    }
    if (c.untilTime) {
        where.push_back(fmt::format("r.sort_key < {}", keyOf(9)));
    }
    where.emplace_back("r.sort_key < ?17");
    if (plan.candidate != Candidate::Duration) {
        if (c.minDurationSec) {
            where.emplace_back("r.duration_sec >= ?10");
        }
        if (c.maxDurationSec) {
            where.emplace_back("r.duration_sec <= ?11");
        }
    }
    if (c.deadAir) {
        where.emplace_back("r.dead_air_count > 0");
    }
    if (c.overtalk) {
        where.emplace_back("r.overtalk_count > 0");
    }
    const bool wantsEvaluation =
        c.evaluated.value_or(false) || c.minScore || c.maxScore || c.failedItem;
    if (wantsEvaluation && plan.driver != Driver::Evaluations) {
        where.push_back(
            fmt::format("EXISTS (SELECT 1 FROM evaluations e WHERE e.recording_id = r.id AND {})",
                        qualifyingEvaluation(c, "e")));
    }
    if (c.evaluated == false) {
        where.emplace_back("NOT EXISTS (SELECT 1 FROM evaluations e WHERE e.recording_id = r.id "
                           "AND +e.status = 'submitted')");
    }
    if (c.text && plan.textAsLike) {
        where.emplace_back("EXISTS (SELECT 1 FROM transcript_segments s WHERE s.recording_id = "
                           "r.id AND s.text LIKE ?16 ESCAPE '\\')");
    }
    return where;
}

/// The search as SQL: `with` (a WITH clause or empty), `body` (SELECT r.id, r.sort_key …
/// without ORDER BY) and `order` (ORDER BY … DESC).
struct SearchSql {
    std::string with;
    std::string body;
    std::string order;
};

SearchSql sqlFor(const SearchCriteria& c, const Plan& plan) {
    SearchSql sql;
    std::vector<std::string> where = filtersFor(c, plan);
    std::string from;
    sql.order = "ORDER BY r.sort_key DESC";
    switch (plan.driver) {
    case Driver::CallId:
        from = "recordings r INDEXED BY sqlite_autoindex_recordings_1";
        break;
    case Driver::Phone:
        from = c.phoneDigits ? "recordings r INDEXED BY recordings_by_phone"
                             : "recordings r INDEXED BY recordings_by_phone_last4";
        break;
    case Driver::Agents:
        from = "recordings r INDEXED BY recordings_by_agent_key";
        break;
    case Driver::Candidates:
        sql.with = fmt::format("WITH c(rid) AS MATERIALIZED ({})", candidateSql(plan.candidate, c));
        from = "c CROSS JOIN recordings r NOT INDEXED ON r.id = c.rid";
        break;
    case Driver::Evaluations: {
        // Each call once: through the latest of its evaluations that meet the criteria.
        const auto qualifying = [&](std::string_view e) {
            return qualifyingEvaluation(c, e);
        };
        from = "evaluations e INDEXED BY evaluations_by_key CROSS JOIN recordings r NOT INDEXED "
               "ON r.id = e.recording_id";
        where.insert(where.begin(), "e.status = 'submitted'");
        where.emplace_back("e.recording_sort_key < ?17");
        if (c.fromTime) {
            where.push_back(fmt::format("e.recording_sort_key >= {}", keyOf(8)));
        }
        if (c.untilTime) {
            where.push_back(fmt::format("e.recording_sort_key < {}", keyOf(9)));
        }
        where.push_back(qualifying("e"));
        where.push_back(fmt::format("NOT EXISTS (SELECT 1 FROM evaluations e2 WHERE "
                                    "e2.recording_id = e.recording_id AND e2.id > e.id AND {})",
                                    qualifying("e2")));
        sql.order = "ORDER BY e.recording_sort_key DESC";
        break;
    }
    case Driver::Text:
    case Driver::Grams: {
        const char* table = plan.driver == Driver::Text ? "transcript_fts" : "transcript_grams";
        from = fmt::format("{0} f CROSS JOIN recordings r INDEXED BY recordings_by_sort_key "
                           "ON r.sort_key = f.rowid",
                           table);
        where.insert(where.begin(), fmt::format("f.{} MATCH ?15", table));
        where.emplace_back("f.rowid < ?17");
        if (c.fromTime) {
            where.push_back(fmt::format("f.rowid >= {}", keyOf(8)));
        }
        if (c.untilTime) {
            where.push_back(fmt::format("f.rowid < {}", keyOf(9)));
        }
        sql.order = "ORDER BY f.rowid DESC";
        break;
    }
    case Driver::Scan:
        from = c.queue      ? "recordings r INDEXED BY recordings_by_queue_key"
               : c.deadAir  ? "recordings r INDEXED BY recordings_with_dead_air"
               : c.overtalk ? "recordings r INDEXED BY recordings_with_overtalk"
                            : "recordings r INDEXED BY recordings_by_sort_key";
        break;
    }
    sql.body = fmt::format("SELECT r.id AS id, r.sort_key AS sort_key FROM {} WHERE {}", from,
                           fmt::join(where, " AND "));
    return sql;
}

Result<std::int64_t> scalar(Database& db, const std::string& sql, const Bound& bound) {
    auto stmt = db.prepare(sql);
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    bindParams(*stmt, bound);
    auto row = stmt->step();
    if (!row) {
        return tl::unexpected(row.error());
    }
    return *row ? stmt->getInt(0) : 0;
}

/// Picks the driver: an exact call id or phone number when given; else the smallest of the
/// selective criteria (agent/team, call id prefix, duration, evaluation, failed item), counted up
/// to the candidate cap; else text; else a walk over all calls newest first.
Result<Plan> planFor(Database& db, const SearchCriteria& c) {
    Plan plan;
    if (c.agent || c.team) {
        auto stmt = db.prepare("SELECT a.id FROM agents a LEFT JOIN teams t ON t.id = a.team_id "
                               "WHERE (?1 IS NULL OR a.employee_no = ?1 OR a.name = ?1) "
                               "AND (?2 IS NULL OR t.name = ?2) ORDER BY a.id");
        if (!stmt) {
            return tl::unexpected(stmt.error());
        }
        stmt->bindAll(c.agent, c.team);
        auto ids = collect<std::int64_t>(*stmt, [](const Statement& s) { return s.getInt(0); });
        if (!ids) {
            return tl::unexpected(ids.error());
        }
        plan.agentIds = std::move(*ids);
        plan.agentsKnown = true;
    }
    const auto textChars = c.text ? charCount(*c.text) : 0;
    const bool textByTrigram = c.text && textChars >= 3;
    const bool textByGrams = c.text && textChars < 3 && gramsCanMatch(*c.text);

    if (c.callId && !c.callIdPrefix) {
        plan.driver = Driver::CallId;
    } else if (c.phoneDigits || c.phoneLast4) {
        plan.driver = Driver::Phone;
    } else {
        const Bound bound = boundFor(c, plan);
        auto calls = scalar(db, "SELECT COALESCE(MAX(id), 0) FROM recordings", bound);
        if (!calls) {
            return tl::unexpected(calls.error());
        }
        const auto cap = std::clamp(
            static_cast<std::int64_t>(std::sqrt(kCandidateFactor * static_cast<double>(*calls))),
            kMinCandidateCap, kMaxCandidateCap);
        std::int64_t best = std::numeric_limits<std::int64_t>::max();
        bool agentsBest = false;
        if (plan.agentsKnown && !plan.agentIds.empty()) {
            auto n = scalar(db,
                            fmt::format("SELECT count(*) FROM (SELECT 1 FROM recordings INDEXED BY "
                                        "recordings_by_agent_key WHERE agent_id {} LIMIT {})",
                                        idList(plan.agentIds), cap + 1),
                            bound);
            if (!n) {
                return tl::unexpected(n.error());
            }
            best = *n;
            agentsBest = true;
        }
        std::vector<Candidate> candidates;
        if (c.callId) {
            candidates.push_back(Candidate::CallIdPrefix);
        }
        if (c.minDurationSec || c.maxDurationSec) {
            candidates.push_back(Candidate::Duration);
        }
        // Every submitted evaluation (evaluated, no score range) is no smaller a set than
        // walking the evaluations finds a page in: no count needed.
        if (c.minScore || c.maxScore) {
            candidates.push_back(Candidate::Evaluation);
        }
        if (c.failedItem) {
            candidates.push_back(Candidate::FailedItem);
        }
        for (const Candidate which : candidates) {
            auto n = scalar(
                db,
                fmt::format("SELECT count(*) FROM ({} LIMIT {})", candidateSql(which, c), cap + 1),
                bound);
            if (!n) {
                return tl::unexpected(n.error());
            }
            if (*n < best) {
                best = *n;
                plan.candidate = which;
                agentsBest = false;
            }
        }
        // One agent's calls come from its index in order, however many; several agents' calls
        // (a team's) have to be sorted, so only when there are few.
        const bool oneAgent = plan.agentIds.size() == 1;
        if (agentsBest && (oneAgent || best <= cap)) {
            plan.driver = Driver::Agents;
        } else if (plan.candidate != Candidate::None && best <= cap) {
            plan.driver = Driver::Candidates;
        } else {
            plan.candidate = Candidate::None;
            // Evaluated calls are a small share of all calls: walking them beats walking all;
            // the text index, when it can answer, narrows further still.
            const bool byEvaluation =
                c.evaluated.value_or(false) || c.minScore || c.maxScore || c.failedItem;
            plan.driver = oneAgent        ? Driver::Agents
                          : textByTrigram ? Driver::Text
                          : textByGrams   ? Driver::Grams
                          : byEvaluation  ? Driver::Evaluations
                                          : Driver::Scan;
        }
    }
    plan.textAsLike = c.text && plan.driver != Driver::Text && plan.driver != Driver::Grams;
    return plan;
}

SearchRow readRow(const Statement& s) {
    SearchRow row;
    row.id = s.getInt(0);
    row.callId = s.getText(1);
    row.startTime = s.getText(2);
    row.durationSec = s.getDouble(3);
    row.agentNo = s.getText(4);
    row.agentName = s.getText(5);
    row.team = s.getText(6);
    row.queue = s.getText(7);
    row.customerPhone = s.getText(8);
    row.deadAirCount = static_cast<int>(s.getInt(9));
    row.overtalkCount = static_cast<int>(s.getInt(10));
    row.sortKey = s.getInt(11);
    row.evaluationStatus = s.getText(12);
    if (!s.isNull(13)) {
        row.score = s.getDouble(13);
    }
    return row;
}

std::string pageSql(const SearchSql& sql) {
    return fmt::format(
        "{}{} page(id, sort_key) AS MATERIALIZED ({} {} LIMIT ?18) "
        "SELECT r.id, r.call_id, r.start_time, r.duration_sec, a.employee_no, a.name, "
        "COALESCE(t.name, ''), r.queue, r.customer_phone, r.dead_air_count, r.overtalk_count, "
        "p.sort_key, COALESCE(ev.status, ''), ev.score "
        "FROM page p JOIN recordings r ON r.id = p.id JOIN agents a ON a.id = r.agent_id "
        "LEFT JOIN teams t ON t.id = a.team_id "
        "LEFT JOIN evaluations ev ON ev.id = (SELECT e.id FROM evaluations e WHERE "
        "e.recording_id = r.id ORDER BY e.status = 'submitted' DESC, e.updated_at DESC, e.id DESC "
        "LIMIT 1) "
        "ORDER BY p.sort_key DESC",
        sql.with, sql.with.empty() ? "WITH" : ",", sql.body, sql.order);
}

} // namespace

Result<SearchPage> searchRecordings(Database& db, const SearchCriteria& criteria,
                                    const PageRequest& page) {
    assert(page.limit > 0);
    SearchPage out;
    auto plan = planFor(db, criteria);
    if (!plan) {
        return tl::unexpected(plan.error());
    }
    if (plan->agentsKnown && plan->agentIds.empty()) {
        if (page.countUpTo > 0) {
            out.count = 0;
        }
        return out;
    }
    Bound bound = boundFor(criteria, *plan);
    if (page.afterKey) {
        bound.afterKey = *page.afterKey;
    }
    bound.limit = static_cast<std::int64_t>(page.limit) + 1;
    const SearchSql sql = sqlFor(criteria, *plan);

    auto stmt = db.prepare(pageSql(sql));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    bindParams(*stmt, bound);
    auto rows = collect<SearchRow>(*stmt, readRow);
    if (!rows) {
        return tl::unexpected(rows.error());
    }
    out.rows = std::move(*rows);
    if (out.rows.size() > static_cast<std::size_t>(page.limit)) {
        out.rows.pop_back();
        out.nextKey = out.rows.back().sortKey;
    }

    if (page.countUpTo > 0) {
        bound.afterKey = std::numeric_limits<std::int64_t>::max(); // every page counts them all
        auto n = scalar(db,
                        fmt::format("{} SELECT count(*) FROM ({} LIMIT {})", sql.with, sql.body,
                                    static_cast<std::int64_t>(page.countUpTo) + 1),
                        bound);
        if (!n) {
            return tl::unexpected(n.error());
        }
        out.countCapped = *n > page.countUpTo;
        out.count = std::min<std::int64_t>(*n, page.countUpTo);
    }
    return out;
}

Result<std::string> explainSearch(Database& db, const SearchCriteria& criteria) {
    auto plan = planFor(db, criteria);
    if (!plan) {
        return tl::unexpected(plan.error());
    }
    std::string out = driverName(plan->driver);
    if (plan->driver == Driver::Candidates) {
        out += fmt::format(":{}", candidateName(plan->candidate));
    }
    if (plan->agentsKnown && plan->agentIds.empty()) {
        return out + "\n(no such agent or team)";
    }
    auto stmt = db.prepare("EXPLAIN QUERY PLAN " + pageSql(sqlFor(criteria, *plan)));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    Bound bound = boundFor(criteria, *plan);
    bound.limit = 1;
    bindParams(*stmt, bound);
    while (true) {
        auto row = stmt->step();
        if (!row) {
            return tl::unexpected(row.error());
        }
        if (!*row) {
            return out;
        }
        out += "\n" + stmt->getText(3);
    }
}

std::string phoneDigits(std::string_view phone) {
    std::string out;
    for (const char c : phone) {
        if (c >= '0' && c <= '9') {
            out += c;
        }
    }
    return out;
}

std::string transcriptGrams(std::string_view text) {
    // Character boundaries as SQLite's substr() sees them: every byte that is not a UTF-8
    // continuation byte starts a character.
    std::vector<std::size_t> starts;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
            starts.push_back(i);
        }
    }
    starts.push_back(text.size());
    std::vector<std::string_view> grams;
    grams.reserve(2 * starts.size());
    for (std::size_t k = 0; k + 1 < starts.size(); ++k) {
        grams.push_back(text.substr(starts[k], starts[k + 1] - starts[k]));
        if (k + 2 < starts.size()) {
            grams.push_back(text.substr(starts[k], starts[k + 2] - starts[k]));
        }
    }
    std::sort(grams.begin(), grams.end());
    grams.erase(std::unique(grams.begin(), grams.end()), grams.end());
    return fmt::format("{}", fmt::join(grams, " "));
}

Result<TranscriptIndexer> TranscriptIndexer::prepare(Database& db) {
    auto fts = db.prepare("INSERT INTO transcript_fts(rowid, text) SELECT sort_key, ?2 FROM "
                          "recordings WHERE id = ?1");
    if (!fts) {
        return tl::unexpected(fts.error());
    }
    auto grams = db.prepare("INSERT INTO transcript_grams(rowid, grams) SELECT sort_key, ?2 FROM "
                            "recordings WHERE id = ?1");
    if (!grams) {
        return tl::unexpected(grams.error());
    }
    return TranscriptIndexer(std::move(*fts), std::move(*grams));
}

Result<void> TranscriptIndexer::add(std::int64_t recordingId,
                                    const std::vector<SegmentRecord>& segments) {
    std::string text;
    for (std::size_t i = 0; i < segments.size(); ++i) {
        if (i > 0) {
            text += '\n';
        }
        text += segments[i].text;
    }
    if (text.empty()) {
        return {};
    }
    m_fts.bindAll(recordingId, text);
    if (auto ok = m_fts.run(); !ok) {
        return ok;
    }
    m_grams.bindAll(recordingId, transcriptGrams(text));
    return m_grams.run();
}

Result<void> indexTranscript(Database& db, std::int64_t recordingId,
                             const std::vector<SegmentRecord>& segments) {
    auto indexer = TranscriptIndexer::prepare(db);
    if (!indexer) {
        return tl::unexpected(indexer.error());
    }
    return indexer->add(recordingId, segments);
}

Result<std::vector<RecordingFile>> recordingFiles(Database& db,
                                                  const std::optional<std::string>& callDate) {
    auto stmt = db.prepare(fmt::format(
        "SELECT id, call_id, call_date, file_path, file_size, sha256 FROM recordings {} "
        "ORDER BY call_id",
        callDate ? "WHERE call_date = ?1" : ""));
    if (!stmt) {
        return tl::unexpected(stmt.error());
    }
    stmt->bindAll(callDate);
    return collect<RecordingFile>(*stmt, [](const Statement& s) {
        return RecordingFile{s.getInt(0),  s.getText(1), s.getText(2),
                             s.getText(3), s.getInt(4),  s.getText(5)};
    });
}

} // namespace callqc::storage
