#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/core/import_day.hpp"
#include "app/station/screen_text.hpp"

namespace callqc::station {

/// A folder inside the one being looked at.
struct FolderEntry {
    std::string name;
    bool hasMetadata = false; ///< holds a metadata.csv: a day that can be imported
};

struct ImportState {
    std::string* folder = nullptr; ///< the day folder, edited in place
    const std::vector<FolderEntry>* subfolders = nullptr;
    bool folderHasMetadata = false;
    bool running = false;
    bool cancelling = false;
    int done = 0;
    int total = 0;
    const core::ImportReport* report = nullptr; ///< of the last import, when one finished
    std::string error;                          ///< why the last import failed as a whole
};

class ImportActions {
public:
    virtual ~ImportActions() = default;
    /// Look at another folder (a subfolder's path, the parent, or the typed one).
    virtual void browseTo(const std::string& folder) = 0;
    virtual void startImport() = 0;
    virtual void cancelImport() = 0;
};

/// The folder chooser, the progress bar with its cancel button and the last import's report.
void drawImportPanel(const ImportState& state, ImportActions& actions, const ScreenText& words);

} // namespace callqc::station
