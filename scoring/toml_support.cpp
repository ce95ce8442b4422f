#include "scoring/toml_support.hpp"

#include <cmath>
#include <fstream>
#include <sstream>
#include <system_error>

#include <fmt/format.h>

namespace callqc::scoring::detail {

namespace {

const char* typeName(const toml::node& node) {
    switch (node.type()) {
    case toml::node_type::table:
        return "a table";
    case toml::node_type::array:
        return "an array";
    case toml::node_type::string:
        return "a string";
    case toml::node_type::integer:
        return "an integer";
    case toml::node_type::floating_point:
        return "a float";
    case toml::node_type::boolean:
        return "a boolean";
    case toml::node_type::date:
    case toml::node_type::time:
    case toml::node_type::date_time:
        return "a date/time";
    case toml::node_type::none:
        break;
    }
    return "nothing";
}

} // namespace

ScoringError TomlReader::invalid(std::uint32_t line, std::string_view context,
                                 std::string_view field, std::string_view message) const {
    ScoringError error;
    error.kind = ScoringError::Kind::Invalid;
    error.source = m_source;
    error.line = line;
    error.field = std::string(field);
    if (context.empty()) {
        error.detail = fmt::format("{}:{}: {}", m_source, line, message);
    } else {
        error.detail = fmt::format("{}:{}: {}: {}", m_source, line, context, message);
    }
    return error;
}

tl::expected<void, ScoringError>
TomlReader::checkKeys(const toml::table& table, std::initializer_list<std::string_view> allowed,
                      std::string_view context) const {
    for (auto&& [key, value] : table) {
        bool known = false;
        for (const std::string_view name : allowed) {
            known = known || key.str() == name;
        }
        if (!known) {
            return tl::unexpected(invalid(key.source().begin.line, context, key.str(),
                                          fmt::format("unknown key '{}'", key.str())));
        }
    }
    return {};
}

std::uint32_t TomlReader::lineOf(const toml::table& table, std::string_view key) {
    if (const toml::node* node = table.get(key)) {
        return node->source().begin.line;
    }
    return table.source().begin.line;
}

tl::expected<std::optional<std::string>, ScoringError> TomlReader::string(const toml::table& table,
                                                                          std::string_view key,
                                                                          std::string_view context,
                                                                          bool required) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
        if (required) {
            return tl::unexpected(
                invalid(table.source().begin.line, context, key, fmt::format("missing '{}'", key)));
        }
        return std::optional<std::string>{};
    }
    const auto* text = node->as_string();
    if (text == nullptr) {
        return tl::unexpected(
            invalid(node->source().begin.line, context, key,
                    fmt::format("'{}' must be a string, not {}", key, typeName(*node))));
    }
    if (isBlank(text->get())) {
        return tl::unexpected(invalid(node->source().begin.line, context, key,
                                      fmt::format("'{}' must not be empty", key)));
    }
    return std::optional<std::string>{text->get()};
}

tl::expected<std::optional<std::int64_t>, ScoringError>
TomlReader::integer(const toml::table& table, std::string_view key,
                    std::string_view context) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
        return std::optional<std::int64_t>{};
    }
    const auto* value = node->as_integer();
    if (value == nullptr) {
        return tl::unexpected(
            invalid(node->source().begin.line, context, key,
                    fmt::format("'{}' must be an integer, not {}", key, typeName(*node))));
    }
    return std::optional<std::int64_t>{value->get()};
}

tl::expected<std::optional<double>, ScoringError>
TomlReader::number(const toml::table& table, std::string_view key, std::string_view context) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
        return std::optional<double>{};
    }
    double result = 0;
    if (const auto* asInteger = node->as_integer()) {
        result = static_cast<double>(asInteger->get());
    } else if (const auto* asFloat = node->as_floating_point()) {
        result = asFloat->get();
    } else {
        return tl::unexpected(
            invalid(node->source().begin.line, context, key,
                    fmt::format("'{}' must be a number, not {}", key, typeName(*node))));
    }
    if (!std::isfinite(result)) {
        return tl::unexpected(invalid(node->source().begin.line, context, key,
                                      fmt::format("'{}' must be a finite number", key)));
    }
    return std::optional<double>{result};
}

tl::expected<bool, ScoringError> TomlReader::boolean(const toml::table& table, std::string_view key,
                                                     std::string_view context,
                                                     bool fallback) const {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
        return fallback;
    }
    const auto* value = node->as_boolean();
    if (value == nullptr) {
        return tl::unexpected(
            invalid(node->source().begin.line, context, key,
                    fmt::format("'{}' must be true or false, not {}", key, typeName(*node))));
    }
    return value->get();
}

