// The commands bound to a role, as a trainer and a supervisor use them from scripts: a demo day
// imported by the administrator, then call lists, reports and clips exported with numbers
// masked, and a sampled call moved between queues; --json output, refusals and exit codes.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "app/core/session.hpp"
#include "storage/review_store.hpp"
#include "tests/app/cli/cli_runner.hpp"
#include "tests/support/export_readback.hpp"

namespace {

namespace fs = std::filesystem;
using callqc::tests::CliRun;

constexpr const char* kPassword = "export-pass-phrase";

/// One demo day imported once for all the tests (an import takes seconds); each test writes
/// files of its own names.
class RolesCli : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        m_dir = fs::path(CALLQC_TEST_TMP) / fmt::format("roles-cli-{}", getpid());
        fs::remove_all(m_dir);
        fs::create_directories(m_dir / "导出 文件");
        m_db = m_dir / "qc.db";
        ASSERT_EQ(callqc::tests::runCli("demo day --calls 8 --date 2024-03-01", m_dir).exitCode, 0);
        ASSERT_EQ(run("init --admin root", "root").exitCode, 0);
        for (const char* add : {"user add tr1 --role trainer --scope '*'",
                                "user add sup1 --role supervisor --scope '*'",
                                "user add qc1 --role inspector --scope '*'"}) {
            const CliRun added = run(add, "root", kPassword);
            ASSERT_EQ(added.exitCode, 0) << added.err;
        }
        const CliRun imported = run("import day --jobs 2", "root");
        ASSERT_EQ(imported.exitCode, 0) << imported.err;
        // The customer numbers and call ids of the day, from its metadata.
        std::ifstream csv(m_dir / "day" / "metadata.csv");
        std::string line;
        std::getline(csv, line);
        while (std::getline(csv, line)) {
            std::vector<std::string> cells;
            std::stringstream fields(line);
            for (std::string cell; std::getline(fields, cell, ',');) {
                cells.push_back(cell);
            }
            m_callIds.push_back(cells.front());
            m_phones.push_back(cells.back());
        }
        ASSERT_EQ(m_phones.size(), 8u);
    }
    static void TearDownTestSuite() { fs::remove_all(m_dir); }

    /// `callqc ARGS --db DB` as `user`, password from the environment, with no terminal.
    static CliRun run(const std::string& args, const std::string& user,
                      const std::string& newPassword = "") {
        std::string env = fmt::format("CALLQC_USER='{}' CALLQC_PASSWORD='{}' ", user, kPassword);
        if (!newPassword.empty()) {
            env += fmt::format("CALLQC_NEW_PASSWORD='{}' ", newPassword);
        }
        return callqc::tests::runCli(args + fmt::format(" --db '{}'", m_db.string()), m_dir,
                                     env + "setsid -w");
    }

    static nlohmann::json json(const CliRun& r) {
        auto parsed = nlohmann::json::parse(r.out, nullptr, false);
        EXPECT_FALSE(parsed.is_discarded()) << r.out << r.err;
        return parsed;
    }

    static inline fs::path m_dir;
    static inline fs::path m_db;
    static inline std::vector<std::string> m_callIds;
    static inline std::vector<std::string> m_phones;
};

TEST_F(RolesCli, aTrainersCallListHoldsNoFullCustomerNumberInAnyFormat) {
    for (const char* format : {"csv", "xlsx", "pdf"}) {
        const fs::path out = m_dir / "导出 文件" / fmt::format("通话.{}", format);
        const CliRun r = run(fmt::format("export calls --out '{}' --json", out.string()), "tr1");
        ASSERT_EQ(r.exitCode, 0) << r.err;
        EXPECT_EQ(json(r), (nlohmann::json{{"file", out.string()}, {"rows", 8}, {"masked", true}}));
        const std::string text =
            std::string(format) == "csv" ? callqc::testing::readBytes(out)
            : std::string(format) == "xlsx"
                ? callqc::testing::zipMember(out, "xl/worksheets/sheet1.xml").value_or("")
                : callqc::testing::pdfText(out).value_or("");
        for (std::size_t i = 0; i < m_phones.size(); ++i) {
            EXPECT_EQ(text.find(m_phones[i]), std::string::npos) << format << ": " << m_phones[i];
            const std::string masked =
                m_phones[i].substr(0, 3) + "****" + m_phones[i].substr(m_phones[i].size() - 4);
            EXPECT_NE(text.find(masked), std::string::npos) << format << ": " << masked;
            EXPECT_NE(text.find(m_callIds[i]), std::string::npos) << format << ": " << m_callIds[i];
        }
    }
    const CliRun full = run("export calls --out full.csv --full-numbers", "tr1");
    EXPECT_EQ(full.exitCode, 1);
    EXPECT_EQ(full.err, "callqc: export calls: tr1 (trainer) may not export customer numbers in "
                        "full; leave that out to export them masked\n");
    EXPECT_FALSE(fs::exists(m_dir / "full.csv"));
}

