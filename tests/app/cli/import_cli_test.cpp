// `callqc import` as real processes: the --json report's shape, its options, SIGKILL at any
// moment then a rerun ending with exactly a clean run's rows, two processes writing one database
// without "database is locked", progress only on a terminal, and Ctrl-C stopping cleanly.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <pty.h>
#include <sqlite3.h>

#include "tests/app/cli/child_process.hpp"
#include "tests/app/cli/cli_runner.hpp"
#include "tests/audio/fixtures.hpp"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using callqc::tests::CliChild;

constexpr int kCalls = 40;

/// A day of `calls` stereo calls of `seconds` each (every one its own tone, so its own hash),
/// two agents, and an SRT transcript for every third call.
fs::path makeDay(const fs::path& day, int calls, double seconds) {
    fs::create_directories(day / "audio");
    fs::create_directories(day / "transcripts");
    std::ofstream csv(day / "metadata.csv", std::ios::binary);
    csv << "录音编号,录音文件,开始时间,坐席工号,坐席姓名,班组\r\n";
    for (int i = 0; i < calls; ++i) {
        auto pcm = callqc::tests::silence(2, seconds);
        callqc::tests::addTone(pcm, 0, 0.5, seconds / 2, 300.0 + 7.0 * i, 0.4f);
        callqc::tests::addTone(pcm, 1, seconds / 2, seconds - 0.5, 500.0 + 7.0 * i, 0.4f);
        callqc::tests::writeWav16(day / "audio" / fmt::format("call-{:03}.wav", i), pcm);
        csv << fmt::format(
            "K{:03},audio/call-{:03}.wav,2026-11-25 09:{:02}:{:02},00{},王{},一组\r\n", i, i,
            i / 60, i % 60, 7770 + i % 2, i % 2);
        if (i % 3 == 0) {
            std::ofstream(day / "transcripts" / fmt::format("K{:03}.srt", i))
                << "1\n00:00:00,500 --> 00:00:02,000\n坐席：您好\n\n"
                   "2\n00:00:02,500 --> 00:00:04,000\n客户：你好\n";
        }
    }
    return day;
}

/// One read-only connection to a database another process writes.
class Reader {
public:
    explicit Reader(const fs::path& path) {
        if (sqlite3_open_v2(path.c_str(), &m_db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
            sqlite3_close(m_db);
            m_db = nullptr;
            return;
        }
        sqlite3_busy_timeout(m_db, 5000);
    }
    ~Reader() { sqlite3_close(m_db); }
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;

    /// Every row of `sql`, columns joined by '|'; nothing when the query failed.
    std::optional<std::vector<std::string>> rows(const std::string& sql) const {
        if (m_db == nullptr) {
            return std::nullopt;
        }
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(m_db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
            return std::nullopt;
        }
        std::vector<std::string> out;
        int rc = 0;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            std::string line;
            for (int c = 0; c < sqlite3_column_count(stmt); ++c) {
                const auto* text = sqlite3_column_text(stmt, c);
                if (c > 0) {
                    line += '|';
                }
                if (text != nullptr) {
                    line += reinterpret_cast<const char*>(text);
                }
            }
            out.push_back(line);
        }
        sqlite3_finalize(stmt);
        if (rc != SQLITE_DONE) {
            return std::nullopt;
        }
        return out;
    }

private:
    sqlite3* m_db = nullptr;
};

/// How many calls the database holds; nothing while it cannot be read yet.
std::optional<int> callCount(const fs::path& db) {
    if (!fs::exists(db)) {
        return std::nullopt;
    }
    const auto rows = Reader(db).rows("SELECT count(*) FROM recordings");
    if (!rows || rows->empty()) {
        return std::nullopt;
    }
    return std::stoi(rows->front());
}

/// What a clean import must produce, one line per call: id, hash, lengths, agent, and how much of
/// its profile and transcript is there.
std::vector<std::string> snapshot(const fs::path& db) {
    const auto rows = Reader(db).rows(
        "SELECT r.call_id, r.sha256, r.duration_sec, r.file_size, r.start_time, a.employee_no, "
        "a.name, (SELECT count(*) FROM audio_profiles p WHERE p.recording_id = r.id), "
        "(SELECT count(*) FROM transcript_segments s WHERE s.recording_id = r.id) "
        "FROM recordings r JOIN agents a ON a.id = r.agent_id ORDER BY r.call_id");
    EXPECT_TRUE(rows) << db;
    return rows.value_or(std::vector<std::string>{});
}

std::string integrity(const fs::path& db) {
    const auto rows = Reader(db).rows("PRAGMA integrity_check");
    return rows && !rows->empty() ? rows->front() : "(unreadable)";
}

