// libFuzzer target: parseCsv must never crash, must report records in order, and the rows it
// returns must survive writing them back as RFC 4180 (every field quoted) and parsing again.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "storage/csv.hpp"

namespace {

std::string quoted(const std::string& field) {
    std::string out = "\"";
    for (const char c : field) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto table = callqc::storage::parseCsv(text);
    int lastLine = 0;
    std::string written;
    for (const auto& row : table.rows) {
        if (row.line <= lastLine || row.fields.empty()) {
            __builtin_trap(); // records ascend by starting line and have at least one field
        }
        lastLine = row.line;
        for (std::size_t i = 0; i < row.fields.size(); ++i) {
            written += (i == 0 ? "" : ",") + quoted(row.fields[i]);
        }
        written += "\r\n";
    }
    const auto again = callqc::storage::parseCsv(written);
    if (!again.problems.empty() || again.rows.size() != table.rows.size()) {
        __builtin_trap();
    }
    for (std::size_t r = 0; r < again.rows.size(); ++r) {
        if (again.rows[r].fields != table.rows[r].fields) {
            __builtin_trap();
        }
    }
    return 0;
}
