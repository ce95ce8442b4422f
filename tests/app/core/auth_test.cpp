// Accounts: Argon2id password hashes, sign-in with slow-down and lockout on a fake clock, user
// management for administrators only, every step audited and no password stored anywhere.

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "app/core/audit.hpp"
#include "app/core/auth.hpp"
#include "storage/audit_store.hpp"
#include "storage/user_store.hpp"

namespace callqc::core {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::string_view kAdminPassword = "Adm1n-pass-phrase";
constexpr std::string_view kQcPassword = "qc1-secret-words";

class Auth : public ::testing::Test {
protected:
    void SetUp() override {
        const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
        m_dir = fs::path(CALLQC_TEST_TMP) / fmt::format("auth-{}-{}", info->name(), getpid());
        fs::remove_all(m_dir);
        fs::create_directories(m_dir);
        auto db = storage::Database::open(m_dir / "qc.db");
        ASSERT_TRUE(db) << db.error().detail;
        m_db.emplace(std::move(*db));
        m_now = std::chrono::system_clock::time_point(std::chrono::seconds(1'764'000'000));
        m_options.clock = [this] {
            return m_now;
        };
        m_options.cost = PasswordCost::minimum();
        auto admin = createFirstAdministrator(*m_db, "root", kAdminPassword, m_options);
        ASSERT_TRUE(admin) << admin.error().detail;
        m_admin = *admin;
    }

    storage::Database& db() { return *m_db; }

    std::vector<std::string> auditActions() {
        auto entries = storage::auditEntriesAfter(db(), 0, 1000);
        EXPECT_TRUE(entries);
        std::vector<std::string> actions;
        for (const auto& e : entries.value_or(std::vector<storage::AuditEntry>{})) {
            actions.push_back(e.action);
        }
        return actions;
    }

    void addQc() {
        auto added = addUser(db(), m_admin, {"qc1", Role::Inspector, "王质检", {"信用卡服务"}, {}},
                             kQcPassword, m_options);
        ASSERT_TRUE(added) << added.error().detail;
    }

    fs::path m_dir;
    std::optional<storage::Database> m_db;
    std::chrono::system_clock::time_point m_now;
    AuthOptions m_options;
    Actor m_admin;
};

TEST(PasswordHash, isArgon2idWithInteractiveCostAndSaltedEachTime) {
    auto first = hashPassword("correct horse battery", PasswordCost::interactive());
    auto second = hashPassword("correct horse battery", PasswordCost::interactive());
    ASSERT_TRUE(first && second);
    EXPECT_TRUE(first->starts_with("$argon2id$v=19$m=65536,t=2,p=1$")) << *first;
    EXPECT_NE(*first, *second);
    EXPECT_EQ(first->find("horse"), std::string::npos);
    EXPECT_TRUE(verifyPassword(*first, "correct horse battery"));
    EXPECT_TRUE(verifyPassword(*second, "correct horse battery"));
    EXPECT_FALSE(verifyPassword(*first, "correct horse batterY"));
    EXPECT_FALSE(verifyPassword(*first, ""));
    EXPECT_FALSE(verifyPassword("not a hash", "correct horse battery"));
}

TEST_F(Auth, theFirstAdministratorSignsInAndIsTheOnlyOneCreatedThatWay) {
    auto actor = signIn(db(), "root", kAdminPassword, m_options);
    ASSERT_TRUE(actor) << actor.error().detail;
    EXPECT_EQ(actor->user, "root");
    EXPECT_EQ(actor->role, Role::Administrator);
    auto again = createFirstAdministrator(db(), "root2", kAdminPassword, m_options);
    ASSERT_FALSE(again);
    EXPECT_EQ(again.error().kind, CoreError::Kind::Refused);
    EXPECT_EQ(auditActions(), (std::vector<std::string>{"user.init", "auth.sign_in"}));
}

TEST_F(Auth, aWrongPasswordAndAnUnknownUserGetTheSameAnswer) {
    auto wrong = signIn(db(), "root", "not-the-password", m_options);
    auto unknown = signIn(db(), "nobody", "not-the-password", m_options);
    ASSERT_FALSE(wrong);
    ASSERT_FALSE(unknown);
    EXPECT_EQ(wrong.error().kind, CoreError::Kind::Refused);
    EXPECT_EQ(wrong.error().detail, "sign-in refused: wrong user name or password");
    EXPECT_EQ(unknown.error().detail, wrong.error().detail);
    auto entries = storage::auditEntriesWithAction(db(), "auth.sign_in_failed");
    ASSERT_TRUE(entries);
    ASSERT_EQ(entries->size(), 2u);
    EXPECT_EQ((*entries)[0].subject, "user:root");
    EXPECT_EQ((*entries)[0].detail, R"({"failed_attempts":1,"reason":"wrong password"})");
    EXPECT_EQ((*entries)[1].user, "");
    EXPECT_EQ((*entries)[1].detail, R"({"reason":"unknown user"})");
}

TEST_F(Auth, repeatedFailuresSlowDownThenLockTheAccountForAWhile) {
    // Default policy: from the 3rd failure a delay of 2 s, doubling; the 6th locks for 15 min.
    const auto attempt = [&](std::string_view password) {
        auto result = signIn(db(), "root", password, m_options);
        return result ? std::string("ok") : result.error().detail;
    };
    EXPECT_EQ(attempt("wrong-1"), "sign-in refused: wrong user name or password");
    EXPECT_EQ(attempt("wrong-2"), "sign-in refused: wrong user name or password");
    EXPECT_EQ(attempt("wrong-3"),
              "sign-in refused: wrong user name or password; next attempt in 2 s");
    m_now += 1s;
    // Too soon: refused without looking at the password, and not counted.
    EXPECT_EQ(attempt(kAdminPassword),
              "sign-in refused: 3 failed attempts; account \"root\" is locked for 1 more s "
              "(until 2025-11-24T16:00:02.000Z)");
    m_now += 1s;
    EXPECT_EQ(attempt("wrong-4"),
              "sign-in refused: wrong user name or password; next attempt in 4 s");
    m_now += 4s;
    EXPECT_EQ(attempt("wrong-5"),
              "sign-in refused: wrong user name or password; next attempt in 8 s");
    m_now += 8s;
    EXPECT_EQ(attempt("wrong-6"),
              "sign-in refused: wrong user name or password; after 6 failed attempts account "
              "\"root\" is locked until 2025-11-24T16:15:14.000Z");
    m_now += 899s;
    EXPECT_NE(attempt(kAdminPassword).find("is locked for 1 more s"), std::string::npos);
    m_now += 1s;
    EXPECT_EQ(attempt(kAdminPassword), "ok");
    auto user = storage::findUser(db(), "root");
    ASSERT_TRUE(user && *user);
    EXPECT_EQ((*user)->failedAttempts, 0);
    EXPECT_FALSE((*user)->lockedUntil.has_value());
    EXPECT_EQ(auditActions(),
              (std::vector<std::string>{"user.init", "auth.sign_in_failed", "auth.sign_in_failed",
                                        "auth.sign_in_failed", "auth.sign_in_failed",
                                        "auth.sign_in_failed", "auth.sign_in_failed", "auth.locked",
                                        "auth.sign_in_failed", "auth.sign_in"}));
}

TEST_F(Auth, afterALockEndsOneMoreFailureLocksAgain) {
    for (int i = 0; i < 6; ++i) {
        ASSERT_FALSE(signIn(db(), "root", "wrong-password", m_options));
        m_now += 1h;
    }
    auto locked = signIn(db(), "root", "wrong-password", m_options);
    ASSERT_FALSE(locked);
    EXPECT_NE(locked.error().detail.find("after 7 failed attempts"), std::string::npos)
        << locked.error().detail;
}

TEST_F(Auth, onlyAnAdministratorManagesUsers) {
    addQc();
    auto qc = signIn(db(), "qc1", kQcPassword, m_options);
    ASSERT_TRUE(qc) << qc.error().detail;
    EXPECT_EQ(qc->role, Role::Inspector);
    EXPECT_EQ(qc->projects, (std::vector<std::string>{"信用卡服务"}));

    const std::string refusal = "qc1 (QC inspector) may not manage users";
    auto add = addUser(db(), *qc, {"qc2", Role::Inspector, "", {"x"}, {}}, kQcPassword, m_options);
    ASSERT_FALSE(add);
    EXPECT_EQ(add.error().kind, CoreError::Kind::Refused);
    EXPECT_EQ(add.error().detail, refusal);
    EXPECT_EQ(listUsers(db(), *qc, m_options).error().detail, refusal);
    EXPECT_EQ(disableUser(db(), *qc, "root", m_options).error().detail, refusal);
    EXPECT_EQ(setPassword(db(), *qc, "root", "new-password-1", m_options).error().detail, refusal);
    auto users = storage::listUsers(db());
    ASSERT_TRUE(users);
    EXPECT_EQ(users->size(), 2u);
}

TEST_F(Auth, usersAreListedWithRoleAndScope) {
    addQc();
    ASSERT_TRUE(addUser(db(), m_admin, {"lead1", Role::TeamLead, "李班长", {}, {"客服一组"}},
                        "lead-password-1", m_options));
    auto missingTeam =
        addUser(db(), m_admin, {"lead2", Role::TeamLead, "", {}, {}}, "lead-password-2", m_options);
    ASSERT_FALSE(missingTeam);
    EXPECT_EQ(missingTeam.error().detail, "team lead \"lead2\" needs a team (--team)");
    auto duplicate =
        addUser(db(), m_admin, {"qc1", Role::Trainer, "", {"x"}, {}}, kQcPassword, m_options);
    ASSERT_FALSE(duplicate);
    EXPECT_EQ(duplicate.error().detail, "user \"qc1\" already exists");
    auto weak = addUser(db(), m_admin, {"qc3", Role::Inspector, "", {"x"}, {}}, "short", m_options);
    ASSERT_FALSE(weak);
    EXPECT_EQ(weak.error().detail, "a password needs at least 8 characters");

    auto users = listUsers(db(), m_admin, m_options);
    ASSERT_TRUE(users) << users.error().detail;
    ASSERT_EQ(users->size(), 3u);
    EXPECT_EQ((*users)[0].name, "lead1");
    EXPECT_EQ((*users)[0].role, Role::TeamLead);
    EXPECT_EQ((*users)[0].teams, (std::vector<std::string>{"客服一组"}));
    EXPECT_EQ((*users)[0].displayName, "李班长");
    EXPECT_EQ((*users)[1].name, "qc1");
    EXPECT_EQ((*users)[1].projects, (std::vector<std::string>{"信用卡服务"}));
    EXPECT_EQ((*users)[2].name, "root");
    EXPECT_EQ((*users)[2].role, Role::Administrator);
    auto lead = signIn(db(), "lead1", "lead-password-1", m_options);
    ASSERT_TRUE(lead);
    EXPECT_EQ(lead->teams, (std::vector<std::string>{"客服一组"}));
}

TEST_F(Auth, aDisabledUserCannotSignInAndTheLastAdministratorStays) {
    addQc();
    ASSERT_TRUE(disableUser(db(), m_admin, "qc1", m_options));
    auto qc = signIn(db(), "qc1", kQcPassword, m_options);
    ASSERT_FALSE(qc);
    EXPECT_EQ(qc.error().detail, "sign-in refused: account \"qc1\" is disabled");
    auto self = disableUser(db(), m_admin, "root", m_options);
    ASSERT_FALSE(self);
    EXPECT_EQ(self.error().kind, CoreError::Kind::Refused);
    EXPECT_EQ(self.error().detail,
              "\"root\" is the last active administrator and cannot be disabled");
    EXPECT_EQ(disableUser(db(), m_admin, "ghost", m_options).error().kind,
              CoreError::Kind::NotFound);
    EXPECT_TRUE(signIn(db(), "root", kAdminPassword, m_options));
}

TEST_F(Auth, anAdministratorResetsAPasswordAndTheLockAUserChangesTheirOwn) {
    addQc();
    for (int i = 0; i < 6; ++i) {
        ASSERT_FALSE(signIn(db(), "qc1", "wrong-password", m_options));
        m_now += 1min;
    }
    ASSERT_FALSE(signIn(db(), "qc1", kQcPassword, m_options));
    ASSERT_TRUE(setPassword(db(), m_admin, "qc1", "fresh-password-1", m_options));
    auto qc = signIn(db(), "qc1", "fresh-password-1", m_options);
    ASSERT_TRUE(qc) << qc.error().detail;
    EXPECT_FALSE(signIn(db(), "qc1", kQcPassword, m_options));
    ASSERT_TRUE(setPassword(db(), *qc, "qc1", "my-own-password", m_options));
    EXPECT_TRUE(signIn(db(), "qc1", "my-own-password", m_options));
    EXPECT_EQ(setPassword(db(), m_admin, "ghost", "fresh-password-1", m_options).error().kind,
              CoreError::Kind::NotFound);
}

TEST_F(Auth, noPasswordIsStoredOrLoggedInTheClear) {
    addQc();
    ASSERT_TRUE(signIn(db(), "qc1", kQcPassword, m_options));
    ASSERT_FALSE(signIn(db(), "qc1", "typo-of-qc1-secret", m_options));
    ASSERT_FALSE(signIn(db(), "nobody", "someone-elses-secret", m_options));
    ASSERT_TRUE(setPassword(db(), m_admin, "qc1", "second-secret-words", m_options));
    m_db.reset(); // checkpoints the WAL into the file
    std::string bytes;
    for (const auto& entry : fs::directory_iterator(m_dir)) {
        std::ifstream in(entry.path(), std::ios::binary);
        bytes.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    ASSERT_GT(bytes.size(), 4096u);
    for (std::string_view secret :
         {kAdminPassword, kQcPassword, std::string_view("typo-of-qc1"),
          std::string_view("someone-elses"), std::string_view("second-secret")}) {
        EXPECT_EQ(bytes.find(secret), std::string::npos) << secret;
    }
    EXPECT_NE(bytes.find("$argon2id$"), std::string::npos);
}

TEST_F(Auth, everyAccountChangeIsAuditedInAnIntactChain) {
    addQc();
    ASSERT_TRUE(disableUser(db(), m_admin, "qc1", m_options));
    ASSERT_TRUE(setPassword(db(), m_admin, "root", "another-admin-pass", m_options));
    EXPECT_EQ(auditActions(),
              (std::vector<std::string>{"user.init", "user.add", "user.disable", "user.passwd"}));
    auto added = storage::auditEntriesWithAction(db(), "user.add");
    ASSERT_TRUE(added && added->size() == 1);
    EXPECT_EQ((*added)[0].user, "root");
    EXPECT_EQ((*added)[0].subject, "user:qc1");
    EXPECT_EQ((*added)[0].at, "2025-11-24T16:00:00.000Z");
    EXPECT_EQ((*added)[0].detail, R"({"projects":["信用卡服务"],"role":"inspector","teams":[]})");
    auto report = verifyAuditChain(db());
    ASSERT_TRUE(report) << report.error().detail;
    EXPECT_TRUE(report->intact());
    EXPECT_EQ(report->entries, 4);
}

} // namespace
} // namespace callqc::core
