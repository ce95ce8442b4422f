#include <algorithm>
#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "storage/table_export.hpp"
#include "tests/support/export_readback.hpp"

namespace fs = std::filesystem;
using callqc::storage::ExportTable;
using callqc::storage::TableFormat;
using callqc::storage::writeTable;
using callqc::testing::pdfText;
using callqc::testing::readBytes;
using callqc::testing::zipMember;

namespace {

class TableExportTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir =
            fs::path(CALLQC_TEST_TMP) /
            fmt::format("table-export-{}-{}",
                        ::testing::UnitTest::GetInstance()->current_test_info()->name(), getpid());
        fs::remove_all(dir);
        fs::create_directories(dir);
    }
    void TearDown() override { fs::remove_all(dir); }

    static ExportTable sample() {
        ExportTable table;
        table.title = "通话清单 2024-03-01";
        table.notes = {"导出人 trainer1（培训师）", "客户号码已脱敏"};
        table.columns = {{"通话编号", false},
                         {"坐席", false},
                         {"时长(秒)", true},
                         {"客户号码", false},
                         {"备注", false}};
        table.rows = {{"C0001", "王芳", "125.5", "138****1234", "说了\"稍等\", 然后\n挂断"},
                      {"C0002", "李雷", "-3", "010-****5678", "=HYPERLINK(\"x\")"},
                      {"C0003", "张伟", "n/a", "***88", "+cmd"}};
        return table;
    }

    fs::path dir;
};

TEST_F(TableExportTest, CsvIsUtf8WithBomQuotedAndGuardedAgainstFormulas) {
    const fs::path out = dir / "清单.csv";
    ASSERT_TRUE(writeTable(sample(), out, TableFormat::Csv));
    EXPECT_EQ(readBytes(out), "\xEF\xBB\xBF"
                              "通话编号,坐席,时长(秒),客户号码,备注\r\n"
                              "C0001,王芳,125.5,138****1234,\"说了\"\"稍等\"\", 然后\n挂断\"\r\n"
                              "C0002,李雷,-3,010-****5678,\"'=HYPERLINK(\"\"x\"\")\"\r\n"
                              "C0003,张伟,n/a,***88,'+cmd\r\n");
    EXPECT_FALSE(fs::exists(dir / "清单.csv.part"));
}

TEST_F(TableExportTest, XlsxHoldsTitleNotesHeadingsTextAndNumbers) {
    const fs::path out = dir / "清单.xlsx";
    ASSERT_TRUE(writeTable(sample(), out, TableFormat::Xlsx));
    const auto sheet = zipMember(out, "xl/worksheets/sheet1.xml");
    ASSERT_TRUE(sheet) << "no sheet1.xml in " << out;
    // Constant-memory workbooks keep strings inline, in row order.
    for (const char* text : {"通话清单 2024-03-01", "导出人 trainer1（培训师）", "客户号码", "王芳",
                             "138****1234", "010-****5678", "n/a"}) {
        EXPECT_NE(sheet->find(fmt::format("<t>{}</t>", text)), std::string::npos) << text;
    }
    // The title row is 1, two notes, a blank row, headings on row 5: data from row 6.
    EXPECT_NE(sheet->find(R"(<c r="C6"><v>125.5</v></c>)"), std::string::npos) << *sheet;
    EXPECT_NE(sheet->find(R"(<c r="C7"><v>-3</v></c>)"), std::string::npos);
    EXPECT_NE(sheet->find(R"(<pane ySplit="5" topLeftCell="A6")"), std::string::npos);
    EXPECT_NE(sheet->find(R"(<autoFilter ref="A5:E8"/>)"), std::string::npos);
    const auto workbook = zipMember(out, "xl/workbook.xml");
    ASSERT_TRUE(workbook);
    EXPECT_NE(workbook->find(R"(name="通话清单 2024-03-01")"), std::string::npos) << *workbook;
}

