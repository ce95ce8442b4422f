// The Library, Import and Settings panels driven through a real ImGui context without a GPU, and
// the pieces under them that need no database: the filter's request and the settings file.

#include <fstream>

#include <gtest/gtest.h>

#include "app/station/admin_panel.hpp"
#include "app/station/import_panel.hpp"
#include "app/station/library_panel.hpp"
#include "app/station/settings_panel.hpp"
#include "app/station/sign_in_panel.hpp"
#include "tests/app/station/imgui_harness.hpp"
#include "tests/audio/fixtures.hpp"

namespace callqc::station {
namespace {

using tests::ImGuiHarness;

struct RecordingLibraryActions final : LibraryActions {
    int searches = 0;
    int clears = 0;
    int loads = 0;
    std::optional<std::size_t> selected;
    std::optional<std::int64_t> opened;
    void searchLibrary() override { ++searches; }
    void clearLibraryFilter() override { ++clears; }
    void loadMoreLibrary() override { ++loads; }
    void selectLibraryRow(std::size_t index) override { selected = index; }
    void openFromLibrary(std::int64_t id) override { opened = id; }
    std::vector<storage::TableFormat> exports;
    void exportLibrary(storage::TableFormat format) override { exports.push_back(format); }
};

std::vector<storage::SearchRow> manyRows(int count) {
    std::vector<storage::SearchRow> rows;
    for (int i = 0; i < count; ++i) {
        storage::SearchRow row;
        row.id = 1000 + i;
        row.callId = "C" + std::to_string(i);
        row.startTime = "2026-11-25 09:00:00";
        row.agentNo = "008012";
        row.agentName = "王芳";
        rows.push_back(row);
    }
    return rows;
}

TEST(LibraryFilter, becomesARequestWithTrimmedFieldsAndNamesABadNumber) {
    LibraryFilter filter;
    filter.agent = "  008012 ";
    filter.text = "投诉";
    filter.minDurationSec = "30";
    filter.evaluated = 2;
    filter.overtalk = true;
    auto request = toSearchRequest(filter, 200, 1000);
    ASSERT_TRUE(request) << request.error();
    EXPECT_EQ(request->agent, "008012");
    EXPECT_EQ(request->text, "投诉");
    EXPECT_FALSE(request->callId);
    EXPECT_EQ(request->minDurationSec, 30.0);
    EXPECT_FALSE(request->maxDurationSec);
    EXPECT_EQ(request->evaluated, false);
    EXPECT_TRUE(request->overtalk);
    EXPECT_FALSE(request->deadAir);
    EXPECT_EQ(request->limit, 200);
    EXPECT_EQ(request->countUpTo, 1000);

    filter.maxDurationSec = "5分钟";
    auto bad = toSearchRequest(filter, 200, 1000);
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error(), "max duration: \"5分钟\" is not a number of seconds");
}

class LibraryPanelTest : public ::testing::Test {
protected:
    LibraryFilter filter;
    std::vector<storage::SearchRow> rows = manyRows(5000);
    LibraryState state;
    RecordingLibraryActions actions;
    ImGuiHarness ui{1280, 800};
    std::function<void()> body = [this] {
        drawLibraryPanel(state, actions, uiText(scoring::Language::En),
                         screenText(scoring::Language::En));
    };

