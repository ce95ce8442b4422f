#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/core/import_day.hpp"
#include "app/core/session.hpp"
#include "app/station/admin_panel.hpp"
#include "app/station/background.hpp"
#include "app/station/import_panel.hpp"
#include "app/station/library_panel.hpp"
#include "app/station/panels.hpp"
#include "app/station/screen_text.hpp"
#include "app/station/settings.hpp"
#include "app/station/settings_panel.hpp"
#include "app/station/shortcuts.hpp"
#include "audio/player.hpp"

namespace callqc::station {

/// The sound devices the Settings screen offers, and how to open one by name (empty: the
/// system's default). Left empty, the workstation keeps the sink it was given.
struct AudioOutputs {
    std::function<std::vector<std::string>()> list;
    std::function<tl::expected<std::unique_ptr<audio::AudioSink>, audio::AudioError>(
        const std::string& name)>
        open;
};

struct StationOptions {
    StationSettings settings;
    std::filesystem::path settingsPath; ///< where changes are kept; empty: not kept
    std::string settingsError;          ///< why the settings file could not be read
    AudioOutputs outputs;
    std::filesystem::path importFolder; ///< where the Import screen starts looking
    /// Where call lists and clips are exported; created on the first export. Empty:
    /// ~/callqc-exports.
    std::filesystem::path exportFolder;
    /// Called from the database thread when a result is ready, to wake a sleeping UI loop
    /// (glfwPostEmptyEvent); may be empty.
    std::function<void()> wake;
    /// The database has user accounts (the session's user signed in); without them, as before
    /// accounts existed, the import needs no Import permission.
    bool accounts = false;
};

/// The workstation's screens, one tab each (Admin only for administrators).
enum class Screen { Review, Library, Import, Settings, Admin };

/// The workstation's state and the actions panels ask for. Owned by the UI thread, which never
/// waits on a file, the database or a decoder: the player decodes on its own thread, every
/// database read and write goes to the Background thread (which owns the session) and comes back
/// in update(), and an import runs on a thread of its own with its own connection. Evaluations are
/// saved as a draft after a pause and on leaving a call; notes as soon as they are written.
class StationApp final : public QueueActions,
                         public ReviewActions,
                         public LibraryActions,
                         public ImportActions,
                         public SettingsActions,
                         public AdminActions {
public:
    StationApp(core::Session session, std::unique_ptr<audio::AudioSink> sink,
               scoring::Language language);
    StationApp(core::Session session, std::unique_ptr<audio::AudioSink> sink,
               StationOptions options);
    ~StationApp() override;

    /// Waits for the database work asked for so far and takes in its results (tests; the UI
    /// loop never calls it).
    void settle();
    /// Database work, an import or an opening call is under way.
    [[nodiscard]] bool busy() const;

    /// Per frame, before drawing: collects finished background work, autosaves drafts.
    void update();
    /// Draws the whole window's content.
    void draw();
    /// The keyboard, once per frame between ImGui::NewFrame and draw(): runs the commands of the
    /// bindings (shortcuts.hpp) pressed this frame. While a text field of the app is open only
    /// Enter (keep) and Esc (cancel) are taken; while any other text field has the keyboard,
    /// nothing.
    void handleKeys();
    /// Runs one command as if its key was pressed (`arg`: the digit of Command::Digit).
    void run(Command command, int arg = 0);

    void openCall(std::int64_t recordingId) override;
    void togglePlay() override;
    void seek(double seconds) override;
    void setSpeed(double speed) override;
    void toggleSkipSilence() override;
    void setSolo(int party) override;
    void cycleLoop() override;
    void exportLoopClip() override;
    void setAnswer(const std::string& itemId, const scoring::ItemAnswer& answer) override;
    void submit() override;
    void focusItem(std::size_t index) override;
    void editText(const std::string& text) override;
    void finishEdit(bool keep) override;
    void editAnnotation(std::int64_t annotationId) override;
    void deleteAnnotation(std::int64_t annotationId) override;

    void searchLibrary() override;
    void clearLibraryFilter() override;
    void loadMoreLibrary() override;
    void selectLibraryRow(std::size_t index) override;
    void openFromLibrary(std::int64_t recordingId) override;
    void exportLibrary(storage::TableFormat format) override;

    void browseTo(const std::string& folder) override;
    void startImport() override;
    void cancelImport() override;

    void changeSettings(const StationSettings& settings) override;

    void selectUser(std::size_t index) override;
    void addUserFromForm() override;
    void setSelectedPassword() override;
    void disableSelected() override;

    /// Who is signed in.
    [[nodiscard]] const core::Actor& actor() const { return m_actor; }
    /// The role has an inspector's queue (QC inspectors and supervisors); others start on the
    /// Library.
    [[nodiscard]] bool hasQueue() const { return m_hasQueue; }
    [[nodiscard]] const std::vector<core::UserInfo>& users() const { return m_users; }
    [[nodiscard]] UserForm& userForm() { return m_userForm; }
    [[nodiscard]] const std::string& adminMessage() const { return m_adminMessage; }

    [[nodiscard]] Screen screen() const { return m_screen; }
    void showScreen(Screen screen);
    /// The role may use the screen: Import needs the Import permission (when the database has
    /// accounts), Admin an administrator; the tab of any other is hidden.
    [[nodiscard]] bool screenAllowed(Screen screen) const;
    [[nodiscard]] LibraryFilter& libraryFilter() { return m_libraryFilter; }
    [[nodiscard]] const std::vector<storage::SearchRow>& libraryRows() const {
        return m_libraryRows;
    }
    [[nodiscard]] const std::string& libraryStatus() const { return m_libraryStatus; }
    /// What the last call-list export wrote, or why it failed; and the same for clips.
    [[nodiscard]] const std::string& exportStatus() const { return m_exportStatus; }
    [[nodiscard]] const std::string& clipStatus() const { return m_clipStatus; }
    [[nodiscard]] std::optional<std::int64_t> libraryCount() const { return m_libraryCount; }
    [[nodiscard]] bool importRunning() const { return m_import.has_value(); }
    [[nodiscard]] const std::optional<core::ImportReport>& importReport() const {
        return m_importReport;
    }
    [[nodiscard]] const std::string& importError() const { return m_importError; }
    [[nodiscard]] const StationSettings& settings() const { return m_settings; }
    /// The open call may be scored by this inspector: it is in their queue and not submitted.
    [[nodiscard]] bool editable() const;

    [[nodiscard]] const std::vector<storage::QueueRow>& queue() const { return m_queue; }
    [[nodiscard]] bool audioReady() const {
        return m_player.state() == audio::Player::State::Ready;
    }
    [[nodiscard]] const audio::Player& player() const { return m_player; }
    /// Why the open call's recording is not trusted (changed since import, unreadable), or empty.
    [[nodiscard]] const std::string& integrityWarning() const { return m_integrityWarning; }
    [[nodiscard]] bool integrityChecksPending() const { return !m_integrityChecks.empty(); }
    /// True while something on screen moves by itself (playback, audio loading), so the window
    /// must keep redrawing; otherwise it may sleep until the next event.
    [[nodiscard]] bool animating() const {
        return m_player.playing() || m_player.state() == audio::Player::State::Loading ||
               m_import.has_value();
    }
    [[nodiscard]] const std::optional<core::CallView>& call() const { return m_call; }
    [[nodiscard]] const scoring::Answers& answers() const { return m_answers; }
    [[nodiscard]] const std::vector<storage::AnnotationRecord>& annotations() const {
        return m_annotations;
    }
    /// The focused checklist item's id; empty when no call is open.
    [[nodiscard]] std::string focusedItemId() const;
    [[nodiscard]] bool queueHasKeyboard() const { return m_queueHasKeyboard; }
    [[nodiscard]] const std::optional<InlineEdit>& edit() const { return m_edit; }
    [[nodiscard]] bool helpShown() const { return m_showHelp; }
    void showHelp(bool shown) { m_showHelp = shown; }
    /// What the last key did (shown beside the transport), e.g. where a jump landed.
    [[nodiscard]] const std::string& hint() const { return m_hint; }
    [[nodiscard]] const std::string& message() const { return m_message; }
    /// Text shown anywhere in the UI (strings, checklist, queue, the open call's transcript), for
    /// building the font's glyph set.
    [[nodiscard]] std::string allText() const;
    /// Changes whenever allText() may have new characters (a call was opened, the queue reloaded).
    [[nodiscard]] int textGeneration() const { return m_textGeneration; }

private:
    enum class MarkKind { DeadAir, Overtalk, Hit, Note };
    struct Mark {
        double sec = 0;
        MarkKind kind = MarkKind::DeadAir;
        std::string label;
    };

    void reloadQueue();
    void takeQueue(std::vector<storage::QueueRow> rows);
    void showCall(core::CallView view, std::vector<storage::AnnotationRecord> notes);
    void saveDraftNow();
    void submitted(std::vector<storage::QueueRow> queue);
    void applySettings(const StationSettings& settings, bool initial);
    void libraryKeys();
    void pollImport();
    void drawScreens();
    void drawReview();
    [[nodiscard]] std::vector<const scoring::ChecklistItem*> items() const;
    [[nodiscard]] bool needsAttention(const scoring::ChecklistItem& item) const;
    void setFocus(std::size_t index);
    void advanceFrom(std::size_t index);
    void answerFocused(scoring::AnswerValue value);
    void digitOnFocused(int digit);
    void adjustFocused(int step);
    void acceptFocused();
    void acceptAll();
    void startComment();
    void startNote(bool aboutFocusedItem);
    void moveQueueCursor(int step);
    void openAdjacent(int step);
    void jumpToMark(int direction, std::optional<MarkKind> kind);
    [[nodiscard]] std::vector<Mark> marks() const;

    const std::string m_inspector;
    const core::Actor m_actor;
    const bool m_accounts;
    bool m_hasQueue = true;
    const std::filesystem::path m_dbPath; ///< an import opens its own connection to it
    const scoring::Checklist m_checklist; ///< the current version, for the glyph set
    audio::Player m_player;
    const UiText* m_text;
    const ScreenText* m_words;
    Screen m_screen = Screen::Review;
    bool m_selectTab = true; ///< the tab bar must show m_screen (changed by a key, not a click)
    bool m_firstQueue = true;
    bool m_callIsMine = false;             ///< the open call is in this inspector's queue
    std::uint64_t m_openRequest = 0;       ///< counts openCall requests; only the last one is shown
    std::optional<std::int64_t> m_opening; ///< the call being read from the database
    std::vector<storage::QueueRow> m_queue;
    std::string m_queueStatus;
    std::optional<core::CallView> m_call;
    scoring::Answers m_answers;
    scoring::ScoreResult m_score;
    std::vector<storage::AnnotationRecord> m_annotations;
    std::string m_message;
    /// Background re-hashes of opened recordings against their import-time SHA-256, polled in
    /// update(); several may run when calls are opened in quick succession.
    struct IntegrityCheck {
        std::int64_t recordingId = 0;
        std::future<std::string> problem; ///< empty: the file is what was imported
    };
    std::vector<IntegrityCheck> m_integrityChecks;
    std::string m_integrityWarning; ///< for the open call
    std::string m_hint;
    std::optional<double> m_loopA;
    std::optional<std::chrono::steady_clock::time_point> m_dirtySince;
    int m_textGeneration = 0;

    // The keyboard: the queue has it until a call is open (and again after Q); the scorecard's
    // focused item; the text field open for typing, if any.
    bool m_queueHasKeyboard = true;
    std::size_t m_queueCursor = 0;
    bool m_scrollToCursor = false;
    std::size_t m_focus = 0;
    bool m_scrollToFocus = false;
    std::optional<InlineEdit> m_edit;
    int m_edits = 0; ///< counts the fields opened, so draw() knows one opened while drawing
    bool m_advanceAfterEdit = false; ///< the comment was asked for by a fail: move on after it
    bool m_showHelp = false;

    // Library
    LibraryFilter m_libraryFilter;
    core::SearchRequest m_libraryRequest; ///< the search the rows are of
    std::vector<storage::SearchRow> m_libraryRows;
    std::optional<std::string> m_libraryNext;
    std::optional<std::int64_t> m_libraryCount;
    bool m_libraryCountCapped = false;
    bool m_librarySearching = false;
    std::uint64_t m_librarySearch = 0; ///< counts searches; a page of an older one is dropped
    std::string m_libraryStatus;
    std::filesystem::path m_exportFolder;
    bool m_exporting = false;
    std::string m_exportStatus;
    bool m_exportingClip = false;
    std::string m_clipStatus;
    std::size_t m_libraryCursor = 0;
    bool m_libraryScroll = false;

    // Import
    std::string m_importFolder;
    std::vector<FolderEntry> m_importSubfolders;
    bool m_importFolderHasMetadata = false;
    struct RunningImport {
        std::shared_ptr<core::Progress> progress;
        std::future<core::CoreResult<core::ImportReport>> result;
    };
    std::optional<RunningImport> m_import;
    std::optional<core::ImportReport> m_importReport;
    std::string m_importError;

    // Settings
    StationSettings m_settings;
    std::filesystem::path m_settingsPath;
    std::string m_settingsMessage;
    AudioOutputs m_outputs;
    std::vector<std::string> m_devices;

    // Administration
    std::vector<core::UserInfo> m_users;
    UserForm m_userForm;
    std::optional<std::size_t> m_selectedUser;
    std::string m_adminMessage;
    bool m_adminBusy = false;
    void reloadUsers();
    /// Writes an audit entry about a recording on the database thread.
    void audit(std::string action, std::int64_t recordingId, nlohmann::json detail);
    std::optional<std::int64_t> m_playAudited; ///< the opened call whose playing is audited
    /// Runs one user change on the database thread, then lists the users again; `done` is what
    /// the Admin screen says when it worked.
    void changeUser(std::function<core::CoreResult<void>(core::Session&)> change, std::string done);
    [[nodiscard]] const char* roleText(core::Role role) const;

    /// Last, so it is stopped first: its queued jobs (a last draft) still run, their results are
    /// dropped.
    std::unique_ptr<Background<StationApp>> m_background;
};

} // namespace callqc::station
