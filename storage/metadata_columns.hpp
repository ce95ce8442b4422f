#pragma once

#include <array>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>

namespace callqc::storage {

/// The fields of a call that a metadata export's columns can hold.
enum class MetadataField {
    CallId,
    File,
    StartTime,
    DurationSec,
    AgentId,
    AgentName,
    Team,
    Queue,
    Direction,
    CustomerPhone,
};
inline constexpr std::size_t kMetadataFieldCount = 10;

/// The field's name in configuration and reports, e.g. "call_id".
[[nodiscard]] std::string_view fieldName(MetadataField field);

/// Which header names mean which field, most specific name first (a header "坐席姓名" wins over
/// "姓名" for agent_name when a file has both).
struct ColumnMap {
    std::array<std::vector<std::string>, kMetadataFieldCount> names;
};

/// Reads a column map from TOML:
///   [columns]
///   call_id = ["call_id", "录音编号", "通话ID"]
/// Each field listed replaces that field's names in `base`; fields not listed keep base's.
/// Errors name the file, line and key.
[[nodiscard]] tl::expected<ColumnMap, std::string>
parseColumnMap(std::string_view toml, std::string_view source, const ColumnMap& base = {});
[[nodiscard]] tl::expected<ColumnMap, std::string> loadColumnMap(const std::filesystem::path& path,
                                                                 const ColumnMap& base = {});

/// Each field's column in `header`; names compare after trimming spaces (also U+3000 and a
/// byte-order mark) and ignoring ASCII case.
[[nodiscard]] std::array<std::optional<std::size_t>, kMetadataFieldCount>
matchHeader(const ColumnMap& map, const std::vector<std::string>& header);

/// `text` without leading and trailing ASCII whitespace, U+3000 and U+FEFF.
[[nodiscard]] std::string trimField(std::string_view text);

} // namespace callqc::storage
