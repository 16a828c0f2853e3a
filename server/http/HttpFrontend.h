#pragma once

#include "Http.h"

#include <QAbstractHttpServer>
#include <QSslConfiguration>
#include <QTcpServer>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>

namespace keydesk::http {

// One serving thread's listening socket. Every serving thread listens on the same address and
// port with SO_REUSEPORT (socket(7)), and the kernel spreads new connections across them, so a
// connection is read and answered on the thread that accepted it. (Qt 6.4 trap: handing an
// accepted socket to another thread's QAbstractHttpServer needs a QTcpServer there that does not
// listen, and Qt then warns "called while not listening" on every connection.)
// Wraps connections in TLS when configured.
class SharedPortListener final : public QTcpServer
{
    Q_OBJECT
public:
    explicit SharedPortListener(QObject *parent = nullptr);
    void setTls(const QSslConfiguration &configuration) { m_tls = configuration; }
    // New connections beyond this many open ones are closed at once (0: no limit).
    void setMaxConnections(int connections) { m_maxConnections = connections; }
    // Listens on `address`:`port` beside the other threads' listeners (port 0: a free port,
    // for the first one). False with the reason in `error`.
    bool listenShared(const QHostAddress &address, quint16 port, QString *error);
    // Whether `port` is free, tried with a plain bind (no SO_REUSEPORT), so that a second
    // keydesk-server on an occupied port fails instead of silently sharing it: with SO_REUSEPORT
    // alone the kernel lets any process of the same user join and splits the connections.
    static bool portIsFree(const QHostAddress &address, quint16 port, QString *error);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    std::optional<QSslConfiguration> m_tls;
    int m_maxConnections = 0;
};

// The HTTP front of one serving thread: Qt HttpServer parses each request, we turn it into our
// Request and hand it to `handler` with a Reply. The reply may come at once or later (a worker
// finished), but always on this thread. Answers are written by us (http::serialize), never
// through a held QHttpServerResponder: in Qt 6.4 one written after its client left crashes
// (DESIGN §4); ours checks that the connection is still there. A connection's answers keep the
// order of its requests: a request that arrives while the previous answer is pending waits.
// Logs one line per request.
class HttpFrontend final : public QAbstractHttpServer
{
    Q_OBJECT
public:
    // Call at most once, on this thread. Writes the answer if the client is still connected.
    using Reply = std::function<void(const Response &)>;
    using Handler = std::function<void(const Request &, Reply)>;

    explicit HttpFrontend(Handler handler, QObject *parent = nullptr);

    // Starts listening (see SharedPortListener); the bound port, or 0 and a message in `error`.
    quint16 listenShared(const QHostAddress &address, quint16 port,
                         const std::optional<QSslConfiguration> &tls, int maxConnections,
                         QString *error);
    // Open connections (any thread may ask).
    int connectionCount() const { return m_counters->connections.load(std::memory_order_relaxed); }
    // Requests read but not yet answered (any thread may ask).
    int pendingCount() const { return m_counters->pending.load(std::memory_order_relaxed); }
    // Graceful stop (SIGTERM): stops listening; idle connections close now, busy ones after
    // their answer; no new request is started.
    void drain();

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    friend class ConnectionGuard;
    void start(class ConnectionGuard *guard, const Request &request);

    // Shared with the connections' guards: Qt deletes them (as children) after this object's
    // own members are gone.
    struct Counters
    {
        std::atomic<int> connections {0};
        std::atomic<int> pending {0};
        bool draining = false; // this thread only
    };

    Handler m_handler;
    SharedPortListener *m_listener = nullptr;
    std::shared_ptr<Counters> m_counters = std::make_shared<Counters>();
};

} // namespace keydesk::http