nlohmann::json parsed(const std::string& out) {
    auto json = nlohmann::json::parse(out, nullptr, false);
    EXPECT_FALSE(json.is_discarded()) << out;
    return json;
}

std::vector<std::string> importArgs(const fs::path& day, const fs::path& db, int batch) {
    return {"import", day.string(), "--db",    db.string(),          "--json",
            "--jobs", "1",          "--batch", std::to_string(batch)};
}

class ImportCli : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_day = new fs::path(makeDay(callqc::tests::freshDir("import-cli-day"), kCalls, 20.0));
    }
    static void TearDownTestSuite() { delete s_day; }
    void SetUp() override { m_dir = callqc::tests::freshDir("import-cli"); }

    static fs::path* s_day;
    fs::path m_dir;
};
fs::path* ImportCli::s_day = nullptr;

TEST_F(ImportCli, jsonReportHasExactlyItsKeysAndExitsZeroWithRejections) {
    const auto day = m_dir / "small";
    fs::create_directories(day);
    auto pcm = callqc::tests::silence(1, 1.0);
    callqc::tests::addTone(pcm, 0, 0.1, 0.9);
    callqc::tests::writeWav16(day / "a.wav", pcm);
    std::ofstream(day / "metadata.csv") << "call_id,file,start_time,agent_id\n"
                                           "A1,a.wav,2026-11-25 10:00:00,007\n"
                                           "A2,gone.wav,2026-11-25 10:01:00,007\n";
    const auto db = m_dir / "qc.db";
    auto run = callqc::tests::runCli(
        fmt::format("import '{}' --db '{}' --json", day.string(), db.string()), m_dir);
    ASSERT_EQ(run.exitCode, 0) << run.err;
    EXPECT_EQ(run.err, ""); // stderr is not a terminal: no progress
    const auto report = parsed(run.out);
    std::set<std::string> keys;
    for (const auto& [key, value] : report.items()) {
        keys.insert(key);
    }
    EXPECT_EQ(keys, (std::set<std::string>{"imported", "unchanged", "rejected", "warnings"}));
    EXPECT_EQ(report["imported"], 1);
    EXPECT_EQ(report["unchanged"], 0);
    EXPECT_EQ(report["warnings"], nlohmann::json::array());
    ASSERT_EQ(report["rejected"].size(), 1u);
    EXPECT_EQ(report["rejected"][0],
              (nlohmann::json{{"row", 3},
                              {"call_id", "A2"},
                              {"file", "gone.wav"},
                              {"reason", "audio file not found: " + (day / "gone.wav").string()}}));
}

TEST_F(ImportCli, columnsAndTimezoneOptions) {
    const auto day = m_dir / "options";
    fs::create_directories(day);
    auto pcm = callqc::tests::silence(1, 1.0);
    callqc::tests::addTone(pcm, 0, 0.1, 0.9);
    callqc::tests::writeWav16(day / "a.wav", pcm);
    std::ofstream(day / "metadata.csv") << "call_id,file,start_time,员工编号\n"
                                           "Z1,a.wav,2026-11-25T01:13:05Z,0099\n";
    std::ofstream(m_dir / "columns.toml") << "[columns]\nagent_id = [\"员工编号\"]\n";
    const auto db = m_dir / "qc.db";
    auto missing = callqc::tests::runCli(
        fmt::format("import '{}' --db '{}' --json", day.string(), db.string()), m_dir);
    EXPECT_EQ(missing.exitCode, 1);
    EXPECT_NE(missing.err.find("header has no \"agent_id\" column"), std::string::npos)
        << missing.err;
    auto run = callqc::tests::runCli(
        fmt::format("import '{}' --db '{}' --json --columns '{}' --timezone UTC", day.string(),
                    db.string(), (m_dir / "columns.toml").string()),
        m_dir);
    ASSERT_EQ(run.exitCode, 0) << run.err;
    EXPECT_EQ(parsed(run.out)["imported"], 1);
    EXPECT_EQ(Reader(db).rows("SELECT r.start_time, a.employee_no FROM recordings r JOIN agents "
                              "a ON a.id = r.agent_id"),
              (std::vector<std::string>{"2026-11-25 01:13:05|0099"}));
}

