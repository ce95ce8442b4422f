#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include "storage/call_store.hpp"
#include "storage/database.hpp"
#include "storage/migrations.hpp"
#include "storage/review_store.hpp"
#include "storage/search_store.hpp"

namespace callqc::storage {
namespace {

// The fixture: 62 calls over three days, everything about each one a function of its index i,
// so every search has an exact known answer computed from the same description.
constexpr int kCalls = 60;

struct FixtureAgent {
    const char* no;
    const char* name;
    const char* team;
};
constexpr FixtureAgent kAgents[] = {
    {"008012", "王芳", "客服一组"}, {"008015", "张伟", "客服一组"}, {"009104", "赵敏", "客服二组"}};

struct FixtureCall {
    int index = 0;
    std::string callId;
    std::string startTime;
    int agent = 0;
    std::string queue;
    std::string phone;
    double durationSec = 0;
    bool deadAir = false;
    bool overtalk = false;
    std::vector<std::string> texts;
    std::optional<double> score; ///< submitted evaluation
    bool draft = false;          ///< a draft evaluation only
    bool failed13 = false;       ///< item 1.3 failed in the submitted evaluation
    std::int64_t id = 0;
};

std::vector<FixtureCall> fixtureCalls() {
    std::vector<FixtureCall> calls;
    for (int i = 0; i < kCalls; ++i) {
        FixtureCall c;
        c.index = i;
        c.callId = fmt::format("C2024030{}-{:03}", 1 + i / 20, i);
        const int minutes = (i % 20) * 10;
        c.startTime =
            fmt::format("2024-03-0{} {:02}:{:02}:00", 1 + i / 20, 9 + minutes / 60, minutes % 60);
        c.agent = i % 3;
        c.queue = i % 2 == 0 ? "信用卡服务" : "宽带报修";
        // Full numbers differ; the last four digits repeat every 25 calls.
        c.phone = fmt::format("139-{:04}-{:04}", i, 1000 + i % 25);
        c.durationSec = 30 + i * 10;
        c.deadAir = i % 4 == 0;
        c.overtalk = i % 5 == 0;
        c.texts = {"您好，很高兴为您服务"};
        switch (i % 3) {
        case 0:
            c.texts.emplace_back("我想查一下这个月的账单");
            break;
        case 1:
            c.texts.emplace_back("家里宽带上不了网了");
            break;
        default:
            c.texts.emplace_back("我要投诉你们的服务");
            break;
        }
        if (i == 7) {
            c.texts.emplace_back("这个我也不知道");
        }
        if (i == 13) {
            c.texts.emplace_back("好的");
            c.texts.emplace_back("VIP Plan 100%_off");
        }
        if (i % 10 == 0) {
            c.score = 50 + i;
            c.failed13 = i == 10 || i == 30;
        }
        c.draft = i == 5;
        calls.push_back(std::move(c));
    }
    // Two more calls that start in the same second as call 59: ties go by id, newest first.
    for (int extra = 0; extra < 2; ++extra) {
        FixtureCall c = calls[59];
        c.index = kCalls + extra;
        c.callId = fmt::format("C20240303-{:03}", kCalls + extra);
        c.phone = fmt::format("139-{:04}-{:04}", kCalls + extra, 2000 + extra);
        c.score.reset();
        c.failed13 = false;
        calls.push_back(std::move(c));
    }
    return calls;
}

class SearchStore : public ::testing::Test {
protected:
    void SetUp() override {
        auto opened = Database::open(":memory:");
        ASSERT_TRUE(opened) << opened.error().detail;
        m_db.emplace(std::move(*opened));
        m_calls = fixtureCalls();
        auto checklist = ensureChecklist(db(), {0, "default", 1, "默认", "s", "f"});
        ASSERT_TRUE(checklist) << checklist.error().detail;
        for (auto& c : m_calls) {
            const auto& a = kAgents[c.agent];
            auto agent = upsertAgent(db(), a.no, a.name, a.team);
            ASSERT_TRUE(agent) << agent.error().detail;
            RecordingRecord r;
            r.callId = c.callId;
            r.startTime = c.startTime;
            r.callDate = c.startTime.substr(0, 10);
            r.durationSec = c.durationSec;
            r.queue = c.queue;
            r.customerPhone = c.phone;
            r.filePath = "/data/" + c.callId + ".wav";
            r.fileSize = 1;
            r.sha256 = "h";
            r.codec = "pcm_s16le";
            r.container = "wav";
            r.sampleRateHz = 8000;
            r.channels = 2;
            ProfileRecord p;
            p.peaks = {1};
            if (c.deadAir) {
                p.deadAir = {{10, 20}};
            }
            if (c.overtalk) {
                p.overtalk = {{3, 4}, {5, 6}};
            }
            std::vector<SegmentRecord> segments;
            for (const auto& text : c.texts) {
                segments.push_back({"agent", 0, 1, text});
            }
            auto id = insertRecording(db(), *agent, r, p, segments);
            ASSERT_TRUE(id) << id.error().detail;
            c.id = *id;
            if (c.score || c.draft) {
                EvaluationRecord e;
                e.recordingId = c.id;
                e.checklistId = checklist->id;
                e.inspector = "qc1";
                e.status = c.draft ? "draft" : "submitted";
                e.score = c.draft ? 70.0 : *c.score;
                e.answers = {{"1.1", "pass", 0, 0, "", "", ""},
                             {"1.3", c.failed13 ? "fail" : "pass", 0, 0, "", "", ""},
                             {"2.4", "pass", 0, c.index == 20 ? 2 : 0, "", "", ""}};
                auto saved = saveEvaluation(db(), e);
                ASSERT_TRUE(saved) << saved.error().detail;
            }
        }
    }

