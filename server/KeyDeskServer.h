#pragma once

#include "ServerConfig.h"
#include "http/Router.h"
#include "service/KeyCache.h"
#include "service/UsageRecorder.h"

#include <QObject>
#include <QTimer>

#include <functional>
#include <memory>
#include <vector>

namespace keydesk {

class ChangeListener;
class Services;
class ServingThread;
class WorkerPool;

// One keydesk-server process (DESIGN §4): used by the executable and, the same way, by the
// tests (which start it on port 0 with a temporary database).
//
// Threads: serving threads (config.servingThreads) each accept connections on the shared port,
// read requests and answer them with their own database connection; a WorkerPool runs the slow
// routes. This object's thread writes the batched last_used_at every second and listens for
// other instances' changes (PostgreSQL).
class KeyDeskServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(KeyDeskServer)
public:
    // Opens the database and migrates it. Throws StoreError when that fails, or when the
    // database's schema is newer than this binary's.
    explicit KeyDeskServer(const ServerConfig &config, QObject *parent = nullptr);
    ~KeyDeskServer() override;

    // Starts the threads and accepting; returns the bound port, or 0 with a message in `error`.
    quint16 listen(QString *error);
    // Graceful stop (DESIGN §4): stops accepting, lets in-flight requests finish (at most
    // config.shutdownGraceMs), writes pending last_used_at, stops the threads. Blocks; call it
    // on this object's thread. Also done by the destructor.
    void shutdown();

    const ServerConfig &config() const { return m_config; }
    const http::Router &router() const { return m_router; }
    // This thread's services and database connection (admin work, tests).
    Services &services() { return *m_services; }
    Store &store();
    // Answers `request` on this thread with its services, whatever the route's lane (fuzzing,
    // benchmarks of the handlers without sockets).
    http::Response dispatch(const http::Request &request);
    KeyCache &keyCache() { return m_keyCache; }
    // Writes the batched last_used_at now.
    void flushUsage();
    int servingThreadCount() const { return int(m_servingThreads.size()); }

private:
    void lockSqliteDatabase();

    ServerConfig m_config;
    KeyCache m_keyCache;
    UsageRecorder m_usage;
    std::unique_ptr<Services> m_services;
    http::Router m_router;
    std::unique_ptr<WorkerPool> m_workers;
    std::vector<std::unique_ptr<ServingThread>> m_servingThreads;
    ChangeListener *m_changes = nullptr;
    QTimer m_usageTimer;
    bool m_stopped = false;
    int m_sqliteServeLock = -1; // see lockSqliteDatabase()
};

} // namespace keydesk
