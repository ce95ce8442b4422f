#pragma once

// Runs callqc as a real child process (posix_spawn, no shell) that a test can watch, signal and
// kill, with its stdout and stderr in files.

#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace callqc::tests {

/// A running callqc. The destructor kills and reaps it if the test did not.
class CliChild {
public:
    /// Starts `callqc ARGS`; stdout goes to `dir/<tag>.out`, stderr to `dir/<tag>.err`.
    CliChild(const std::vector<std::string>& args, const std::filesystem::path& dir,
             const std::string& tag)
        : m_out(dir / (tag + ".out")), m_err(dir / (tag + ".err")) {
        std::vector<std::string> argv = {CALLQC_CLI};
        argv.insert(argv.end(), args.begin(), args.end());
        std::vector<char*> raw;
        for (auto& a : argv) {
            raw.push_back(a.data());
        }
        raw.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, m_out.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, m_err.c_str(),
                                         O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (posix_spawn(&m_pid, CALLQC_CLI, &actions, nullptr, raw.data(), environ) != 0) {
            m_pid = -1;
        }
        posix_spawn_file_actions_destroy(&actions);
    }
    ~CliChild() {
        if (m_pid > 0 && !m_status) {
            ::kill(m_pid, SIGKILL);
            wait();
        }
    }
    CliChild(const CliChild&) = delete;
    CliChild& operator=(const CliChild&) = delete;

    [[nodiscard]] bool started() const { return m_pid > 0; }
    void signal(int sig) const { ::kill(m_pid, sig); }

    /// The exit code, or 128 + the signal that ended it; waits for it to end.
    int wait() {
        if (!m_status) {
            int status = 0;
            while (::waitpid(m_pid, &status, 0) < 0 && errno == EINTR) {
            }
            m_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        return *m_status;
    }
    /// True when it has ended (reaping it).
    bool finished() {
        if (m_status) {
            return true;
        }
        int status = 0;
        if (::waitpid(m_pid, &status, WNOHANG) == m_pid) {
            m_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
            return true;
        }
        return false;
    }

    [[nodiscard]] std::string out() const { return slurp(m_out); }
    [[nodiscard]] std::string err() const { return slurp(m_err); }

private:
    static std::string slurp(const std::filesystem::path& path) {
        std::ifstream in(path, std::ios::binary);
        return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    }

    pid_t m_pid = -1;
    std::optional<int> m_status;
    std::filesystem::path m_out;
    std::filesystem::path m_err;
};

} // namespace callqc::tests