TEST_F(ImportCli, agentChannelAndThresholdsAreOptions) {
    // Left channel speaks 0.5–2.5 s, right 4.0–5.0 s; 1.5 s of silence between them.
    const auto day = m_dir / "stereo";
    fs::create_directories(day);
    auto pcm = callqc::tests::silence(2, 6.0);
    callqc::tests::addTone(pcm, 0, 0.5, 2.5);
    callqc::tests::addTone(pcm, 1, 4.0, 5.0);
    callqc::tests::writeWav16(day / "s.wav", pcm);
    std::ofstream(day / "metadata.csv") << "call_id,file,start_time,agent_id\n"
                                           "S1,s.wav,2026-11-25 09:00:00,0001\n";
    const auto speech = [](const fs::path& db) {
        return Reader(db).rows("SELECT round(agent_speech_sec, 1), round(customer_speech_sec, 1), "
                               "dead_air FROM audio_profiles");
    };
    const auto left = m_dir / "left.db";
    ASSERT_EQ(callqc::tests::runCli(
                  fmt::format("import '{}' --db '{}'", day.string(), left.string()), m_dir)
                  .exitCode,
              0);
    const auto right = m_dir / "right.db";
    auto run = callqc::tests::runCli(
        fmt::format("import '{}' --db '{}' --agent-channel right --dead-air-sec 1", day.string(),
                    right.string()),
        m_dir);
    ASSERT_EQ(run.exitCode, 0) << run.err;
    const auto l = speech(left);
    const auto r = speech(right);
    ASSERT_TRUE(l && r && l->size() == 1 && r->size() == 1);
    EXPECT_EQ(l->front(), "2.0|1.0|[]");
    EXPECT_EQ(r->front().substr(0, 8), "1.0|2.0|");
    EXPECT_NE(r->front().find("[[2."), std::string::npos) << r->front();
}

TEST_F(ImportCli, killedAtAnyMomentThenRerunEndsWithTheRowsOfACleanRun) {
    const auto cleanDb = m_dir / "clean.db";
    const auto started = std::chrono::steady_clock::now();
    {
        CliChild clean(importArgs(*s_day, cleanDb, 2), m_dir, "clean");
        ASSERT_EQ(clean.wait(), 0) << clean.err();
        EXPECT_EQ(parsed(clean.out())["imported"], kCalls);
    }
    const auto cleanMs = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - started)
                             .count();
    const auto expected = snapshot(cleanDb);
    ASSERT_EQ(expected.size(), static_cast<std::size_t>(kCalls));
    RecordProperty("clean_import_ms", static_cast<int>(cleanMs));

    struct Kill {
        std::optional<std::chrono::milliseconds> after;
        std::optional<int> atRows;
    };
    // Kills after a time and at a number of rows; the last scenario kills the rerun as well.
    const std::vector<std::vector<Kill>> scenarios = {
        {{50ms, {}}}, {{200ms, {}}}, {{500ms, {}}}, {{{}, 4}}, {{{}, 21}}, {{{}, 6}, {{}, 15}},
    };
    int scenario = 0;
    for (const auto& kills : scenarios) {
        SCOPED_TRACE(fmt::format("scenario {}", scenario));
        const auto db = m_dir / fmt::format("killed-{}.db", scenario++);
        for (const auto& kill : kills) {
            CliChild child(importArgs(*s_day, db, 2), m_dir, "killed");
            ASSERT_TRUE(child.started());
            const auto deadline = std::chrono::steady_clock::now() + 60s;
            if (kill.after) {
                std::this_thread::sleep_for(*kill.after);
            } else {
                while (callCount(db).value_or(0) < *kill.atRows && !child.finished() &&
                       std::chrono::steady_clock::now() < deadline) {
                    std::this_thread::sleep_for(1ms);
                }
            }
            const bool ranToTheEnd = child.finished();
            child.signal(SIGKILL);
            const int code = child.wait();
            EXPECT_TRUE(ranToTheEnd || code == 128 + SIGKILL) << code;
            if (fs::exists(db)) {
                EXPECT_EQ(integrity(db), "ok");
                EXPECT_LE(callCount(db).value_or(0), kCalls);
            }
        }
        CliChild rerun(importArgs(*s_day, db, 2), m_dir, "rerun");
        ASSERT_EQ(rerun.wait(), 0) << rerun.err();
        const auto report = parsed(rerun.out());
        EXPECT_EQ(report["imported"].get<int>() + report["unchanged"].get<int>(), kCalls);
        EXPECT_TRUE(report["rejected"].empty()) << report["rejected"];
        EXPECT_EQ(integrity(db), "ok");
        EXPECT_EQ(snapshot(db), expected);
    }
}

