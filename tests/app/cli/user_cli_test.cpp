// callqc init, user and audit as an administrator or a nightly script uses them: passwords from
// the environment, --json output, refusals and exit codes, tampering found by audit verify.

#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include "storage/audit_store.hpp"
#include "storage/database.hpp"
#include "tests/app/cli/cli_runner.hpp"

namespace {

namespace fs = std::filesystem;
using callqc::tests::CliRun;

constexpr const char* kRootPassword = "root-pass-phrase";
constexpr const char* kQcPassword = "qc1-pass-phrase";

class UserCli : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir = fs::path(CALLQC_TEST_TMP) / fmt::format("user-cli-{}-{}", info->name(), getpid());
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
        m_db = m_dir / "qc.db";
        const CliRun init = run(fmt::format("init --admin root"), kRootPassword);
        ASSERT_EQ(init.exitCode, 0) << init.err;
        EXPECT_EQ(init.out, fmt::format("created {} with administrator root\n", m_db.string()));
    }

    /// `callqc ARGS --db DB` with CALLQC_PASSWORD (and CALLQC_NEW_PASSWORD) set, detached from
    /// any terminal so a missing password fails instead of prompting.
    CliRun run(const std::string& args, const std::string& password = "",
               const std::string& newPassword = "", const std::string& user = "") const {
        std::string env;
        if (!password.empty()) {
            env += fmt::format("CALLQC_PASSWORD='{}' ", password);
        }
        if (!newPassword.empty()) {
            env += fmt::format("CALLQC_NEW_PASSWORD='{}' ", newPassword);
        }
        if (!user.empty()) {
            env += fmt::format("CALLQC_USER='{}' ", user);
        }
        return callqc::tests::runCli(args + fmt::format(" --db '{}'", m_db.string()), m_dir,
                                     env + "setsid -w");
    }

    void addQc() {
        const CliRun add = run("user add qc1 --role inspector --scope 信用卡服务 --name 王质检",
                               kRootPassword, kQcPassword, "root");
        ASSERT_EQ(add.exitCode, 0) << add.err;
        EXPECT_EQ(add.out, "user qc1 added as inspector\n");
    }

    static nlohmann::json json(const CliRun& r) {
        auto parsed = nlohmann::json::parse(r.out, nullptr, false);
        EXPECT_FALSE(parsed.is_discarded()) << r.out << r.err;
        return parsed;
    }

    fs::path m_dir;
    fs::path m_db;
};

TEST_F(UserCli, initRefusesADatabaseThatHasUsers) {
    const CliRun again = run("init --admin other", kRootPassword);
    EXPECT_EQ(again.exitCode, 1);
    EXPECT_EQ(again.err, fmt::format("callqc: {} already has users; its administrator adds more "
                                     "with `callqc user add`\n",
                                     m_db.string()));
}

TEST_F(UserCli, anAdministratorAddsAndListsUsers) {
    addQc();
    const CliRun lead = run("user add lead1 --role team_lead --team 客服一组 --user root",
                            kRootPassword, "lead1-pass-phrase");
    ASSERT_EQ(lead.exitCode, 0) << lead.err;
    const CliRun list = run("user list --json", kRootPassword, "", "root");
    ASSERT_EQ(list.exitCode, 0) << list.err;
    const auto users = json(list);
    ASSERT_EQ(users.size(), 3u);
    EXPECT_EQ(users[0]["name"], "lead1");
    EXPECT_EQ(users[0]["role"], "team_lead");
    EXPECT_EQ(users[0]["teams"], nlohmann::json::array({"客服一组"}));
    EXPECT_EQ(users[1]["name"], "qc1");
    EXPECT_EQ(users[1]["role"], "inspector");
    EXPECT_EQ(users[1]["display_name"], "王质检");
    EXPECT_EQ(users[1]["projects"], nlohmann::json::array({"信用卡服务"}));
    EXPECT_EQ(users[1]["disabled"], false);
    EXPECT_EQ(users[2]["name"], "root");
    EXPECT_EQ(users[2]["role"], "administrator");
    EXPECT_FALSE(users[2].contains("password_hash"));
    const CliRun table = run("user list", kRootPassword, "", "root");
    ASSERT_EQ(table.exitCode, 0);
    EXPECT_NE(table.out.find("qc1              inspector      信用卡服务"), std::string::npos)
        << table.out;
    for (const CliRun* r : {&list, &table}) {
        EXPECT_EQ(r->out.find(kRootPassword), std::string::npos);
        EXPECT_EQ(r->out.find(kQcPassword), std::string::npos);
        EXPECT_EQ(r->out.find("argon2"), std::string::npos);
    }
}

