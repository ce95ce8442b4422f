#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace date {
class time_zone;
}

namespace callqc::storage {

/// A time zone from the system's tz database (/usr/share/zoneinfo), looked up through Howard
/// Hinnant's date library (libstdc++ 12 has no std::chrono::tzdb; it arrives in GCC 14), so
/// converting never touches the process-wide TZ variable. Debian builds date with USE_OS_TZDB,
/// which ignores the POSIX TZ footer of TZif files (HowardHinnant/date#794): past a zone's last
/// listed transition (2037 in fat files) the footer rule is evaluated here instead.
///
/// Thread-safety: immutable after load; any thread may call offsetAt.
class TimeZone {
public:
    /// Loads `name`: an IANA zone such as "Asia/Shanghai" from /usr/share/zoneinfo, "UTC", or a
    /// fixed offset "+08:00" / "-0530" / "+8". Errors name the zone and the file.
    [[nodiscard]] static tl::expected<TimeZone, std::string> load(std::string_view name);

    /// A zone with one offset from UTC all year.
    [[nodiscard]] static TimeZone fixed(std::chrono::seconds offset, std::string name);

    /// The offset from UTC in effect at `instant` (local = UTC + offset).
    [[nodiscard]] std::chrono::seconds offsetAt(std::chrono::sys_seconds instant) const;

    [[nodiscard]] const std::string& name() const { return m_name; }

    /// The rule after the last listed transition, from the file's POSIX TZ footer
    /// (e.g. "CST-8", "EST5EDT,M3.2.0,M11.1.0"); only the month-week-day form of DST rules.
    struct PosixRule {
        struct Change {
            int month = 0;   ///< 1–12
            int week = 0;    ///< 1–5, 5 = the last
            int weekday = 0; ///< 0 = Sunday
            std::int32_t timeSec = 7200;
        };
        bool valid = false;
        std::int32_t stdOffsetSec = 0;
        bool hasDst = false;
        std::int32_t dstOffsetSec = 0;
        Change start;
        Change end;
    };

private:
    TimeZone() = default;

    std::string m_name;
    const date::time_zone* m_zone = nullptr; ///< owned by date's tzdb; null for a fixed offset
    std::chrono::seconds m_fixedOffset{0};
    std::chrono::sys_seconds m_tailFrom; ///< the last transition date lists
    PosixRule m_tail;
};

/// A call's start time as telephony exports write it, as local time in `zone`:
/// "2026-11-25 09:13:05", "2026/11/25 9:13", "2026.11.25 09:13:05.250", "2026年11月25日 09:13:05",
/// "20261125091305", each optionally with an offset ("Z", "+08:00", "+0800", "+08") and a 'T'
/// before the time. A time without an offset is already local to `zone`; one with an offset is
/// converted. Fractions of a second are dropped. Returns 'YYYY-MM-DD HH:MM:SS', or what is
/// wrong, phrased to follow the quoted text (e.g. "has no day 30 in month 2").
[[nodiscard]] tl::expected<std::string, std::string> toLocalTimestamp(std::string_view text,
                                                                      const TimeZone& zone);

} // namespace callqc::storage
