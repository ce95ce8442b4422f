#include "storage/csv.hpp"

#include <fmt/format.h>

namespace callqc::storage {
namespace {

using Traits = std::char_traits<char>;

/// A stream buffer over text that is already in memory, without copying it.
class ViewBuf : public std::streambuf {
public:
    explicit ViewBuf(std::string_view text) {
        char* begin = const_cast<char*>(text.data());
        setg(begin, begin, begin + text.size());
    }
};

} // namespace

CsvReader::CsvReader(std::streambuf& in, std::size_t maxRecordBytes)
    : m_in(in), m_maxRecordBytes(maxRecordBytes) {}

std::optional<CsvRow> CsvReader::next() {
    if (!m_started) {
        m_started = true;
        // A UTF-8 byte-order mark is skipped; anything else starting with 0xEF is kept.
        if (m_in.sgetc() == Traits::to_int_type('\xEF')) {
            m_in.sbumpc();
            if (m_in.sgetc() == Traits::to_int_type('\xBB')) {
                m_in.sbumpc();
                if (m_in.sgetc() == Traits::to_int_type('\xBF')) {
                    m_in.sbumpc();
                } else {
                    m_in.sputbackc('\xBB');
                    m_in.sputbackc('\xEF');
                }
            } else {
                m_in.sputbackc('\xEF');
            }
        }
    }
    while (true) {
        CsvRow row;
        row.line = m_line;
        std::string field;
        std::size_t fieldChars = 0; // counted even when not kept
        char firstChar = '\0';
        bool formulaText = false;
        std::size_t recordBytes = 0;
        bool inQuotes = false;
        bool quotedField = false;
        bool stray = false;
        bool overlong = false;
        bool any = false;
        bool endedByNewline = false;
        bool lastWasNewline = false;
        const auto keep = [&](char c) {
            if (fieldChars++ == 0) {
                firstChar = c;
            }
            if (!overlong) {
                field.push_back(c);
            }
        };
        for (auto ci = m_in.sbumpc(); ci != Traits::eof(); ci = m_in.sbumpc()) {
            const char c = Traits::to_char_type(ci);
            any = true;
            lastWasNewline = c == '\n';
            if (!overlong && ++recordBytes > m_maxRecordBytes) {
                overlong = true;
                std::string().swap(field);
            }
            if (inQuotes) {
                if (c == '"') {
                    if (m_in.sgetc() == Traits::to_int_type('"')) {
                        m_in.sbumpc();
                        keep('"');
                    } else {
                        inQuotes = false;
                    }
                    continue;
                }
                if (c == '\n') {
                    ++m_line;
                }
                keep(c);
                continue;
            }
            if (c == '"') {
                if (fieldChars == 0 && !quotedField) {
                    inQuotes = true;
                    quotedField = true;
                } else {
                    // ="000123", the spreadsheet way to keep leading zeros, is not a stray quote.
                    formulaText = formulaText || (fieldChars == 1 && firstChar == '=');
                    stray = stray || !formulaText;
                    keep(c);
                }
            } else if (c == ',') {
                if (!overlong) {
                    row.fields.push_back(std::move(field));
                }
                field.clear();
                fieldChars = 0;
                formulaText = false;
                quotedField = false;
            } else if (c == '\n') {
                ++m_line;
                endedByNewline = true;
                break;
            } else if (c != '\r') {
                keep(c);
            }
        }
        if (!any) {
            return std::nullopt;
        }
        row.lastLine = endedByNewline || lastWasNewline ? m_line - 1 : m_line;
        if (inQuotes) {
            row.defect = CsvDefect::Unclosed;
            return row;
        }
        if (overlong) {
            row.defect = CsvDefect::Overlong;
            return row;
        }
        row.fields.push_back(std::move(field));
        if (row.fields.size() == 1 && row.fields[0].empty()) {
            continue; // a blank line
        }
        row.defect = stray ? CsvDefect::StrayQuote : CsvDefect::None;
        return row;
    }
}

std::string CsvReader::describe(const CsvRow& row) const {
    switch (row.defect) {
    case CsvDefect::None:
        return {};
    case CsvDefect::StrayQuote:
        return fmt::format("line {}: stray quote inside an unquoted field", row.line);
    case CsvDefect::Unclosed:
        return fmt::format("line {}: quoted field is never closed", row.line);
    case CsvDefect::Overlong:
        return fmt::format("line {}: record longer than {} bytes; skipped", row.line,
                           m_maxRecordBytes);
    }
    return {};
}

CsvTable parseCsv(std::string_view text, std::size_t maxRecordBytes) {
    CsvTable table;
    ViewBuf buffer(text);
    CsvReader reader(buffer, maxRecordBytes);
    while (auto row = reader.next()) {
        if (row->defect != CsvDefect::None) {
            table.problems.push_back(reader.describe(*row));
        }
        if (row->defect == CsvDefect::None || row->defect == CsvDefect::StrayQuote) {
            table.rows.push_back(std::move(*row));
        }
    }
    return table;
}

} // namespace callqc::storage