    Database& db() { return *m_db; }

    /// Every match, page by page; fails the test on a duplicate or a page out of order.
    std::vector<std::string> searchAll(const SearchCriteria& criteria, int pageSize = 7) {
        std::vector<std::string> ids;
        std::set<std::string> seen;
        PageRequest page;
        page.limit = pageSize;
        std::int64_t lastKey = std::numeric_limits<std::int64_t>::max();
        for (int guard = 0; guard < 100; ++guard) {
            auto result = searchRecordings(db(), criteria, page);
            EXPECT_TRUE(result) << result.error().detail;
            if (!result) {
                return ids;
            }
            EXPECT_LE(result->rows.size(), static_cast<std::size_t>(pageSize));
            for (const auto& row : result->rows) {
                EXPECT_LT(row.sortKey, lastKey) << row.callId;
                lastKey = row.sortKey;
                EXPECT_TRUE(seen.insert(row.callId).second) << "twice: " << row.callId;
                ids.push_back(row.callId);
            }
            if (!result->nextKey) {
                return ids;
            }
            EXPECT_EQ(result->rows.size(), static_cast<std::size_t>(pageSize));
            page.afterKey = result->nextKey;
        }
        ADD_FAILURE() << "paging did not end";
        return ids;
    }

    /// The fixture's calls that satisfy `keep`, newest first (ties: the later insert first).
    std::vector<std::string> expected(const std::function<bool(const FixtureCall&)>& keep) const {
        std::vector<const FixtureCall*> kept;
        for (const auto& c : m_calls) {
            if (keep(c)) {
                kept.push_back(&c);
            }
        }
        std::sort(kept.begin(), kept.end(), [](const FixtureCall* a, const FixtureCall* b) {
            return std::tie(a->startTime, a->id) > std::tie(b->startTime, b->id);
        });
        std::vector<std::string> ids;
        for (const auto* c : kept) {
            ids.push_back(c->callId);
        }
        return ids;
    }

    static bool says(const FixtureCall& c, std::string_view text) {
        return std::any_of(c.texts.begin(), c.texts.end(),
                           [&](const std::string& t) { return t.find(text) != std::string::npos; });
    }

