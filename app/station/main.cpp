// The workstation's platform layer: the only file that knows GLFW and OpenGL.

#include <cstdlib>
#include <filesystem>
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
#include "app/station/station_app.hpp"

namespace {

bool writeScreenshot(const std::string& path, int width, int height) {
    std::vector<unsigned char> pixels(static_cast<std::size_t>(width) * height * 4);
    glPixelStorei(GL_PACK_ALIGNMENT, 1);
    glReadPixels(0, 0, width, height, GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
    stbi_flip_vertically_on_write(1);
    return stbi_write_png(path.c_str(), width, height, 4, pixels.data(), width * 4) != 0;
}

} // namespace

int main(int argc, char** argv) {
    CLI::App cli{"CallQC Station — the call-quality inspection workstation"};
    std::string dbPath = callqc::core::defaultDatabasePath().string();
    std::string inspector = std::getenv("USER") ? std::getenv("USER") : "inspector";
    std::string language = "zh";
    int frames = 0;
    std::string screenshot;
    bool openFirst = false;
    bool noAudio = false;
    bool showKeys = false;
    int width = 1600;
    int height = 900;
    cli.add_option("--db", dbPath, "SQLite database (default: $CALLQC_DB or the per-user path)");
    cli.add_option("--inspector", inspector, "inspector whose queue to show");
    cli.add_option("--lang", language, "zh or en")->check(CLI::IsMember({"zh", "en"}));
    cli.add_option("--frames", frames, "quit after this many frames (for tests)");
    cli.add_option("--screenshot", screenshot, "write a PNG of the last frame here");
    cli.add_flag("--open-first", openFirst, "open the first call of the queue");
    cli.add_flag("--no-audio", noAudio, "do not use the sound device");
    cli.add_flag("--show-keys", showKeys, "start with the keyboard shortcuts shown (as ? does)");
    cli.add_option("--size", width, "window width in pixels");
    CLI11_PARSE(cli, argc, argv);
    height = width * 9 / 16;

    auto session = callqc::core::Session::open(dbPath, inspector);
    if (!session) {
        fmt::print(stderr, "callqc-station: {}\n", session.error().message());
        return 1;
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
    glfwSwapInterval(1);

    std::unique_ptr<callqc::audio::AudioSink> sink;
    if (!noAudio) {
        auto device = callqc::station::makePortAudioSink();
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

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;
    ImGui::StyleColorsDark();
    float xscale = 1.0f;
    float yscale = 1.0f;
    glfwGetWindowContentScale(window, &xscale, &yscale);
    ImGui::GetStyle().ScaleAllSizes(xscale);
    {
        callqc::station::StationApp app(std::move(*session), std::move(sink),
                                        language == "zh" ? callqc::scoring::Language::Zh
                                                         : callqc::scoring::Language::En);
        callqc::station::loadFonts(app.allText(), 18.0f * xscale);
        ImGui_ImplGlfw_InitForOpenGL(window, true);
        ImGui_ImplOpenGL3_Init("#version 330");
        if (openFirst && !app.queue().empty()) {
            app.openCall(app.queue().front().recordingId);
        }
        app.showHelp(showKeys);

        int frame = 0;
        int textGeneration = -1; // check the first frame too: --open-first opened a call
        int quietFrames = 0;
        while (!glfwWindowShouldClose(window)) {
            // Idle, the window sleeps until an event (or a slow tick for autosave and background
            // results); while audio plays or loads it redraws at display rate for the playhead.
            // A few frames follow every event so ImGui settles hover and release states.
            if (frames > 0 || app.animating() || quietFrames < 3) {
                glfwPollEvents();
            } else {
                glfwWaitEventsTimeout(0.25);
                quietFrames = 0;
            }
            ++quietFrames;
            app.update();
            // The atlas holds the common characters and those seen so far; a call whose
            // transcript has others gets them added before it is drawn.
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
            // In test runs, wait for the audio before the last frame so the picture is complete.
            const bool last = frames > 0 && frame >= frames && (app.audioReady() || !app.call());
            if (last && !screenshot.empty()) {
                if (!writeScreenshot(screenshot, fbWidth, fbHeight)) {
                    fmt::print(stderr, "callqc-station: cannot write {}\n", screenshot);
                    return 1;
                }
                fmt::print("screenshot: {}\n", screenshot);
            }
            glfwSwapBuffers(window);
            if (last || (frames > 0 && frame >= frames * 20)) {
                break;
            }
        }
    }
    ImGui_ImplOpenGL3_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    glfwDestroyWindow(window);
    glfwTerminate();
    return 0;
}
