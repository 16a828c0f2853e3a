#include "ServingThread.h"

#include "WorkerPool.h"
#include "http/Router.h"
#include "service/Services.h"

#include <QPointer>

namespace keydesk {

ServingThread::ServingThread(int index, const ServerConfig &config, KeyCache &keyCache,
                             UsageRecorder &usage, const http::Router &router, WorkerPool &workers,
                             std::optional<QSslConfiguration> tls)
    : m_tls(std::move(tls))
{
    m_thread.setObjectName(QStringLiteral("keydesk-serve-%1").arg(index));
    m_thread.start();
    m_home = new QObject;
    m_home->moveToThread(&m_thread);
    QString failure;
    QMetaObject::invokeMethod(
        m_home,
        [&] {
            try {
                m_services = std::make_unique<Services>(config, keyCache, usage);
            } catch (const std::exception &error) {
                failure = QString::fromUtf8(error.what());
                return;
            }
            Services *services = m_services.get();
            const auto handle = [services, &router, &workers, home = m_home](
                                    const http::Request &request, http::HttpFrontend::Reply reply) {
                http::Router::Match match = router.match(request);
                if (!match.route || match.route->lane == http::Lane::Serving) {
                    reply(router.run(match, *services, request));
                    return;
                }
                // The worker answers through this thread's event loop: the front, and the
                // connection it answers, belong to this thread. `home` outlives every job
                // (KeyDeskServer stops the workers first).
                workers.post([&router, match = std::move(match), request, reply = std::move(reply),
                              home](Services *workerServices) {
                    http::Response response = workerServices
                        ? router.run(match, *workerServices, request)
                        : http::problemResponse(503, ErrorCode::internalError,
                                                QStringLiteral("The server is shutting down."));
                    QMetaObject::invokeMethod(
                        home, [reply, response = std::move(response)] { reply(response); });
                });
            };
            m_frontend = new http::HttpFrontend(handle, m_home);
        },
        Qt::BlockingQueuedConnection);
    if (!failure.isEmpty()) {
        m_thread.quit();
        m_thread.wait();
        delete m_home; // its thread has stopped: nothing else can touch it
        throw StoreError(failure.toStdString());
    }
}

ServingThread::~ServingThread()
{
    QMetaObject::invokeMethod(
        m_home,
        [this] {
            delete m_home; // the front and its connections
            m_services.reset();
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

quint16 ServingThread::listen(const QHostAddress &address, quint16 port, int maxConnections,
                              QString *error)
{
    quint16 bound = 0;
    QMetaObject::invokeMethod(
        m_frontend,
        [&] { bound = m_frontend->listenShared(address, port, m_tls, maxConnections, error); },
        Qt::BlockingQueuedConnection);
    return bound;
}

int ServingThread::connectionCount() const
{
    return m_frontend->connectionCount();
}

int ServingThread::pendingCount() const
{
    return m_frontend->pendingCount();
}

void ServingThread::drain()
{
    QMetaObject::invokeMethod(m_frontend, [frontend = m_frontend] { frontend->drain(); });
}

} // namespace keydesk
