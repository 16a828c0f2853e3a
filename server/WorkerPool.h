#pragma once

#include <QString>

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
// run in the order posted. The threads run at a lower scheduling priority (nice +10), so that
// on a busy machine the serving threads, and the verifies on them, go first.
class WorkerPool final
{
public:
    using ServicesFactory = std::function<std::unique_ptr<Services>()>;
    // Runs with the thread's services; with nullptr when the pool is stopping before the job
    // started: then it must only answer (a 503), so that a graceful stop is not held up by a
    // queue of scrypt hashes (DESIGN §4: exit within 5 s).
    using Job = std::function<void(Services *)>;

    // Throws StoreError (with the first thread's message) when a thread cannot open the database.
    WorkerPool(int threads, const ServicesFactory &makeServices);
    // Jobs already running finish; jobs not yet started run with nullptr; then joins.
    ~WorkerPool();
    WorkerPool(const WorkerPool &) = delete;
    WorkerPool &operator=(const WorkerPool &) = delete;

    void post(Job job);

private:
    void run(const ServicesFactory &makeServices, std::promise<QString> started);
    void stopAll();

    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Job> m_jobs; // guarded by m_mutex
    bool m_stopping = false; // guarded by m_mutex
    std::vector<std::thread> m_threads;
};

} // namespace keydesk
