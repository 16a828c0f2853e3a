#pragma once

#include "Router.h"

#include <QAbstractHttpServer>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QSslConfiguration>
#include <QTcpServer>

#include <optional>

namespace keydesk::http {

// Accepts connections, wraps them in TLS when configured, and guards them against the ways
// Qt HttpServer 6.4 can leave a connection hanging (see ConnectionGuard in the .cpp).
class GuardedTcpServer final : public QTcpServer
{
    Q_OBJECT
public:
    explicit GuardedTcpServer(QObject *parent = nullptr);
    void setTls(const QSslConfiguration &configuration) { m_tls = configuration; }

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    std::optional<QSslConfiguration> m_tls;
};

// The HTTP front: turns Qt's requests into our Request, lets the Router answer, writes the
// Response synchronously (DESIGN §4: never hold a responder in 6.4) and logs one line per request.
class HttpFrontend final : public QAbstractHttpServer
{
    Q_OBJECT
public:
    explicit HttpFrontend(const Router &router, QObject *parent = nullptr);

    void setTls(const QSslConfiguration &configuration) { m_tls = configuration; }
    // 0 and a message in `error` when the address cannot be bound.
    quint16 listenOn(const QHostAddress &address, quint16 port, QString *error);

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override;
    void missingHandler(const QHttpServerRequest &request, QTcpSocket *socket) override;

private:
    const Router &m_router;
    std::optional<QSslConfiguration> m_tls;
};

} // namespace keydesk::http
