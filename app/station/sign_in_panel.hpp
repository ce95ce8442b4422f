#pragma once

#include <string>

#include "app/station/screen_text.hpp"

namespace callqc::station {

struct SignInState {
    std::string* user = nullptr;     ///< edited in place
    std::string* password = nullptr; ///< edited in place; never shown, never logged
    bool checking = false;           ///< a sign-in is being checked (Argon2id takes a moment)
    std::string error;               ///< why the last try failed
    bool focusPassword = false;      ///< give the password field the keyboard this frame
};

class SignInActions {
public:
    virtual ~SignInActions() = default;
    /// Enter in either field, or the button: check the name and password as they are now.
    virtual void signIn() = 0;
};

/// The sign-in box shown at start, centred in the window: user, password, a button, the error.
void drawSignInPanel(const SignInState& state, SignInActions& actions, const ScreenText& words);

} // namespace callqc::station
