#include "storage/time_zone.hpp"

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <optional>

#include <date/tz.h>
#include <fmt/format.h>

namespace callqc::storage {
namespace {

namespace chr = std::chrono;

/// Where libdate-tz built with USE_OS_TZDB finds the database (discover_tz_dir in date's tz.cpp);
/// it reads no TZDIR.
constexpr std::string_view kZoneDir = "/usr/share/zoneinfo";
constexpr std::size_t kMaxTzifBytes = 1 << 20;
constexpr std::string_view kFormatHint =
    "is not a date and time like 2026-11-25 09:13:05 or 2026-11-25T09:13:05+08:00";

/// A cursor over text for the small hand-written parsers below.
class Cursor {
public:
    explicit Cursor(std::string_view text) : m_text(text) {}
    [[nodiscard]] bool atEnd() const { return m_at >= m_text.size(); }
    [[nodiscard]] char peek() const { return atEnd() ? '\0' : m_text[m_at]; }
    bool take(char c) {
        if (peek() == c && !atEnd()) {
            ++m_at;
            return true;
        }
        return false;
    }
    bool take(std::string_view s) {
        if (m_text.substr(m_at).starts_with(s)) {
            m_at += s.size();
            return true;
        }
        return false;
    }
    /// Between `least` and `most` decimal digits as a number.
    std::optional<int> number(int least, int most) {
        int value = 0;
        int count = 0;
        while (count < most && !atEnd() && peek() >= '0' && peek() <= '9') {
            value = value * 10 + (peek() - '0');
            ++m_at;
            ++count;
        }
        if (count < least) {
            return std::nullopt;
        }
        return value;
    }
    int skipSpaces() {
        int n = 0;
        while (peek() == ' ' || peek() == '\t') {
            ++m_at;
            ++n;
        }
        return n;
    }
    [[nodiscard]] std::string_view rest() const { return m_text.substr(m_at); }
    void advance(std::size_t n) { m_at += n; }

private:
    std::string_view m_text;
    std::size_t m_at = 0;
};

/// "[+-]hh[:mm[:ss]]" as seconds (the sign as written).
std::optional<std::int32_t> posixTime(Cursor& c) {
    int sign = 1;
    if (c.take('-')) {
        sign = -1;
    } else {
        c.take('+');
    }
    const auto h = c.number(1, 3);
    if (!h || *h > 167) {
        return std::nullopt;
    }
    int m = 0;
    int s = 0;
    if (c.take(':')) {
        const auto mm = c.number(2, 2);
        if (!mm) {
            return std::nullopt;
        }
        m = *mm;
        if (c.take(':')) {
            const auto ss = c.number(2, 2);
            if (!ss) {
                return std::nullopt;
            }
            s = *ss;
        }
    }
    return sign * (*h * 3600 + m * 60 + s);
}

bool posixName(Cursor& c) {
    if (c.take('<')) {
        while (!c.atEnd() && c.peek() != '>') {
            c.advance(1);
        }
        return c.take('>');
    }
    int letters = 0;
    while (!c.atEnd() &&
           ((c.peek() >= 'A' && c.peek() <= 'Z') || (c.peek() >= 'a' && c.peek() <= 'z'))) {
        c.advance(1);
        ++letters;
    }
    return letters >= 3;
}

std::optional<TimeZone::PosixRule::Change> posixChange(Cursor& c) {
    TimeZone::PosixRule::Change change;
    if (!c.take('M')) {
        return std::nullopt; // the Julian-day forms are not used by tzdata for current rules
    }
    const auto month = c.number(1, 2);
    if (!month || !c.take('.')) {
        return std::nullopt;
    }
    const auto week = c.number(1, 1);
    if (!week || !c.take('.')) {
        return std::nullopt;
    }
    const auto weekday = c.number(1, 1);
    if (!weekday || *month < 1 || *month > 12 || *week < 1 || *week > 5 || *weekday > 6) {
        return std::nullopt;
    }
    change.month = *month;
    change.week = *week;
    change.weekday = *weekday;
    if (c.take('/')) {
        const auto time = posixTime(c);
        if (!time) {
            return std::nullopt;
        }
        change.timeSec = *time;
    }
    return change;
}

TimeZone::PosixRule parsePosixRule(std::string_view text) {
    TimeZone::PosixRule rule;
    Cursor c(text);
    if (!posixName(c)) {
        return rule;
    }
    const auto stdOffset = posixTime(c);
    if (!stdOffset) {
        return rule;
    }
    rule.stdOffsetSec = -*stdOffset; // POSIX counts west of Greenwich as positive
    if (c.atEnd()) {
        rule.valid = true;
        return rule;
    }
    if (!posixName(c)) {
        return rule;
    }
    rule.hasDst = true;
    rule.dstOffsetSec = rule.stdOffsetSec + 3600;
    if (c.peek() != ',') {
        const auto dstOffset = posixTime(c);
        if (!dstOffset) {
            return rule;
        }
        rule.dstOffsetSec = -*dstOffset;
    }
    if (!c.take(',')) {
        return rule;
    }
    const auto start = posixChange(c);
    if (!start || !c.take(',')) {
        return rule;
    }
    const auto end = posixChange(c);
    if (!end || !c.atEnd()) {
        return rule;
    }
    rule.start = *start;
    rule.end = *end;
    rule.valid = true;
    return rule;
}

/// The UTC instant at which a rule change happens in `year`, given the offset in effect before.
std::int64_t changeInstant(int year, const TimeZone::PosixRule::Change& change,
                           std::int32_t offsetBefore) {
    const auto month = chr::year{year} / chr::month{static_cast<unsigned>(change.month)};
    const chr::weekday weekday{static_cast<unsigned>(change.weekday)};
    const chr::sys_days date =
        change.week == 5 ? chr::sys_days{month / weekday[chr::last]}
                         : chr::sys_days{month / weekday[static_cast<unsigned>(change.week)]};
    return date.time_since_epoch().count() * 86400LL + change.timeSec - offsetBefore;
}

std::int32_t tailOffset(const TimeZone::PosixRule& rule, std::int64_t t) {
    if (!rule.hasDst) {
        return rule.stdOffsetSec;
    }
    const chr::year_month_day ymd{chr::floor<chr::days>(chr::sys_seconds{chr::seconds{t}})};
    const int year = static_cast<int>(ymd.year());
    const std::int64_t start = changeInstant(year, rule.start, rule.stdOffsetSec);
    const std::int64_t end = changeInstant(year, rule.end, rule.dstOffsetSec);
    const bool dst = start < end ? (t >= start && t < end) : !(t >= end && t < start);
    return dst ? rule.dstOffsetSec : rule.stdOffsetSec;
}

/// "+08:00", "-0530", "+8", "UTC", "Z" as seconds east of UTC.
std::optional<std::int32_t> fixedOffset(std::string_view name) {
    if (name == "UTC" || name == "Z" || name == "GMT") {
        return 0;
    }
    Cursor c(name);
    int sign = 0;
    if (c.take('+')) {
        sign = 1;
    } else if (c.take('-')) {
        sign = -1;
    } else {
        return std::nullopt;
    }
    const auto h = c.number(1, 2);
    if (!h || *h > 23) {
        return std::nullopt;
    }
    int m = 0;
    c.take(':');
    if (!c.atEnd()) {
        const auto mm = c.number(2, 2);
        if (!mm || *mm > 59) {
            return std::nullopt;
        }
        m = *mm;
    }
    if (!c.atEnd()) {
        return std::nullopt;
    }
    return sign * (*h * 3600 + m * 60);
}

bool safeZoneName(std::string_view name) {
    if (name.empty() || name.front() == '/' || name.find("..") != std::string_view::npos) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '/' || c == '_' || c == '-' || c == '+';
    });
}

