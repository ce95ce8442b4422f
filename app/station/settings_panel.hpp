#pragma once

#include <string>
#include <vector>

#include "app/station/screen_text.hpp"
#include "app/station/settings.hpp"
#include "app/station/ui_text.hpp"

namespace callqc::station {

struct SettingsState {
    const StationSettings* settings = nullptr;
    const std::vector<std::string>* devices = nullptr; ///< output devices by name
    std::string path;                                  ///< where the settings are kept
    std::string message;                               ///< the last load, save or device error
};

class SettingsActions {
public:
    virtual ~SettingsActions() = default;
    /// The inspector changed something: use it now and keep it for the next run.
    virtual void changeSettings(const StationSettings& settings) = 0;
};

/// Language, audio output, playback defaults and the keyboard map.
void drawSettingsPanel(const SettingsState& state, SettingsActions& actions, const UiText& text,
                       const ScreenText& words);

} // namespace callqc::station
