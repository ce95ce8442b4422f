#pragma once

// Internal helpers shared by the TOML loaders of this module (checklists, phrase rules).
// Not part of the public API: only scoring/*.cpp include this header, and it is the only
// header of the module that sees toml++.

#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <tl/expected.hpp>
#include <toml++/toml.h>

#include "scoring/language.hpp"
#include "scoring/scoring_error.hpp"

namespace callqc::scoring::detail {

// Reads typed values out of parsed TOML tables and turns every problem into a ScoringError
// whose detail reads "<source>:<line>: <context>: <message>".
class TomlReader {
public:
    explicit TomlReader(std::string_view sourceName) : m_source(sourceName) {}

    [[nodiscard]] ScoringError invalid(std::uint32_t line, std::string_view context,
                                       std::string_view field, std::string_view message) const;

    // Fails on the first key of `table` that is not in `allowed`.
    [[nodiscard]] tl::expected<void, ScoringError>
    checkKeys(const toml::table& table, std::initializer_list<std::string_view> allowed,
              std::string_view context) const;

    // A non-blank string; empty optional when the key is absent and not required.
    [[nodiscard]] tl::expected<std::optional<std::string>, ScoringError>
    string(const toml::table& table, std::string_view key, std::string_view context,
           bool required) const;

    [[nodiscard]] tl::expected<std::optional<std::int64_t>, ScoringError>
    integer(const toml::table& table, std::string_view key, std::string_view context) const;

    // An integer or float value, which must be finite.
    [[nodiscard]] tl::expected<std::optional<double>, ScoringError>
    number(const toml::table& table, std::string_view key, std::string_view context) const;

    [[nodiscard]] tl::expected<bool, ScoringError> boolean(const toml::table& table,
                                                           std::string_view key,
                                                           std::string_view context,
                                                           bool fallback) const;

    // An array of non-blank strings; empty when absent.
    [[nodiscard]] tl::expected<std::vector<std::string>, ScoringError>
    strings(const toml::table& table, std::string_view key, std::string_view context) const;

    // A table { zh = "...", en = "..." }. When `required`, both languages must be present and
    // non-blank; otherwise the key and either language may be missing.
    [[nodiscard]] tl::expected<LocalizedText, ScoringError> localized(const toml::table& table,
                                                                      std::string_view key,
                                                                      std::string_view context,
                                                                      bool required) const;

    // The tables of an array of tables; empty when absent.
    [[nodiscard]] tl::expected<std::vector<const toml::table*>, ScoringError>
    tables(const toml::table& table, std::string_view key, std::string_view context) const;

    // The line of `key` in `table`, or of the table itself when the key is absent.
    [[nodiscard]] static std::uint32_t lineOf(const toml::table& table, std::string_view key);

private:
    std::string m_source;
};

// Parses TOML text, mapping syntax errors to ScoringError::Kind::Syntax.
[[nodiscard]] tl::expected<toml::table, ScoringError> parseToml(std::string_view text,
                                                                std::string_view sourceName);

// Reads a whole file; errors are ScoringError::Kind::Io naming the file.
[[nodiscard]] tl::expected<std::string, ScoringError> readTextFile(const std::filesystem::path&);

[[nodiscard]] bool isBlank(std::string_view text);

// `text` as a TOML basic string, quotes included.
[[nodiscard]] std::string tomlQuoted(std::string_view text);

// FNV-1a, 64 bit (Fowler, Noll, Vo).
[[nodiscard]] std::uint64_t fnv1a64(std::string_view bytes);

} // namespace callqc::scoring::detail
