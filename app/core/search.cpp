#include "app/core/search.hpp"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace callqc::core {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date, and back: Howard Hinnant's
// days_from_civil / civil_from_days ("chrono-Compatible Low-Level Date Algorithms").
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2 ? 1 : 0;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

struct Civil {
    std::int64_t year;
    unsigned month;
    unsigned day;
};

Civil civilFromDays(std::int64_t z) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    const unsigned d = doy - (153 * mp + 2) / 5 + 1;
    const unsigned m = mp < 10 ? mp + 3 : mp - 9;
    return {static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0), m, d};
}

/// A local time given to the second, minute or day: its first second, and the first second
/// after it.
struct TimeSpan {
    std::int64_t firstSec;
    std::int64_t endSec;
};

std::optional<int> digitsAt(std::string_view text, std::size_t at, std::size_t count) {
    if (at + count > text.size()) {
        return std::nullopt;
    }
    int value = 0;
    for (std::size_t i = at; i < at + count; ++i) {
        if (text[i] < '0' || text[i] > '9') {
            return std::nullopt;
        }
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

std::optional<TimeSpan> parseTime(std::string_view text) {
    const auto year = digitsAt(text, 0, 4);
    const auto month = digitsAt(text, 5, 2);
    const auto day = digitsAt(text, 8, 2);
    if (text.size() < 10 || !year || !month || !day || text[4] != '-' || text[7] != '-' ||
        *month < 1 || *month > 12 || *day < 1) {
        return std::nullopt;
    }
    const std::int64_t days =
        daysFromCivil(*year, static_cast<unsigned>(*month), static_cast<unsigned>(*day));
    if (civilFromDays(days).day != static_cast<unsigned>(*day)) { // e.g. 02-30
        return std::nullopt;
    }
    const std::int64_t midnight = days * 86400;
    if (text.size() == 10) {
        return TimeSpan{midnight, midnight + 86400};
    }
    const auto hour = digitsAt(text, 11, 2);
    const auto minute = digitsAt(text, 14, 2);
    if ((text[10] != ' ' && text[10] != 'T') || !hour || !minute || text.size() < 16 ||
        text[13] != ':' || *hour > 23 || *minute > 59) {
        return std::nullopt;
    }
    const std::int64_t atMinute = midnight + *hour * 3600 + *minute * 60;
    if (text.size() == 16) {
        return TimeSpan{atMinute, atMinute + 60};
    }
    const auto second = digitsAt(text, 17, 2);
    if (text.size() != 19 || text[16] != ':' || !second || *second > 59) {
        return std::nullopt;
    }
    return TimeSpan{atMinute + *second, atMinute + *second + 1};
}

std::string formatTime(std::int64_t sec) {
    const std::int64_t days = sec >= 0 ? sec / 86400 : (sec - 86399) / 86400;
    const std::int64_t inDay = sec - days * 86400;
    const Civil c = civilFromDays(days);
    return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", c.year, c.month, c.day, inDay / 3600,
                       inDay % 3600 / 60, inDay % 60);
}

/// Removes ASCII white space and the ideographic space (U+3000) at both ends.
std::string trimmed(std::string_view text) {
    constexpr std::string_view kIdeographicSpace = "\xE3\x80\x80";
    bool changed = true;
    while (changed && !text.empty()) {
        changed = false;
        if (text.front() == ' ' || text.front() == '\t' || text.front() == '\n' ||
            text.front() == '\r') {
            text.remove_prefix(1);
            changed = true;
        } else if (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                   text.back() == '\r') {
            text.remove_suffix(1);
            changed = true;
        } else if (text.starts_with(kIdeographicSpace)) {
            text.remove_prefix(kIdeographicSpace.size());
            changed = true;
        } else if (text.ends_with(kIdeographicSpace)) {
            text.remove_suffix(kIdeographicSpace.size());
            changed = true;
        }
    }
    return std::string(text);
}

CoreResult<std::optional<std::string>> nonEmpty(const std::optional<std::string>& value,
                                                std::string_view flag) {
    if (!value) {
        return std::optional<std::string>{};
    }
    std::string text = trimmed(*value);
    if (text.empty()) {
        return tl::unexpected(inputError(fmt::format("{} is empty", flag)));
    }
    return std::optional<std::string>(std::move(text));
}

} // namespace

