#include "HttpFrontend.h"

#include <QHttpServerRequest>
#include <QHttpServerResponder>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

Q_LOGGING_CATEGORY(lcHttp, "keydesk.http")

namespace keydesk::http {

namespace {

// Far above the 64 KiB body limit, which the handlers enforce exactly with a 413; past this the
// guard answers 413 itself and closes, so that a client cannot make Qt buffer without bound.
constexpr qint64 maxRequestBytes = 1024 * 1024;
// An idle keep-alive connection, a stalled TLS handshake or a request that never completes is
// closed after this long.
constexpr int idleTimeoutMs = 30'000;

bool isKnownMethod(QByteArrayView token)
{
    static constexpr QByteArrayView known[] = {"GET",     "PUT",   "DELETE",  "POST", "HEAD",
                                               "OPTIONS", "PATCH", "CONNECT", "TRACE"};
    return std::find(std::begin(known), std::end(known), token) != std::end(known);
}

QByteArray rawProblem(int status, const char *code, const QString &detail)
{
    const Problem problem {status, QString::fromLatin1(code), {}, detail, {}};
    const QByteArray body = QJsonDocument(problem.toJson()).toJson(QJsonDocument::Compact);
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status).toLatin1()
        + "\r\nContent-Type: application/problem+json\r\nContent-Length: "
        + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

// Qt HttpServer 6.4 trap (DESIGN §4): its parser drops a request whose method token it does not
// know ("FOO", lowercase "get") without answering and leaves the socket open for good; and it
// buffers a request body of any size. This guard sees every byte first (its readyRead slot is
// connected before Qt's) and answers those cases itself, then closes the connection. It also
// closes connections that stay idle.
class ConnectionGuard final : public QObject
{
    // Q_OBJECT: findChild<ConnectionGuard *> needs the type's own meta-object.
    Q_OBJECT
public:
    explicit ConnectionGuard(QTcpSocket *socket)
        : QObject(socket)
        , m_socket(socket)
    {
        m_idle.setSingleShot(true);
        m_idle.setInterval(idleTimeoutMs);
        connect(&m_idle, &QTimer::timeout, m_socket, &QTcpSocket::abort);
        connect(m_socket, &QTcpSocket::readyRead, this, &ConnectionGuard::inspect);
        connect(m_socket, &QTcpSocket::bytesWritten, this, [this] { m_idle.start(); });
        m_idle.start();
    }

    void responseWritten()
    {
        m_atRequestStart = true;
        m_requestBytes = 0;
    }
    bool rejected() const { return m_rejected; }

private:
    void inspect()
    {
        m_idle.start();
        if (m_rejected) {
            m_socket->readAll(); // drain: nothing more of this connection is parsed
            return;
        }
        m_requestBytes += m_socket->bytesAvailable();
        if (m_atRequestStart) {
            const QByteArray head = m_socket->peek(16);
            const qsizetype space = head.indexOf(' ');
            if (space < 0 && head.size() < 16)
                return; // the method token is not complete yet
            if (space < 0 || !isKnownMethod(QByteArrayView(head).first(space))) {
                reject(501, ErrorCode::notImplemented,
                       QStringLiteral("The request method is not supported."));
                return;
            }
            m_atRequestStart = false;
        }
        if (m_requestBytes > maxRequestBytes) {
            reject(413, ErrorCode::payloadTooLarge,
                   QStringLiteral("The request body must not exceed 65536 bytes."));
        }
    }

    void reject(int status, const char *code, const QString &detail)
    {
        m_rejected = true;
        qCInfo(lcHttp, "- - %d (connection closed by guard)", status);
        m_socket->readAll();
        m_socket->write(rawProblem(status, code, detail));
        m_socket->disconnectFromHost();
    }