TEST_F(RolesCli, aSupervisorAsksForFullNumbersAndFiltersLikeSearch) {
    const CliRun r =
        run(fmt::format("export calls --call-id {} --full-numbers --out one.csv", m_callIds[0]),
            "sup1");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.out, fmt::format("wrote one.csv (1 rows, customer numbers in full)\n"));
    const std::string csv = callqc::testing::readBytes(m_dir / "one.csv");
    EXPECT_NE(csv.find(fmt::format(",{},", m_phones[0])), std::string::npos) << csv;
    EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 2);
}

TEST_F(RolesCli, aClipIsNamedWithoutTheNumberAndTaggedWithItMasked) {
    const CliRun r = run(fmt::format("export clip {} --start 1 --end 4.5 --format opus --beep 2-3 "
                                     "--out-dir '导出 文件' --json",
                                     m_callIds[1]),
                         "tr1");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const auto out = json(r);
    const fs::path file = m_dir / out["file"].get<std::string>();
    EXPECT_EQ(file.parent_path().filename(), "导出 文件");
    EXPECT_EQ(file.extension(), ".opus");
    EXPECT_EQ(file.filename().string().rfind(m_callIds[1] + "_", 0), 0u) << file;
    EXPECT_EQ(file.filename().string().find(m_phones[1].substr(m_phones[1].size() - 4)),
              std::string::npos);
    EXPECT_NEAR(out["duration_sec"].get<double>(), 3.5, 0.001);
    EXPECT_EQ(out["masked"], true);
    const std::string bytes = callqc::testing::readBytes(file);
    EXPECT_EQ(bytes.find(m_phones[1]), std::string::npos);
    EXPECT_NE(bytes.find(m_phones[1].substr(0, 3) + "****"), std::string::npos);
}

TEST_F(RolesCli, mistakesAreNamedAndRefusalsExitOne) {
    struct Case {
        std::string args;
        std::string user;
        std::string err;
    };
    const std::vector<Case> cases{
        {"export calls --out calls.txt", "tr1",
         "callqc: export calls: --out \"calls.txt\" does not end in .csv, .xlsx or .pdf; give "
         "--format\n"},
        {"export calls --out calls.csv --from 2024-13-01", "tr1",
         "callqc: export calls: --from \"2024-13-01\" is not YYYY-MM-DD, YYYY-MM-DD HH:MM or "
         "YYYY-MM-DD HH:MM:SS\n"},
        {"export report --by agent --date 2024-03-01 --out r.pdf --outside", "tr1",
         "callqc: export report: tr1 (trainer) may not export reports outside their team\n"},
        {"export report --by agent --out r.pdf", "sup1",
         "callqc: export report: give --date YYYY-MM-DD or --from YYYY-MM-DD [--to YYYY-MM-DD]\n"},
        {fmt::format("export clip {} --start 1 --end 2 --beep 3", m_callIds[0]), "tr1",
         "callqc: export clip: --beep \"3\" is not START-END in seconds with START before END, "
         "e.g. 65.5-70\n"},
        {"export clip NO-SUCH-CALL --start 1 --end 2", "tr1", ""},
        {fmt::format("export clip {} --start 1 --end 2 --out-dir missing", m_callIds[0]), "tr1",
         "callqc: export clip: the folder missing does not exist\n"},
    };
    for (const auto& c : cases) {
        const CliRun r = run(c.args, c.user);
        EXPECT_EQ(r.exitCode, 1) << c.args;
        if (!c.err.empty()) {
            EXPECT_EQ(r.err, c.err) << c.args;
        } else {
            EXPECT_NE(r.err.find("NO-SUCH-CALL"), std::string::npos) << r.err;
        }
    }
}

