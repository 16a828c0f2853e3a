#include "WorkerPool.h"

#include "service/Services.h"

#include <QLoggingCategory>

#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcWorkers, "keydesk.workers")

namespace keydesk {

namespace {
// Linux schedules threads by their own nice value: +10 weighs about a tenth of a serving thread
// when both want the CPU (CFS weights, sched(7)).
// The rescue thread (see the header): an ordinary thread with the least weight CFS gives one
// (about 1.5% of a nice-0 thread's share when both want the CPU): sign-ins progress, slowly,
// under a flood of verifications. (Nice +10 raised verify's p99 during sign-ins to 4.3 ms.)
constexpr int rescueNiceness = 19;

} // namespace

WorkerPool::WorkerPool(int threads, const ServicesFactory &makeServices)
{
    QString failure;
    for (int i = 0; i <= threads; ++i) {
        std::promise<QString> started;
        std::future<QString> result = started.get_future();
        m_threads.emplace_back(&WorkerPool::run, this, i < threads ? Lane::Idle : Lane::Rescue,
                               makeServices, std::move(started));
        if (const QString error = result.get(); !error.isEmpty() && failure.isEmpty())
            failure = error;
    }
    if (!failure.isEmpty()) {
        stopAll(); // the threads that did start
        throw StoreError(failure.toStdString());
    }
}

WorkerPool::~WorkerPool()
{
    stopAll();
}

void WorkerPool::stopAll()
{
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_wake.notify_all();
    for (std::thread &thread : m_threads) {
        if (thread.joinable())
            thread.join();
    }
    m_threads.clear();
}

void WorkerPool::post(Job job)
{
    {
        std::lock_guard lock(m_mutex);
        m_jobs.push_back({std::move(job), SteadyClock::now()});
    }
    // All: the rescue thread waits with a deadline for the front job.
    m_wake.notify_all();
}

bool WorkerPool::mayTakeFront(Lane lane) const
{
    return !m_jobs.empty()
        && (lane == Lane::Idle || SteadyClock::now() - m_jobs.front().postedAt > starvationLimit);
}

void WorkerPool::run(Lane lane, const ServicesFactory &makeServices, std::promise<QString> started)
{
    const sched_param none {};
    const bool prioritySet = lane == Lane::Idle
        ? ::sched_setscheduler(0, SCHED_IDLE, &none) == 0
        : ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), rescueNiceness) == 0;
    if (!prioritySet)
        qCDebug(lcWorkers, "could not lower a worker thread's scheduling priority");
    std::unique_ptr<Services> services;
    try {
        services = makeServices();
    } catch (const std::exception &error) {
        started.set_value(QString::fromUtf8(error.what()));
        return;
    }
    started.set_value({});
    while (true) {
        Queued next;
        bool stopping = false;
        {
            std::unique_lock lock(m_mutex);
            while (!m_stopping && !mayTakeFront(lane)) {
                if (lane == Lane::Rescue && !m_jobs.empty())
                    m_wake.wait_until(lock, m_jobs.front().postedAt + starvationLimit);
                else
                    m_wake.wait(lock);
            }
            if (m_jobs.empty())
                return; // stopping, and nothing left
            next = std::move(m_jobs.front());
            m_jobs.pop_front();
            stopping = m_stopping;
        }
        next.job(stopping ? nullptr : services.get());
    }
}

} // namespace keydesk