    QTcpSocket *m_socket;
    QTimer m_idle;
    qint64 m_requestBytes = 0;
    bool m_atRequestStart = true;
    bool m_rejected = false;
};

ConnectionGuard *guardOf(QTcpSocket *socket)
{
    return socket->findChild<ConnectionGuard *>(QString(), Qt::FindDirectChildrenOnly);
}

QByteArray methodName(QHttpServerRequest::Method method)
{
    switch (method) {
    case QHttpServerRequest::Method::Get:
        return "GET";
    case QHttpServerRequest::Method::Put:
        return "PUT";
    case QHttpServerRequest::Method::Delete:
        return "DELETE";
    case QHttpServerRequest::Method::Post:
        return "POST";
    case QHttpServerRequest::Method::Head:
        return "HEAD";
    case QHttpServerRequest::Method::Options:
        return "OPTIONS";
    case QHttpServerRequest::Method::Patch:
        return "PATCH";
    case QHttpServerRequest::Method::Connect:
        return "CONNECT";
    case QHttpServerRequest::Method::Trace:
        return "TRACE";
    default:
        return "UNKNOWN";
    }
}

// The path as it goes to the log: bounded, and without anything shaped like a key or a session
// token, in case a client put one where it does not belong. A key or token anywhere in a
// segment, percent-encoded or not ("key=kd_…", "Bearer%20kds_…"), redacts the whole segment:
// checking only the segment's start let those forms reach the log whole (tst_security).
QByteArray loggablePath(const QString &path)
{
    QStringList segments = path.left(200).split(u'/');
    for (QString &segment : segments) {
        const QString decoded = QUrl::fromPercentEncoding(segment.toUtf8());
        if (decoded.contains(u"kd_") || decoded.contains(u"kds_") || segment.size() > 64)
            segment = QStringLiteral("[redacted]");
    }
    return segments.join(u'/').toUtf8();
}

} // namespace

GuardedTcpServer::GuardedTcpServer(QObject *parent)
    : QTcpServer(parent)
{ }

void GuardedTcpServer::incomingConnection(qintptr descriptor)
{
    QTcpSocket *socket = nullptr;
    if (m_tls) {
        auto *tlsSocket = new QSslSocket(this);
        tlsSocket->setSslConfiguration(*m_tls);
        socket = tlsSocket;
    } else {
        socket = new QTcpSocket(this);
    }
    if (!socket->setSocketDescriptor(descriptor)) {
        delete socket;
        return;
    }
    new ConnectionGuard(socket); // before Qt connects its own readyRead slot
    if (auto *tlsSocket = qobject_cast<QSslSocket *>(socket))
        tlsSocket->startServerEncryption();
    addPendingConnection(socket);
}

HttpFrontend::HttpFrontend(const Router &router, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_router(router)
{ }

quint16 HttpFrontend::listenOn(const QHostAddress &address, quint16 port, QString *error)
{
    auto *server = new GuardedTcpServer(this);
    if (m_tls)
        server->setTls(*m_tls);
    if (!server->listen(address, port)) {
        *error = server->errorString();
        delete server;
        return 0;
    }
    bind(server);
    return server->serverPort();
}

bool HttpFrontend::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    QElapsedTimer timer;
    timer.start();
    ConnectionGuard *guard = guardOf(socket);
    if (guard && guard->rejected())
        return true;

    Request ours;
    ours.method = methodName(request.method());
    const QUrl url = request.url();
    ours.path = url.path(QUrl::FullyEncoded);
    ours.query = request.query();
    ours.headers = request.headers();
    ours.body = request.body();
    ours.peer = request.remoteAddress();

    const Response response = m_router.dispatch(ours);

    const auto status = static_cast<QHttpServerResponder::StatusCode>(response.status);
    // A HEAD answer must not carry a body: a keep-alive client would read it as the next answer.
    const bool bodyless =
        (response.body.isEmpty() && response.contentType.isEmpty()) || ours.method == "HEAD";
    QHttpServerResponse answer = bodyless
        ? QHttpServerResponse(status)
        : QHttpServerResponse(response.contentType, response.body, status);
    // Answers may carry secrets (a new key, a session token): no cache may keep them.
    answer.addHeader("Cache-Control", "no-store");
    answer.addHeader("X-Content-Type-Options", "nosniff");
    for (const Header &header : response.headers)
        answer.addHeader(header.first, header.second);
    answer.write(makeResponder(request, socket));
    if (guard)
        guard->responseWritten();
    // Qt HttpServer 6.4 keeps the connection open whatever the client asked; honour "close".
    if (ours.header("connection").trimmed().compare("close", Qt::CaseInsensitive) == 0)
        socket->disconnectFromHost();

    qCInfo(lcHttp, "%s %s %d %.1f ms", ours.method.constData(), loggablePath(ours.path).constData(),
           response.status, double(timer.nsecsElapsed()) / 1e6);
    return true;
}

void HttpFrontend::missingHandler(const QHttpServerRequest &request, QTcpSocket *socket)
{
    // handleRequest answers everything; this exists because the base class requires it.
    makeResponder(request, socket).write(QHttpServerResponder::StatusCode::NotFound);
}

} // namespace keydesk::http

#include "HttpFrontend.moc"