    std::optional<Database> m_db;
    std::vector<FixtureCall> m_calls;
};

TEST_F(SearchStore, everyCallNewestFirstAcrossPagesWithNoGapOrDuplicate) {
    const auto all = expected([](const FixtureCall&) { return true; });
    ASSERT_EQ(all.size(), 62u);
    EXPECT_EQ(all.front(), "C20240303-061");
    EXPECT_EQ(all[1], "C20240303-060");
    EXPECT_EQ(all[2], "C20240303-059");
    for (int pageSize : {1, 7, 50, 62, 100}) {
        EXPECT_EQ(searchAll({}, pageSize), all) << "page size " << pageSize;
    }
}

TEST_F(SearchStore, rowsCarryTheCallsDetails) {
    SearchCriteria c;
    c.callId = "C20240301-010";
    auto page = searchRecordings(db(), c, {});
    ASSERT_TRUE(page) << page.error().detail;
    ASSERT_EQ(page->rows.size(), 1u);
    const SearchRow& row = page->rows[0];
    EXPECT_EQ(row.startTime, "2024-03-01 10:40:00");
    EXPECT_EQ(row.durationSec, 130);
    EXPECT_EQ(row.agentNo, "008015");
    EXPECT_EQ(row.agentName, "张伟");
    EXPECT_EQ(row.team, "客服一组");
    EXPECT_EQ(row.queue, "信用卡服务");
    EXPECT_EQ(row.customerPhone, "139-0010-1010");
    EXPECT_EQ(row.deadAirCount, 0);
    EXPECT_EQ(row.overtalkCount, 2);
    EXPECT_EQ(row.evaluationStatus, "submitted");
    EXPECT_EQ(row.score, 60.0);
    EXPECT_FALSE(page->nextKey);

    c.callId = "C20240301-005";
    page = searchRecordings(db(), c, {});
    ASSERT_TRUE(page && page->rows.size() == 1u);
    EXPECT_EQ(page->rows[0].evaluationStatus, "draft");
    c.callId = "C20240301-001";
    page = searchRecordings(db(), c, {});
    ASSERT_TRUE(page && page->rows.size() == 1u);
    EXPECT_EQ(page->rows[0].evaluationStatus, "");
    EXPECT_FALSE(page->rows[0].score);
}

TEST_F(SearchStore, callIdExactOrPrefix) {
    SearchCriteria c;
    c.callId = "C20240302-025";
    EXPECT_EQ(searchAll(c), std::vector<std::string>{"C20240302-025"});
    c.callId = "C20240302-02";
    EXPECT_TRUE(searchAll(c).empty()) << "exact, not a prefix";
    c.callIdPrefix = true;
    EXPECT_EQ(searchAll(c),
              expected([](const FixtureCall& f) { return f.callId.starts_with("C20240302-02"); }));
    c.callId = "C20240302";
    EXPECT_EQ(searchAll(c).size(), 20u);
    c.callId = "X";
    EXPECT_TRUE(searchAll(c).empty());
}

TEST_F(SearchStore, phoneByFullNumberOrLastFourDigits) {
    SearchCriteria c;
    c.phoneDigits = "13900281003";
    EXPECT_EQ(searchAll(c), std::vector<std::string>{"C20240302-028"});
    c.phoneDigits.reset();
    c.phoneLast4 = "1003";
    EXPECT_EQ(searchAll(c),
              (std::vector<std::string>{"C20240303-053", "C20240302-028", "C20240301-003"}));
    c.phoneLast4 = "9999";
    EXPECT_TRUE(searchAll(c).empty());
}

TEST_F(SearchStore, agentByEmployeeNumberOrNameAndTeamAndQueue) {
    SearchCriteria c;
    c.agent = "009104";
    const auto zhaoMin = expected([](const FixtureCall& f) { return f.agent == 2; });
    EXPECT_EQ(searchAll(c), zhaoMin);
    c.agent = "赵敏";
    EXPECT_EQ(searchAll(c), zhaoMin);
    c.agent = "nobody";
    EXPECT_TRUE(searchAll(c).empty());

    c = {};
    c.team = "客服一组";
    EXPECT_EQ(searchAll(c), expected([](const FixtureCall& f) { return f.agent != 2; }));
    c.agent = "009104";
    EXPECT_TRUE(searchAll(c).empty()) << "赵敏 is not in 客服一组";

    c = {};
    c.queue = "宽带报修";
    EXPECT_EQ(searchAll(c), expected([](const FixtureCall& f) { return f.queue == "宽带报修"; }));
}

TEST_F(SearchStore, timeRangeIncludesFromAndExcludesUntil) {
    SearchCriteria c;
    c.fromTime = "2024-03-02 00:00:00";
    c.untilTime = "2024-03-03 00:00:00";
    EXPECT_EQ(searchAll(c),
              expected([](const FixtureCall& f) { return f.startTime.starts_with("2024-03-02"); }));
    c.fromTime = "2024-03-01 10:00:00";
    c.untilTime = "2024-03-01 10:30:00";
    EXPECT_EQ(searchAll(c),
              (std::vector<std::string>{"C20240301-008", "C20240301-007", "C20240301-006"}));
}

TEST_F(SearchStore, durationRangeIsInclusive) {
    SearchCriteria c;
    c.minDurationSec = 100;
    c.maxDurationSec = 150;
    EXPECT_EQ(searchAll(c),
              (std::vector<std::string>{"C20240301-012", "C20240301-011", "C20240301-010",
                                        "C20240301-009", "C20240301-008", "C20240301-007"}));
    c.maxDurationSec.reset();
    c.minDurationSec = 600;
    EXPECT_EQ(searchAll(c), expected([](const FixtureCall& f) { return f.durationSec >= 600; }));
}

TEST_F(SearchStore, deadAirAndOvertalkFlags) {
    SearchCriteria c;
    c.deadAir = true;
    EXPECT_EQ(searchAll(c), expected([](const FixtureCall& f) { return f.deadAir; }));
    c.overtalk = true;
    EXPECT_EQ(searchAll(c), expected([](const FixtureCall& f) { return f.deadAir && f.overtalk; }));
    c.deadAir = false;
    EXPECT_EQ(searchAll(c), expected([](const FixtureCall& f) { return f.overtalk; }));
}

TEST_F(SearchStore, evaluatedOrNotScoreRangeAndFailedItem) {
    SearchCriteria c;
    c.evaluated = true;
    EXPECT_EQ(searchAll(c),
              (std::vector<std::string>{"C20240303-050", "C20240303-040", "C20240302-030",
                                        "C20240302-020", "C20240301-010", "C20240301-000"}));
    c.evaluated = false;
    EXPECT_EQ(searchAll(c), expected([](const FixtureCall& f) { return !f.score; }))
        << "a draft is not an evaluation yet";
    c = {};
    c.minScore = 70;
    c.maxScore = 90;
    EXPECT_EQ(searchAll(c),
              (std::vector<std::string>{"C20240303-040", "C20240302-030", "C20240302-020"}));
    c = {};
    c.failedItem = "1.3";
    EXPECT_EQ(searchAll(c), (std::vector<std::string>{"C20240302-030", "C20240301-010"}));
    c.failedItem = "2.4"; // a deduction item counts as failed when it occurred
    EXPECT_EQ(searchAll(c), std::vector<std::string>{"C20240302-020"});
    c.failedItem = "1.1";
    EXPECT_TRUE(searchAll(c).empty());
}

TEST_F(SearchStore, textOfThreeOrMoreCharacters) {
    SearchCriteria c;
    c.text = "我也不知道";
    EXPECT_EQ(searchAll(c), std::vector<std::string>{"C20240301-007"});
    c.text = "查一下这个月";
    EXPECT_EQ(searchAll(c), expected([](const FixtureCall& f) { return says(f, "查一下这个月"); }));
    EXPECT_EQ(searchAll(c).size(), 20u);
    c.text = "很高兴为您服务";
    EXPECT_EQ(searchAll(c).size(), 62u);
    c.text = "vip plan";
    EXPECT_EQ(searchAll(c), std::vector<std::string>{"C20240301-013"}) << "ASCII case ignored";
    c.text = "100%_";
    EXPECT_EQ(searchAll(c), std::vector<std::string>{"C20240301-013"});
    c.text = "服务我想"; // spans two segments: not said
    EXPECT_TRUE(searchAll(c).empty());
}

TEST_F(SearchStore, textOfOneOrTwoCharacters) {
    SearchCriteria c;
    c.text = "账单";
    const auto bill = expected([](const FixtureCall& f) { return says(f, "账单"); });
    ASSERT_EQ(bill.size(), 20u);
    EXPECT_EQ(searchAll(c), bill);
    c.text = "投诉";
    EXPECT_EQ(searchAll(c), expected([](const FixtureCall& f) { return says(f, "投诉"); }));
    c.text = "好的";
    EXPECT_EQ(searchAll(c), std::vector<std::string>{"C20240301-013"});
    c.text = "宽";
    EXPECT_EQ(searchAll(c), expected([](const FixtureCall& f) { return says(f, "宽"); }));
    c.text = "vi";
    EXPECT_EQ(searchAll(c), std::vector<std::string>{"C20240301-013"});
    c.text = "%_"; // not a gram the index keeps: answered by LIKE, escaped
    EXPECT_EQ(searchAll(c), std::vector<std::string>{"C20240301-013"});
    c.text = "账户";
    EXPECT_TRUE(searchAll(c).empty());
}

TEST_F(SearchStore, combinationsMatchEveryCriterion) {
    struct Case {
        const char* name;
        SearchCriteria criteria;
        std::function<bool(const FixtureCall&)> keep;
    };
    std::vector<Case> cases;
    {
        SearchCriteria c;
        c.agent = "王芳";
        c.text = "账单";
        cases.push_back({"agent+2-char text", c, [](const FixtureCall& f) {
                             return f.agent == 0 && says(f, "账单");
                         }});
    }
    {
        SearchCriteria c;
        c.team = "客服一组";
        c.deadAir = true;
        c.fromTime = "2024-03-02 00:00:00";
        cases.push_back({"team+dead air+from", c, [](const FixtureCall& f) {
                             return f.agent != 2 && f.deadAir && f.startTime >= "2024-03-02";
                         }});
    }
    {
        SearchCriteria c;
        c.queue = "信用卡服务";
        c.evaluated = false;
        c.minDurationSec = 200;
        cases.push_back({"queue+not evaluated+duration", c, [](const FixtureCall& f) {
                             return f.queue == "信用卡服务" && !f.score && f.durationSec >= 200;
                         }});
    }
    {
        SearchCriteria c;
        c.text = "很高兴为您服务";
        c.untilTime = "2024-03-02 00:00:00";
        c.overtalk = true;
        cases.push_back({"text+until+overtalk", c, [](const FixtureCall& f) {
                             return f.startTime < "2024-03-02" && f.overtalk;
                         }});
    }
    {
        SearchCriteria c;
        c.phoneLast4 = "1005";
        c.queue = "宽带报修";
        cases.push_back({"last4+queue", c, [](const FixtureCall& f) {
                             return f.phone.ends_with("1005") && f.queue == "宽带报修";
                         }});
    }
    {
        SearchCriteria c;
        c.failedItem = "1.3";
        c.agent = "008015";
        cases.push_back({"failed item+agent", c, [](const FixtureCall& f) {
                             return f.failed13 && f.agent == 1;
                         }});
    }
    {
        SearchCriteria c;
        c.minScore = 60;
        c.text = "宽带";
        cases.push_back({"score+text", c, [](const FixtureCall& f) {
                             return f.score && *f.score >= 60 && says(f, "宽带");
                         }});
    }
    {
        SearchCriteria c;
        c.callId = "C20240301";
        c.callIdPrefix = true;
        c.text = "投诉你们";
        c.maxDurationSec = 150;
        cases.push_back({"prefix+text+max duration", c, [](const FixtureCall& f) {
                             return f.callId.starts_with("C20240301") && says(f, "投诉你们") &&
                                    f.durationSec <= 150;
                         }});
    }
    for (const auto& test : cases) {
        const auto want = test.criteria.text ? expected([&](const FixtureCall& f) {
            return test.keep(f) && says(f, *test.criteria.text);
        })
                                             : expected(test.keep);
        EXPECT_FALSE(want.empty()) << test.name << ": the fixture should have matches";
        EXPECT_EQ(searchAll(test.criteria, 3), want) << test.name;
    }
}

TEST_F(SearchStore, countIsCappedAndPagesSayWhetherMoreFollow) {
    SearchCriteria c;
    c.queue = "宽带报修";
    PageRequest page;
    page.limit = 10;
    page.countUpTo = 1000;
    auto result = searchRecordings(db(), c, page);
    ASSERT_TRUE(result) << result.error().detail;
    EXPECT_EQ(result->count, 32);
    EXPECT_FALSE(result->countCapped);
    EXPECT_TRUE(result->nextKey);
    page.countUpTo = 5;
    result = searchRecordings(db(), c, page);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->count, 5);
    EXPECT_TRUE(result->countCapped);
    page.limit = 32;
    result = searchRecordings(db(), c, page);
    ASSERT_TRUE(result);
    EXPECT_EQ(result->rows.size(), 32u);
    EXPECT_FALSE(result->nextKey) << "exactly one page: nothing more";
}

TEST_F(SearchStore, eachCriterionIsAnsweredFromItsIndex) {
    // The plan of the page query (before the details of its rows are joined).
    const auto planOf = [&](const SearchCriteria& c) {
        auto plan = explainSearch(db(), c);
        EXPECT_TRUE(plan) << plan.error().detail;
        return plan ? plan->substr(0, plan->find("\nSCAN p")) : std::string();
    };
    SearchCriteria c;
    c.phoneLast4 = "1003";
    EXPECT_NE(planOf(c).find("recordings_by_phone_last4"), std::string::npos) << planOf(c);
    c = {};
    c.agent = "008012";
    EXPECT_NE(planOf(c).find("recordings_by_agent_key"), std::string::npos) << planOf(c);
    c = {};
    c.text = "我也不知道";
    EXPECT_TRUE(planOf(c).starts_with("text\n")) << planOf(c);
    EXPECT_NE(planOf(c).find("SCAN f VIRTUAL TABLE"), std::string::npos) << planOf(c);
    c.text = "账单";
    EXPECT_TRUE(planOf(c).starts_with("grams\n")) << planOf(c);
    c = {};
    c.failedItem = "1.3";
    EXPECT_TRUE(planOf(c).starts_with("candidates:failed_item\n")) << planOf(c);
    c = {};
    c.deadAir = true;
    EXPECT_NE(planOf(c).find("recordings_with_dead_air"), std::string::npos) << planOf(c);
    // A call's evaluations are found by its id, never by walking all submitted ones.
    for (const auto& evaluated : {true, false}) {
        c = {};
        c.callId = "C20240301-010";
        c.evaluated = evaluated;
        EXPECT_EQ(planOf(c).find("evaluations_by_score"), std::string::npos) << planOf(c);
    }
    c = {};
    c.callId = "C20240301-010";
    c.failedItem = "1.3";
    EXPECT_EQ(planOf(c).find("evaluation_answers_failed"), std::string::npos) << planOf(c);
    // Ordered drivers stop at a full page: nothing is sorted.
    std::vector<SearchCriteria> ordered(5);
    ordered[1].agent = "008012";
    ordered[2].queue = "宽带报修";
    ordered[2].deadAir = true;
    ordered[3].text = "很高兴";
    ordered[4].text = "账单";
    for (const auto& o : ordered) {
        EXPECT_EQ(planOf(o).find("TEMP B-TREE"), std::string::npos) << planOf(o);
    }
}

TEST(SearchEvaluations, manyEvaluatedCallsAreWalkedNewestFirstEachOnce) {
    // 700 calls over 7 days, 650 of them evaluated, every fifth by a second inspector too: more
    // matches than are worth sorting, so searches by evaluation walk the evaluations.
    auto opened = Database::open(":memory:");
    ASSERT_TRUE(opened) << opened.error().detail;
    Database& db = *opened;
    auto checklist = ensureChecklist(db, {0, "default", 1, "默认", "s", "f"});
    auto agent = upsertAgent(db, "008012", "王芳", "客服一组");
    ASSERT_TRUE(checklist && agent);
    struct Evaluation {
        double score;
        bool failed13;
    };
    struct Call {
        std::string callId;
        int day;
        std::vector<Evaluation> evaluations;
    };
    std::vector<Call> calls;
    for (int i = 0; i < 700; ++i) {
        RecordingRecord r;
        r.callId = fmt::format("E{:04}", i);
        r.startTime =
            fmt::format("2024-03-{:02} {:02}:{:02}:00", 1 + i / 100, 8 + i % 100 / 10, i % 10);
        r.callDate = r.startTime.substr(0, 10);
        r.filePath = "/x";
        ProfileRecord p;
        p.peaks = {1};
        auto id = insertRecording(db, *agent, r, p, {});
        ASSERT_TRUE(id) << id.error().detail;
        Call call{r.callId, 1 + i / 100, {}};
        for (int inspector = 1; inspector <= 2 && i % 14 != 0; ++inspector) {
            if (inspector == 2 && i % 5 != 0) {
                break;
            }
            EvaluationRecord e;
            e.recordingId = *id;
            e.checklistId = checklist->id;
            e.inspector = fmt::format("qc{}", inspector);
            e.status = "submitted";
            e.score = (i * 37 + inspector * 11) % 101;
            const bool failed = (i + inspector) % 3 == 0;
            e.answers = {{"1.3", failed ? "fail" : "pass", 0, 0, "", "", ""}};
            auto saved = saveEvaluation(db, e);
            ASSERT_TRUE(saved) << saved.error().detail;
            call.evaluations.push_back({*e.score, failed});
        }
        calls.push_back(std::move(call));
    }
    const auto expect = [&](const char* driver, const SearchCriteria& criteria,
                            const std::function<bool(const Call&, const Evaluation&)>& keep) {
        auto plan = explainSearch(db, criteria);
        ASSERT_TRUE(plan) << plan.error().detail;
        EXPECT_TRUE(plan->starts_with(std::string(driver) + "\n")) << *plan;
        std::vector<std::string> want;
        for (auto it = calls.rbegin(); it != calls.rend(); ++it) {
            if (std::any_of(it->evaluations.begin(), it->evaluations.end(),
                            [&](const Evaluation& e) { return keep(*it, e); })) {
                want.push_back(it->callId);
            }
        }
        std::vector<std::string> got;
        PageRequest page;
        page.limit = 37;
        for (int guard = 0; guard < 100; ++guard) {
            auto result = searchRecordings(db, criteria, page);
            ASSERT_TRUE(result) << result.error().detail;
            for (const auto& row : result->rows) {
                got.push_back(row.callId);
            }
            if (!result->nextKey) {
                break;
            }
            page.afterKey = result->nextKey;
        }
        EXPECT_FALSE(want.empty()) << driver;
        EXPECT_EQ(got, want) << driver;
    };
    SearchCriteria c;
    c.evaluated = true;
    expect("evaluations", c, [](const Call&, const Evaluation&) { return true; });
    c.minScore = 10;
    c.maxScore = 95;
    expect("evaluations", c,
           [](const Call&, const Evaluation& e) { return e.score >= 10 && e.score <= 95; });
    c = {};
    c.failedItem = "1.3";
    c.minScore = 20;
    c.fromTime = "2024-03-02 00:00:00";
    c.untilTime = "2024-03-06 00:00:00";
    // Fewer matches of the failed item than the cap: those are read and sorted instead.
    expect("candidates:failed_item", c, [](const Call& call, const Evaluation& e) {
        return e.failed13 && e.score >= 20 && call.day >= 2 && call.day < 6;
    });
}

TEST(SearchGrams, everyOneAndTwoCharacterSubstringOnce) {
    EXPECT_EQ(transcriptGrams("账单账单"), "单 单账 账 账单");
    EXPECT_EQ(transcriptGrams("ab"), "a ab b");
    EXPECT_EQ(transcriptGrams(""), "");
    EXPECT_EQ(phoneDigits("+86 (138) 1234-5678"), "8613812345678");
}

TEST(SearchMigration, fillsTheSearchColumnsAndIndexesOfAnOlderDatabase) {
    const auto path = std::filesystem::path(CALLQC_TEST_TMP) / "search_upgrade.db";
    std::filesystem::create_directories(path.parent_path());
    std::filesystem::remove(path);
    {
        // A database as version 4 left it, built with its own steps.
        sqlite3* raw = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
        for (int step = 0; step < 4; ++step) {
            ASSERT_EQ(sqlite3_exec(raw, migrations()[static_cast<std::size_t>(step)].c_str(),
                                   nullptr, nullptr, nullptr),
                      SQLITE_OK)
                << sqlite3_errmsg(raw);
        }
        std::string sql = "PRAGMA user_version = 4;"
                          "INSERT INTO teams(name) VALUES ('一组');"
                          "INSERT INTO agents(employee_no, name, team_id) VALUES ('001', 'a', 1);";
        // Calls 1 and 2 start in the same second; call 3 is older.
        const char* times[] = {"2024-05-01 09:00:00", "2024-05-01 09:00:00", "2024-04-30 18:00:00"};
        for (int i = 1; i <= 3; ++i) {
            sql += fmt::format(
                "INSERT INTO recordings(call_id, agent_id, start_time, call_date, duration_sec, "
                "customer_phone, file_path, file_size, sha256, codec, container, sample_rate, "
                "channels) VALUES ('C{0}', 1, '{1}', '{2}', 10, '+86 138-0000-000{0}', '/x{0}', "
                "1, 'h', 'pcm', 'wav', 8000, 1);"
                "INSERT INTO audio_profiles(recording_id, stereo, agent_speech_sec, "
                "customer_speech_sec, talk_ratio, longest_silence_sec, agent_speech, "
                "customer_speech, dead_air, overtalk, peaks) VALUES ({0}, 1, 1, 1, 0.5, 1, '[]', "
                "'[]', '{3}', '[]', x'00');",
                i, times[i - 1], std::string(times[i - 1]).substr(0, 10),
                i == 2 ? "[[1.000,9.000]]" : "[]");
        }
        sql += "INSERT INTO transcript_segments(recording_id, seq, speaker, start_sec, end_sec, "
               "text) VALUES (1, 0, 'agent', 0, 1, '您好'), (1, 1, 'customer', 1, 2, '查账单'),"
               "(3, 0, 'customer', 0, 1, '我要投诉');";
        ASSERT_EQ(sqlite3_exec(raw, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK)
            << sqlite3_errmsg(raw);
        sqlite3_close(raw);
    }
    auto db = Database::open(path);
    ASSERT_TRUE(db) << db.error().detail;
    EXPECT_GE(db->schemaVersion(), 5);

    const auto ids = [&](const SearchCriteria& c) {
        std::vector<std::string> out;
        auto page = searchRecordings(*db, c, {});
        EXPECT_TRUE(page) << page.error().detail;
        if (page) {
            for (const auto& row : page->rows) {
                out.push_back(row.callId);
            }
        }
        return out;
    };
    EXPECT_EQ(ids({}), (std::vector<std::string>{"C2", "C1", "C3"}));
    SearchCriteria c;
    c.phoneLast4 = "0002";
    EXPECT_EQ(ids(c), std::vector<std::string>{"C2"});
    c = {};
    c.phoneDigits = "8613800000003";
    EXPECT_EQ(ids(c), std::vector<std::string>{"C3"});
    c = {};
    c.deadAir = true;
    EXPECT_EQ(ids(c), std::vector<std::string>{"C2"});
    c = {};
    c.text = "账单";
    EXPECT_EQ(ids(c), std::vector<std::string>{"C1"});
    c.text = "我要投诉";
    EXPECT_EQ(ids(c), std::vector<std::string>{"C3"});
    c.text = "好查"; // across segments
    EXPECT_TRUE(ids(c).empty());

    // A call inserted after the upgrade goes after the two that share its second.
    auto agent = upsertAgent(*db, "001", "a", "一组");
    ASSERT_TRUE(agent);
    RecordingRecord r;
    r.callId = "C4";
    r.startTime = "2024-05-01 09:00:00";
    r.callDate = "2024-05-01";
    r.filePath = "/x4";
    ProfileRecord p;
    p.peaks = {1};
    auto id = insertRecording(*db, *agent, r, p, {{"agent", 0, 1, "账单已经寄出"}});
    ASSERT_TRUE(id) << id.error().detail;
    EXPECT_EQ(ids({}), (std::vector<std::string>{"C4", "C2", "C1", "C3"}));
    c.text = "账单";
    EXPECT_EQ(ids(c), (std::vector<std::string>{"C4", "C1"}));
}

} // namespace
} // namespace callqc::storage
