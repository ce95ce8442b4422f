#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

#include "app/core/session.hpp"

namespace callqc::station {

/// The workstation's database thread: owns the session (its SQLite connection) and runs the jobs
/// the UI posts, one at a time in posting order, so the UI thread never waits on SQLite. A job
/// returns what to do with its result to `Target` (the app); that runs later on the UI thread, in
/// collect(). Jobs get the session, never the target, so nothing of the UI is touched off its
/// thread.
///
/// Posting order is the order of effect: a draft saved before a submission is written before it.
template <class Target> class Background {
public:
    using Apply = std::function<void(Target&)>;
    using Job = std::function<Apply(core::Session&)>;

    /// `ready`, if set, is called on the database thread after each job (to wake the UI loop).
    explicit Background(core::Session session, std::function<void()> ready = {})
        : m_session(std::move(session)), m_ready(std::move(ready)), m_thread([this] { run(); }) {}

    /// Runs every job already posted (a draft in the queue is saved) and drops their results.
    ~Background() {
        {
            const std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        m_wake.notify_one();
        m_thread.join();
    }
    Background(const Background&) = delete;
    Background& operator=(const Background&) = delete;

    void post(Job job) {
        {
            const std::lock_guard lock(m_mutex);
            m_jobs.push_back(std::move(job));
        }
        m_wake.notify_one();
    }

    /// Runs the results of the jobs finished so far, in posting order, on the calling thread.
    void collect(Target& target) {
        std::deque<Apply> ready;
        {
            const std::lock_guard lock(m_mutex);
            ready.swap(m_results);
        }
        for (auto& apply : ready) {
            if (apply) {
                apply(target);
            }
        }
    }

    /// Jobs are queued or running, or results wait for collect().
    [[nodiscard]] bool busy() const {
        const std::lock_guard lock(m_mutex);
        return m_running || !m_jobs.empty() || !m_results.empty();
    }

    /// Waits until every job posted so far has run and collects, again while the results post
    /// more jobs.
    void settle(Target& target) {
        for (;;) {
            {
                std::unique_lock lock(m_mutex);
                m_finished.wait(lock, [this] { return !m_running && m_jobs.empty(); });
                if (m_results.empty()) {
                    return;
                }
            }
            collect(target);
        }
    }

private:
    void run() {
        for (;;) {
            Job job;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return m_stop || !m_jobs.empty(); });
                if (m_jobs.empty()) {
                    return; // stopping, and every job has run
                }
                job = std::move(m_jobs.front());
                m_jobs.pop_front();
                m_running = true;
            }
            Apply apply = job(m_session);
            {
                const std::lock_guard lock(m_mutex);
                if (!m_stop) {
                    m_results.push_back(std::move(apply));
                }
                m_running = false;
            }
            m_finished.notify_all();
            if (m_ready) {
                m_ready();
            }
        }
    }

    core::Session m_session;
    std::function<void()> m_ready;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_finished;
    std::deque<Job> m_jobs;
    std::deque<Apply> m_results;
    bool m_running = false; ///< a job is out of m_jobs, not yet in m_results
    bool m_stop = false;
    std::thread m_thread; ///< last: started once everything above exists
};

} // namespace callqc::station
