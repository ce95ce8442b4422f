// The search use case: people's input checked and normalised, and pages followed by cursor.

#include <filesystem>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "app/core/search.hpp"
#include "app/core/session.hpp"
#include "storage/call_store.hpp"

namespace callqc::core {
namespace {

storage::SearchCriteria criteriaOf(const SearchRequest& request) {
    auto c = searchCriteria(request);
    EXPECT_TRUE(c) << c.error().detail;
    return c ? *c : storage::SearchCriteria{};
}

std::string errorOf(const SearchRequest& request) {
    auto c = searchCriteria(request);
    auto page = searchPage(request);
    EXPECT_FALSE(c && page) << "accepted";
    if (!c) {
        EXPECT_EQ(c.error().kind, CoreError::Kind::Input);
        return c.error().detail;
    }
    return page ? std::string() : page.error().detail;
}

TEST(SearchRequest, phoneIsTheWholeNumberOrItsLastFourDigits) {
    SearchRequest r;
    r.phone = "1003";
    EXPECT_EQ(criteriaOf(r).phoneLast4, "1003");
    EXPECT_FALSE(criteriaOf(r).phoneDigits);
    r.phone = "+86 138-1234-5678";
    EXPECT_EQ(criteriaOf(r).phoneDigits, "8613812345678");
    EXPECT_FALSE(criteriaOf(r).phoneLast4);
    r.phone = "12";
    EXPECT_NE(errorOf(r).find("--phone \"12\""), std::string::npos);
    r.phone = "ab1234";
    EXPECT_NE(errorOf(r).find("--phone"), std::string::npos);
}

TEST(SearchRequest, callIdWithAStarIsAPrefix) {
    SearchRequest r;
    r.callId = "C20240301*";
    EXPECT_EQ(criteriaOf(r).callId, "C20240301");
    EXPECT_TRUE(criteriaOf(r).callIdPrefix);
    r.callId = "C20240301-001";
    EXPECT_FALSE(criteriaOf(r).callIdPrefix);
    r.callId = "*";
    EXPECT_NE(errorOf(r).find("--call-id"), std::string::npos);
    r.callId = " ";
    EXPECT_NE(errorOf(r).find("--call-id is empty"), std::string::npos);
}

TEST(SearchRequest, timesAreInclusiveToTheirOwnPrecision) {
    SearchRequest r;
    r.from = "2024-02-28";
    r.to = "2024-02-29";
    EXPECT_EQ(criteriaOf(r).fromTime, "2024-02-28 00:00:00");
    EXPECT_EQ(criteriaOf(r).untilTime, "2024-03-01 00:00:00") << "the whole leap day";
    r.to = "2024-12-31 23:59";
    EXPECT_EQ(criteriaOf(r).untilTime, "2025-01-01 00:00:00") << "the whole minute";
    r.from = "2024-03-01T10:00:05";
    r.to = "2024-03-01 10:00:05";
    EXPECT_EQ(criteriaOf(r).fromTime, "2024-03-01 10:00:05");
    EXPECT_EQ(criteriaOf(r).untilTime, "2024-03-01 10:00:06");
    for (const char* bad : {"2023-02-29", "2024-13-01", "2024-3-1", "2024-03-01 24:00",
                            "2024-03-01 10:00:60", "yesterday"}) {
        SearchRequest b;
        b.from = bad;
        EXPECT_NE(errorOf(b).find(fmt::format("--from \"{}\"", bad)), std::string::npos) << bad;
    }
    r.from = "2024-03-02";
    r.to = "2024-03-01";
    EXPECT_NE(errorOf(r).find("is after"), std::string::npos);
}

TEST(SearchRequest, rangesFlagsAndTextAreChecked) {
    SearchRequest r;
    r.minDurationSec = 60;
    r.maxDurationSec = 30;
    EXPECT_NE(errorOf(r).find("--min-duration"), std::string::npos);
    r = {};
    r.minScore = 90;
    r.maxScore = 80;
    EXPECT_NE(errorOf(r).find("--min-score"), std::string::npos);
    r = {};
    r.evaluated = false;
    r.failedItem = "1.3";
    EXPECT_NE(errorOf(r).find("--evaluated no"), std::string::npos);
    r = {};
    r.text = " 　账单　 ";
    EXPECT_EQ(criteriaOf(r).text, "账单") << "ASCII and ideographic spaces trimmed";
    r.text = "　";
    EXPECT_NE(errorOf(r).find("--text is empty"), std::string::npos);
    r = {};
    r.limit = 0;
    EXPECT_NE(errorOf(r).find("--limit 0"), std::string::npos);
    r.limit = kMaxSearchLimit + 1;
    EXPECT_NE(errorOf(r).find("--limit"), std::string::npos);
    r = {};
    r.after = "12ab";
    EXPECT_NE(errorOf(r).find("--after \"12ab\""), std::string::npos);
}

TEST(SearchCalls, sessionPagesFollowTheCursorToTheEnd) {
    const auto dir = std::filesystem::path(CALLQC_TEST_TMP) / fmt::format("search-{}", getpid());
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    {
        auto db = storage::Database::open(dir / "qc.db");
        ASSERT_TRUE(db) << db.error().detail;
        auto agent = storage::upsertAgent(*db, "008012", "王芳", "客服一组");
        ASSERT_TRUE(agent);
        for (int i = 0; i < 5; ++i) {
            storage::RecordingRecord r;
            r.callId = fmt::format("C{}", i);
            r.startTime = fmt::format("2024-03-01 09:0{}:00", i);
            r.callDate = "2024-03-01";
            r.customerPhone = fmt::format("1380000{:04}", 1000 + i);
            r.filePath = "/x";
            storage::ProfileRecord p;
            p.peaks = {1};
            ASSERT_TRUE(storage::insertRecording(
                *db, *agent, r, p, {{"agent", 0, 1, i % 2 ? "请问还有其他问题吗" : "账单"}}));
        }
    }
    auto session = Session::open(dir / "qc.db", "qc1");
    ASSERT_TRUE(session) << session.error().detail;

    SearchRequest request;
    request.limit = 2;
    request.countUpTo = 100;
    std::vector<std::string> seen;
    for (int page = 0; page < 5; ++page) {
        auto result = session->search(request);
        ASSERT_TRUE(result) << result.error().detail;
        EXPECT_EQ(result->count, 5);
        for (const auto& row : result->rows) {
            seen.push_back(row.callId);
        }
        if (!result->next) {
            break;
        }
        request.after = result->next;
    }
    EXPECT_EQ(seen, (std::vector<std::string>{"C4", "C3", "C2", "C1", "C0"}));

    SearchRequest phone;
    phone.phone = "1003";
    phone.text = "请问";
    auto result = session->search(phone);
    ASSERT_TRUE(result) << result.error().detail;
    ASSERT_EQ(result->rows.size(), 1u);
    EXPECT_EQ(result->rows[0].callId, "C3");
    EXPECT_FALSE(result->next);

    phone.from = "2024-02-30";
    result = session->search(phone);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, CoreError::Kind::Input);
}

} // namespace
} // namespace callqc::core