/// The POSIX TZ string that ends a TZif v2+ file (RFC 8536 section 3.3) on its own last line, or
/// "" if there is none.
std::string tzifFooter(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::string bytes(kMaxTzifBytes, '\0');
    in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    bytes.resize(static_cast<std::size_t>(in.gcount()));
    const std::string_view view(bytes);
    if (!view.starts_with("TZif") || view.size() < 6 || view[4] < '2' || !view.ends_with('\n')) {
        return {};
    }
    const auto start = view.rfind('\n', view.size() - 2);
    return start == std::string_view::npos
               ? std::string()
               : std::string(view.substr(start + 1, view.size() - start - 2));
}

} // namespace

TimeZone TimeZone::fixed(std::chrono::seconds offset, std::string name) {
    TimeZone zone;
    zone.m_name = std::move(name);
    zone.m_fixedOffset = offset;
    return zone;
}

tl::expected<TimeZone, std::string> TimeZone::load(std::string_view name) {
    if (const auto offset = fixedOffset(name)) {
        return fixed(std::chrono::seconds{*offset}, std::string(name));
    }
    if (!safeZoneName(name)) {
        return tl::unexpected(fmt::format("\"{}\" is not a time zone name", name));
    }
    const std::filesystem::path path = std::filesystem::path(kZoneDir) / std::string(name);
    TimeZone zone;
    zone.m_name = std::string(name);
    try {
        zone.m_zone = date::locate_zone(name);
        // Reads the file now, so that offsetAt cannot throw; far in the future, `begin` is the
        // last transition the file lists.
        zone.m_tailFrom = zone.m_zone->get_info(chr::sys_days{chr::year{9999} / 1 / 1}).begin;
    } catch (const std::exception& e) {
        if (zone.m_zone == nullptr) {
            return tl::unexpected(
                fmt::format("unknown time zone \"{}\" (no {})", name, path.string()));
        }
        return tl::unexpected(fmt::format("time zone \"{}\": {} is not a TZif file ({})", name,
                                          path.string(), e.what()));
    }
    zone.m_tail = parsePosixRule(tzifFooter(path));
    return zone;
}

