#pragma once

#include <cstddef>
#include <optional>
#include <streambuf>
#include <string>
#include <string_view>
#include <vector>

namespace callqc::storage {

/// What was wrong with a record as written; the reader goes on with the next one either way.
enum class CsvDefect {
    None,
    StrayQuote, ///< a '"' inside an unquoted field (other than ="…"); kept as a character
    Unclosed,   ///< a quoted field runs to the end of the input: `fields` holds those before it
    Overlong,   ///< longer than the limit: `fields` holds only the fields complete before it
};

struct CsvRow {
    int line = 0;     ///< 1-based line number where the record starts
    int lastLine = 0; ///< line where it ends (later than `line` when a field holds newlines)
    std::vector<std::string> fields;
    CsvDefect defect = CsvDefect::None;
};

struct CsvTable {
    std::vector<CsvRow> rows;          ///< the header is rows[0] when the file has one
    std::vector<std::string> problems; ///< e.g. "line 7: unterminated quoted field"
};

/// The longest record read whole; longer ones are skipped without holding them.
inline constexpr std::size_t kMaxCsvRecordBytes = 64 * 1024;

/// Reads RFC 4180 CSV a record at a time from a stream buffer of UTF-8 (or any ASCII-compatible)
/// text: quoted fields with commas, doubled quotes and embedded newlines; CRLF or LF; a UTF-8
/// byte-order mark at the start is skipped; blank lines are skipped. Memory stays within about
/// `maxRecordBytes` however long a line is.
///
/// Thread-safety: one thread; it reads `in` but does not own it.
class CsvReader {
public:
    explicit CsvReader(std::streambuf& in, std::size_t maxRecordBytes = kMaxCsvRecordBytes);

    /// The next record, or nothing at the end of the input.
    [[nodiscard]] std::optional<CsvRow> next();

    /// The problem of a defective record as one line, e.g. "line 7: quoted field is never
    /// closed"; empty for a record without defect.
    [[nodiscard]] std::string describe(const CsvRow& row) const;

private:
    std::streambuf& m_in;
    std::size_t m_maxRecordBytes;
    int m_line = 1;
    bool m_started = false;
};

/// Parses RFC 4180 CSV text whole (see CsvReader). A defective record is reported in `problems`
/// and parsing goes on with the next line; stray-quote records are kept in `rows`, unclosed and
/// overlong ones are not.
[[nodiscard]] CsvTable parseCsv(std::string_view text,
                                std::size_t maxRecordBytes = kMaxCsvRecordBytes);

} // namespace callqc::storage
