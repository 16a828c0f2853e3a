#include "HttpFrontend.h"

#include <QElapsedTimer>
#include <QHttpServerRequest>
#include <QLoggingCategory>
#include <QPointer>
#include <QQueue>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcHttp, "keydesk.http")

namespace keydesk::http {

namespace {

// Far above the 64 KiB body limit, which the router enforces exactly with a 413; past this the
// guard answers 413 itself and closes, so that a client cannot make Qt buffer without bound.
constexpr qint64 maxRequestBytes = 1024 * 1024;
// An idle keep-alive connection, a stalled TLS handshake or a request that never completes is
// closed after this long.
constexpr int idleTimeoutMs = 30'000;
// A request must be complete this long after its first byte, however slowly it trickles in
// (one byte every 20 s kept the idle timer from ever firing: a slowloris).
constexpr int requestDeadlineMs = 30'000;
// Requests a client may send ahead (pipelining) while an answer is pending; more is abuse.
constexpr qsizetype maxQueuedRequests = 16;

bool isKnownMethod(QByteArrayView token)
{
    static constexpr QByteArrayView known[] = {"GET",     "PUT",   "DELETE",  "POST", "HEAD",
                                               "OPTIONS", "PATCH", "CONNECT", "TRACE"};
    return std::find(std::begin(known), std::end(known), token) != std::end(known);
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
    // Short, nothing encoded and nothing key-like: as it is (the common case, e.g. /v1/verify).
    if (path.size() <= 64 && !path.contains(u'%') && !path.contains(u"kd"))
        return path.toUtf8();
    QStringList segments = path.left(200).split(u'/');
    for (QString &segment : segments) {
        const QString decoded = QUrl::fromPercentEncoding(segment.toUtf8());
        if (decoded.contains(u"kd_") || decoded.contains(u"kds_") || segment.size() > 64)
            segment = QStringLiteral("[redacted]");
    }
    return segments.join(u'/').toUtf8();
}

// "GET /v1/verify 200 0.3 ms". Put together from bytes and integers: the printf-style "%d %.1f"
// through Qt's formatter cost ~10 000 instructions per request (an eighth of a verify).
QByteArray requestLogLine(const Request &request, int status, qint64 elapsedNs)
{
    const qint64 tenthsOfMs = (elapsedNs + 50'000) / 100'000;
    QByteArray line;
    line.reserve(96);
    line += request.method;
    line += ' ';
    line += loggablePath(request.path);
    line += ' ';
    line += QByteArray::number(status);
    line += ' ';
    line += QByteArray::number(tenthsOfMs / 10);
    line += '.';
    line += char('0' + tenthsOfMs % 10);
    line += " ms";
    return line;
}

// RFC 9112 §6.3: a message whose body length cannot be told for sure must be answered 400 and
// its connection closed; otherwise what one reader takes for a body another takes for the next
// request (request smuggling). Qt HttpServer 6.4's parser takes the last of two Content-Lengths,
// reads an empty, negative or overflowing one as 0, and accepts Content-Length beside
// Transfer-Encoding and codings other than chunked. Checked on the header list it hands over.
QString framingProblem(const Request &request)
{
    const qsizetype lengths = request.headerCount("content-length");
    const qsizetype encodings = request.headerCount("transfer-encoding");
    if (lengths > 1)
        return QStringLiteral("Content-Length is sent more than once");
    if (lengths == 1) {
        const QByteArray length = request.header("content-length").trimmed();
        bool ok = false;
        if (length.isEmpty()
            || !std::all_of(length.begin(), length.end(),
                            [](char c) { return c >= '0' && c <= '9'; })
            || (length.toLongLong(&ok), !ok))
            return QStringLiteral("Content-Length is not a number of bytes");
    }
    if (encodings > 0 && lengths > 0)
        return QStringLiteral("Content-Length and Transfer-Encoding are both sent");
    if (encodings > 1
        || (encodings == 1
            && request.header("transfer-encoding").trimmed().compare("chunked", Qt::CaseInsensitive)
                != 0))
        return QStringLiteral("the only Transfer-Encoding understood is chunked alone");
    return {};
}

} // namespace

// One per connection, a child of its socket (so it goes when the socket goes). It sees every
// byte first (its readyRead slot is connected before Qt's) for the Qt HttpServer 6.4 traps of
// DESIGN §4: the parser drops a request whose method token it does not know ("FOO", lowercase
// "get") without answering and leaves the socket open for good, and it buffers a request body of
// any size. The guard answers those itself and closes. It also closes idle connections, and
// keeps the connection's requests in order while an answer is pending.
class ConnectionGuard final : public QObject
{
    // Q_OBJECT: findChild<ConnectionGuard *> needs the type's own meta-object.
    Q_OBJECT
public:
    ConnectionGuard(QTcpSocket *socket, HttpFrontend *frontend)
        : QObject(socket)
        , m_socket(socket)
        , m_frontend(frontend)
        , m_counters(frontend->m_counters)
    {
        m_counters->connections.fetch_add(1, std::memory_order_relaxed);
        m_idle.setSingleShot(true);
        m_idle.setInterval(idleTimeoutMs);
        m_requestDeadline.setSingleShot(true);
        m_requestDeadline.setInterval(requestDeadlineMs);
        connect(&m_requestDeadline, &QTimer::timeout, m_socket, &QTcpSocket::abort);
        connect(&m_idle, &QTimer::timeout, m_socket, &QTcpSocket::abort);
        connect(m_socket, &QTcpSocket::readyRead, this, &ConnectionGuard::inspect);
        connect(m_socket, &QTcpSocket::bytesWritten, this, [this] { m_idle.start(); });
        m_idle.start();
    }
    ~ConnectionGuard() override
    {
        m_counters->connections.fetch_sub(1, std::memory_order_relaxed);
        m_counters->pending.fetch_sub(int(m_queued.size()) + (m_busy ? 1 : 0),
                                      std::memory_order_relaxed);
    }

