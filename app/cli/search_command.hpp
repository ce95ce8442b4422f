#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "app/core/search.hpp"

namespace callqc::cli {

/// `callqc search [criteria] [--limit N] [--after CURSOR] [--db DB] [--json]`: one page of the
/// calls matching every criterion given, newest first, and the cursor of the next page.
/// Construction registers the subcommand on `app`; the object must outlive parsing, since CLI11
/// writes the options into it.
class SearchCommand {
public:
    explicit SearchCommand(CLI::App& app);
    SearchCommand(const SearchCommand&) = delete;
    SearchCommand& operator=(const SearchCommand&) = delete;

    [[nodiscard]] bool parsed() const;

    /// Runs the search and prints the page; 0 when it ran (even with no match), 1 on an error.
    [[nodiscard]] int run() const;

private:
    CLI::App* m_command = nullptr;
    core::SearchRequest m_request;
    std::string m_evaluated; ///< "yes" / "no" / ""
    std::string m_dbPath;
    std::string m_user;
    bool m_json = false;
};

} // namespace callqc::cli
