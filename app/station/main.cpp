// The workstation's platform layer: the only file that knows GLFW and OpenGL.

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <future>
#include <optional>
#include <vector>

#include <CLI/CLI.hpp>
#include <GLFW/glfw3.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>
#include <fmt/format.h>
#include <imgui.h>
#include <stb/stb_image_write.h>

#include "app/core/session.hpp"
#include "app/station/fonts.hpp"
#include "app/station/portaudio_sink.hpp"
#include "app/station/settings.hpp"
#include "app/station/sign_in_panel.hpp"
#include "app/station/station_app.hpp"
#include "storage/user_store.hpp"

namespace {

bool writeScreenshot(const std::string& path, int width, int height) {
    std::vector<unsigned char> pixels(static_cast<std::size_t>(width) * height * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    stbi_flip_vertically_on_write(1);
    return stbi_write_png(path.c_str(), width, height, 4, pixels.data(), width * 4) != 0;
}

/// Per-frame figures of a --bench-frames run, in milliseconds.
struct FrameTimes {
    std::vector<double> wall;
    std::vector<double> uiThreadCpu; ///< the UI thread: ImGui, our drawing, GL command submission
    std::vector<double> processCpu;  ///< every thread, llvmpipe's rasteriser threads included
};

double cpuMs(clockid_t clock) {
    timespec t{};
    clock_gettime(clock, &t);
    return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
}

double percentile(std::vector<double> values, double p) {
    if (values.empty()) {
        return 0;
    }
    std::sort(values.begin(), values.end());
    const auto at = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
    return values[at];
}

void printFrameTimes(const std::string& screen, const FrameTimes& times, std::size_t rows) {
    fmt::print("frames on {} ({} rows loaded): {} frames\n", screen, rows, times.wall.size());
    fmt::print("  {:<26} {:>8} {:>8} {:>8}\n", "ms per frame", "median", "p95", "max");
    const auto line = [](const char* name, const std::vector<double>& v) {
        fmt::print("  {:<26} {:>8.2f} {:>8.2f} {:>8.2f}\n", name, percentile(v, 0.5),
                   percentile(v, 0.95), percentile(v, 1.0));
    };
    line("CPU, UI thread", times.uiThreadCpu);
    line("CPU, whole process", times.processCpu);
    line("wall clock", times.wall);
}

std::optional<callqc::station::Screen> screenNamed(const std::string& name) {
    using callqc::station::Screen;
    if (name == "review") {
        return Screen::Review;
    }
    if (name == "library") {
        return Screen::Library;
    }
    if (name == "import") {
        return Screen::Import;
    }
    if (name == "settings") {
        return Screen::Settings;
    }
    if (name == "admin") {
        return Screen::Admin;
    }
    return std::nullopt;
}

/// The sign-in box until someone signs in (the session) or the window is closed (none). The
/// Argon2id check runs on a thread of its own; the password is dropped as soon as it is handed
/// over. In test runs (`frames` > 0) it draws that many frames, writes the screenshot and stops.
class SignInWindow final : public callqc::station::SignInActions {
public:
    SignInWindow(std::filesystem::path dbPath, std::string user)
        : m_dbPath(std::move(dbPath)), m_user(std::move(user)) {}

    std::optional<callqc::core::Session> run(GLFWwindow* window,
                                             const callqc::station::ScreenText& words, int frames,
                                             const std::string& screenshot) {
        for (int frame = 1; !glfwWindowShouldClose(window); ++frame) {
            if (m_pending) {
                glfwWaitEventsTimeout(0.05);
            } else {
                glfwWaitEventsTimeout(frames > 0 ? 0.0 : 0.5);
            }
            if (m_pending &&
                m_pending->wait_for(std::chrono::seconds(0)) == std::future_status::ready) {
                auto result = m_pending->get();
                m_pending.reset();
                if (result) {
                    return std::move(*result);
                }
                m_error = result.error().message();
                m_focusPassword = true;
            }
            ImGui_ImplOpenGL3_NewFrame();
            ImGui_ImplGlfw_NewFrame();
            ImGui::NewFrame();
            const ImGuiViewport* viewport = ImGui::GetMainViewport();
            ImGui::SetNextWindowPos(viewport->WorkPos);
            ImGui::SetNextWindowSize(viewport->WorkSize);
            ImGui::Begin("CallQC Station", nullptr, ImGuiWindowFlags_NoDecoration);
            callqc::station::SignInState state;
            state.user = &m_user;
            state.password = &m_password;
            state.checking = m_pending.has_value();
            state.error = m_error;
            state.focusPassword = std::exchange(m_focusPassword, false);
            callqc::station::drawSignInPanel(state, *this, words);
            ImGui::End();
            ImGui::Render();
            int fbWidth = 0;
            int fbHeight = 0;
            glfwGetFramebufferSize(window, &fbWidth, &fbHeight);
            glViewport(0, 0, fbWidth, fbHeight);
            glClearColor(0.1f, 0.1f, 0.12f, 1.0f);
            glClear(GL_COLOR_BUFFER_BIT);
            ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
            if (frames > 0 && frame >= frames) {
                if (!screenshot.empty() && writeScreenshot(screenshot, fbWidth, fbHeight)) {
                    fmt::print("screenshot: {}\n", screenshot);
                }
                return std::nullopt;
            }
            glfwSwapBuffers(window);
        }
        return std::nullopt;
    }

    void signIn() override {
        m_error.clear();
        m_pending = std::async(std::launch::async,
                               [db = m_dbPath, user = m_user, password = std::move(m_password)] {
                                   return callqc::core::Session::signIn(db, user, password);
                               });
        m_password.clear();
    }

private:
    std::filesystem::path m_dbPath;
    std::string m_user;
    std::string m_password;
    std::string m_error;
    bool m_focusPassword = false;
    std::optional<std::future<callqc::core::CoreResult<callqc::core::Session>>> m_pending;
};

std::optional<callqc::core::Session> signInWindow(GLFWwindow* window,
                                                  const std::filesystem::path& dbPath,
                                                  const std::string& user,
                                                  callqc::scoring::Language language, float pixels,
                                                  int frames, const std::string& screenshot) {
    const auto& words = callqc::station::screenText(language);
    std::string glyphs = user;
    for (const char* text : callqc::station::allStrings(words)) {
        glyphs += text;
    }
    callqc::station::loadFonts(glyphs, pixels);
    SignInWindow signIn(dbPath, user);
    auto session = signIn.run(window, words, frames, screenshot);
    ImGui_ImplOpenGL3_DestroyFontsTexture(); // the workstation builds its own atlas
    return session;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App cli{"CallQC Station — the call-quality inspection workstation"};
    std::string dbPath = callqc::core::defaultDatabasePath().string();
    std::string inspector = std::getenv("USER") ? std::getenv("USER") : "inspector";
    std::string language;
    std::string settingsPath = callqc::station::defaultSettingsPath().string();
    std::string screenName = "review";
    std::string importFolder;
    std::string exportFolder;
    int frames = 0;
    int benchFrames = 0;
    std::string screenshot;
    bool openFirst = false;
    double playAt = -1;
    bool noAudio = false;
    bool showKeys = false;
    int width = 1600;
    int height = 900;
    cli.add_option("--db", dbPath, "SQLite database (default: $CALLQC_DB or the per-user path)");
    cli.add_option("--inspector", inspector, "inspector whose queue to show");
    std::string user;
    cli.add_option("--user", user,
                   "who signs in (default: --inspector's value); the password comes from "
                   "$CALLQC_PASSWORD. A database without user accounts needs no sign-in");
    cli.add_option("--lang", language, "zh or en (default: the settings file's, else zh)")
        ->check(CLI::IsMember({"zh", "en"}));
    cli.add_option("--settings", settingsPath,
                   "settings file (default: $XDG_CONFIG_HOME/callqc/station.toml)");
    cli.add_option("--screen", screenName,
                   "screen to start on: review, library, import, settings, admin")
        ->check(CLI::IsMember({"review", "library", "import", "settings", "admin"}));
    cli.add_option("--import-folder", importFolder, "folder the Import screen starts in");
    cli.add_option("--export-folder", exportFolder,
                   "folder for exported call lists and clips (default: ~/callqc-exports)");
    bool startImport = false;
    cli.add_flag("--start-import", startImport,
                 "import the --import-folder day at start (with --frames: wait for its report)");
    cli.add_option("--frames", frames, "quit after this many frames (for tests)");
    cli.add_option("--bench-frames", benchFrames,
                   "draw this many frames as fast as possible, paging down the Library (or "
                   "playing the call on Review), and print the time per frame");
    cli.add_option("--screenshot", screenshot, "write a PNG of the last frame here");
    cli.add_flag("--open-first", openFirst, "open the first call of the queue");
    int openRow = 0;
    cli.add_option("--open-row", openRow, "open this row of the queue (1 = the first)");
    cli.add_option("--play-at", playAt, "with --open-first: start playing from this second");
    cli.add_flag("--no-audio", noAudio, "do not use the sound device");
    cli.add_flag("--show-keys", showKeys, "start with the keyboard shortcuts shown (as ? does)");
    cli.add_option("--size", width, "window width in pixels");
    CLI11_PARSE(cli, argc, argv);
    height = width * 9 / 16;

    callqc::station::StationOptions options;
    options.settingsPath = settingsPath;
    if (auto loaded = callqc::station::loadSettings(settingsPath)) {
        options.settings = *loaded;
    } else {
        options.settingsError = loaded.error() + " (the defaults are used until it is saved)";
        fmt::print(stderr, "callqc-station: {}\n", options.settingsError);
    }
    if (!language.empty()) {
        options.settings.language =
            language == "en" ? callqc::scoring::Language::En : callqc::scoring::Language::Zh;
    }
    options.importFolder = importFolder;
    options.exportFolder = exportFolder;

    // Signed in from $CALLQC_PASSWORD when it is set (or when the database has no accounts);
    // otherwise the window opens on the sign-in box.
    const std::string userName = user.empty() ? inspector : user;
    const char* password = std::getenv("CALLQC_PASSWORD");
    {
        auto db = callqc::storage::Database::open(dbPath);
        if (!db) {
            fmt::print(stderr, "callqc-station: {}\n", db.error().message());
            return 1;
        }
        const auto users = callqc::storage::countUsers(*db);
        options.accounts = users && *users > 0;
    }
    std::optional<callqc::core::Session> session;
    if (!options.accounts || password != nullptr) {
        auto started = callqc::core::Session::start(
            dbPath, userName, password ? std::optional<std::string>(password) : std::nullopt);
        if (!started) {
            fmt::print(stderr, "callqc-station: {}\n", started.error().message());
            return 1;
        }
        session = std::move(*started);
    }

    glfwSetErrorCallback(
        [](int, const char* description) { fmt::print(stderr, "GLFW: {}\n", description); });
    if (!glfwInit()) {
        fmt::print(stderr,
                   "callqc-station: no display to open a window on (DISPLAY is {}).\n"
                   "Run it under a virtual display instead:\n"
                   "  xvfb-run -a -s '-screen 0 1600x900x24' callqc-station --db {}\n",
                   std::getenv("DISPLAY") ? std::getenv("DISPLAY") : "not set", dbPath);
        return 2;
    }
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
    glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
    GLFWwindow* window = glfwCreateWindow(width, height, "CallQC Station", nullptr, nullptr);
    if (window == nullptr) {
        fmt::print(stderr, "callqc-station: cannot create an OpenGL 3.3 window\n");
        glfwTerminate();
        return 2;
    }
    glfwMakeContextCurrent(window);
    // A benchmark measures the frame's own cost, not the display's refresh.
    glfwSwapInterval(benchFrames > 0 ? 0 : 1);

    std::unique_ptr<callqc::audio::AudioSink> sink;
    if (!noAudio) {
        options.outputs.list = [] {
            return callqc::station::portAudioOutputs();
        };
        options.outputs.open = [](const std::string& name) {
            return callqc::station::makePortAudioSink(name);
        };
        auto device = callqc::station::makePortAudioSink(options.settings.outputDevice);
        if (device) {
            sink = std::move(*device);
        } else {
            fmt::print(stderr, "callqc-station: {}; playing to a silent clock instead\n",
                       device.error().message());
        }
    }
    if (!sink) {
        sink = callqc::audio::makeNullSink();
    }
    options.wake = [] {
        glfwPostEmptyEvent();
    };

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;
    ImGui::StyleColorsDark();
    float xscale = 1.0f;
    float yscale = 1.0f;
    glfwGetWindowContentScale(window, &xscale, &yscale);
    ImGui::GetStyle().ScaleAllSizes(xscale);
    ImGui_ImplGlfw_InitForOpenGL(window, true);
    ImGui_ImplOpenGL3_Init("#version 330");
    const bool signInShown = !session;
    if (signInShown) {
        session = signInWindow(window, dbPath, userName, options.settings.language, 18.0f * xscale,
                               frames, screenshot);
    }
    if (session) {
        callqc::station::StationApp app(std::move(*session), std::move(sink), std::move(options));
        const auto screen = screenNamed(screenName).value_or(callqc::station::Screen::Review);
        if (openRow > 0) {
            openFirst = true;
        }
        if (openFirst || benchFrames > 0 || startImport ||
            screen != callqc::station::Screen::Review) {
            // Test and benchmark runs start from a known state: the queue (and the library's
            // first page) read, the first call open.
            app.settle();
            if (openFirst && !app.queue().empty()) {
                const auto row = std::clamp<std::size_t>(
                    static_cast<std::size_t>(std::max(openRow, 1)), 1, app.queue().size());
                app.openCall(app.queue()[row - 1].recordingId);
                app.settle();
                if (playAt >= 0 && app.call()) {
                    app.player().waitBuffered(4096, std::chrono::seconds(10));
                    app.seek(playAt);
                    app.togglePlay();
                }
            }
            app.showScreen(screen);
            app.settle();
        }
        if (startImport) {
            app.startImport();
        }
        callqc::station::loadFonts(app.allText(), 18.0f * xscale);
        if (signInShown) {
            ImGui_ImplOpenGL3_CreateFontsTexture(); // the renderer is up already
        }
        app.showHelp(showKeys);

        int frame = 0;
        int textGeneration = -1; // check the first frame too: --open-first opened a call
        int quietFrames = 0;
        FrameTimes times;
        const int pageDown = GLFW_KEY_PAGE_DOWN;
        while (!glfwWindowShouldClose(window)) {
            const double wall0 = glfwGetTime() * 1e3;
            const double thread0 = cpuMs(CLOCK_THREAD_CPUTIME_ID);
            const double process0 = cpuMs(CLOCK_PROCESS_CPUTIME_ID);
            // Idle, the window sleeps until an event (a key, the database thread's "ready", or a
            // slow tick for autosave and the integrity check); while audio plays or an import
            // runs it redraws at display rate. A few frames follow every event so ImGui settles
            // hover and release states.
            if (frames > 0 || benchFrames > 0 || app.animating() || quietFrames < 3) {
                glfwPollEvents();
            } else {
                glfwWaitEventsTimeout(0.25);
                quietFrames = 0;
            }
            ++quietFrames;
            app.update();
            // The atlas holds the common characters and those seen so far; text with others
            // (a transcript, a page of the library) gets them added before it is drawn.
            if (app.textGeneration() != textGeneration) {
                textGeneration = app.textGeneration();
                const std::string text = app.allText();
                if (callqc::station::fontMissesGlyphs(text)) {
                    callqc::station::loadFonts(text, 18.0f * xscale);
                    ImGui_ImplOpenGL3_DestroyFontsTexture();
                    ImGui_ImplOpenGL3_CreateFontsTexture();
                }
            }
            ImGui_ImplOpenGL3_NewFrame();
            ImGui_ImplGlfw_NewFrame();
            if (benchFrames > 0 && app.screen() == callqc::station::Screen::Library) {
                // Page down through the library, one key press every other frame.
                ImGui::GetIO().KeysDown[pageDown] = frame % 2 == 0;
            }
            ImGui::NewFrame();
            app.handleKeys();
            app.draw();
            ImGui::Render();
            int fbWidth = 0;
            int fbHeight = 0;
            glfwGetFramebufferSize(window, &fbWidth, &fbHeight);
            glViewport(0, 0, fbWidth, fbHeight);
            glClearColor(0.1f, 0.1f, 0.12f, 1.0f);
            glClear(GL_COLOR_BUFFER_BIT);
            ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
            ++frame;
            // In test runs, wait for the audio and the database before the last frame so the
            // picture is complete.
            const bool settled = (app.audioReady() || !app.call()) && !app.busy();
            const bool last = (frames > 0 && frame >= frames && settled) ||
                              (benchFrames > 0 && frame >= benchFrames);
            if (last && !screenshot.empty()) {
                if (!writeScreenshot(screenshot, fbWidth, fbHeight)) {
                    fmt::print(stderr, "callqc-station: cannot write {}\n", screenshot);
                    return 1;
                }
                fmt::print("screenshot: {}\n", screenshot);
            }
            glfwSwapBuffers(window);
            if (benchFrames > 0) {
                glFinish(); // the frame is drawn, not only queued
                times.wall.push_back(glfwGetTime() * 1e3 - wall0);
                times.uiThreadCpu.push_back(cpuMs(CLOCK_THREAD_CPUTIME_ID) - thread0);
                times.processCpu.push_back(cpuMs(CLOCK_PROCESS_CPUTIME_ID) - process0);
            }
            if (last || (frames > 0 && frame >= frames * 20)) {
                break;
            }
        }
        if (benchFrames > 0) {
            // The first frames build the font atlas and the GL objects; they are not steady.
            const auto skip = std::min<std::size_t>(10, times.wall.size() / 10);
            for (auto* v : {&times.wall, &times.uiThreadCpu, &times.processCpu}) {
                v->erase(v->begin(), v->begin() + static_cast<long>(skip));
            }
            printFrameTimes(screenName, times,
                            app.screen() == callqc::station::Screen::Library
                                ? app.libraryRows().size()
                                : app.queue().size());
        }
    }
    ImGui_ImplOpenGL3_Shutdown(); // also when the sign-in window was closed
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    return 0;
}