TEST_F(UserCli, refusalsExitWithOneAndSayWhy) {
    addQc();
    const CliRun byQc = run("user list", kQcPassword, "", "qc1");
    EXPECT_EQ(byQc.exitCode, 1);
    EXPECT_EQ(byQc.err, "callqc: qc1 (QC inspector) may not manage users\n");
    const CliRun wrong = run("user list --user root", "not-the-password");
    EXPECT_EQ(wrong.exitCode, 1);
    EXPECT_EQ(wrong.err, "callqc: sign-in refused: wrong user name or password\n");
    const CliRun nobody = run("user list", kRootPassword);
    EXPECT_EQ(nobody.exitCode, 1);
    EXPECT_EQ(nobody.err, "callqc: who is acting? give --user NAME or set CALLQC_USER\n");
    const CliRun noPassword = run("user list --user root");
    EXPECT_EQ(noPassword.exitCode, 1);
    EXPECT_EQ(noPassword.err,
              "callqc: no terminal to ask for root's password: set CALLQC_PASSWORD\n");
    const CliRun badRole = run("user add x --role boss", kRootPassword, kQcPassword, "root");
    EXPECT_NE(badRole.exitCode, 0);
    const CliRun weak = run("user add qc9 --role inspector", kRootPassword, "short", "root");
    EXPECT_EQ(weak.exitCode, 1);
    EXPECT_EQ(weak.err, "callqc: a password needs at least 8 characters\n");
}

TEST_F(UserCli, disableAndPasswd) {
    addQc();
    const CliRun disable = run("user disable qc1", kRootPassword, "", "root");
    ASSERT_EQ(disable.exitCode, 0) << disable.err;
    EXPECT_EQ(disable.out, "user qc1 disabled\n");
    const CliRun signIn = run("user passwd qc1", kQcPassword, "qc1-new-phrase", "qc1");
    EXPECT_EQ(signIn.exitCode, 1);
    EXPECT_EQ(signIn.err, "callqc: sign-in refused: account \"qc1\" is disabled\n");
    const CliRun lastAdmin = run("user disable root", kRootPassword, "", "root");
    EXPECT_EQ(lastAdmin.exitCode, 1);

    const CliRun reset = run("user passwd root", kRootPassword, "root-second-phrase", "root");
    ASSERT_EQ(reset.exitCode, 0) << reset.err;
    EXPECT_EQ(reset.out, "password of root set\n");
    EXPECT_EQ(run("user list", kRootPassword, "", "root").exitCode, 1);
    EXPECT_EQ(run("user list", "root-second-phrase", "", "root").exitCode, 0);
}

TEST_F(UserCli, auditVerifyIsIntactUntilARowIsEditedInSqlite) {
    addQc();
    const CliRun byQc = run("audit verify", kQcPassword, "", "qc1");
    EXPECT_EQ(byQc.exitCode, 1);
    EXPECT_EQ(byQc.err, "callqc: qc1 (QC inspector) may not verify the audit trail\n");

    const CliRun clean = run("audit verify --json", kRootPassword, "", "root");
    ASSERT_EQ(clean.exitCode, 0) << clean.err;
    auto report = json(clean);
    EXPECT_EQ(report["intact"], true);
    // init, add qc1, qc1's sign-in and refusal… each audited: user.init, auth.sign_in (root),
    // user.add, auth.sign_in (qc1), auth.sign_in (root, this run).
    EXPECT_EQ(report["entries"], 5);
    EXPECT_EQ(report["problems"].size(), 0u);
    EXPECT_EQ(report["head_hash"].get<std::string>().size(), 64u);

    {
        auto db = callqc::storage::Database::open(m_db);
        ASSERT_TRUE(db) << db.error().detail;
        ASSERT_TRUE(db->exec("DROP TRIGGER audit_log_no_update"));
        ASSERT_TRUE(db->exec("UPDATE audit_log SET detail = '{\"role\":\"administrator\"}' "
                             "WHERE action = 'user.add'"));
    }
    const CliRun tampered = run("audit verify --json", kRootPassword, "", "root");
    EXPECT_EQ(tampered.exitCode, 2) << tampered.err;
    report = json(tampered);
    EXPECT_EQ(report["intact"], false);
    ASSERT_EQ(report["problems"].size(), 1u);
    EXPECT_EQ(report["problems"][0]["kind"], "changed");
    EXPECT_EQ(report["problems"][0]["seq"], 3);
    const CliRun text = run("audit verify", kRootPassword, "", "root");
    EXPECT_EQ(text.exitCode, 2);
    EXPECT_NE(text.out.find("changed              audit entry 3 (user.add user:qc1 by \"root\""),
              std::string::npos)
        << text.out;
    EXPECT_NE(text.out.find("TAMPERED"), std::string::npos);
}

