// The header-name mapping of metadata exports: the default file in assets, overrides, matching.

#include <filesystem>

#include <gtest/gtest.h>

#include "storage/metadata_columns.hpp"

namespace callqc::storage {
namespace {

const std::filesystem::path kDefaults =
    std::filesystem::path(CALLQC_SOURCE_DIR) / "assets" / "import" / "columns.toml";

ColumnMap defaults() {
    auto map = loadColumnMap(kDefaults);
    EXPECT_TRUE(map) << map.error();
    return map ? *map : ColumnMap{};
}

std::optional<std::size_t> columnOf(const ColumnMap& map, const std::vector<std::string>& header,
                                    MetadataField field) {
    return matchHeader(map, header)[static_cast<std::size_t>(field)];
}

TEST(MetadataColumns, defaultsRecogniseEnglishAndChineseHeaders) {
    const auto map = defaults();
    const std::vector<std::string> chinese = {"录音编号", "录音文件", "开始时间", "时长",
                                              "坐席工号", "坐席姓名", "班组",     "技能组",
                                              "呼叫方向", "客户号码"};
    const auto columns = matchHeader(map, chinese);
    for (std::size_t field = 0; field < kMetadataFieldCount; ++field) {
        EXPECT_EQ(columns[field], field) << fieldName(static_cast<MetadataField>(field));
    }
    const std::vector<std::string> alternative = {
        "通话ID", "文件名", "通话开始时间", "通话时长", "工号", "姓名", "组别", "项目", "主叫号码"};
    EXPECT_EQ(columnOf(map, alternative, MetadataField::CallId), 0u);
    EXPECT_EQ(columnOf(map, alternative, MetadataField::File), 1u);
    EXPECT_EQ(columnOf(map, alternative, MetadataField::StartTime), 2u);
    EXPECT_EQ(columnOf(map, alternative, MetadataField::DurationSec), 3u);
    EXPECT_EQ(columnOf(map, alternative, MetadataField::AgentId), 4u);
    EXPECT_EQ(columnOf(map, alternative, MetadataField::AgentName), 5u);
    EXPECT_EQ(columnOf(map, alternative, MetadataField::Team), 6u);
    EXPECT_EQ(columnOf(map, alternative, MetadataField::Queue), 7u);
    EXPECT_EQ(columnOf(map, alternative, MetadataField::CustomerPhone), 8u);
    EXPECT_FALSE(columnOf(map, alternative, MetadataField::Direction));
}

TEST(MetadataColumns, namesMatchTrimmedAndIgnoringAsciiCaseMostSpecificFirst) {
    const auto map = defaults();
    const std::vector<std::string> header = {"\xEF\xBB\xBF Call_ID ", "姓名", "坐席姓名",
                                             "\xE3\x80\x80"
                                             "FILE"};
    EXPECT_EQ(columnOf(map, header, MetadataField::CallId), 0u);
    EXPECT_EQ(columnOf(map, header, MetadataField::AgentName), 2u); // 坐席姓名 before 姓名
    EXPECT_EQ(columnOf(map, header, MetadataField::File), 3u);
}

TEST(MetadataColumns, anOverrideReplacesOnlyTheFieldsItLists) {
    const auto map =
        parseColumnMap("[columns]\nagent_id = [\"员工编号\"]\n", "mine.toml", defaults());
    ASSERT_TRUE(map) << map.error();
    const std::vector<std::string> header = {"录音编号", "员工编号", "工号"};
    EXPECT_EQ(columnOf(*map, header, MetadataField::AgentId), 1u);
    EXPECT_EQ(columnOf(*map, header, MetadataField::CallId), 0u);
}

TEST(MetadataColumns, badFilesAreRefusedWithFileLineAndKey) {
    EXPECT_EQ(parseColumnMap("[columns]\ncall_di = [\"x\"]\n", "m.toml").error(),
              "m.toml:2: unknown field \"call_di\" (known: call_id, file, start_time, "
              "duration_sec, agent_id, agent_name, team, queue, direction, customer_phone)");
    EXPECT_EQ(parseColumnMap("[columns]\ncall_id = \"x\"\n", "m.toml").error(),
              "m.toml:2: \"call_id\" must be a list of header names, e.g. [\"call_id\", "
              "\"录音编号\"]");
    EXPECT_EQ(parseColumnMap("[colums]\n", "m.toml").error(),
              "m.toml:1: unknown key \"colums\" (expected [columns])");
    EXPECT_EQ(parseColumnMap("[columns\n", "m.toml").error().substr(0, 9), "m.toml:1:");
    EXPECT_EQ(loadColumnMap("/nonexistent/columns.toml").error(),
              "/nonexistent/columns.toml: cannot open");
}

} // namespace
} // namespace callqc::storage
