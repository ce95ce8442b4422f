#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "storage/database.hpp"

namespace callqc::storage {

/// The file formats a table (a list of calls, a report) is exported in.
enum class TableFormat { Csv, Xlsx, Pdf };

[[nodiscard]] std::string_view tableFormatName(TableFormat format); ///< "csv", "xlsx", "pdf"
/// "csv", "xlsx" or "pdf", ASCII case ignored; none for anything else.
[[nodiscard]] std::optional<TableFormat> tableFormatFromName(std::string_view name);
/// The format a file name's extension names ("calls.XLSX" → Xlsx); none when it names none.
[[nodiscard]] std::optional<TableFormat> tableFormatOf(const std::filesystem::path& path);

struct TableColumn {
    std::string heading;
    /// Cells that read whole as a number ("12.5", "-3") are numbers: stored as numbers in XLSX,
    /// right-aligned in PDF. Other cells of the column, and every cell of a text column, are text.
    bool numeric = false;
};

/// A table as it is to be read: app/core has already chosen its rows and masked what the reader
/// may not see. Text is UTF-8.
struct ExportTable {
    std::string title;              ///< XLSX: first row and sheet name; PDF: the heading
    std::vector<std::string> notes; ///< lines under the title: who exported what, when, masking
    std::vector<TableColumn> columns;
    std::vector<std::vector<std::string>> rows; ///< each with exactly one cell per column
};

/// The most rows each format takes: XLSX's sheet limit less the title, notes and heading rows;
/// a PDF beyond a few thousand pages is not a document anyone reads.
inline constexpr std::size_t kMaxXlsxRows = 1'048'000;
inline constexpr std::size_t kMaxPdfRows = 50'000;

/// Writes `table` to `path`, through a temporary file beside it that is renamed into place, so
/// a failure never leaves a partial or half-overwritten file.
/// - CSV: UTF-8 with a byte-order mark (so spreadsheet programs read Chinese), the headings as the
///   first row, CRLF line ends, RFC 4180 quoting. Text cells starting with = + - @ or a tab get a
///   leading apostrophe so that a spreadsheet does not run them as formulas. Title and notes are
///   left out: the file is data.
/// - XLSX (libxlsxwriter): the title, the notes, then the headings (bold, frozen, with filter
///   buttons) and the rows; numeric cells are numbers, everything else text (so numbers with
///   leading zeros keep them).
/// - PDF (cairo and pango, A4 landscape, Noto Sans CJK): the title and notes, then the table with
///   its headings on every page and "page n of N" at the foot; a cell too wide for its column is
///   cut with an ellipsis.
/// Errors (kind Input) name the file and, for bad data, the row and column.
[[nodiscard]] Result<void> writeTable(const ExportTable& table, const std::filesystem::path& path,
                                      TableFormat format);

} // namespace callqc::storage
