// Time zones from the system tz database and the start-time formats of metadata exports.

#include <chrono>

#include <gtest/gtest.h>

#include "storage/time_zone.hpp"

namespace callqc::storage {
namespace {

using namespace std::chrono;

sys_seconds utc(int y, unsigned m, unsigned d, int h, int mi = 0) {
    return sys_days{year{y} / month{m} / day{d}} + hours{h} + minutes{mi};
}

TimeZone zone(const char* name) {
    auto loaded = TimeZone::load(name);
    EXPECT_TRUE(loaded) << loaded.error();
    return loaded ? *loaded : TimeZone::fixed(seconds{0}, "UTC");
}

TEST(TimeZone, shanghaiIsEightHoursAheadAllYear) {
    const auto shanghai = zone("Asia/Shanghai");
    EXPECT_EQ(shanghai.name(), "Asia/Shanghai");
    EXPECT_EQ(shanghai.offsetAt(utc(2026, 1, 15, 0)), hours{8});
    EXPECT_EQ(shanghai.offsetAt(utc(2026, 7, 15, 0)), hours{8});
    EXPECT_EQ(shanghai.offsetAt(utc(2090, 7, 15, 0)), hours{8}); // past the listed transitions
    EXPECT_EQ(shanghai.offsetAt(utc(1988, 7, 15, 0)), hours{9}); // China had summer time then
}

TEST(TimeZone, daylightSavingFollowsTheRulesIncludingAfterTheListedYears) {
    const auto newYork = zone("America/New_York");
    EXPECT_EQ(newYork.offsetAt(utc(2026, 1, 15, 12)), hours{-5});
    EXPECT_EQ(newYork.offsetAt(utc(2026, 7, 15, 12)), hours{-4});
    // 2026: summer time from 8 March 07:00 UTC to 1 November 06:00 UTC.
    EXPECT_EQ(newYork.offsetAt(utc(2026, 3, 8, 6, 59)), hours{-5});
    EXPECT_EQ(newYork.offsetAt(utc(2026, 3, 8, 7, 0)), hours{-4});
    EXPECT_EQ(newYork.offsetAt(utc(2026, 11, 1, 5, 59)), hours{-4});
    EXPECT_EQ(newYork.offsetAt(utc(2026, 11, 1, 6, 0)), hours{-5});
    // 2100 is computed from the footer rule: second Sunday of March is the 14th.
    EXPECT_EQ(newYork.offsetAt(utc(2100, 3, 14, 6, 59)), hours{-5});
    EXPECT_EQ(newYork.offsetAt(utc(2100, 3, 14, 7, 0)), hours{-4});
    const auto sydney = zone("Australia/Sydney"); // southern summer spans the new year
    EXPECT_EQ(sydney.offsetAt(utc(2090, 1, 10, 0)), hours{11});
    EXPECT_EQ(sydney.offsetAt(utc(2090, 7, 10, 0)), hours{10});
}

TEST(TimeZone, fixedOffsetsAndBadNames) {
    EXPECT_EQ(zone("+08:00").offsetAt(utc(2026, 1, 1, 0)), hours{8});
    EXPECT_EQ(zone("-0530").offsetAt(utc(2026, 1, 1, 0)), -(hours{5} + minutes{30}));
    EXPECT_EQ(zone("UTC").offsetAt(utc(2026, 1, 1, 0)), seconds{0});
    EXPECT_EQ(TimeZone::load("Mars/Olympus").error(),
              "unknown time zone \"Mars/Olympus\" (no /usr/share/zoneinfo/Mars/Olympus)");
    EXPECT_EQ(TimeZone::load("../../etc/passwd").error(),
              "\"../../etc/passwd\" is not a time zone name");
}

TEST(StartTime, localFormatsAreNormalised) {
    const auto shanghai = zone("Asia/Shanghai");
    const auto local = [&](const char* text) {
        auto t = toLocalTimestamp(text, shanghai);
        return t ? *t : "error: " + t.error();
    };
    EXPECT_EQ(local("2026-11-25 09:13:05"), "2026-11-25 09:13:05");
    EXPECT_EQ(local("2026/11/25 9:13"), "2026-11-25 09:13:00");
    EXPECT_EQ(local("2026-11-25T09:13:05"), "2026-11-25 09:13:05");
    EXPECT_EQ(local("2026.11.25 09:13:05.750"), "2026-11-25 09:13:05");
    EXPECT_EQ(local("2026年11月25日 09:13:05"), "2026-11-25 09:13:05");
    EXPECT_EQ(local("20261125091305"), "2026-11-25 09:13:05");
    EXPECT_EQ(local("  2026-11-25   09:13:05 "), "2026-11-25 09:13:05");
}

TEST(StartTime, offsetsAreConvertedToTheConfiguredZone) {
    const auto shanghai = zone("Asia/Shanghai");
    EXPECT_EQ(toLocalTimestamp("2026-11-25T09:13:05+08:00", shanghai), "2026-11-25 09:13:05");
    EXPECT_EQ(toLocalTimestamp("2026-11-25T01:13:05Z", shanghai), "2026-11-25 09:13:05");
    EXPECT_EQ(toLocalTimestamp("2026-11-24T20:13:05-0500", shanghai), "2026-11-25 09:13:05");
    EXPECT_EQ(toLocalTimestamp("2026-11-25 18:30:00 +09", shanghai), "2026-11-25 17:30:00");
    EXPECT_EQ(toLocalTimestamp("2026-12-31T20:00:00Z", shanghai), "2027-01-01 04:00:00");
    const auto newYork = zone("America/New_York");
    EXPECT_EQ(toLocalTimestamp("2026-07-01T12:00:00Z", newYork), "2026-07-01 08:00:00");
    EXPECT_EQ(toLocalTimestamp("2026-12-01T12:00:00Z", newYork), "2026-12-01 07:00:00");
}

TEST(StartTime, unparsableTextSaysWhatIsWrong) {
    const auto shanghai = zone("Asia/Shanghai");
    const std::string hint =
        "is not a date and time like 2026-11-25 09:13:05 or 2026-11-25T09:13:05+08:00";
    EXPECT_EQ(toLocalTimestamp("yesterday noon", shanghai).error(), hint);
    EXPECT_EQ(toLocalTimestamp("2026-11-25", shanghai).error(), hint);
    EXPECT_EQ(toLocalTimestamp("2026-11/25 10:00", shanghai).error(), hint);
    EXPECT_EQ(toLocalTimestamp("2026-11-25 10:00:00 CST", shanghai).error(), hint);
    EXPECT_EQ(toLocalTimestamp("2026-02-29 10:00:00", shanghai).error(),
              "has no day 29 in month 2");
    EXPECT_EQ(toLocalTimestamp("2026-13-01 10:00:00", shanghai).error(), "has no month 13");
    EXPECT_EQ(toLocalTimestamp("2026-11-25 24:00:00", shanghai).error(), "has no time 24:00:00");
    EXPECT_EQ(toLocalTimestamp("2028-02-29 10:00:00", shanghai), "2028-02-29 10:00:00");
}

} // namespace
} // namespace callqc::storage
