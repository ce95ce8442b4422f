// The workstation signed in as different roles over a database with accounts: what each sees
// (the team lead only their team, numbers masked), which screens they get, the administrator's
// user changes, and the import audited. Real SQLite, real import, the Background thread.

#include <sstream>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "app/core/audit.hpp"
#include "app/core/auth.hpp"
#include "app/core/import_day.hpp"
#include "app/station/station_app.hpp"
#include "assets/demo/demo_day.hpp"
#include "tests/audio/fixtures.hpp"

namespace callqc::station {
namespace {

constexpr const char* kPassword = "station-pw-1";
constexpr const char* kTeam = "客服一组";

class StationTrust : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_dir = new std::filesystem::path(tests::freshDir("station_trust"));
        demo::DemoOptions demoOptions;
        demoOptions.calls = 12;
        demoOptions.seed = 4;
        ASSERT_TRUE(demo::generateDemoDay(*s_dir / "day", demoOptions));
        demoOptions.calls = 3;
        demoOptions.date = "2026-11-26";
        ASSERT_TRUE(demo::generateDemoDay(*s_dir / "day2", demoOptions));
        auto db = storage::Database::open(*s_dir / "qc.db");
        ASSERT_TRUE(db);
        ASSERT_EQ(core::importDay(*db, *s_dir / "day")->imported, 12);
        core::AuthOptions options;
        options.cost = core::PasswordCost::minimum();
        auto admin = core::createFirstAdministrator(*db, "admin", kPassword, options);
        ASSERT_TRUE(admin) << admin.error().detail;
        const std::vector<core::NewUser> users{
            {"qc1", core::Role::Inspector, "王质检", {"*"}, {}},
            {"lead1", core::Role::TeamLead, "赵班长", {}, {kTeam}},
            {"tr1", core::Role::Trainer, "张培训", {"*"}, {}},
        };
        for (const auto& user : users) {
            auto added = core::addUser(*db, *admin, user, kPassword, options);
            ASSERT_TRUE(added) << added.error().detail;
        }
    }
    static void TearDownTestSuite() { delete s_dir; }

    static std::unique_ptr<StationApp> signedIn(const std::string& user) {
        auto session = core::Session::open(*s_dir / "qc.db", user);
        EXPECT_TRUE(session) << session.error().detail;
        StationOptions options;
        options.accounts = true;
        options.exportFolder = *s_dir / "导出";
        options.settings.language = scoring::Language::En;
        auto app = std::make_unique<StationApp>(std::move(*session), audio::makeNullSink(),
                                                std::move(options));
        app->settle();
        return app;
    }

    /// Audit entries of `action` by `user` so far.
    static std::int64_t auditCount(const std::string& action, const std::string& user);

    static std::filesystem::path* s_dir;
};
std::filesystem::path* StationTrust::s_dir = nullptr;

TEST_F(StationTrust, aTeamLeadSeesOnlyTheirTeamWithNumbersMaskedAndNoImportOrAdmin) {
    auto app = signedIn("lead1");
    EXPECT_FALSE(app->hasQueue()) << "a team lead has no inspector's queue";
    EXPECT_EQ(app->screen(), Screen::Library) << "so the workstation opens on the library";
    app->settle();
    ASSERT_FALSE(app->libraryRows().empty());
    for (const auto& row : app->libraryRows()) {
        EXPECT_EQ(row.team, kTeam) << row.callId;
        EXPECT_NE(row.customerPhone.find("****"), std::string::npos)
            << row.callId << " shows " << row.customerPhone;
    }
    EXPECT_FALSE(app->screenAllowed(Screen::Import));
    EXPECT_FALSE(app->screenAllowed(Screen::Admin));
    app->run(Command::ShowScreen, 2);
    EXPECT_EQ(app->screen(), Screen::Library) << "Ctrl+3 does not open a screen the role lacks";

    // A call of their team opens read-only: they read, they do not score.
    app->openFromLibrary(app->libraryRows().front().id);
    app->settle();
    ASSERT_TRUE(app->call());
    EXPECT_FALSE(app->editable());
}

