#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/core/core_error.hpp"
#include "storage/database.hpp"
#include "storage/search_store.hpp"

namespace callqc::core {

inline constexpr int kMaxSearchLimit = 1000;

/// A call search as people type it (the CLI's options, the library screen's fields). Every field
/// that is set must hold; results come newest first.
struct SearchRequest {
    std::optional<std::string> callId; ///< exact; a trailing '*' makes it a prefix ("C20240301*")
    /// The customer's whole number, separators allowed ("138-1234-5678"), or exactly its last
    /// 4 digits.
    std::optional<std::string> phone;
    std::optional<std::string> agent; ///< employee number or exact name
    std::optional<std::string> team;
    std::optional<std::string> queue;
    /// 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM' or 'YYYY-MM-DD HH:MM:SS' ('T' may stand for the space).
    /// Both ends are inclusive: `to` as a date takes in that whole day, as HH:MM that whole
    /// minute.
    std::optional<std::string> from;
    std::optional<std::string> to;
    std::optional<double> minDurationSec; ///< inclusive, ≥ 0
    std::optional<double> maxDurationSec; ///< inclusive, ≥ minDurationSec
    bool deadAir = false;
    bool overtalk = false;
    std::optional<bool> evaluated;  ///< a submitted evaluation exists (a draft does not count)
    std::optional<double> minScore; ///< of a submitted evaluation, inclusive
    std::optional<double> maxScore;
    std::optional<std::string> failedItem; ///< checklist item id failed in a submitted evaluation
    /// Words said in one transcript segment; surrounding spaces are ignored, ASCII case too.
    std::optional<std::string> text;
    int limit = 50;                   ///< 1..kMaxSearchLimit rows per page
    std::optional<std::string> after; ///< SearchResult::next of the page before
    int countUpTo = 0;                ///< also count the matches, up to this many; 0: don't
    /// Show customer numbers in full (Session::search): only for roles that see full numbers
    /// (permissions.hpp seesFullNumbers); masked otherwise.
    bool fullNumbers = false;
};

struct SearchResult {
    std::vector<storage::SearchRow> rows;
    std::optional<std::string> next;   ///< cursor of the next page; empty on the last page
    std::optional<std::int64_t> count; ///< when asked: the matches, at most countUpTo
    bool countCapped = false;          ///< more than countUpTo match
};

/// Checks a request and turns it into storage criteria and a page. Input errors name the field
/// and the value, e.g. "--from \"2024-13-01\" is not a date".
[[nodiscard]] CoreResult<storage::SearchCriteria> searchCriteria(const SearchRequest& request);
[[nodiscard]] CoreResult<storage::PageRequest> searchPage(const SearchRequest& request);

/// One page of calls matching the request.
[[nodiscard]] CoreResult<SearchResult> searchCalls(storage::Database& db,
                                                   const SearchRequest& request);

} // namespace callqc::core
