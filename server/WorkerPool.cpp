#include "WorkerPool.h"

#include "service/Services.h"

#include <QLoggingCategory>

#include <sys/resource.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcWorkers, "keydesk.workers")

namespace keydesk {

namespace {
// Linux schedules threads by their own nice value: +10 weighs about a tenth of a serving thread
// when both want the CPU (CFS weights, sched(7)).
constexpr int workerNiceness = 19;
} // namespace

WorkerPool::WorkerPool(int threads, const ServicesFactory &makeServices)
{
    QString failure;
    for (int i = 0; i < threads; ++i) {
        std::promise<QString> started;
        std::future<QString> result = started.get_future();
        m_threads.emplace_back(&WorkerPool::run, this, makeServices, std::move(started));
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
        m_jobs.push_back(std::move(job));
    }
    m_wake.notify_one();
}

void WorkerPool::run(const ServicesFactory &makeServices, std::promise<QString> started)
{
    if (::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), workerNiceness) != 0)
        qCDebug(lcWorkers, "could not lower a worker thread's priority");
    std::unique_ptr<Services> services;
    try {
        services = makeServices();
    } catch (const std::exception &error) {
        started.set_value(QString::fromUtf8(error.what()));
        return;
    }
    started.set_value({});
    while (true) {
        Job job;
        bool stopping = false;
        {
            std::unique_lock lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_jobs.empty(); });
            if (m_jobs.empty())
                return; // stopping, and nothing left
            job = std::move(m_jobs.front());
            m_jobs.pop_front();
            stopping = m_stopping;
        }
        job(stopping ? nullptr : services.get());
    }
}

} // namespace keydesk