std::chrono::seconds TimeZone::offsetAt(std::chrono::sys_seconds instant) const {
    if (m_zone == nullptr) {
        return m_fixedOffset;
    }
    if (m_tail.valid && instant >= m_tailFrom) {
        return std::chrono::seconds{tailOffset(m_tail, instant.time_since_epoch().count())};
    }
    return m_zone->get_info(instant).offset;
}

tl::expected<std::string, std::string> toLocalTimestamp(std::string_view text,
                                                        const TimeZone& zone) {
    Cursor c(text);
    c.skipSpaces();
    int year = 0;
    int month = 0;
    int day = 0;
    int hour = 0;
    int minute = 0;
    int second = 0;
    const auto fail = [] {
        return tl::unexpected(std::string(kFormatHint));
    };
    const auto y = c.number(4, 4);
    if (!y) {
        return fail();
    }
    year = *y;
    if (c.peek() >= '0' && c.peek() <= '9') {
        // Compact: YYYYMMDDHHMMSS.
        const auto mo = c.number(2, 2);
        const auto d = c.number(2, 2);
        const auto h = c.number(2, 2);
        const auto mi = c.number(2, 2);
        const auto s = c.number(2, 2);
        if (!mo || !d || !h || !mi || !s) {
            return fail();
        }
        month = *mo;
        day = *d;
        hour = *h;
        minute = *mi;
        second = *s;
    } else {
        const bool chinese = c.take("年");
        char separator = '\0';
        if (!chinese) {
            separator = c.peek();
            if (separator != '-' && separator != '/' && separator != '.') {
                return fail();
            }
            c.advance(1);
        }
        const auto mo = c.number(1, 2);
        if (!mo || !(chinese ? c.take("月") : c.take(separator))) {
            return fail();
        }
        const auto d = c.number(1, 2);
        if (!d) {
            return fail();
        }
        if (chinese) {
            c.take("日");
        }
        month = *mo;
        day = *d;
        if (!c.take('T') && !c.take('t') && c.skipSpaces() == 0) {
            return fail(); // a date alone does not say when the call started
        }
        const auto h = c.number(1, 2);
        if (!h || !c.take(':')) {
            return fail();
        }
        const auto mi = c.number(2, 2);
        if (!mi) {
            return fail();
        }
        hour = *h;
        minute = *mi;
        if (c.take(':')) {
            const auto s = c.number(2, 2);
            if (!s) {
                return fail();
            }
            second = *s;
            if (c.take('.') || c.take(',')) {
                if (!c.number(1, 9)) {
                    return fail();
                }
                while (c.peek() >= '0' && c.peek() <= '9') {
                    c.advance(1);
                }
            }
        }
    }
    c.skipSpaces();
    std::optional<int> offsetSec;
    if (c.take('Z') || c.take('z')) {
        offsetSec = 0;
    } else if (c.peek() == '+' || c.peek() == '-') {
        const int sign = c.peek() == '-' ? -1 : 1;
        c.advance(1);
        const auto oh = c.number(2, 2);
        if (!oh) {
            return fail();
        }
        int om = 0;
        const bool colon = c.take(':');
        if (colon || (c.peek() >= '0' && c.peek() <= '9')) {
            const auto m = c.number(2, 2);
            if (!m) {
                return fail();
            }
            om = *m;
        }
        if (*oh > 23 || om > 59) {
            return tl::unexpected(std::string("has an offset from UTC out of range"));
        }
        offsetSec = sign * (*oh * 3600 + om * 60);
    }
    c.skipSpaces();
    if (!c.atEnd()) {
        return fail();
    }
    if (month < 1 || month > 12) {
        return tl::unexpected(fmt::format("has no month {}", month));
    }
    const chr::year_month_day date{chr::year{year}, chr::month{static_cast<unsigned>(month)},
                                   chr::day{static_cast<unsigned>(day)}};
    if (!date.ok()) {
        return tl::unexpected(fmt::format("has no day {} in month {}", day, month));
    }
    if (hour > 23 || minute > 59 || second > 59) {
        return tl::unexpected(fmt::format("has no time {:02}:{:02}:{:02}", hour, minute, second));
    }
    chr::sys_seconds stamp =
        chr::sys_days{date} + chr::hours{hour} + chr::minutes{minute} + chr::seconds{second};
    if (offsetSec) {
        const chr::sys_seconds utc = stamp - chr::seconds{*offsetSec};
        stamp = utc + zone.offsetAt(utc);
    }
    const auto localDay = chr::floor<chr::days>(stamp);
    const chr::year_month_day ymd{localDay};
    const chr::hh_mm_ss hms{stamp - localDay};
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", static_cast<int>(ymd.year()),
                       static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                       hms.hours().count(), hms.minutes().count(), hms.seconds().count());
}

} // namespace callqc::storage
