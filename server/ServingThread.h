#pragma once

#include "http/HttpFrontend.h"

#include <QSslConfiguration>
#include <QThread>

#include <memory>
#include <optional>

namespace keydesk {

class KeyCache;
class Services;
class UsageRecorder;
class WorkerPool;
struct ServerConfig;
namespace http {
class Router;
}

// One serving thread (DESIGN §4): an event loop with its own database connection (Services) and
// HTTP front. Serving-lane routes run here; worker-lane routes go to the WorkerPool and their
// answers come back here. The WorkerPool must be stopped before this thread, so that no
// worker's answer can arrive for a front that is gone.
class ServingThread final
{
public:
    // Starts the thread and builds its parts on it; throws StoreError when its database
    // connection cannot be opened.
    ServingThread(int index, const ServerConfig &config, KeyCache &keyCache, UsageRecorder &usage,
                  const http::Router &router, WorkerPool &workers,
                  std::optional<QSslConfiguration> tls);
    ~ServingThread();
    ServingThread(const ServingThread &) = delete;
    ServingThread &operator=(const ServingThread &) = delete;

    // Any thread: starts listening on the shared port (SharedPortListener), taking at most
    // `maxConnections` at once. The bound port, or 0 and a message in `error`.
    quint16 listen(const QHostAddress &address, quint16 port, int maxConnections, QString *error);
    // Any thread: open connections, requests read but not answered.
    int connectionCount() const;
    int pendingCount() const;
    // Any thread: graceful stop (see HttpFrontend::drain).
    void drain();

private:
    QThread m_thread;
    QObject *m_home = nullptr; // lives on m_thread; parent of the front
    std::unique_ptr<Services> m_services; // made and destroyed on m_thread
    http::HttpFrontend *m_frontend = nullptr;
    std::optional<QSslConfiguration> m_tls;
};

} // namespace keydesk