CoreResult<storage::SearchCriteria> searchCriteria(const SearchRequest& request) {
    storage::SearchCriteria c;

    auto callId = nonEmpty(request.callId, "--call-id");
    if (!callId) {
        return tl::unexpected(callId.error());
    }
    if (*callId && callId->value().ends_with('*')) {
        callId->value().pop_back();
        if (callId->value().empty()) {
            return tl::unexpected(inputError("--call-id \"*\" needs the start of a call id"));
        }
        c.callIdPrefix = true;
    }
    c.callId = std::move(*callId);

    if (request.phone) {
        const std::string digits = storage::phoneDigits(*request.phone);
        const bool onlyNumberCharacters =
            request.phone->find_first_not_of("0123456789 -+()./") == std::string::npos;
        if (!onlyNumberCharacters || digits.size() < 4) {
            return tl::unexpected(inputError(fmt::format(
                "--phone \"{}\" is neither a phone number nor its last 4 digits", *request.phone)));
        }
        if (digits.size() == 4) {
            c.phoneLast4 = digits;
        } else {
            c.phoneDigits = digits;
        }
    }

    for (auto [value, flag, target] :
         {std::tuple(&request.agent, "--agent", &c.agent),
          std::tuple(&request.team, "--team", &c.team),
          std::tuple(&request.queue, "--queue", &c.queue),
          std::tuple(&request.failedItem, "--failed-item", &c.failedItem),
          std::tuple(&request.text, "--text", &c.text)}) {
        auto checked = nonEmpty(*value, flag);
        if (!checked) {
            return tl::unexpected(checked.error());
        }
        *target = std::move(*checked);
    }

    std::optional<TimeSpan> from;
    std::optional<TimeSpan> to;
    for (auto [value, flag, target] :
         {std::tuple(&request.from, "--from", &from), std::tuple(&request.to, "--to", &to)}) {
        if (*value) {
            *target = parseTime(trimmed(**value));
            if (!*target) {
                return tl::unexpected(inputError(
                    fmt::format("{} \"{}\" is not YYYY-MM-DD, YYYY-MM-DD HH:MM or YYYY-MM-DD "
                                "HH:MM:SS",
                                flag, **value)));
            }
        }
    }
    if (from && to && from->firstSec >= to->endSec) {
        return tl::unexpected(inputError(
            fmt::format("--from \"{}\" is after --to \"{}\"", *request.from, *request.to)));
    }
    if (from) {
        c.fromTime = formatTime(from->firstSec);
    }
    if (to) {
        c.untilTime = formatTime(to->endSec);
    }

    for (auto [value, flag] :
         {std::pair(request.minDurationSec, "--min-duration"),
          std::pair(request.maxDurationSec, "--max-duration"),
          std::pair(request.minScore, "--min-score"), std::pair(request.maxScore, "--max-score")}) {
        if (value && (!std::isfinite(*value) || *value < 0)) {
            return tl::unexpected(
                inputError(fmt::format("{} {} must be a number of at least 0", flag, *value)));
        }
    }
    if (request.minDurationSec && request.maxDurationSec &&
        *request.minDurationSec > *request.maxDurationSec) {
        return tl::unexpected(inputError("--min-duration is more than --max-duration"));
    }
    if (request.minScore && request.maxScore && *request.minScore > *request.maxScore) {
        return tl::unexpected(inputError("--min-score is more than --max-score"));
    }
    if (request.evaluated == false &&
        (request.minScore || request.maxScore || request.failedItem)) {
        return tl::unexpected(inputError("--evaluated no cannot go with a score or a failed "
                                         "item: those come from evaluations"));
    }
    c.minDurationSec = request.minDurationSec;
    c.maxDurationSec = request.maxDurationSec;
    c.deadAir = request.deadAir;
    c.overtalk = request.overtalk;
    c.evaluated = request.evaluated;
    c.minScore = request.minScore;
    c.maxScore = request.maxScore;
    return c;
}

CoreResult<storage::PageRequest> searchPage(const SearchRequest& request) {
    storage::PageRequest page;
    if (request.limit < 1 || request.limit > kMaxSearchLimit) {
        return tl::unexpected(inputError(
            fmt::format("--limit {} is not between 1 and {}", request.limit, kMaxSearchLimit)));
    }
    page.limit = request.limit;
    if (request.countUpTo < 0) {
        return tl::unexpected(inputError("a count cannot be capped below 0"));
    }
    page.countUpTo = request.countUpTo;
    if (request.after) {
        const std::string& text = *request.after;
        std::int64_t key = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), key);
        if (text.empty() || ec != std::errc() || end != text.data() + text.size()) {
            return tl::unexpected(inputError(fmt::format(
                "--after \"{}\" is not a cursor (give the \"next\" of the page before)", text)));
        }
        page.afterKey = key;
    }
    return page;
}

CoreResult<SearchResult> searchCalls(storage::Database& db, const SearchRequest& request) {
    auto criteria = searchCriteria(request);
    if (!criteria) {
        return tl::unexpected(criteria.error());
    }
    auto page = searchPage(request);
    if (!page) {
        return tl::unexpected(page.error());
    }
    auto found = storage::searchRecordings(db, *criteria, *page);
    if (!found) {
        return tl::unexpected(CoreError{CoreError::Kind::Storage, found.error().message()});
    }
    SearchResult result;
    result.rows = std::move(found->rows);
    if (found->nextKey) {
        result.next = std::to_string(*found->nextKey);
    }
    result.count = found->count;
    result.countCapped = found->countCapped;
    return result;
}

} // namespace callqc::core