    void SetUp() override {
        state.filter = &filter;
        state.rows = &rows;
        state.count = 5000;
        state.more = true;
    }
};

TEST_F(LibraryPanelTest, onlyTheVisibleRowsAreDrawnAndTheNextPageWaitsForTheScroll) {
    ui.frame(body);
    ui.frame(body);
    EXPECT_EQ(actions.loads, 0) << "the first rows are on screen; the end is far away";
    // Every drawn row is a Selectable with its own id: few of 5000 exist in a frame.
    const ImGuiWindow* table = ImGuiHarness::findWindow("library");
    ASSERT_NE(table, nullptr);
    EXPECT_LT(table->DC.CursorMaxPos.y - table->DC.CursorStartPos.y, 5000.0f * 20.0f)
        << "the clipper reserves the height, it does not lay out every row";

    state.cursor = 4990;
    state.scrollToCursor = true;
    ui.frame(body);
    state.scrollToCursor = false;
    ui.frame(body);
    EXPECT_GE(actions.loads, 1) << "the list is at its end and more rows exist";
}

TEST_F(LibraryPanelTest, enterInAFieldSearchesAndClickingARowSelectsIt) {
    const ImGuiWindow* window = ImGuiHarness::findWindow("harness");
    ui.frame(body);
    window = ImGuiHarness::findWindow("harness");
    ASSERT_NE(window, nullptr);
    const auto field =
        ui.find(body, ImGuiHarness::idOf(window, {}, "##agent"), ImVec2(0, 0), ImVec2(1280, 60));
    ASSERT_TRUE(field);
    ui.click(body, *field);
    for (const char c : std::string("008012")) {
        ImGui::GetIO().AddInputCharacter(static_cast<unsigned>(c));
        ui.frame(body, *field);
    }
    EXPECT_EQ(filter.agent, "008012") << "the field edits the filter in place";
    EXPECT_EQ(actions.searches, 0) << "typing alone does not search";
    ui.press(body, tests::glfw::kEnter);
    EXPECT_EQ(actions.searches, 1);

    // The rows start below the filter bar; click down the first column until one is selected.
    for (float y = 100; y < 400 && !actions.selected; y += 4) {
        ui.click(body, ImVec2(40, y));
    }
    ASSERT_TRUE(actions.selected);
    EXPECT_EQ(*actions.selected, 0u) << "the first row under the header";
    EXPECT_FALSE(actions.opened) << "one click selects; a double click opens";
}

TEST_F(LibraryPanelTest, theResultsAreExportedInTheFormatClickedByThoseWhoMay) {
    ui.frame(body);
    const ImGuiWindow* window = ImGuiHarness::findWindow("harness");
    ASSERT_NE(window, nullptr);
    const auto xlsx = ImGuiHarness::idOf(window, {}, "XLSX##export");
    EXPECT_FALSE(ui.find(body, xlsx, ImVec2(0, 0), ImVec2(1280, 120)))
        << "no export buttons for a role that may not export";
    state.canExport = true;
    const auto at = ui.find(body, xlsx, ImVec2(0, 0), ImVec2(1280, 120));
    ASSERT_TRUE(at);
    ui.click(body, *at);
    const auto pdf = ui.find(body, ImGuiHarness::idOf(window, {}, "PDF##export"), ImVec2(0, 0),
                             ImVec2(1280, 120));
    ASSERT_TRUE(pdf);
    ui.click(body, *pdf);
    EXPECT_EQ(actions.exports, (std::vector<storage::TableFormat>{storage::TableFormat::Xlsx,
                                                                  storage::TableFormat::Pdf}));
    state.exporting = true;
    ui.click(body, *at);
    EXPECT_EQ(actions.exports.size(), 2u) << "one export at a time";
}

struct RecordingImportActions final : ImportActions {
    std::vector<std::string> browsed;
    int starts = 0;
    int cancels = 0;
    void browseTo(const std::string& folder) override { browsed.push_back(folder); }
    void startImport() override { ++starts; }
    void cancelImport() override { ++cancels; }
};

TEST(ImportPanel, importStartsOnlyOnADayFolderAndARunningOneCanBeCancelled) {
    std::string folder = "/data/recordings";
    std::vector<FolderEntry> subfolders = {{"2026-11-24", true}, {"misc", false}};
    ImportState state;
    state.folder = &folder;
    state.subfolders = &subfolders;
    RecordingImportActions actions;
    ImGuiHarness ui{1280, 800};
    const auto body = [&] {
        drawImportPanel(state, actions, screenText(scoring::Language::En));
    };

    // Sweep the button row: with no metadata.csv here the Import button is disabled.
    for (float x = 0; x < 1280; x += 8) {
        ui.click(body, ImVec2(x, 18));
    }
    EXPECT_EQ(actions.starts, 0);
    ASSERT_FALSE(actions.browsed.empty()) << "the Up button was hit";
    for (const auto& browsed : actions.browsed) {
        EXPECT_EQ(browsed, "/data") << "only Up did something";
    }

    // A subfolder in the list browses into it.
    actions.browsed.clear();
    for (float y = 40; y < 200 && actions.browsed.empty(); y += 4) {
        ui.click(body, ImVec2(40, y));
    }
    ASSERT_EQ(actions.browsed.size(), 1u);
    EXPECT_EQ(actions.browsed[0], "/data/recordings/2026-11-24");

    state.folderHasMetadata = true;
    for (float x = 0; x < 1280 && actions.starts == 0; x += 8) {
        ui.click(body, ImVec2(x, 18));
    }
    EXPECT_EQ(actions.starts, 1);

    state.running = true;
    state.done = 40;
    state.total = 120;
    for (float y = 30; y < 80 && actions.cancels == 0; y += 4) {
        for (float x = 300; x < 1280 && actions.cancels == 0; x += 16) {
            ui.click(body, ImVec2(x, y));
        }
    }
    EXPECT_EQ(actions.cancels, 1);
}

struct RecordingSettingsActions final : SettingsActions {
    std::optional<StationSettings> changed;
    void changeSettings(const StationSettings& settings) override { changed = settings; }
};

TEST(SettingsPanel, aClickOnSkipSilenceAsksForThatChangeAlone) {
    StationSettings settings;
    std::vector<std::string> devices = {"USB 耳机"};
    SettingsState state;
    state.settings = &settings;
    state.devices = &devices;
    state.path = "/home/qc/.config/callqc/station.toml";
    RecordingSettingsActions actions;
    ImGuiHarness ui{1280, 800};
    const auto body = [&] {
        drawSettingsPanel(state, actions, uiText(scoring::Language::En),
                          screenText(scoring::Language::En));
    };
    ui.frame(body);
    EXPECT_FALSE(actions.changed) << "drawing changes nothing";
    const ImGuiWindow* choices = ImGuiHarness::findWindow("choices");
    ASSERT_NE(choices, nullptr);
    const auto box =
        ui.find(body, ImGuiHarness::idOf(choices, {}, "##skip"), ImVec2(0, 0), ImVec2(640, 400));
    ASSERT_TRUE(box) << "the skip-silence checkbox is on screen";
    EXPECT_FALSE(actions.changed) << "hovering changes nothing";
    ui.click(body, *box);
    ASSERT_TRUE(actions.changed);
    StationSettings expected;
    expected.skipSilence = true;
    EXPECT_EQ(*actions.changed, expected);
}

struct RecordingSignInActions final : SignInActions {
    int tries = 0;
    void signIn() override { ++tries; }
};

TEST(SignInPanel, enterInThePasswordFieldSignsInAndNothingIsAskedWhileChecking) {
    std::string user;
    std::string password;
    SignInState state;
    state.user = &user;
    state.password = &password;
    RecordingSignInActions actions;
    ImGuiHarness ui{1280, 800};
    const auto body = [&] {
        drawSignInPanel(state, actions, screenText(scoring::Language::En));
    };
    ui.frame(body);
    ui.frame(body);
    for (const char c : std::string("qc1")) {
        ImGui::GetIO().AddInputCharacter(static_cast<unsigned>(c));
        ui.frame(body);
    }
    EXPECT_EQ(user, "qc1") << "the user field has the keyboard when the box appears";
    ui.press(body, tests::glfw::kTab);
    for (const char c : std::string("s3cret-pw")) {
        ImGui::GetIO().AddInputCharacter(static_cast<unsigned>(c));
        ui.frame(body);
    }
    EXPECT_EQ(password, "s3cret-pw");
    EXPECT_EQ(actions.tries, 0);
    ui.press(body, tests::glfw::kEnter);
    EXPECT_EQ(actions.tries, 1);

    state.checking = true; // Argon2id is at work: the fields and the button wait
    const ImGuiWindow* box = ImGuiHarness::findWindow("signIn");
    ASSERT_NE(box, nullptr);
    for (float y = box->Pos.y; y < box->Pos.y + box->Size.y; y += 6) {
        ui.click(body, ImVec2(box->Pos.x + box->Size.x / 2, y));
    }
    ui.press(body, tests::glfw::kEnter);
    EXPECT_EQ(actions.tries, 1);
}

TEST(UserForm, becomesANewUserWithTrimmedNamesAndCommaSeparatedScopes) {
    UserForm form;
    form.name = "  lead1 ";
    form.displayName = "李组长";
    form.role = 3;
    form.projects = "信用卡服务，宽带报修, ,";
    form.teams = " 客服一组 ";
    const auto user = toNewUser(form);
    EXPECT_EQ(user.name, "lead1");
    EXPECT_EQ(user.displayName, "李组长");
    EXPECT_EQ(user.role, core::Role::TeamLead);
    EXPECT_EQ(user.projects, (std::vector<std::string>{"信用卡服务", "宽带报修"}));
    EXPECT_EQ(user.teams, std::vector<std::string>{"客服一组"});
}

struct RecordingAdminActions final : AdminActions {
    std::optional<std::size_t> selected;
    int adds = 0;
    int passwords = 0;
    int disables = 0;
    void selectUser(std::size_t index) override { selected = index; }
    void addUserFromForm() override { ++adds; }
    void setSelectedPassword() override { ++passwords; }
    void disableSelected() override { ++disables; }
};

TEST(AdminPanel, rowsSelectAndTheButtonsAskForTheirChange) {
    std::vector<core::UserInfo> users(2);
    users[0].name = "admin";
    users[0].role = core::Role::Administrator;
    users[0].projects = {"*"};
    users[1].name = "qc1";
    users[1].disabled = true;
    UserForm form;
    AdminState state;
    state.users = &users;
    state.form = &form;
    RecordingAdminActions actions;
    ImGuiHarness ui{1280, 800};
    const auto body = [&] {
        drawAdminPanel(state, actions, screenText(scoring::Language::En), scoring::Language::En);
    };
    for (float y = 20; y < 200 && !actions.selected; y += 4) {
        ui.click(body, ImVec2(30, y));
    }
    ASSERT_TRUE(actions.selected);
    EXPECT_EQ(*actions.selected, 0u);

    const ImGuiWindow* formWindow = ImGuiHarness::findWindow("userForm");
    ASSERT_NE(formWindow, nullptr);
    const auto add = ui.find(body, ImGuiHarness::idOf(formWindow, {}, "Add user"), formWindow->Pos,
                             ImVec2(formWindow->Pos.x + formWindow->Size.x, 400), 6);
    ASSERT_TRUE(add);
    ui.click(body, *add);
    EXPECT_EQ(actions.adds, 1);

    state.selected = 1; // a disabled user: Disable is greyed out, Set password is not
    ui.frame(body);
    for (float y = 150; y < 400; y += 5) {
        for (float x = formWindow->Pos.x; x < formWindow->Pos.x + formWindow->Size.x; x += 12) {
            ui.click(body, ImVec2(x, y));
        }
    }
    EXPECT_GE(actions.passwords, 1);
    EXPECT_EQ(actions.disables, 0);
}

TEST(ScreenText, everyStringIsListedForTheFontAndNoneIsEmpty) {
    for (const auto language : {scoring::Language::Zh, scoring::Language::En}) {
        const auto strings = allStrings(screenText(language));
        EXPECT_EQ(strings.size(), sizeof(ScreenText) / sizeof(const char*));
        for (const char* s : strings) {
            ASSERT_NE(s, nullptr);
            EXPECT_GT(std::string(s).size(), 0u);
        }
    }
}

class SettingsFile : public ::testing::Test {
protected:
    std::filesystem::path dir = tests::freshDir("settings_file");
    std::filesystem::path path = dir / "callqc" / "station.toml";

