#include "storage/metadata_columns.hpp"

#include <algorithm>
#include <fstream>
#include <iterator>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

namespace callqc::storage {
namespace {

constexpr std::array<std::string_view, kMetadataFieldCount> kFieldNames = {
    "call_id",    "file", "start_time", "duration_sec", "agent_id",
    "agent_name", "team", "queue",      "direction",    "customer_phone",
};

std::string asciiLower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](char c) {
        return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
    });
    return out;
}

} // namespace

std::string_view fieldName(MetadataField field) {
    return kFieldNames[static_cast<std::size_t>(field)];
}

std::string trimField(std::string_view text) {
    static constexpr std::string_view kWide[] = {"\xE3\x80\x80", "\xEF\xBB\xBF"}; // U+3000, BOM
    bool trimmed = true;
    while (trimmed && !text.empty()) {
        trimmed = false;
        const auto c = static_cast<unsigned char>(text.front());
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
            text.remove_prefix(1);
            trimmed = true;
        }
        for (const auto wide : kWide) {
            if (text.starts_with(wide)) {
                text.remove_prefix(wide.size());
                trimmed = true;
            }
        }
    }
    trimmed = true;
    while (trimmed && !text.empty()) {
        trimmed = false;
        const auto c = static_cast<unsigned char>(text.back());
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
            text.remove_suffix(1);
            trimmed = true;
        }
        for (const auto wide : kWide) {
            if (text.ends_with(wide)) {
                text.remove_suffix(wide.size());
                trimmed = true;
            }
        }
    }
    return std::string(text);
}

tl::expected<ColumnMap, std::string> parseColumnMap(std::string_view toml, std::string_view source,
                                                    const ColumnMap& base) {
    toml::table doc;
    try {
        doc = toml::parse(toml, source);
    } catch (const toml::parse_error& error) {
        return tl::unexpected(
            fmt::format("{}:{}: {}", source, error.source().begin.line, error.description()));
    }
    ColumnMap map = base;
    for (const auto& [key, node] : doc) {
        if (key.str() != "columns") {
            return tl::unexpected(fmt::format("{}:{}: unknown key \"{}\" (expected [columns])",
                                              source, node.source().begin.line, key.str()));
        }
    }
    const auto* columns = doc["columns"].as_table();
    if (columns == nullptr) {
        return tl::unexpected(fmt::format("{}: no [columns] table", source));
    }
    for (const auto& [key, node] : *columns) {
        const auto line = node.source().begin.line;
        const auto known = std::find(kFieldNames.begin(), kFieldNames.end(), key.str());
        if (known == kFieldNames.end()) {
            return tl::unexpected(fmt::format("{}:{}: unknown field \"{}\" (known: {})", source,
                                              line, key.str(), fmt::join(kFieldNames, ", ")));
        }
        const auto* names = node.as_array();
        std::vector<std::string> list;
        if (names != nullptr) {
            for (const auto& name : *names) {
                const auto* text = name.as_string();
                if (text == nullptr || trimField(text->get()).empty()) {
                    list.clear();
                    break;
                }
                list.push_back(trimField(text->get()));
            }
        }
        if (list.empty()) {
            return tl::unexpected(fmt::format(
                "{}:{}: \"{}\" must be a list of header names, e.g. [\"{}\", \"录音编号\"]", source,
                line, key.str(), key.str()));
        }
        map.names[static_cast<std::size_t>(known - kFieldNames.begin())] = std::move(list);
    }
    return map;
}

tl::expected<ColumnMap, std::string> loadColumnMap(const std::filesystem::path& path,
                                                   const ColumnMap& base) {
    std::error_code ec;
    std::ifstream in;
    if (!std::filesystem::is_directory(path, ec)) {
        in.open(path, std::ios::binary);
    }
    if (!in) {
        return tl::unexpected(fmt::format("{}: cannot open", path.string()));
    }
    const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    return parseColumnMap(text, path.string(), base);
}

std::array<std::optional<std::size_t>, kMetadataFieldCount>
matchHeader(const ColumnMap& map, const std::vector<std::string>& header) {
    std::vector<std::string> folded;
    folded.reserve(header.size());
    for (const auto& name : header) {
        folded.push_back(asciiLower(trimField(name)));
    }
    std::array<std::optional<std::size_t>, kMetadataFieldCount> columns{};
    std::vector<bool> taken(header.size(), false);
    for (std::size_t field = 0; field < kMetadataFieldCount; ++field) {
        for (const auto& name : map.names[field]) {
            const auto wanted = asciiLower(name);
            for (std::size_t c = 0; c < folded.size() && !columns[field]; ++c) {
                if (!taken[c] && folded[c] == wanted) {
                    columns[field] = c;
                    taken[c] = true;
                }
            }
            if (columns[field]) {
                break;
            }
        }
    }
    return columns;
}

} // namespace callqc::storage
