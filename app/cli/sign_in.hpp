#pragma once

#include <optional>
#include <string>

#include <tl/expected.hpp>

#include "app/core/auth.hpp"
#include "app/core/session.hpp"
#include "storage/database.hpp"

namespace callqc::cli {

/// Reads one line from the terminal (/dev/tty) with echo off; none when there is no terminal.
[[nodiscard]] std::optional<std::string> promptNoEcho(const std::string& prompt);

/// The acting user's password: $CALLQC_PASSWORD, else asked on the terminal without echo; none
/// when neither is there.
[[nodiscard]] std::optional<std::string> actingPassword(const std::string& user);

/// The name a database without user accounts is worked on as: `userOption`, else $CALLQC_USER,
/// else $USER, else "inspector".
[[nodiscard]] std::string nameWithoutAccounts(const std::string& userOption);

/// Who acts on a database, and the connection they act through.
struct Acting {
    storage::Database db;
    core::Actor actor;
    bool accounts = false; ///< the database has users: `actor` signed in with a password
};

/// Opens the database at `dbPath` for a command that works on it directly (import, verify,
/// backup). While the database has no users (made before accounts existed) nobody signs in and
/// the actor is a QC inspector called `legacyName` scoped to every project, as it was then.
/// Otherwise the acting user comes from `userOption`, else $CALLQC_USER, and signs in with the
/// password from actingPassword(); the error is the message to print (a refusal included).
[[nodiscard]] tl::expected<Acting, std::string>
openActing(const std::string& dbPath, const std::string& userOption, const std::string& legacyName);

/// The same for the use cases of core::Session: a session as the signed-in user, or, while the
/// database has no users, as `legacyName` (core::Session::open by name).
[[nodiscard]] tl::expected<core::Session, std::string> openSession(const std::string& dbPath,
                                                                   const std::string& userOption,
                                                                   const std::string& legacyName);

} // namespace callqc::cli