    static ConnectionGuard *of(QTcpSocket *socket)
    {
        return socket->findChild<ConnectionGuard *>(QString(), Qt::FindDirectChildrenOnly);
    }

    bool rejected() const { return m_rejected; }

    // Refuses this connection's current request with 400 and closes it (see framingProblem).
    void refuseFraming(const QString &problem)
    {
        reject(400, ErrorCode::validationFailed,
               QStringLiteral("The request's framing is ambiguous: %1.").arg(problem));
    }
    bool busy() const { return m_busy; }

    // A complete request from Qt's parser: started now, or queued behind the pending answer.
    void received(const Request &request)
    {
        m_atRequestStart = true;
        m_requestBytes = 0;
        m_requestDeadline.stop();
        if (m_busy && m_queued.size() >= maxQueuedRequests) {
            reject(429, ErrorCode::tooManyAttempts,
                   QStringLiteral("Too many requests sent ahead of their answers."));
            return;
        }
        m_counters->pending.fetch_add(1, std::memory_order_relaxed);
        if (m_busy)
            m_queued.enqueue(request);
        else
            begin(request);
    }

    // Writes `response` (for `request`), then starts the next queued request, if any.
    void answer(const Request &request, const Response &response, qint64 elapsedNs)
    {
        m_busy = false;
        m_counters->pending.fetch_sub(1, std::memory_order_relaxed);
        // Qt HttpServer 6.4 keeps the connection open whatever the client asked; honour "close".
        // Also close after a request that asked for a protocol upgrade (WebSocket, h2c): we
        // serve none, and Qt 6.4 closes such connections anyway (see missingHandler).
        const bool closing = m_counters->draining || request.headerCount("upgrade") > 0
            || request.header("connection").trimmed().compare("close", Qt::CaseInsensitive) == 0;
        m_socket->write(serialize(response, request.method == "HEAD", closing));
        if (lcHttp().isInfoEnabled())
            qCInfo(lcHttp, "%s", requestLogLine(request, response.status, elapsedNs).constData());
        if (closing) {
            dropQueued();
            m_socket->disconnectFromHost();
            return;
        }
        if (!m_queued.isEmpty())
            begin(m_queued.dequeue());
    }

