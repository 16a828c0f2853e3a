#pragma once

#include <QString>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace keydesk {

class Services;

// Threads for work that must not hold a serving thread (DESIGN §4: scrypt at sign-in and
// sign-up). Each thread has its own Services (its own database connection), built on it. Jobs
// run in the order posted.
//
// Scheduling (sched(7)): the threads run as SCHED_IDLE, so a serving thread that wakes up takes
// the CPU from them at once. With nice +19 instead, a background loop on a serving thread's core
// raised verify's p99 from 0.65 ms to 2.3 ms; with SCHED_IDLE it stayed under 0.95 ms
// (docs/performance.md). So that a flood of verifies cannot starve sign-ins for good, one more
// thread, an ordinary one at nice +19, takes only jobs that have waited longer than
// `starvationLimit`. (A thread cannot promote itself out of SCHED_IDLE: unprivileged, with the
// usual RLIMIT_NICE of 0, sched_setscheduler(2) refuses.)
class WorkerPool final
{
public:
    using ServicesFactory = std::function<std::unique_ptr<Services>()>;
    // Runs with the thread's services; with nullptr when the pool is stopping before the job
    // started: then it must only answer (a 503), so that a graceful stop is not held up by a
    // queue of scrypt hashes (DESIGN §4: exit within 5 s).
    using Job = std::function<void(Services *)>;

    // `threads` SCHED_IDLE threads and the rescue thread. Throws StoreError (with the first
    // thread's message) when a thread cannot open the database.
    WorkerPool(int threads, const ServicesFactory &makeServices);
    // Jobs already running finish; jobs not yet started run with nullptr; then joins.
    ~WorkerPool();
    WorkerPool(const WorkerPool &) = delete;
    WorkerPool &operator=(const WorkerPool &) = delete;

    static constexpr std::chrono::milliseconds starvationLimit {1000};

    void post(Job job);

private:
    using SteadyClock = std::chrono::steady_clock;
    struct Queued
    {
        Job job;
        SteadyClock::time_point postedAt;
    };
    enum class Lane { Idle, Rescue };
    void run(Lane lane, const ServicesFactory &makeServices, std::promise<QString> started);
    // With m_mutex held: whether `lane` may take the front job now.
    bool mayTakeFront(Lane lane) const;
    void stopAll();

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Queued> m_jobs; // guarded by m_mutex
    bool m_stopping = false; // guarded by m_mutex
    std::vector<std::thread> m_threads;
};

} // namespace keydesk