TEST_F(UserCli, commandsOnADatabaseWithUsersSignInFirst) {
    addQc();
    const CliRun nobody = run("search --json");
    EXPECT_EQ(nobody.exitCode, 1);
    EXPECT_NE(nobody.err.find("this database has user accounts: who is acting? give --user NAME "
                              "or set CALLQC_USER"),
              std::string::npos)
        << nobody.err;
    const CliRun noPassword = run("search --json --user qc1");
    EXPECT_EQ(noPassword.exitCode, 1);
    EXPECT_EQ(noPassword.err,
              "callqc: no terminal to ask for qc1's password: set CALLQC_PASSWORD\n");
    // Two wrong passwords for qc1 (a third would slow the account down), then a stranger.
    for (const auto& [command, user] :
         {std::pair("search --json", "qc1"), std::pair("report --date 2024-03-01", "qc1"),
          std::pair("verify", "ghost"), std::pair("sample --date 2024-03-01", "ghost"),
          std::pair("complaint C1", "ghost"), std::pair("import .", "ghost"),
          std::pair("agent 001 --focus on", "ghost")}) {
        const CliRun wrong = run(command, kRootPassword, "", user);
        EXPECT_EQ(wrong.exitCode, 1) << command;
        EXPECT_EQ(wrong.err, "callqc: sign-in refused: wrong user name or password\n") << command;
        EXPECT_TRUE(wrong.out.empty()) << command << ": " << wrong.out;
    }

    const CliRun byEnv = run("search --json", kQcPassword, "", "qc1");
    ASSERT_EQ(byEnv.exitCode, 0) << byEnv.err;
    EXPECT_EQ(json(byEnv)["rows"].size(), 0u);
    const CliRun byOption = run("report --date 2024-03-01 --json --user qc1", kQcPassword);
    ASSERT_EQ(byOption.exitCode, 0) << byOption.err;
    EXPECT_EQ(json(byOption)["rows"].size(), 0u);
}

TEST_F(UserCli, signedInCommandsAreRefusedWhatTheRoleMayNotDo) {
    addQc();
    const CliRun fullNumbers = run("search --full-numbers", kQcPassword, "", "qc1");
    EXPECT_EQ(fullNumbers.exitCode, 1);
    EXPECT_NE(fullNumbers.err.find("qc1 (QC inspector) may not search by full customer number"),
              std::string::npos)
        << fullNumbers.err;
    const CliRun backupByQc =
        run(fmt::format("backup '{}'", (m_dir / "copy.db").string()), kQcPassword, "", "qc1");
    EXPECT_EQ(backupByQc.exitCode, 1);
    EXPECT_EQ(backupByQc.err, "callqc: qc1 (QC inspector) may not back up the database\n");
    EXPECT_FALSE(fs::exists(m_dir / "copy.db"));
    const CliRun reportByAdmin = run("report --date 2024-03-01", kRootPassword, "", "root");
    EXPECT_EQ(reportByAdmin.exitCode, 1);
    EXPECT_EQ(reportByAdmin.err, "callqc: root (administrator) may not export reports\n");
    const CliRun sampleElsewhere =
        run("sample --date 2024-03-01 --queue 宽带报修", kQcPassword, "", "qc1");
    EXPECT_EQ(sampleElsewhere.exitCode, 1);
    EXPECT_NE(sampleElsewhere.err.find("not in project \"宽带报修\""), std::string::npos)
        << sampleElsewhere.err;

    const CliRun backupByAdmin =
        run(fmt::format("backup '{}'", (m_dir / "copy.db").string()), kRootPassword, "", "root");
    ASSERT_EQ(backupByAdmin.exitCode, 0) << backupByAdmin.err;
    // Every sign-in and the backup are in the chain, which stays intact.
    const CliRun verify = run("audit verify --json", kRootPassword, "", "root");
    ASSERT_EQ(verify.exitCode, 0) << verify.err << verify.out;
    auto db = callqc::storage::Database::open(m_db);
    ASSERT_TRUE(db);
    auto backups = callqc::storage::auditEntriesWithAction(*db, "export.backup");
    ASSERT_TRUE(backups);
    ASSERT_EQ(backups->size(), 1u);
    EXPECT_EQ(backups->front().user, "root");
}

} // namespace
