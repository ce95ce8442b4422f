#pragma once

#include <string>
#include <vector>

#include <CLI/CLI.hpp>

namespace callqc::cli {

/// Corrections of submitted evaluations:
/// - `callqc revise CALL_ID --set ITEM=pass|fail|na|N... [--comment ITEM=TEXT]... --reason TEXT
///   [--inspector NAME]`: the next version of the evaluation (N: points of a points item,
///   occurrences of a deduction item);
/// - `callqc history CALL_ID [--inspector NAME]`: every version, oldest first.
/// The inspector defaults to the acting user. Both take --db, --user and --json.
/// Construction registers the subcommands on `app`; the object must outlive parsing.
class EvaluationCommands {
public:
    explicit EvaluationCommands(CLI::App& app);
    EvaluationCommands(const EvaluationCommands&) = delete;
    EvaluationCommands& operator=(const EvaluationCommands&) = delete;

    [[nodiscard]] bool parsed() const;
    /// 0 when done, 1 on any error (printed on stderr).
    [[nodiscard]] int run() const;

private:
    [[nodiscard]] int runRevise() const;
    [[nodiscard]] int runHistory() const;

    CLI::App* m_revise = nullptr;
    CLI::App* m_history = nullptr;
    std::string m_callId;
    std::string m_inspector;
    std::vector<std::string> m_sets;
    std::vector<std::string> m_comments;
    std::string m_reason;
    std::string m_dbPath;
    std::string m_user;
    bool m_json = false;
};

} // namespace callqc::cli
