// The scoring core is pure C++: it must not include I/O libraries, UI libraries, or the other
// layers. This reads the sources, so the rule cannot rot unnoticed.

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace {

TEST(ScoringLayering, includesNoIoUiOrOtherLayers) {
    const std::filesystem::path dir = std::filesystem::path(CALLQC_SOURCE_DIR) / "scoring";
    const char* const forbidden[] = {"libav",  "sqlite",     "portaudio", "imgui",
                                     "GLFW",   "GL/",        "\"audio/",  "\"storage/",
                                     "\"app/", "soundtouch", "sodium",    "espeak"};
    int files = 0;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
        const auto extension = entry.path().extension();
        if (extension != ".hpp" && extension != ".cpp") {
            continue;
        }
        ++files;
        std::ifstream file(entry.path());
        std::string line;
        int lineNumber = 0;
        while (std::getline(file, line)) {
            ++lineNumber;
            if (line.rfind("#include", 0) != 0) {
                continue;
            }
            for (const char* word : forbidden) {
                EXPECT_EQ(line.find(word), std::string::npos)
                    << entry.path().filename().string() << ":" << lineNumber << ": " << line;
            }
        }
    }
    EXPECT_GT(files, 10);
}

} // namespace
