#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "app/core/search.hpp"
#include "app/station/screen_text.hpp"
#include "app/station/ui_text.hpp"
#include "storage/table_export.hpp"

namespace callqc::station {

/// The Library's filter bar as typed: every field is text until a search turns it into a
/// core::SearchRequest (which checks it and names the field that is wrong).
struct LibraryFilter {
    std::string callId;
    std::string phone;
    std::string agent;
    std::string team;
    std::string queue;
    std::string from;
    std::string to;
    std::string minDurationSec;
    std::string maxDurationSec;
    std::string text;
    bool deadAir = false;
    bool overtalk = false;
    int evaluated = 0; ///< 0 any, 1 evaluated, 2 not evaluated

    bool operator==(const LibraryFilter&) const = default;
};

/// The request a filter asks for (first page, with a count of up to `countUpTo`), or the message
/// naming the field that is not a number.
[[nodiscard]] tl::expected<core::SearchRequest, std::string>
toSearchRequest(const LibraryFilter& filter, int pageSize, int countUpTo);

struct LibraryState {
    LibraryFilter* filter = nullptr; ///< edited in place by the filter bar
    const std::vector<storage::SearchRow>* rows = nullptr;
    std::optional<std::int64_t> count; ///< all matches, when known
    bool countCapped = false;
    bool more = false;      ///< more pages after `rows`
    bool searching = false; ///< a search or next page is on its way
    std::string status;     ///< the last search's error
    std::optional<std::size_t> cursor;
    bool scrollToCursor = false;
    std::optional<std::int64_t> openRecordingId;
    bool canExport = false;   ///< the user's role may export call lists
    bool exporting = false;   ///< an export is being written
    std::string exportStatus; ///< what the last export wrote, or why it failed
};

class LibraryActions {
public:
    virtual ~LibraryActions() = default;
    /// Search with the filter as it is now (Enter in any field, or the button).
    virtual void searchLibrary() = 0;
    virtual void clearLibraryFilter() = 0;
    /// The list is scrolled near its end and more rows exist.
    virtual void loadMoreLibrary() = 0;
    virtual void selectLibraryRow(std::size_t index) = 0;
    virtual void openFromLibrary(std::int64_t recordingId) = 0;
    /// Writes every call of the last search to a file in the export folder.
    virtual void exportLibrary(storage::TableFormat format) = 0;
};

/// Filter bar, match count and the result list, virtualised: only visible rows are drawn, so a
/// million matches scroll as smoothly as ten.
void drawLibraryPanel(const LibraryState& state, LibraryActions& actions, const UiText& text,
                      const ScreenText& words);

} // namespace callqc::station
