#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "app/core/search.hpp"

namespace callqc::cli {

/// Registers the search criteria (--call-id, --phone, --agent, --team, --queue, --from, --to,
/// --min-duration, --max-duration, --dead-air, --overtalk, --evaluated, --min-score,
/// --max-score, --failed-item, --text) on `command`, written into `request` and `evaluated`.
void addSearchCriteria(CLI::App& command, core::SearchRequest& request, std::string& evaluated);
/// After parsing: sets request.evaluated from `evaluated` ("yes"/"no"/"") and checks the
/// request; the error message when it is wrong.
[[nodiscard]] std::optional<std::string> finishSearchCriteria(core::SearchRequest& request,
                                                              const std::string& evaluated);

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