    void write(const std::string& text) {
        std::filesystem::create_directories(path.parent_path());
        std::ofstream(path) << text;
    }
};

TEST_F(SettingsFile, aMissingFileGivesTheDefaults) {
    auto loaded = loadSettings(path);
    ASSERT_TRUE(loaded) << loaded.error();
    EXPECT_EQ(*loaded, StationSettings{});
}

TEST_F(SettingsFile, whatIsSavedIsReadBackAndTheFolderIsMade) {
    StationSettings settings;
    settings.language = scoring::Language::En;
    settings.outputDevice = "USB 耳机 \"Pro\"";
    settings.speed = 1.25;
    settings.volume = 0.5;
    settings.skipSilence = true;
    settings.agentChannel = 1;
    ASSERT_TRUE(saveSettings(path, settings));
    EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
    auto loaded = loadSettings(path);
    ASSERT_TRUE(loaded) << loaded.error();
    EXPECT_EQ(*loaded, settings);
}

TEST_F(SettingsFile, aBadValueNamesTheFileTheLineAndTheKey) {
    write("language = \"zh\"\n[playback]\nvolume = 0.5\nspeed = 7\n");
    auto loaded = loadSettings(path);
    ASSERT_FALSE(loaded);
    EXPECT_EQ(loaded.error(), "station.toml:4: playback.speed: 7 is not between 0.5 and 3");

    write("language = \"fr\"\n");
    EXPECT_EQ(loadSettings(path).error(), "station.toml:1: language: \"fr\" is not zh or en");

    write("[playback]\nagent_channel = \"middle\"\n");
    EXPECT_EQ(loadSettings(path).error(),
              "station.toml:2: playback.agent_channel: \"middle\" is not left or right");

    write("[playback\nspeed = 1\n");
    const auto broken = loadSettings(path);
    ASSERT_FALSE(broken);
    EXPECT_EQ(broken.error().rfind("station.toml:1: ", 0), 0u) << broken.error();
}

} // namespace
} // namespace callqc::station
