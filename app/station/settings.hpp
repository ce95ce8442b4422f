#pragma once

#include <filesystem>
#include <string>

#include <tl/expected.hpp>

#include "scoring/language.hpp"

namespace callqc::station {

/// What the inspector chose on the Settings screen, kept between runs in a small TOML file.
struct StationSettings {
    scoring::Language language = scoring::Language::Zh;
    std::string outputDevice; ///< a sound device's name; empty: the system's default
    double speed = 1.0;       ///< playback speed a call opens at, 0.5–3
    bool skipSilence = false; ///< a call opens with skip-silence on
    int agentChannel = 0;     ///< stereo calls: 0 left is the agent, 1 right is
    double volume = 1.0;      ///< 0–1

    bool operator==(const StationSettings&) const = default;
};

/// $XDG_CONFIG_HOME/callqc/station.toml, else ~/.config/callqc/station.toml.
[[nodiscard]] std::filesystem::path defaultSettingsPath();

/// Reads the settings file. A missing file gives the defaults; a broken one an error naming the
/// file, the line and the key, e.g. "station.toml:3: playback.speed: 7 is not between 0.5 and 3".
[[nodiscard]] tl::expected<StationSettings, std::string>
loadSettings(const std::filesystem::path& path);

/// Writes the settings whole (to a temporary file renamed over the old one, so a crash never
/// leaves half a file), creating the folder if needed; an error names the file and the reason.
[[nodiscard]] tl::expected<void, std::string> saveSettings(const std::filesystem::path& path,
                                                           const StationSettings& settings);

} // namespace callqc::station
