// The streaming CSV reader: records one at a time, line numbers, defects, and a cap on a record's
// size that holds however long a line is.

#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "storage/csv.hpp"

namespace callqc::storage {
namespace {

std::vector<CsvRow> readAll(const std::string& text, std::size_t limit = kMaxCsvRecordBytes) {
    std::istringstream in(text);
    CsvReader reader(*in.rdbuf(), limit);
    std::vector<CsvRow> rows;
    while (auto row = reader.next()) {
        rows.push_back(std::move(*row));
    }
    return rows;
}

TEST(CsvReader, readsQuotedCommasNewlinesAndCrlfWithLineNumbers) {
    const auto rows = readAll("\xEF\xBB\xBF"
                              "id,note\r\n"
                              "1,\"a, b\"\r\n"
                              "2,\"two\r\nlines\"\r\n"
                              "\r\n"
                              "3,\"say \"\"hi\"\"\"");
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"id", "note"}));
    EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"1", "a, b"}));
    EXPECT_EQ(rows[2].fields, (std::vector<std::string>{"2", "two\r\nlines"}));
    EXPECT_EQ(rows[2].line, 3);
    EXPECT_EQ(rows[2].lastLine, 4);
    EXPECT_EQ(rows[3].line, 6);
    EXPECT_EQ(rows[3].fields, (std::vector<std::string>{"3", "say \"hi\""}));
    for (const auto& row : rows) {
        EXPECT_EQ(row.defect, CsvDefect::None);
    }
}

TEST(CsvReader, spreadsheetFormulaTextIsKeptWithoutADefect) {
    const auto rows = readAll("=\"000123\",=\"a\"b\"\n");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"=\"000123\"", "=\"a\"b\""}));
    EXPECT_EQ(rows[0].defect, CsvDefect::None);
}

TEST(CsvReader, anOverlongRecordIsSkippedWithTheFieldsBeforeTheLimit) {
    const std::string huge(1 << 20, 'x'); // 1 MiB in one field
    const auto rows = readAll("id,file,note\n"
                              "A1,a.wav," +
                                  huge +
                                  "\n"
                                  "A2,\"" +
                                  huge + "\n" + huge +
                                  "\",x\n"
                                  "A3,c.wav,ok\n",
                              1024);
    ASSERT_EQ(rows.size(), 4u);
    EXPECT_EQ(rows[1].defect, CsvDefect::Overlong);
    EXPECT_EQ(rows[1].line, 2);
    EXPECT_EQ(rows[1].fields, (std::vector<std::string>{"A1", "a.wav"}));
    EXPECT_EQ(rows[2].defect, CsvDefect::Overlong);
    EXPECT_EQ(rows[2].line, 3);
    EXPECT_EQ(rows[2].lastLine, 4); // the quoted newline was followed while skipping
    EXPECT_EQ(rows[2].fields, (std::vector<std::string>{"A2"}));
    EXPECT_EQ(rows[3].defect, CsvDefect::None);
    EXPECT_EQ(rows[3].line, 5);
    EXPECT_EQ(rows[3].fields, (std::vector<std::string>{"A3", "c.wav", "ok"}));
}

TEST(CsvReader, describesEachDefectWithItsLine) {
    std::istringstream in("a,b\nx\"y,1\n2,\"open\nmore\n");
    CsvReader reader(*in.rdbuf(), 100);
    ASSERT_TRUE(reader.next());
    const auto stray = reader.next();
    ASSERT_TRUE(stray);
    EXPECT_EQ(stray->defect, CsvDefect::StrayQuote);
    EXPECT_EQ(stray->fields[0], "x\"y");
    EXPECT_EQ(reader.describe(*stray), "line 2: stray quote inside an unquoted field");
    const auto unclosed = reader.next();
    ASSERT_TRUE(unclosed);
    EXPECT_EQ(unclosed->defect, CsvDefect::Unclosed);
    EXPECT_EQ(unclosed->lastLine, 4);
    EXPECT_EQ(unclosed->fields, (std::vector<std::string>{"2"}));
    EXPECT_EQ(reader.describe(*unclosed), "line 3: quoted field is never closed");
    EXPECT_FALSE(reader.next());

    CsvRow overlong;
    overlong.line = 9;
    overlong.defect = CsvDefect::Overlong;
    EXPECT_EQ(reader.describe(overlong), "line 9: record longer than 100 bytes; skipped");
}

TEST(CsvReader, parseCsvReportsOverlongRecordsAsProblems) {
    const auto table = parseCsv("a\n" + std::string(300, 'z') + "\nb\n", 200);
    ASSERT_EQ(table.rows.size(), 2u);
    EXPECT_EQ(table.rows[1].fields[0], "b");
    ASSERT_EQ(table.problems.size(), 1u);
    EXPECT_EQ(table.problems[0], "line 2: record longer than 200 bytes; skipped");
}

} // namespace
} // namespace callqc::storage
