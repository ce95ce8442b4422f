#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/core/auth.hpp"
#include "app/station/screen_text.hpp"

namespace callqc::station {

/// The Administration screen's form as typed. Projects and teams are comma-separated.
struct UserForm {
    std::string name;
    std::string displayName;
    int role = 0; ///< index into core::kAllRoles
    std::string projects = "*";
    std::string teams;
    std::string password;
};

/// The new user the form describes (names trimmed, empty items dropped).
[[nodiscard]] core::NewUser toNewUser(const UserForm& form);

struct AdminState {
    const std::vector<core::UserInfo>* users = nullptr;
    UserForm* form = nullptr;            ///< edited in place
    std::optional<std::size_t> selected; ///< the row the password and disable act on
    std::string message;                 ///< the last change's outcome or refusal
    bool busy = false;                   ///< a change is being written
};

class AdminActions {
public:
    virtual ~AdminActions() = default;
    virtual void selectUser(std::size_t index) = 0;
    /// Add the user of the form, with the form's password.
    virtual void addUserFromForm() = 0;
    /// Give the selected user the form's password (and clear a lock).
    virtual void setSelectedPassword() = 0;
    virtual void disableSelected() = 0;
};

/// A role's name for people in `language` (质检员, team lead, …).
[[nodiscard]] const char* roleText(core::Role role, scoring::Language language);

/// Users with role, scope and state; a form to add one; password and disable for the selected.
void drawAdminPanel(const AdminState& state, AdminActions& actions, const ScreenText& words,
                    scoring::Language language);

} // namespace callqc::station
