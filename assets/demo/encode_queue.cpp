#include "assets/demo/encode_queue.hpp"

#include <algorithm>
#include <utility>

namespace callqc::demo {

EncodeQueue::EncodeQueue(unsigned workers, std::size_t maxWaiting)
    : m_maxWaiting(std::max<std::size_t>(1, maxWaiting)) {
    for (unsigned i = 0; i < std::max(1u, workers); ++i) {
        m_workers.emplace_back([this] { work(); });
    }
}

EncodeQueue::~EncodeQueue() {
    stop();
}

void EncodeQueue::push(Job job) {
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return m_waiting.size() < m_maxWaiting || m_error; });
    if (m_error) {
        return;
    }
    m_waiting.push_back(std::move(job));
    m_changed.notify_all();
}

int EncodeQueue::completed() {
    const std::lock_guard lock(m_mutex);
    return m_completed;
}

std::optional<std::string> EncodeQueue::firstError() {
    const std::lock_guard lock(m_mutex);
    return m_error;
}

std::optional<std::string> EncodeQueue::finish() {
    {
        std::unique_lock lock(m_mutex);
        m_changed.wait(lock, [this] { return (m_waiting.empty() && m_running == 0) || m_error; });
    }
    stop();
    return m_error;
}

void EncodeQueue::stop() {
    {
        const std::lock_guard lock(m_mutex);
        m_stopping = true;
        m_changed.notify_all();
    }
    for (std::thread& worker : m_workers) {
        if (worker.joinable()) {
            worker.join();
        }
    }
}

void EncodeQueue::work() {
    for (;;) {
        Job job;
        {
            std::unique_lock lock(m_mutex);
            m_changed.wait(lock, [this] { return m_stopping || (!m_waiting.empty() && !m_error); });
            if (m_stopping || m_error) {
                return;
            }
            job = std::move(m_waiting.front());
            m_waiting.pop_front();
            ++m_running;
            m_changed.notify_all();
        }
        const auto encoded = audio::encodeFile(job.pcm, job.path, job.format);
        job.pcm = {};
        const std::lock_guard lock(m_mutex);
        --m_running;
        if (encoded) {
            ++m_completed;
        } else if (!m_error) {
            m_error = encoded.error().detail;
        }
        m_changed.notify_all();
    }
}

} // namespace callqc::demo
