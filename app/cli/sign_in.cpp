#include "app/cli/sign_in.hpp"

#include <cstdlib>

#include <fcntl.h>
#include <fmt/format.h>
#include <termios.h>
#include <unistd.h>

#include "app/core/permissions.hpp"
#include "storage/user_store.hpp"

namespace callqc::cli {
namespace {

/// The user named by `userOption`, else $CALLQC_USER; the error asks for one.
tl::expected<std::string, std::string> actingUser(const std::string& userOption) {
    if (!userOption.empty()) {
        return userOption;
    }
    if (const char* env = std::getenv("CALLQC_USER"); env != nullptr && *env != '\0') {
        return std::string(env);
    }
    return tl::unexpected(
        std::string("this database has user accounts: who is acting? give --user NAME or set "
                    "CALLQC_USER (the password comes from CALLQC_PASSWORD or a prompt)"));
}

/// The acting user's name and password when the database has users; none while it has none.
tl::expected<std::optional<std::pair<std::string, std::string>>, std::string>
credentials(storage::Database& db, const std::string& userOption) {
    auto users = storage::countUsers(db);
    if (!users) {
        return tl::unexpected(users.error().message());
    }
    if (*users == 0) {
        return std::nullopt;
    }
    auto user = actingUser(userOption);
    if (!user) {
        return tl::unexpected(user.error());
    }
    auto password = actingPassword(*user);
    if (!password) {
        return tl::unexpected(
            fmt::format("no terminal to ask for {}'s password: set CALLQC_PASSWORD", *user));
    }
    return std::pair{std::move(*user), std::move(*password)};
}

} // namespace

std::optional<std::string> promptNoEcho(const std::string& prompt) {
    const int tty = ::open("/dev/tty", O_RDWR | O_NOCTTY);
    if (tty < 0) {
        return std::nullopt;
    }
    termios saved{};
    const bool isTerminal = tcgetattr(tty, &saved) == 0;
    if (isTerminal) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        quiet.c_lflag |= ECHONL;
        tcsetattr(tty, TCSAFLUSH, &quiet);
    }
    (void)!::write(tty, prompt.data(), prompt.size());
    std::string line;
    char c = 0;
    while (::read(tty, &c, 1) == 1 && c != '\n') {
        line += c;
    }
    if (isTerminal) {
        tcsetattr(tty, TCSAFLUSH, &saved);
    }
    ::close(tty);
    if (!isTerminal) {
        return std::nullopt;
    }
    return line;
}

std::string nameWithoutAccounts(const std::string& userOption) {
    if (!userOption.empty()) {
        return userOption;
    }
    for (const char* name : {"CALLQC_USER", "USER"}) {
        if (const char* env = std::getenv(name); env != nullptr && *env != '\0') {
            return env;
        }
    }
    return "inspector";
}

std::optional<std::string> actingPassword(const std::string& user) {
    if (const char* env = std::getenv("CALLQC_PASSWORD"); env != nullptr) {
        return std::string(env);
    }
    return promptNoEcho(fmt::format("password for {}: ", user));
}

tl::expected<Acting, std::string> openActing(const std::string& dbPath,
                                             const std::string& userOption,
                                             const std::string& legacyName) {
    auto db = storage::Database::open(dbPath);
    if (!db) {
        return tl::unexpected(db.error().message());
    }
    auto given = credentials(*db, userOption);
    if (!given) {
        return tl::unexpected(given.error());
    }
    if (!*given) {
        core::Actor legacy{
            legacyName, core::Role::Inspector, {std::string(core::kAllProjects)}, {}};
        return Acting{std::move(*db), std::move(legacy), false};
    }
    auto actor = core::signIn(*db, (*given)->first, (*given)->second);
    if (!actor) {
        return tl::unexpected(actor.error().message());
    }
    return Acting{std::move(*db), std::move(*actor), true};
}

tl::expected<core::Session, std::string> openSession(const std::string& dbPath,
                                                     const std::string& userOption,
                                                     const std::string& legacyName) {
    auto given =
        [&]() -> tl::expected<std::optional<std::pair<std::string, std::string>>, std::string> {
        auto db = storage::Database::open(dbPath);
        if (!db) {
            return tl::unexpected(db.error().message());
        }
        return credentials(*db, userOption);
    }();
    if (!given) {
        return tl::unexpected(given.error());
    }
    auto session = *given ? core::Session::signIn(dbPath, (*given)->first, (*given)->second)
                          : core::Session::open(dbPath, legacyName);
    if (!session) {
        return tl::unexpected(session.error().message());
    }
    return std::move(*session);
}

} // namespace callqc::cli