TEST_F(StationTrust, anAdministratorAddsAUserAndEveryChangeIsInTheAuditChain) {
    auto app = signedIn("admin");
    EXPECT_TRUE(app->screenAllowed(Screen::Admin));
    ASSERT_EQ(app->users().size(), 4u);
    app->userForm().name = "trainer1";
    app->userForm().displayName = "培训师";
    app->userForm().role = 2; // trainer
    app->userForm().projects = "*";
    app->userForm().password = "short";
    app->addUserFromForm();
    app->settle();
    EXPECT_EQ(app->users().size(), 4u) << "a too-short password is refused";
    EXPECT_NE(app->adminMessage().find("8"), std::string::npos) << app->adminMessage();

    app->userForm().password = "long-enough-1";
    app->addUserFromForm();
    app->settle();
    ASSERT_EQ(app->users().size(), 5u) << app->adminMessage();
    EXPECT_EQ(app->userForm().password, "") << "the password is not kept after use";
    const auto trainer = std::find_if(app->users().begin(), app->users().end(),
                                      [](const auto& u) { return u.name == "trainer1"; });
    ASSERT_NE(trainer, app->users().end());
    EXPECT_EQ(trainer->role, core::Role::Trainer);

    app->selectUser(static_cast<std::size_t>(trainer - app->users().begin()));
    app->disableSelected();
    app->settle();
    const auto disabled = std::find_if(app->users().begin(), app->users().end(),
                                       [](const auto& u) { return u.name == "trainer1"; });
    ASSERT_NE(disabled, app->users().end());
    EXPECT_TRUE(disabled->disabled);

    auto db = storage::Database::open(*s_dir / "qc.db");
    auto chain = core::verifyAuditChain(*db);
    ASSERT_TRUE(chain) << chain.error().detail;
    EXPECT_TRUE(chain->intact());
}