TEST_F(ImportCli, anImportAndAnotherWriterNeverSeeDatabaseIsLocked) {
    const auto db = m_dir / "shared.db";
    const auto first = m_dir / "first";
    fs::create_directories(first);
    auto pcm = callqc::tests::silence(1, 1.0);
    callqc::tests::addTone(pcm, 0, 0.1, 0.9);
    callqc::tests::writeWav16(first / "a.wav", pcm);
    std::ofstream(first / "metadata.csv") << "call_id,file,start_time,agent_id\n"
                                             "F1,a.wav,2026-11-24 10:00:00,000888\n";
    {
        CliChild seed(importArgs(first, db, 1), m_dir, "seed");
        ASSERT_EQ(seed.wait(), 0) << seed.err();
    }

    // One transaction per call, so the two processes take the write lock in turns many times.
    CliChild import(importArgs(*s_day, db, 1), m_dir, "import");
    ASSERT_TRUE(import.started());
    int writes = 0;
    std::vector<std::string> failures;
    while (!import.finished() || writes < 6) {
        const std::string args =
            writes % 3 == 2
                ? fmt::format("complaint F1 {}--db '{}'", writes % 2 ? "--clear " : "", db.string())
                : fmt::format("agent 000888 --focus {} --db '{}'", writes % 2 ? "on" : "off",
                              db.string());
        const auto run = callqc::tests::runCli(args, m_dir);
        ++writes;
        if (run.exitCode != 0 || !run.err.empty()) {
            failures.push_back(fmt::format("{}: exit {}: {}", args, run.exitCode, run.err));
        }
    }
    EXPECT_TRUE(failures.empty()) << failures.front();
    EXPECT_EQ(import.wait(), 0) << import.err();
    EXPECT_EQ(import.err().find("locked"), std::string::npos) << import.err();
    const auto report = parsed(import.out());
    EXPECT_EQ(report["imported"], kCalls);
    EXPECT_TRUE(report["rejected"].empty()) << report["rejected"];
    EXPECT_EQ(callCount(db), kCalls + 1);
    EXPECT_EQ(integrity(db), "ok");
}

TEST_F(ImportCli, progressIsDrawnOnATerminalOnly) {
    const auto db = m_dir / "tty.db";
    int master = -1;
    const pid_t pid = forkpty(&master, nullptr, nullptr, nullptr);
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        const auto args = importArgs(*s_day, db, 8);
        std::vector<std::string> argv = {CALLQC_CLI};
        argv.insert(argv.end(), args.begin(), args.end());
        std::vector<char*> raw;
        for (auto& a : argv) {
            raw.push_back(a.data());
        }
        raw.push_back(nullptr);
        execv(CALLQC_CLI, raw.data());
        _exit(127);
    }
    std::string terminal;
    char buffer[4096];
    while (true) {
        const auto got = ::read(master, buffer, sizeof buffer);
        if (got <= 0) {
            break; // EIO once the child has closed the terminal
        }
        terminal.append(buffer, static_cast<std::size_t>(got));
    }
    ::close(master);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0) << terminal;
    EXPECT_NE(
        terminal.find(fmt::format("\rimport [{}] {}/{}\r\n", std::string(30, '#'), kCalls, kCalls)),
        std::string::npos)
        << terminal;

    // The same import with stderr in a file prints nothing there.
    CliChild quiet(importArgs(*s_day, m_dir / "quiet.db", 8), m_dir, "quiet");
    EXPECT_EQ(quiet.wait(), 0);
    EXPECT_EQ(quiet.err(), "");
}

TEST_F(ImportCli, interruptStopsCleanlyWithWhatWasWrittenAndSaysSo) {
    const auto db = m_dir / "interrupted.db";
    CliChild child(importArgs(*s_day, db, 2), m_dir, "interrupted");
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (callCount(db).value_or(0) < 2 && !child.finished() &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(1ms);
    }
    ASSERT_FALSE(child.finished()) << "the import ended before it could be interrupted";
    child.signal(SIGINT);
    ASSERT_EQ(child.wait(), 130) << child.err();
    const auto report = parsed(child.out());
    const int imported = report["imported"].get<int>();
    EXPECT_GE(imported, 2);
    EXPECT_LT(imported, kCalls);
    EXPECT_EQ(callCount(db), imported); // everything processed was committed, nothing more
    ASSERT_FALSE(report["warnings"].empty());
    EXPECT_EQ(report["warnings"].back(),
              fmt::format("import cancelled: {} of {} calls were not processed; import the day "
                          "again to finish",
                          kCalls - imported, kCalls));
    EXPECT_EQ(integrity(db), "ok");

    CliChild rest(importArgs(*s_day, db, 2), m_dir, "rest");
    ASSERT_EQ(rest.wait(), 0) << rest.err();
    const auto finished = parsed(rest.out());
    EXPECT_EQ(finished["unchanged"], imported);
    EXPECT_EQ(finished["imported"], kCalls - imported);
}

} // namespace
