#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "audio/encoder.hpp"
#include "audio/pcm_buffer.hpp"

namespace callqc::demo {

/// Encodes finished calls on worker threads while the caller scripts the next ones (speech
/// synthesis must stay on one thread; encoding is most of the work).
///
/// Owns its worker threads and the queued audio. `push`, `completed`, `firstError` and `finish`
/// are for the one thread that owns the queue; the destructor stops and joins the workers,
/// dropping jobs that have not started.
class EncodeQueue {
public:
    struct Job {
        audio::PcmBuffer pcm;
        std::filesystem::path path;
        audio::EncodeFormat format = audio::EncodeFormat::PcmS16Wav;
    };

    /// `workers` threads (at least one); `push` blocks while `maxWaiting` jobs wait.
    EncodeQueue(unsigned workers, std::size_t maxWaiting);
    ~EncodeQueue();
    EncodeQueue(const EncodeQueue&) = delete;
    EncodeQueue& operator=(const EncodeQueue&) = delete;

    void push(Job job);
    /// Jobs encoded successfully so far.
    [[nodiscard]] int completed();
    /// The first failure, naming the file; later jobs are skipped once one failed.
    [[nodiscard]] std::optional<std::string> firstError();
    /// Waits for every queued job, then returns the first failure if there was one.
    [[nodiscard]] std::optional<std::string> finish();

private:
    void work();
    void stop();

    std::mutex m_mutex;
    std::condition_variable m_changed;
    std::deque<Job> m_waiting;
    std::size_t m_maxWaiting;
    std::size_t m_running = 0;
    int m_completed = 0;
    bool m_stopping = false;
    std::optional<std::string> m_error;
    std::vector<std::thread> m_workers;
};

} // namespace callqc::demo
