#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace callqc::storage {

struct CsvRow {
    int line = 0; ///< 1-based line number where the record starts
    std::vector<std::string> fields;
};

struct CsvTable {
    std::vector<CsvRow> rows;          ///< the header is rows[0] when the file has one
    std::vector<std::string> problems; ///< e.g. "line 7: unterminated quoted field"
};

/// Parses RFC 4180 CSV: quoted fields with commas, doubled quotes and embedded newlines; CRLF or
/// LF; a UTF-8 byte-order mark is skipped. Blank lines are skipped. A malformed record is reported
/// in `problems` and parsing goes on with the next line.
[[nodiscard]] CsvTable parseCsv(std::string_view text);

} // namespace callqc::storage
