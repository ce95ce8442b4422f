// callqc: the command-line front end (nightly import, sampling, reports, demo data).

#include <cstdlib>
#include <regex>
#include <thread>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "app/core/import_day.hpp"
#include "app/core/session.hpp"
#include "assets/demo/demo_day.hpp"

namespace {

using callqc::core::CoreError;

int failWith(const std::string& message) {
    fmt::print(stderr, "callqc: {}\n", message);
    return 1;
}

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

bool validDate(const std::string& date) {
    static const std::regex pattern(R"(\d{4}-\d{2}-\d{2})");
    return std::regex_match(date, pattern);
}

} // namespace

int main(int argc, char** argv) {
    CLI::App app{"callqc — CallQC Station's command-line tool"};
    app.require_subcommand(1);
    std::string dbPath = callqc::core::defaultDatabasePath().string();
    bool json = false;
    std::string inspector = defaultInspector();
    const auto addCommon = [&](CLI::App* cmd) {
        cmd->add_option("--db", dbPath, "SQLite database (default: $CALLQC_DB or per-user path)");
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
    import->add_option("DIR", importDir, "the day's folder")->required();
    import->add_option("--jobs", importOptions.jobs, "analysis threads (default: all cores)");
    addCommon(import);

    auto* sample = app.add_subcommand("sample", "draw the day's random sample per agent");
    std::string sampleDate;
    int perAgent = 2;
    std::uint64_t seed = 1;
    sample->add_option("--date", sampleDate, "the day, YYYY-MM-DD")->required();
    sample->add_option("--per-agent", perAgent, "calls per agent")->check(CLI::Range(1, 1000));
    sample->add_option("--seed", seed, "random seed (same seed, same sample)");
    sample->add_option("--inspector", inspector, "whose queue the sample goes to");
    addCommon(sample);

    auto* report = app.add_subcommand("report", "mean scores of submitted evaluations");
    std::string reportBy = "agent";
    std::string reportDate;
    report->add_option("--by", reportBy, "agent or team")->check(CLI::IsMember({"agent", "team"}));
    report->add_option("--date", reportDate, "the day of the calls, YYYY-MM-DD")->required();
    addCommon(report);

    CLI11_PARSE(app, argc, argv);

    if (demo->parsed()) {
        demoOptions.progress = [](int done, int total) {
            showProgress("demo", done, total);
        };
        auto made = callqc::demo::generateDemoDay(demoDir, demoOptions);
        if (!made) {
            return failWith(made.error());
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
        auto db = callqc::storage::Database::open(dbPath);
        if (!db) {
            return failWith(db.error().message());
        }
        callqc::core::Progress progress;
        std::atomic<bool> finished{false};
        std::thread ticker([&] {
            while (!finished.load()) {
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
                showProgress("import", progress.done.load(), progress.total.load());
            }
        });
        auto result = callqc::core::importDay(*db, importDir, importOptions, &progress);
        finished = true;
        ticker.join();
        if (!result) {
            return failWith(result.error().message());
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
                                   .dump());
        } else {
            fmt::print("imported {}, unchanged {}, rejected {} into {}\n", result->imported,
                       result->unchanged, result->rejected.size(), dbPath);
            for (const auto& r : result->rejected) {
                fmt::print("  row {} {} ({}): {}\n", r.row, r.callId, r.file, r.reason);
            }
            for (const auto& w : result->warnings) {
                fmt::print("  warning: {}\n", w);
            }
        }
        return 0;
    }

    auto session = callqc::core::Session::open(dbPath, inspector);
    if (!session) {
        return failWith(session.error().message());
    }

    if (sample->parsed()) {
        if (!validDate(sampleDate)) {
            return failWith(fmt::format("--date \"{}\" is not YYYY-MM-DD", sampleDate));
        }
        auto summary = session->sampleDay(sampleDate, perAgent, seed);
        if (!summary) {
            return failWith(summary.error().message());
        }
        if (json) {
            fmt::print("{}\n", nlohmann::json{{"batch_id", summary->batchId},
                                              {"date", summary->callDate},
                                              {"calls", summary->calls},
                                              {"agents", summary->agents},
                                              {"picked", summary->picked},
                                              {"inspector", inspector},
                                              {"explanations", summary->explanations}}
                                   .dump());
        } else {
            fmt::print("batch {}: picked {} of {} calls on {} ({} agents) for {}\n",
                       summary->batchId, summary->picked, summary->calls, summary->callDate,
                       summary->agents, inspector);
            for (const auto& line : summary->explanations) {
                fmt::print("  {}\n", line);
            }
        }
        return 0;
    }

    if (report->parsed()) {
        if (!validDate(reportDate)) {
            return failWith(fmt::format("--date \"{}\" is not YYYY-MM-DD", reportDate));
        }
        const auto by = reportBy == "team" ? callqc::storage::ReportGrouping::Team
                                           : callqc::storage::ReportGrouping::Agent;
        auto lines = session->report(by, reportDate);
        if (!lines) {
            return failWith(lines.error().message());
        }
        if (json) {
            nlohmann::json rows = nlohmann::json::array();
            for (const auto& l : *lines) {
                rows.push_back({{"key", l.key},
                                {"name", l.label},
                                {"evaluations", l.evaluations},
                                {"mean", l.mean},
                                {"min", l.min},
                                {"max", l.max}});
            }
            fmt::print(
                "{}\n",
                nlohmann::json{{"by", reportBy}, {"date", reportDate}, {"rows", rows}}.dump());
        } else {
            fmt::print("{:<12} {:<14} {:>5} {:>7} {:>7} {:>7}\n", reportBy, "name", "evals", "mean",
                       "min", "max");
            for (const auto& l : *lines) {
                fmt::print("{:<12} {:<14} {:>5} {:>7.1f} {:>7.1f} {:>7.1f}\n", l.key, l.label,
                           l.evaluations, l.mean, l.min, l.max);
            }
            if (lines->empty()) {
                fmt::print("(no submitted evaluations for calls on {})\n", reportDate);
            }
        }
        return 0;
    }
    return 0;
}