tl::expected<std::vector<std::string>, ScoringError>
TomlReader::strings(const toml::table& table, std::string_view key,
                    std::string_view context) const {
    std::vector<std::string> result;
    const toml::node* node = table.get(key);
    if (node == nullptr) {
        return result;
    }
    const auto* array = node->as_array();
    if (array == nullptr) {
        return tl::unexpected(
            invalid(node->source().begin.line, context, key,
                    fmt::format("'{}' must be an array of strings, not {}", key, typeName(*node))));
    }
    for (const toml::node& element : *array) {
        const auto* text = element.as_string();
        if (text == nullptr || isBlank(text->get())) {
            return tl::unexpected(
                invalid(element.source().begin.line, context, key,
                        fmt::format("'{}' must contain only non-empty strings", key)));
        }
        result.push_back(text->get());
    }
    return result;
}

tl::expected<LocalizedText, ScoringError> TomlReader::localized(const toml::table& table,
                                                                std::string_view key,
                                                                std::string_view context,
                                                                bool required) const {
    LocalizedText result;
    const toml::node* node = table.get(key);
    if (node == nullptr) {
        if (required) {
            return tl::unexpected(
                invalid(table.source().begin.line, context, key, fmt::format("missing '{}'", key)));
        }
        return result;
    }
    const auto* inner = node->as_table();
    if (inner == nullptr) {
        return tl::unexpected(
            invalid(node->source().begin.line, context, key,
                    fmt::format("'{}' must be a table {{ zh = \"...\", en = \"...\" }}, not {}",
                                key, typeName(*node))));
    }
    const std::string innerContext =
        context.empty() ? std::string(key) : fmt::format("{}: {}", context, key);
    if (auto keys = checkKeys(*inner, {"zh", "en"}, innerContext); !keys) {
        return tl::unexpected(keys.error());
    }
    auto zh = string(*inner, "zh", innerContext, required);
    if (!zh) {
        return tl::unexpected(zh.error());
    }
    auto en = string(*inner, "en", innerContext, required);
    if (!en) {
        return tl::unexpected(en.error());
    }
    result.zh = zh->value_or(std::string{});
    result.en = en->value_or(std::string{});
    return result;
}

tl::expected<std::vector<const toml::table*>, ScoringError>
TomlReader::tables(const toml::table& table, std::string_view key, std::string_view context) const {
    std::vector<const toml::table*> result;
    const toml::node* node = table.get(key);
    if (node == nullptr) {
        return result;
    }
    const auto* array = node->as_array();
    if (array == nullptr) {
        return tl::unexpected(invalid(node->source().begin.line, context, key,
                                      fmt::format("'{}' must be an array of tables ([[{}]]), "
                                                  "not {}",
                                                  key, key, typeName(*node))));
    }
    for (const toml::node& element : *array) {
        const auto* inner = element.as_table();
        if (inner == nullptr) {
            return tl::unexpected(invalid(element.source().begin.line, context, key,
                                          fmt::format("'{}' must contain only tables", key)));
        }
        result.push_back(inner);
    }
    return result;
}

tl::expected<toml::table, ScoringError> parseToml(std::string_view text,
                                                  std::string_view sourceName) {
    try {
        return toml::parse(text, sourceName);
    } catch (const toml::parse_error& error) {
        ScoringError result;
        result.kind = ScoringError::Kind::Syntax;
        result.source = std::string(sourceName);
        result.line = error.source().begin.line;
        result.detail = fmt::format("{}:{}: {}", sourceName, result.line, error.description());
        return tl::unexpected(std::move(result));
    }
}

tl::expected<std::string, ScoringError> readTextFile(const std::filesystem::path& path) {
    std::error_code ignored;
    std::ifstream file;
    if (!std::filesystem::is_directory(path, ignored)) {
        file.open(path, std::ios::binary);
    }
    std::ostringstream contents;
    if (file.is_open()) {
        contents << file.rdbuf();
    }
    if (!file.is_open() || !file) {
        ScoringError error;
        error.kind = ScoringError::Kind::Io;
        error.source = path.filename().string();
        error.detail = fmt::format("{}: cannot read file", path.string());
        return tl::unexpected(std::move(error));
    }
    return contents.str();
}

bool isBlank(std::string_view text) {
    for (const char c : text) {
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
            return false;
        }
    }
    return true;
}

std::string tomlQuoted(std::string_view text) {
    std::string result;
    result.reserve(text.size() + 2);
    result.push_back('"');
    for (const char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"') {
            result += "\\\"";
        } else if (c == '\\') {
            result += "\\\\";
        } else if (c == '\n') {
            result += "\\n";
        } else if (c == '\t') {
            result += "\\t";
        } else if (byte < 0x20 || byte == 0x7f) {
            result += fmt::format("\\u{:04X}", static_cast<unsigned>(byte));
        } else {
            result.push_back(c);
        }
    }
    result.push_back('"');
    return result;
}

std::uint64_t fnv1a64(std::string_view bytes) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

} // namespace callqc::scoring::detail