    // Drain: an idle connection closes now, a busy one after its answer (answer() sees
    // draining).
    void drain()
    {
        if (!m_busy) {
            dropQueued();
            m_socket->disconnectFromHost();
        }
    }

private:
    void begin(const Request &request)
    {
        m_busy = true;
        m_frontend->start(this, request);
    }

    void dropQueued()
    {
        m_counters->pending.fetch_sub(int(m_queued.size()), std::memory_order_relaxed);
        m_queued.clear();
    }

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
            m_requestDeadline.start();
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
        if (!m_busy) // else the pending answer's bytes would be cut; just close
            m_socket->write(serialize(problemResponse(status, code, detail), false, true));
        dropQueued();
        m_socket->disconnectFromHost();
    }

    QTcpSocket *m_socket;
    HttpFrontend *m_frontend;
    std::shared_ptr<HttpFrontend::Counters> m_counters;
    QTimer m_idle;
    QTimer m_requestDeadline;
    qint64 m_requestBytes = 0;
    bool m_atRequestStart = true;
    bool m_rejected = false;
    bool m_busy = false;
    QQueue<Request> m_queued;
};

SharedPortListener::SharedPortListener(QObject *parent)
    : QTcpServer(parent)
{ }

namespace {

// A TCP socket bound to `address`:`port` (SO_REUSEADDR, and SO_REUSEPORT when `sharePort`), or -1
// with errno set.
int boundSocket(const QHostAddress &address, quint16 port, bool sharePort)
{
    const bool v6 = address.protocol() == QAbstractSocket::IPv6Protocol
        || address == QHostAddress(QHostAddress::Any);
    const int fd = ::socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    const int on = 1;
    const int off = 0;
    ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (sharePort)
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
    sockaddr_storage storage {};
    socklen_t length = 0;
    if (v6) {
        // QHostAddress::Any ("every address") is dual-stack, as with QTcpServer::listen; a
        // given IPv6 address, "::" included, is IPv6 only.
        const bool dualStack = address == QHostAddress(QHostAddress::Any);
        ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, dualStack ? &off : &on, sizeof on);
        auto *in6 = reinterpret_cast<sockaddr_in6 *>(&storage);
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons(port);
        const Q_IPV6ADDR bytes = dualStack ? Q_IPV6ADDR {} : address.toIPv6Address();
        std::memcpy(&in6->sin6_addr, bytes.c, sizeof bytes.c);
        in6->sin6_scope_id = address.scopeId().toUInt();
        length = sizeof(sockaddr_in6);
    } else {
        auto *in4 = reinterpret_cast<sockaddr_in *>(&storage);
        in4->sin_family = AF_INET;
        in4->sin_port = htons(port);
        in4->sin_addr.s_addr = htonl(address.toIPv4Address());
        length = sizeof(sockaddr_in);
    }
    if (::bind(fd, reinterpret_cast<sockaddr *>(&storage), length) != 0) {
        const int saved = errno;
        ::close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

} // namespace

bool SharedPortListener::portIsFree(const QHostAddress &address, quint16 port, QString *error)
{
    const int fd = boundSocket(address, port, false);
    if (fd < 0) {
        *error = errno == EADDRINUSE
            ? QStringLiteral("the address is in use (another keydesk-server, or another program, "
                             "listens there)")
            : QString::fromLocal8Bit(std::strerror(errno));
        return false;
    }
    ::close(fd);
    return true;
}

bool SharedPortListener::listenShared(const QHostAddress &address, quint16 port, QString *error)
{
    const int fd = boundSocket(address, port, true);
    if (fd < 0) {
        *error = QString::fromLocal8Bit(std::strerror(errno));
        return false;
    }
    if (::listen(fd, SOMAXCONN) != 0 || !setSocketDescriptor(fd)) {
        *error =
            errorString().isEmpty() ? QString::fromLocal8Bit(std::strerror(errno)) : errorString();
        ::close(fd);
        return false;
    }
    return true;
}

void SharedPortListener::incomingConnection(qintptr descriptor)
{
    // Past its share of the process's descriptors a thread closes new connections at once.
    // Should accept(2) itself run out of descriptors (EMFILE), Qt's listener would be woken
    // again and again for the same pending connection and spin a core (seen at ulimit -n 128).
    auto *frontend = qobject_cast<HttpFrontend *>(parent());
    if (m_maxConnections > 0 && frontend->connectionCount() >= m_maxConnections) {
        ::close(int(descriptor));
        return;
    }
    QTcpSocket *socket = nullptr;
    if (m_tls) {
        auto *tlsSocket = new QSslSocket(this);
        tlsSocket->setSslConfiguration(*m_tls);
        socket = tlsSocket;
    } else {
        socket = new QTcpSocket(this);
    }
    if (!socket->setSocketDescriptor(descriptor)) {
        ::close(int(descriptor));
        delete socket;
        return;
    }
    new ConnectionGuard(socket,
                        qobject_cast<HttpFrontend *>(parent())); // before Qt's readyRead slot
    if (auto *tlsSocket = qobject_cast<QSslSocket *>(socket))
        tlsSocket->startServerEncryption();
    addPendingConnection(socket);
}

HttpFrontend::HttpFrontend(Handler handler, QObject *parent)
    : QAbstractHttpServer(parent)
    , m_handler(std::move(handler))
{ }

quint16 HttpFrontend::listenShared(const QHostAddress &address, quint16 port,
                                   const std::optional<QSslConfiguration> &tls, int maxConnections,
                                   QString *error)
{
    auto *listener = new SharedPortListener(this);
    if (tls)
        listener->setTls(*tls);
    listener->setMaxConnections(maxConnections);
    if (!listener->listenShared(address, port, error)) {
        delete listener;
        return 0;
    }
    m_listener = listener;
    bind(m_listener);
    return m_listener->serverPort();
}

void HttpFrontend::drain()
{
    m_counters->draining = true;
    if (m_listener)
        m_listener->close();
    // Recursively: wherever Qt HttpServer parents the sockets, their guards are below us.
    for (ConnectionGuard *guard : findChildren<ConnectionGuard *>())
        guard->drain();
}

bool HttpFrontend::handleRequest(const QHttpServerRequest &request, QTcpSocket *socket)
{
    ConnectionGuard *guard = ConnectionGuard::of(socket);
    if (!guard || guard->rejected())
        return true;
    Request ours;
    ours.method = methodName(request.method());
    const QUrl url = request.url();
    ours.path = url.path(QUrl::FullyEncoded);
    ours.query = request.query();
    ours.headers = request.headers();
    ours.body = request.body();
    ours.peer = request.remoteAddress();
    if (const QString problem = framingProblem(ours); !problem.isEmpty()) {
        guard->refuseFraming(problem);
        return true;
    }
    guard->received(ours);
    return true;
}

void HttpFrontend::start(ConnectionGuard *guard, const Request &request)
{
    if (m_counters->draining) {
        guard->answer(request,
                      problemResponse(503, ErrorCode::internalError,
                                      QStringLiteral("The server is shutting down.")),
                      0);
        return;
    }
    QElapsedTimer timer;
    timer.start();
    // The guard may be gone (client left) by the time a worker answers: QPointer says so, and
    // then there is nobody to write to. This is what keeps the 6.4 responder crash impossible.
    m_handler(request,
              [guard = QPointer<ConnectionGuard>(guard), request, timer](const Response &response) {
                  if (guard)
                      guard->answer(request, response, timer.nsecsElapsed());
              });
}

void HttpFrontend::missingHandler(const QHttpServerRequest &, QTcpSocket *socket)
{
    // handleRequest answers every request. Qt 6.4 calls this as well for a WebSocket upgrade
    // request that no QWebSocketServer takes, after handleRequest has answered it: a 404 here
    // would be a second answer to one request. Closing is all that is left to do.
    socket->disconnectFromHost();
}

} // namespace keydesk::http

#include "HttpFrontend.moc"
