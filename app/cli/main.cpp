// callqc: the command-line front end (nightly import, sampling, reports, demo data).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <regex>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "app/cli/analyze_command.hpp"
#include "app/cli/evaluation_command.hpp"
#include "app/cli/export_command.hpp"
#include "app/cli/failure.hpp"
#include "app/cli/maintenance_command.hpp"
#include "app/cli/search_command.hpp"
#include "app/cli/sign_in.hpp"
#include "app/cli/user_command.hpp"
#include "app/core/audit.hpp"
#include "app/core/import_day.hpp"
#include "app/core/permissions.hpp"
#include "app/core/session.hpp"
#include "assets/demo/demo_day.hpp"
#include "scoring/phrases.hpp"
#include "storage/review_store.hpp"
#include "storage/transcript.hpp"

namespace {

using callqc::core::CoreError;

std::string defaultInspector() {
    const char* user = std::getenv("USER");
    return user && *user ? user : "inspector";
}

/// Draws "[#####     ] 40/100" on stderr when it is a terminal.
void showProgress(const char* what, int done, int total) {
    if (!isatty(STDERR_FILENO) || total <= 0) {
        return;
    }
    const int width = 30;
    const int filled = done * width / total;
    fmt::print(stderr, "\r{} [{:<{}}] {}/{}", what,
               std::string(static_cast<std::size_t>(filled), '#'), width, done, total);
    if (done == total) {
        fmt::print(stderr, "\n");
    }
}

/// The import's progress line on stderr when it is a terminal, redrawn in place; `last` ends it.
void showImportProgress(int done, int total, bool last) {
    if (!isatty(STDERR_FILENO) || total <= 0) {
        return;
    }
    const int width = 30;
    const int filled = std::clamp(done, 0, total) * width / total;
    fmt::print(stderr, "\rimport [{:<{}}] {}/{}{}",
               std::string(static_cast<std::size_t>(filled), '#'), width, done, total,
               last ? "\n" : "");
}

/// Set by SIGINT/SIGTERM during an import (std::atomic<bool> is lock-free, so signal-safe).
std::atomic<bool>* g_cancel = nullptr;

bool validDate(const std::string& date) {
    static const std::regex pattern(R"(\d{4}-\d{2}-\d{2})");
    return std::regex_match(date, pattern);
}

/// Seconds rounded to milliseconds, for output.
double roundedSec(double seconds) {
    return std::round(seconds * 1000.0) / 1000.0;
}

callqc::scoring::Speaker speakerFrom(const std::string& text) {
    if (text == "agent") {
        return callqc::scoring::Speaker::Agent;
    }
    if (text == "customer") {
        return callqc::scoring::Speaker::Customer;
    }
    return callqc::scoring::Speaker::Unknown;
}

/// `callqc phrases`: phrase-rule hits of each transcript, one JSON object per line with
/// --json. A file that cannot be read or parsed is reported on stderr and skipped; the result
/// is 1 when any file failed, 0 otherwise.
int runPhrases(const std::vector<std::string>& paths, const std::string& rulesPath, bool json) {
    namespace scoring = callqc::scoring;
    const std::filesystem::path rulesFile =
        rulesPath.empty() ? callqc::core::assetsDir() / "checklists" / "phrases.toml"
                          : std::filesystem::path(rulesPath);
    auto rules = scoring::loadPhraseRules(rulesFile);
    if (!rules) {
        return callqc::cli::fail(rules.error().detail);
    }
    const scoring::PhraseMatcher matcher(std::move(*rules));
    if (!json) {
        fmt::print("{:<16} {:<32} {:<9} {:<8} {:>9} {:>9}  {}\n", "call", "rule", "kind", "speaker",
                   "start", "end", "text");
    }
    bool failed = false;
    for (const std::string& path : paths) {
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            fmt::print(stderr, "callqc: {}: cannot open\n", path);
            failed = true;
            continue;
        }
        const std::string text{std::istreambuf_iterator<char>(in),
                               std::istreambuf_iterator<char>()};
        auto records = callqc::storage::parseTranscriptJson(text, path);
        if (!records) {
            fmt::print(stderr, "callqc: {}\n", records.error());
            failed = true;
            continue;
        }
        std::string callId = std::filesystem::path(path).stem().string();
        const auto doc = nlohmann::json::parse(text, nullptr, false);
        if (const auto found = doc.find("call_id"); found != doc.end() && found->is_string()) {
            callId = found->get<std::string>();
        }
        std::vector<scoring::Segment> segments;
        segments.reserve(records->size());
        for (auto& record : *records) {
            segments.push_back({speakerFrom(record.speaker), record.startSec, record.endSec,
                                std::move(record.text)});
        }
        for (const scoring::PhraseHit& hit : matcher.match(segments)) {
            const std::string matched =
                hit.missing ? std::string()
                            : hit.text.substr(hit.textBegin, hit.textEnd - hit.textBegin);
            if (json) {
                nlohmann::ordered_json line{{"call_id", callId},
                                            {"rule", hit.ruleId},
                                            {"kind", scoring::toString(hit.kind)},
                                            {"phrase", hit.phrase}};
                if (hit.missing) {
                    line["missing"] = true;
                    line["speaker"] = scoring::toString(hit.speaker);
                } else {
                    line["speaker"] = scoring::toString(hit.speaker);
                    line["start"] = roundedSec(hit.startSec);
                    line["end"] = roundedSec(hit.endSec);
                    line["text"] = matched;
                    if (hit.outOfPosition) {
                        line["out_of_position"] = true;
                    }
                }
                fmt::print("{}\n", line.dump());
            } else if (hit.missing) {
                fmt::print("{:<16} {:<32} {:<9} {:<8} {:>9} {:>9}  (missing: {})\n", callId,
                           hit.ruleId, scoring::toString(hit.kind), scoring::toString(hit.speaker),
                           "-", "-", hit.phrase);
            } else {
                fmt::print("{:<16} {:<32} {:<9} {:<8} {:>9.3f} {:>9.3f}  {}{}\n", callId,
                           hit.ruleId, scoring::toString(hit.kind), scoring::toString(hit.speaker),
                           hit.startSec, hit.endSec, matched,
                           hit.outOfPosition ? " (out of position)" : "");
            }
        }
    }
    return failed ? 1 : 0;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"callqc — CallQC Station's command-line tool"};
    app.require_subcommand(1);
    std::string dbPath = callqc::core::defaultDatabasePath().string();
    bool json = false;
    std::string inspector = defaultInspector();
    std::string actingUser;
    const auto addCommon = [&](CLI::App* cmd) {
        cmd->add_option("--db", dbPath, "SQLite database (default: $CALLQC_DB or per-user path)");
        cmd->add_option("--user", actingUser,
                        "who is acting (default: $CALLQC_USER); the password comes from "
                        "$CALLQC_PASSWORD or a prompt. A database without user accounts needs "
                        "no sign-in");
        cmd->add_flag("--json", json, "machine-readable output");
    };

    auto* demo = app.add_subcommand("demo", "generate a demo day of calls into DIR");
    std::string demoDir;
    callqc::demo::DemoOptions demoOptions;
    demo->add_option("DIR", demoDir, "output folder")->required();
    demo->add_option("--seed", demoOptions.seed, "random seed");
    demo->add_option("--calls", demoOptions.calls, "number of calls")->check(CLI::Range(1, 5000));
    demo->add_option("--date", demoOptions.date, "the day, YYYY-MM-DD");
    demo->add_flag("--json", json, "machine-readable output");

    auto* import =
        app.add_subcommand("import", "import a day folder (metadata.csv, audio, transcripts)");
    std::string importDir;
    callqc::core::ImportOptions importOptions;
    import->add_option("DIR", importDir, "the day's folder (holding metadata.csv), or the CSV")
        ->required();
    import->add_option("--jobs", importOptions.jobs, "analysis threads (default: all cores)");
    std::string importColumns;
    import->add_option("--columns", importColumns,
                       "TOML mapping header names to fields, read over "
                       "assets/import/columns.toml");
    import->add_option("--timezone", importOptions.timeZone,
                       "zone start times are stored in (default: Asia/Shanghai)");
    std::vector<std::string> importRoots;
    import->add_option("--recording-root", importRoots,
                       "a folder audio may be read from; repeat for several (default: DIR)");
    import
        ->add_option("--batch", importOptions.rowsPerTransaction,
                     "calls written per transaction (default: 32)")
        ->check(CLI::Range(1, 10000));
    std::string importAgentChannel = "left";
    import
        ->add_option("--agent-channel", importAgentChannel,
                     "which channel of stereo recordings is the agent (default: left)")
        ->check(CLI::IsMember({"left", "right"}));
    import->add_option("--dead-air-sec", importOptions.analysis.deadAirMinSec,
                       "both parties silent at least this long is dead air (default: 5)");
    import->add_option("--overtalk-sec", importOptions.analysis.overtalkMinSec,
                       "both speaking at least this long is overtalk (default: 0.5)");
    addCommon(import);

    auto* sample = app.add_subcommand(
        "sample", "draw the day's sample: random calls per agent, extra for focus agents and new "
                  "hires, every complaint");
    std::string sampleDate;
    callqc::core::SampleOptions sampleOptions;
    std::vector<std::string> sampleInspectors;
    sample->add_option("--date", sampleDate, "the day, YYYY-MM-DD")->required();
    sample->add_option("--per-agent", sampleOptions.rules.perAgent, "random calls per agent")
        ->check(CLI::Range(1, 1000));
    sample->add_option("--seed", sampleOptions.rules.seed, "random seed (same seed, same sample)");
    std::string sampleQueue;
    sample->add_option("--queue", sampleQueue, "sample only this queue (技能组/项目)");
    sample->add_option("--inspector", sampleInspectors,
                       "whose queue the sample goes to; give it several times to split the "
                       "sample evenly among inspectors (default: the acting user)");
    sample
        ->add_option("--min-duration", sampleOptions.rules.minDurationSec,
                     "skip calls shorter than this many seconds (complaints excepted)")
        ->check(CLI::Range(0.0, 86400.0));
    sample
        ->add_option("--extra-focus", sampleOptions.rules.extraFocus,
                     "extra calls for focus agents")
        ->check(CLI::Range(0, 1000));
    sample
        ->add_option("--extra-new-hire", sampleOptions.rules.extraNewHire,
                     "extra calls for new hires")
        ->check(CLI::Range(0, 1000));
    sample
        ->add_option("--new-hire-days", sampleOptions.rules.newHireDays,
                     "an agent hired within this many days is a new hire")
        ->check(CLI::Range(0, 3650));
    addCommon(sample);

    auto* agent = app.add_subcommand("agent", "set an agent's focus flag or hire date");
    std::string agentNo;
    std::string focus;
    std::string hireDate;
    agent->add_option("EMPLOYEE_NO", agentNo, "the agent's employee number")->required();
    agent->add_option("--focus", focus, "on: listen to this agent more closely (重点监听)")
        ->check(CLI::IsMember({"on", "off"}));
    agent->add_option("--hire-date", hireDate, "YYYY-MM-DD");
    addCommon(agent);

    auto* complaint = app.add_subcommand(
        "complaint", "mark a call as complained about, so every sample includes it");
    std::string complaintCall;
    bool clearComplaint = false;
    complaint->add_option("CALL_ID", complaintCall, "the call")->required();
    complaint->add_flag("--clear", clearComplaint, "remove the mark");
    addCommon(complaint);

    auto* reassign = app.add_subcommand(
        "reassign", "move a sampled call to another inspector's queue (quality supervisors)");
    std::string reassignCall;
    std::string reassignTo;
    reassign->add_option("CALL_ID", reassignCall, "the call")->required();
    reassign->add_option("--to", reassignTo, "the inspector who is to score it")->required();
    addCommon(reassign);

    auto* report = app.add_subcommand("report", "mean scores of submitted evaluations");
    std::string reportBy = "agent";
    std::string reportDate;
    std::string reportFrom;
    std::string reportTo;
    report->add_option("--by", reportBy, "agent or team")->check(CLI::IsMember({"agent", "team"}));
    auto* dateOption = report->add_option("--date", reportDate, "the day of the calls, YYYY-MM-DD");
    auto* fromOption = report->add_option("--from", reportFrom, "first day of a period, YYYY-MM-DD")
                           ->excludes(dateOption);
    report->add_option("--to", reportTo, "last day of a period, YYYY-MM-DD (default: --from)")
        ->excludes(dateOption)
        ->needs(fromOption);
    addCommon(report);

    auto* phrases = app.add_subcommand(
        "phrases", "find forbidden, courtesy and required phrases in transcript JSON files");
    std::vector<std::string> transcriptPaths;
    std::string rulesPath;
    phrases->add_option("TRANSCRIPT", transcriptPaths, "transcript JSON files")->required();
    phrases->add_option("--rules", rulesPath,
                        "phrase list (default: assets/checklists/phrases.toml)");
    phrases->add_flag("--json", json, "one JSON object per hit per line");

    callqc::cli::AnalyzeCommand analyze(app);
    callqc::cli::SearchCommand search(app);
    callqc::cli::ExportCommands exports(app);
    callqc::cli::EvaluationCommands evaluations(app);
    callqc::cli::MaintenanceCommands maintenance(app);
    callqc::cli::UserCommands users(app);

    CLI11_PARSE(app, argc, argv);

    if (analyze.parsed()) {
        return analyze.run();
    }
    if (search.parsed()) {
        return search.run();
    }
    if (exports.parsed()) {
        return exports.run();
    }
    if (evaluations.parsed()) {
        return evaluations.run();
    }
    if (maintenance.parsed()) {
        return maintenance.run();
    }
    if (users.parsed()) {
        return users.run();
    }

    if (phrases->parsed()) {
        return runPhrases(transcriptPaths, rulesPath, json);
    }

    if (demo->parsed()) {
        demoOptions.progress = [](int done, int total) {
            showProgress("demo", done, total);
        };
        auto made = callqc::demo::generateDemoDay(demoDir, demoOptions);
        if (!made) {
            return callqc::cli::fail(made.error());
        }
        if (json) {
            fmt::print("{}\n", nlohmann::json{{"dir", demoDir},
                                              {"calls", made->calls},
                                              {"teams", made->teams},
                                              {"agents", made->agents},
                                              {"total_audio_sec", made->totalAudioSec}}
                                   .dump());
        } else {
            fmt::print("wrote {} calls ({} agents in {} teams, {:.0f} min of audio) to {}\n",
                       made->calls, made->agents, made->teams, made->totalAudioSec / 60, demoDir);
        }
        return 0;
    }

    if (import->parsed()) {
        importOptions.columnsFile = importColumns;
        importOptions.analysis.agentChannel = importAgentChannel == "right" ? 1 : 0;
        importOptions.recordingRoots.assign(importRoots.begin(), importRoots.end());
        auto acting = callqc::cli::openActing(dbPath, actingUser,
                                              callqc::cli::nameWithoutAccounts(actingUser));
        if (!acting) {
            return callqc::cli::fail(acting.error());
        }
        if (acting->accounts) {
            if (auto refusal =
                    callqc::core::authorize(acting->actor, callqc::core::Action::Import, {})) {
                return callqc::cli::fail(refusal->message());
            }
        }
        auto* db = &acting->db;
        callqc::core::Progress progress;
        // Ctrl-C or SIGTERM stops after the calls in hand are written; a second Ctrl-C kills.
        g_cancel = &progress.cancel;
        struct sigaction onSignal {};
        onSignal.sa_handler = [](int) {
            if (g_cancel != nullptr) {
                g_cancel->store(true);
            }
        };
        onSignal.sa_flags = SA_RESETHAND;
        sigemptyset(&onSignal.sa_mask);
        sigaction(SIGINT, &onSignal, nullptr);
        sigaction(SIGTERM, &onSignal, nullptr);
        std::atomic<bool> finished{false};
        std::thread ticker([&] {
            while (!finished.load()) {
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
                if (!finished.load()) {
                    showImportProgress(progress.done.load(), progress.total.load(), false);
                }
            }
        });
        auto result = callqc::core::importDay(*db, importDir, importOptions, &progress);
        finished = true;
        ticker.join();
        showImportProgress(progress.done.load(), progress.total.load(), true);
        if (!result) {
            return callqc::cli::fail(result.error().message());
        }
        if (auto audited = callqc::core::recordAudit(*db, {acting->actor.user,
                                                           "import.day",
                                                           fmt::format("day:{}", importDir),
                                                           {{"imported", result->imported},
                                                            {"unchanged", result->unchanged},
                                                            {"rejected", result->rejected.size()},
                                                            {"cancelled", result->cancelled}}});
            !audited) {
            return callqc::cli::fail(audited.error().message());
        }
        if (json) {
            nlohmann::json rejected = nlohmann::json::array();
            for (const auto& r : result->rejected) {
                rejected.push_back({{"row", r.row},
                                    {"call_id", r.callId},
                                    {"file", r.file},
                                    {"reason", r.reason}});
            }
            fmt::print("{}\n", nlohmann::json{{"imported", result->imported},
                                              {"unchanged", result->unchanged},
                                              {"rejected", rejected},
                                              {"warnings", result->warnings}}
                                   .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
        } else {
            fmt::print("imported {}, unchanged {}, rejected {} into {}{} (metadata read as {})\n",
                       result->imported, result->unchanged, result->rejected.size(), dbPath,
                       result->cancelled ? "; cancelled" : "", result->encoding);
            for (const auto& r : result->rejected) {
                fmt::print("  row {} {} ({}): {}\n", r.row, r.callId, r.file, r.reason);
            }
            for (const auto& w : result->warnings) {
                fmt::print("  warning: {}\n", w);
            }
        }
        return result->cancelled ? 130 : 0;
    }

    // Without user accounts the session acts as before: as --user, else the first --inspector
    // of a sample, else $CALLQC_USER or $USER.
    std::string legacyName = callqc::cli::nameWithoutAccounts(actingUser);
    if (sample->parsed() && !sampleInspectors.empty() && actingUser.empty()) {
        legacyName = sampleInspectors.front();
    }
    auto session = callqc::cli::openSession(dbPath, actingUser, legacyName);
    if (!session) {
        return callqc::cli::fail(session.error());
    }
    inspector = session->inspector();

    if (complaint->parsed()) {
        if (auto ok = session->setComplaint(complaintCall, !clearComplaint); !ok) {
            return callqc::cli::fail(ok.error().message());
        }
        fmt::print("{}: complaint {}\n", complaintCall, clearComplaint ? "cleared" : "marked");
        return 0;
    }

    if (reassign->parsed()) {
        auto scope = callqc::storage::callScopeByCallId(session->db(), reassignCall);
        if (!scope) {
            return callqc::cli::fail(scope.error().message());
        }
        if (auto ok = session->reassignCall(scope->recordingId, reassignTo); !ok) {
            return callqc::cli::fail(ok.error().message());
        }
        if (json) {
            fmt::print("{}\n", nlohmann::json{{"call_id", reassignCall},
                                              {"from", scope->assignedInspector},
                                              {"to", reassignTo}}
                                   .dump());
        } else {
            fmt::print("{}: moved from {}'s queue to {}'s\n", reassignCall,
                       scope->assignedInspector, reassignTo);
        }
        return 0;
    }

    if (agent->parsed()) {
        if (focus.empty() && hireDate.empty()) {
            return callqc::cli::fail("agent: give --focus on|off and/or --hire-date YYYY-MM-DD");
        }
        if (!focus.empty()) {
            if (auto ok = session->setAgentFocus(agentNo, focus == "on"); !ok) {
                return callqc::cli::fail(ok.error().message());
            }
        }
        if (!hireDate.empty()) {
            if (auto ok = session->setAgentHireDate(agentNo, hireDate); !ok) {
                return callqc::cli::fail(ok.error().message());
            }
        }
        fmt::print("agent {} updated\n", agentNo);
        return 0;
    }

    if (sample->parsed()) {
        if (!validDate(sampleDate)) {
            return callqc::cli::fail(fmt::format("--date \"{}\" is not YYYY-MM-DD", sampleDate));
        }
        sampleOptions.rules.inspectors = sampleInspectors;
        if (!sampleQueue.empty()) {
            sampleOptions.queue = sampleQueue;
        }
        auto summary = session->sampleDay(sampleDate, sampleOptions);
        if (!summary) {
            return callqc::cli::fail(summary.error().message());
        }
        if (json) {
            fmt::print("{}\n", nlohmann::json{{"batch_id", summary->batchId},
                                              {"date", summary->callDate},
                                              {"calls", summary->calls},
                                              {"agents", summary->agents},
                                              {"picked", summary->picked},
                                              {"inspector", inspector},
                                              {"per_inspector", summary->perInspector},
                                              {"per_reason", summary->perReason},
                                              {"explanations", summary->explanations},
                                              {"shortfalls", summary->shortfalls}}
                                   .dump());
        } else {
            fmt::print("batch {}: picked {} of {} calls on {} ({} agents)\n", summary->batchId,
                       summary->picked, summary->calls, summary->callDate, summary->agents);
            for (const auto& [who, count] : summary->perInspector) {
                fmt::print("  {}: {} calls\n", who, count);
            }
            for (const auto& line : summary->explanations) {
                fmt::print("  {}\n", line);
            }
            for (const auto& line : summary->shortfalls) {
                fmt::print("  shortfall: {}\n", line);
            }
        }
        return 0;
    }

    if (report->parsed()) {
        auto period = callqc::cli::reportPeriod(reportDate, reportFrom, reportTo);
        if (!period) {
            return callqc::cli::fail(fmt::format("report: {}", period.error()));
        }
        reportFrom = period->first;
        reportTo = period->second;
        const auto by = reportBy == "team" ? callqc::storage::ReportGrouping::Team
                                           : callqc::storage::ReportGrouping::Agent;
        auto lines = session->report(by, reportFrom, reportTo);
        if (!lines) {
            return callqc::cli::fail(lines.error().message());
        }
        if (json) {
            nlohmann::json rows = nlohmann::json::array();
            for (const auto& l : *lines) {
                rows.push_back({{"key", l.key},
                                {"name", l.label},
                                {"evaluations", l.evaluations},
                                {"mean", l.mean},
                                {"min", l.min},
                                {"max", l.max},
                                {"grade", callqc::scoring::gradeName(
                                              l.grade, callqc::scoring::Language::En)}});
            }
            fmt::print("{}\n",
                       nlohmann::json{
                           {"by", reportBy}, {"from", reportFrom}, {"to", reportTo}, {"rows", rows}}
                           .dump());
        } else {
            fmt::print("{:<12} {:<14} {:>5} {:>7} {:>7} {:>7}  {}\n", reportBy, "name", "evals",
                       "mean", "min", "max", "grade");
            for (const auto& l : *lines) {
                fmt::print("{:<12} {:<14} {:>5} {:>7.1f} {:>7.1f} {:>7.1f}  {}\n", l.key, l.label,
                           l.evaluations, l.mean, l.min, l.max,
                           callqc::scoring::gradeName(l.grade, callqc::scoring::Language::En));
            }
            if (lines->empty()) {
                fmt::print("(no submitted evaluations for calls from {} to {})\n", reportFrom,
                           reportTo);
            }
        }
        return 0;
    }
    return 0;
}