TEST_F(StationTrust, theWorkstationsImportIsCheckedAndAudited) {
    auto lead = signedIn("lead1");
    lead->browseTo((*s_dir / "day2").string());
    lead->settle();
    lead->startImport();
    for (int i = 0; i < 3000 && lead->importRunning(); ++i) {
        lead->update();
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_NE(lead->importError().find("may not import"), std::string::npos)
        << "refused in app/core even if the tab were shown: " << lead->importError();

    auto admin = signedIn("admin");
    admin->browseTo((*s_dir / "day2").string());
    admin->settle();
    admin->startImport();
    for (int i = 0; i < 3000 && admin->importRunning(); ++i) {
        admin->update();
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(admin->importReport()) << admin->importError();
    EXPECT_EQ(admin->importReport()->imported, 3);
    auto db = storage::Database::open(*s_dir / "qc.db");
    auto stmt = db->prepare(
        "SELECT count(*) FROM audit_log WHERE action = 'import.day' AND user = 'admin'");
    ASSERT_TRUE(stmt) << stmt.error().detail;
    const auto row = stmt->step();
    ASSERT_TRUE(row && *row);
    EXPECT_EQ(stmt->getInt(0), 1);
}

std::int64_t StationTrust::auditCount(const std::string& action, const std::string& user) {
    auto db = storage::Database::open(*s_dir / "qc.db");
    auto stmt = db->prepare("SELECT count(*) FROM audit_log WHERE action = ? AND user = ?");
    EXPECT_TRUE(stmt);
    stmt->bindAll(action, user);
    const auto row = stmt->step();
    EXPECT_TRUE(row && *row);
    return stmt->getInt(0);
}

TEST_F(StationTrust, aTrainerExportsTheLibraryAndALoopWithNumbersMasked) {
    auto app = signedIn("tr1");
    EXPECT_EQ(app->screen(), Screen::Library);
    app->settle();
    const std::size_t rows = app->libraryRows().size(); // 12, and 3 once day2 is imported
    ASSERT_GE(rows, 12u);
    const auto before = auditCount("export.calls", "tr1");
    app->exportLibrary(storage::TableFormat::Csv);
    app->settle();
    EXPECT_EQ(auditCount("export.calls", "tr1"), before + 1) << app->exportStatus();
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(*s_dir / "导出")) {
        files.push_back(entry.path());
    }
    ASSERT_EQ(files.size(), 1u);
    EXPECT_EQ(files[0].extension(), ".csv");
    EXPECT_EQ(app->exportStatus(), fmt::format("Exported {} rows to {} (customer numbers masked)",
                                               rows, files[0].string()));
    const auto csv = tests::readBytes(files[0]);
    const std::string text(csv.begin(), csv.end());
    EXPECT_EQ(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')), rows + 1);
    EXPECT_NE(text.find("****"), std::string::npos);
    // Every full number of the day, from its metadata (the last column), is absent.
    const auto metadata = tests::readBytes(*s_dir / "day" / "metadata.csv");
    std::istringstream lines(std::string(metadata.begin(), metadata.end()));
    std::string line;
    std::getline(lines, line);
    int numbers = 0;
    while (std::getline(lines, line)) {
        const std::string phone = line.substr(line.rfind(',') + 1);
        ASSERT_GE(phone.size(), 11u) << line;
        EXPECT_EQ(text.find(phone), std::string::npos) << phone;
        ++numbers;
    }
    EXPECT_EQ(numbers, 12);

    app->openFromLibrary(app->libraryRows()[2].id);
    app->settle();
    ASSERT_TRUE(app->call());
    for (int i = 0; i < 500 && !app->audioReady(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    app->seek(2.0);
    app->cycleLoop();
    app->seek(5.5);
    app->cycleLoop();
    app->exportLoopClip();
    app->settle();
    const std::string callId = app->call()->recording.callId;
    const auto clip =
        *s_dir / "导出" /
        core::clipFileName(app->call()->recording, 2.0, 5.5, audio::EncodeFormat::Mp3);
    EXPECT_TRUE(std::filesystem::exists(clip)) << app->clipStatus();
    EXPECT_EQ(app->clipStatus(),
              fmt::format("Clip exported to {} (customer number masked)", clip.string()));
    EXPECT_EQ(auditCount("export.clip", "tr1"), 1);
}

TEST_F(StationTrust, playingACallAndAChangedRecordingAreAudited) {
    auto app = signedIn("qc1");
    app->showScreen(Screen::Library);
    app->settle();
    ASSERT_GE(app->libraryRows().size(), 2u);
    const auto first = app->libraryRows()[0].id;
    const auto second = app->libraryRows()[1].id;
    app->openCall(first);
    app->settle();
    ASSERT_TRUE(app->call());
    for (int i = 0; i < 500 && !app->audioReady(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    const auto before = auditCount("call.play", "qc1");
    app->togglePlay();
    app->togglePlay();
    app->togglePlay(); // playing again after a pause is the same listening
    app->settle();
    EXPECT_EQ(auditCount("call.play", "qc1"), before + 1);

    // The recording is replaced on disk after import; opening it is flagged and audited.
    const std::filesystem::path file = app->call()->recording.filePath;
    auto bytes = tests::readBytes(file);
    bytes.back() = static_cast<std::uint8_t>(bytes.back() ^ 0x5a);
    tests::writeBytes(file, bytes);
    app->openCall(second);
    app->openCall(first);
    app->settle();
    for (int i = 0; i < 500 && app->integrityChecksPending(); ++i) {
        app->update();
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    app->settle();
    EXPECT_FALSE(app->integrityWarning().empty());
    EXPECT_EQ(auditCount("recording.mismatch", "qc1"), 1);
}

} // namespace
} // namespace callqc::station
