#pragma once

#include <vector>

#include "scoring/language.hpp"

namespace callqc::station {

/// The words of the screens beside Review (tabs, Library, Import, Settings) in one language.
/// Strings with {} are fmt format strings.
struct ScreenText {
    const char* tabReview;
    const char* tabLibrary;
    const char* tabImport;
    const char* tabSettings;
    // Library
    const char* callId;
    const char* phone;
    const char* phoneHint;
    const char* agentHint;
    const char* queueName;
    const char* from;
    const char* to;
    const char* dateHint;
    const char* minDuration;
    const char* maxDuration;
    const char* words;
    const char* wordsHint;
    const char* anyEvaluation;
    const char* evaluated;
    const char* notEvaluated;
    const char* search;
    const char* clear;
    const char* searching;
    const char* matches;     ///< {} calls
    const char* matchesMore; ///< more than {} calls
    const char* noMatches;
    const char* time;
    const char* customer;
    const char* status;
    const char* flags;
    const char* libraryHint;
    const char* readOnlyNotYours;
    const char* exportAs;  ///< before the format buttons
    const char* exporting; ///< an export is being written
    const char* exported;  ///< {} rows written to {}, numbers masked
    // Import
    const char* dayFolder;
    const char* dayFolderHint;
    const char* startImport;
    const char* cancel;
    const char* importing;  ///< {} of {} rows
    const char* cancelling; ///< waiting for the rows in hand
    const char* importDone; ///< imported {}, unchanged {}, rejected {}
    const char* importCancelled;
    const char* importFailed;
    const char* rejectedTitle;
    const char* row;
    const char* file;
    const char* why;
    const char* warningsTitle;
    const char* folders;
    const char* parentFolder;
    const char* hasMetadata;
    const char* noMetadata;
    const char* encoding;
    // Settings
    const char* language;
    const char* outputDevice;
    const char* systemDefault;
    const char* playbackDefaults;
    const char* openSpeed;
    const char* volume;
    const char* skipSilenceDefault;
    const char* agentChannel;
    const char* leftChannel;
    const char* rightChannel;
    const char* keyboardMap;
    const char* settingsFile; ///< Saved in {}
    const char* deviceFailed; ///< {}: playing to a silent clock instead
    // Sign-in
    const char* signInTitle;
    const char* userName;
    const char* password;
    const char* signIn;
    const char* signingIn;
    const char* signedInAs; ///< {} ({})
    // Administration
    const char* tabAdmin;
    const char* usersTitle;
    const char* displayName;
    const char* role;
    const char* scope;
    const char* accountState;
    const char* active;
    const char* disabled;
    const char* locked;
    const char* addUser;
    const char* projects;
    const char* projectsHint;
    const char* teams;
    const char* teamsHint;
    const char* setPassword;
    const char* disable;
    const char* selectUser;
};

[[nodiscard]] const ScreenText& screenText(scoring::Language language);

/// Every string of `text`, for building the font's glyph set.
[[nodiscard]] std::vector<const char*> allStrings(const ScreenText& text);

} // namespace callqc::station