TEST_F(TableExportTest, PdfShowsEveryCellAndRepeatsHeadingsOnEachPage) {
    ExportTable table = sample();
    table.rows.clear();
    for (int i = 1; i <= 120; ++i) {
        table.rows.push_back({fmt::format("C{:04}", i), "王芳", fmt::format("{}", i * 10),
                              "138****1234", "客户投诉"});
    }
    const fs::path out = dir / "清单 2024.pdf";
    ASSERT_TRUE(writeTable(table, out, TableFormat::Pdf));
    const auto text = pdfText(out);
    ASSERT_TRUE(text);
    EXPECT_NE(text->find("通话清单 2024-03-01"), std::string::npos);
    EXPECT_NE(text->find("客户号码已脱敏"), std::string::npos);
    for (int i = 1; i <= 120; ++i) {
        EXPECT_NE(text->find(fmt::format("C{:04}", i)), std::string::npos) << i;
    }
    const auto pages = static_cast<std::size_t>(std::count(text->begin(), text->end(), '\f'));
    ASSERT_GE(pages, 3U);
    std::size_t headings = 0;
    for (auto at = text->find("通话编号"); at != std::string::npos;
         at = text->find("通话编号", at + 1)) {
        ++headings;
    }
    EXPECT_EQ(headings, pages);
    std::string squeezed = *text; // pdftotext drops the spaces of "1 / 4"
    std::erase(squeezed, ' ');
    EXPECT_NE(squeezed.find(fmt::format("1/{}", pages)), std::string::npos);
    EXPECT_NE(squeezed.find(fmt::format("{0}/{0}", pages)), std::string::npos);
}

TEST_F(TableExportTest, ARowOfTheWrongWidthIsNamedAndNothingIsWritten) {
    ExportTable table = sample();
    table.rows[1].pop_back();
    const fs::path out = dir / "calls.csv";
    for (const auto format : {TableFormat::Csv, TableFormat::Xlsx, TableFormat::Pdf}) {
        const auto written = writeTable(table, out, format);
        ASSERT_FALSE(written);
        EXPECT_EQ(written.error().message(),
                  fmt::format("{}: row 2 has 4 cells for 5 columns", out.string()));
        EXPECT_FALSE(fs::exists(out));
    }
}

TEST_F(TableExportTest, AFailedExportLeavesTheOldFileAndNoPartialOne) {
    const fs::path out = dir / "calls.pdf";
    ASSERT_TRUE(writeTable(sample(), out, TableFormat::Pdf));
    const std::string before = readBytes(out);
    ExportTable tooLong = sample();
    tooLong.rows.assign(callqc::storage::kMaxPdfRows + 1, tooLong.rows[0]);
    const auto written = writeTable(tooLong, out, TableFormat::Pdf);
    ASSERT_FALSE(written);
    EXPECT_NE(written.error().message().find("more than a PDF export takes"), std::string::npos);
    EXPECT_EQ(readBytes(out), before);
    EXPECT_FALSE(fs::exists(dir / "calls.pdf.part"));
}

TEST_F(TableExportTest, AFolderThatDoesNotExistIsNamed) {
    const fs::path out = dir / "missing" / "calls.xlsx";
    for (const auto format : {TableFormat::Csv, TableFormat::Xlsx, TableFormat::Pdf}) {
        const auto written = writeTable(sample(), out, format);
        ASSERT_FALSE(written);
        EXPECT_EQ(written.error().message(), fmt::format("{}: the folder {} does not exist",
                                                         out.string(), out.parent_path().string()));
    }
}

TEST(TableFormat, NamesAndExtensions) {
    using callqc::storage::tableFormatFromName;
    using callqc::storage::tableFormatOf;
    EXPECT_EQ(tableFormatFromName("XLSX"), TableFormat::Xlsx);
    EXPECT_EQ(tableFormatFromName("pdf"), TableFormat::Pdf);
    EXPECT_EQ(tableFormatFromName("xls"), std::nullopt);
    EXPECT_EQ(tableFormatOf("/tmp/清单.CSV"), TableFormat::Csv);
    EXPECT_EQ(tableFormatOf("report"), std::nullopt);
}

} // namespace