TEST_F(RolesCli, aSupervisorMovesASampledCallToAnotherInspector) {
    const CliRun sampled = run("sample --date 2024-03-01 --per-agent 10 --inspector sup1", "sup1");
    ASSERT_EQ(sampled.exitCode, 0) << sampled.err;
    const std::string call = m_callIds[3];
    const CliRun trainer = run(fmt::format("reassign {} --to qc1", call), "tr1");
    EXPECT_EQ(trainer.exitCode, 1);
    EXPECT_NE(trainer.err.find("tr1 (trainer)"), std::string::npos) << trainer.err;

    const CliRun moved = run(fmt::format("reassign {} --to qc1 --json", call), "sup1");
    ASSERT_EQ(moved.exitCode, 0) << moved.err;
    EXPECT_EQ(json(moved), (nlohmann::json{{"call_id", call}, {"from", "sup1"}, {"to", "qc1"}}));
    const CliRun again = run(fmt::format("reassign {} --to qc1", call), "sup1");
    EXPECT_EQ(again.exitCode, 1);
    EXPECT_EQ(again.err, fmt::format("callqc: call {} is already in qc1's queue\n", call));
    const CliRun unknown = run("reassign NO-SUCH-CALL --to qc1", "sup1");
    EXPECT_EQ(unknown.exitCode, 1);
    EXPECT_EQ(unknown.err, "callqc: no call \"NO-SUCH-CALL\"\n");
}

TEST_F(RolesCli, anInspectorCorrectsASubmissionAndASupervisorReadsEveryVersion) {
    const CliRun sampled = run("sample --date 2024-03-01 --per-agent 10 --inspector qc1", "sup1");
    ASSERT_EQ(sampled.exitCode, 0) << sampled.err;
    const std::string call = m_callIds[2];
    std::string itemId;
    {
        // The inspector scores the call in the workstation; here through app/core.
        auto qc = callqc::core::Session::open(m_db, std::string("qc1"));
        ASSERT_TRUE(qc) << qc.error().detail;
        auto scope = callqc::storage::callScopeByCallId(qc->db(), call);
        ASSERT_TRUE(scope);
        callqc::scoring::Answers answers;
        for (const auto& section : qc->checklist().sections) {
            for (const auto& item : section.items) {
                answers[item.id] = {callqc::scoring::AnswerValue::Pass, item.weight, 0, ""};
                if (itemId.empty() && item.kind == callqc::scoring::ItemKind::PassFail) {
                    itemId = item.id;
                }
            }
        }
        auto submitted = qc->saveEvaluation(scope->recordingId, answers, true);
        ASSERT_TRUE(submitted) << submitted.error().detail;
    }
    const std::string change =
        fmt::format("revise {} --set {}=fail --comment '{}=未核实身份' --reason '复核' --json",
                    call, itemId, itemId);
    const CliRun trainer = run(change, "tr1");
    EXPECT_EQ(trainer.exitCode, 1);
    EXPECT_NE(trainer.err.find("tr1 (trainer)"), std::string::npos) << trainer.err;

    const CliRun revised = run(change, "qc1");
    ASSERT_EQ(revised.exitCode, 0) << revised.err;
    const auto out = json(revised);
    EXPECT_EQ(out["version"], 2);
    EXPECT_EQ(out["inspector"], "qc1");
    EXPECT_EQ(out["score_before"], 100.0);
    EXPECT_LT(out["score_after"].get<double>(), 100.0);

    const CliRun history = run(fmt::format("history {} --inspector qc1 --json", call), "sup1");
    ASSERT_EQ(history.exitCode, 0) << history.err;
    const auto versions = json(history)["versions"];
    ASSERT_EQ(versions.size(), 2u);
    EXPECT_EQ(versions[0]["reason"], "submitted");
    EXPECT_EQ(versions[1]["reason"], "复核");
    EXPECT_EQ(versions[1]["by"], "qc1");
    EXPECT_EQ(versions[1]["score"], out["score_after"]);

    const CliRun badValue =
        run(fmt::format("revise {} --set {}=maybe --reason x", call, itemId), "qc1");
    EXPECT_EQ(badValue.exitCode, 1);
    EXPECT_EQ(badValue.err, fmt::format("callqc: revise: --set \"{0}=maybe\": maybe is not pass, "
                                        "fail, na or a number\n",
                                        itemId));
}

} // namespace
