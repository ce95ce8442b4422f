#include "storage/csv.hpp"

#include <fmt/format.h>

namespace callqc::storage {

CsvTable parseCsv(std::string_view text) {
    CsvTable table;
    if (text.starts_with("\xEF\xBB\xBF")) {
        text.remove_prefix(3);
    }
    std::size_t i = 0;
    int line = 1;
    while (i < text.size()) {
        CsvRow row;
        row.line = line;
        std::string field;
        bool inQuotes = false;
        bool quotedField = false;
        bool broken = false;
        bool rowDone = false;
        while (i < text.size() && !rowDone) {
            const char c = text[i];
            if (inQuotes) {
                if (c == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field.push_back('"');
                        i += 2;
                        continue;
                    }
                    inQuotes = false;
                    ++i;
                    continue;
                }
                if (c == '\n') {
                    ++line;
                }
                field.push_back(c);
                ++i;
                continue;
            }
            switch (c) {
            case '"':
                if (field.empty() && !quotedField) {
                    inQuotes = true;
                    quotedField = true;
                } else {
                    broken = true;
                    field.push_back(c);
                }
                ++i;
                break;
            case ',':
                row.fields.push_back(std::move(field));
                field.clear();
                quotedField = false;
                ++i;
                break;
            case '\r':
                ++i;
                break;
            case '\n':
                ++i;
                ++line;
                rowDone = true;
                break;
            default:
                field.push_back(c);
                ++i;
            }
        }
        if (inQuotes) {
            table.problems.push_back(
                fmt::format("line {}: quoted field is never closed", row.line));
            break;
        }
        row.fields.push_back(std::move(field));
        const bool blank = row.fields.size() == 1 && row.fields[0].empty();
        if (broken) {
            table.problems.push_back(
                fmt::format("line {}: stray quote inside an unquoted field", row.line));
        }
        if (!blank) {
            table.rows.push_back(std::move(row));
        }
    }
    return table;
}

} // namespace callqc::storage
