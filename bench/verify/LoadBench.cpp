// bench/verify: the two loads of bench/verify/run.sh that wrk cannot make.
//
//   bench_verify_load signins --port P --email E --password W [--rate 10] [--seconds 10]
//       Successful sign-ins (POST /v1/sessions) open-loop at a fixed rate: request i is sent at
//       i / rate seconds whether or not the earlier ones have been answered, each on a connection
//       of its own, so a slow server faces the same arrivals a fast one does. Latency counts from
//       the scheduled instant, so lateness of our own is not hidden.
//   bench_verify_load revocation --port-a A --port-b B --token T --org O [--keys 200]
//       Two instances on one database: creates the keys through A, then for each key verifies it
//       on B (so that B has it cached), revokes it through A, takes t0 when A's answer has
//       arrived, and polls verify on B until it stops answering 200 (DESIGN §3b: within 50 ms).
//
// Each prints one `key=value` line on standard output for run.sh to read. Only ever talks to
// 127.0.0.1 (the ports are the only address input), and stops by itself: every loop and every
// wait is bounded.

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QTcpSocket>
#include <QTimer>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <utility>

namespace {

// How long one answer may take before the run counts as broken: far above any figure we report.
constexpr int answerTimeoutMs = 10'000;
// Sign-ins still unanswered this long after the last one was sent count as failed.
constexpr int signInDrainMs = 30'000;
// Revocation: a key that B still accepts this long after t0 is recorded as timed out; after
// this many such keys the run stops (an instance that never invalidates would otherwise poll
// for minutes).
constexpr qint64 revocationCapNs = 1'000'000'000;
constexpr int revocationTimeoutsBeforeStop = 3;
constexpr int warmVerifies = 3;

using Headers = QList<std::pair<QByteArray, QByteArray>>;

[[noreturn]] void fail(const QString &message)
{
    std::fprintf(stderr, "bench_verify_load: %s\n", qPrintable(message));
    std::exit(2);
}

struct Response
{
    int status = 0;
    QByteArray body;
    bool closes = false; // the server said `Connection: close`
};

QByteArray formatRequest(const QByteArray &method, const QByteArray &path, quint16 port,
                         const Headers &headers, const QByteArray &body)
{
    QByteArray request =
        method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + QByteArray::number(port) + "\r\n";
    for (const auto &[name, value] : headers)
        request += name + ": " + value + "\r\n";
    if (!body.isEmpty() || method == "POST")
        request += "Content-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n";
    return request + "\r\n" + body;
}

// Takes one complete response off the front of `buffer` when it holds one. Only the status line,
// Content-Length and Connection are read: the server gives every body a length (a 204 has none),
// and a chunked answer is refused rather than misread.
std::optional<Response> takeResponse(QByteArray &buffer)
{
    const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
    if (headerEnd < 0)
        return std::nullopt;
    const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
    const QList<QByteArray> statusLine = lines.first().trimmed().split(' ');
    bool statusOk = false;
    Response response;
    if (statusLine.size() >= 2 && statusLine.first().startsWith("HTTP/1."))
        response.status = statusLine.at(1).toInt(&statusOk);
    if (!statusOk)
        fail(QStringLiteral("not an HTTP/1.x status line: %1")
                 .arg(QString::fromLatin1(lines.first().trimmed())));
    qsizetype length = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const qsizetype colon = lines.at(i).indexOf(':');
        if (colon < 0)
            continue;
        const QByteArray name = lines.at(i).left(colon).trimmed().toLower();
        const QByteArray value = lines.at(i).mid(colon + 1).trimmed();
        if (name == "content-length")
            length = value.toLongLong();
        else if (name == "transfer-encoding")
            fail(
                QStringLiteral("the server sent Transfer-Encoding: %1; only Content-Length is read")
                    .arg(QString::fromLatin1(value)));
        else if (name == "connection")
            response.closes = value.toLower() == "close";
    }
    const qsizetype total = headerEnd + 4 + length;
    if (buffer.size() < total)
        return std::nullopt;
    response.body = buffer.mid(headerEnd + 4, length);
    buffer.remove(0, total);
    return response;
}

// One keep-alive connection, one request at a time, blocking: for the revocation timing, where
// the next request depends on the last answer and nothing else happens meanwhile, this is the
// least overhead between an answer arriving and our clock reading it.
class BlockingConnection
{
public:
    explicit BlockingConnection(quint16 port)
        : m_port(port)
    { }

    Response send(const QByteArray &method, const QByteArray &path, const Headers &headers = {},
                  const QByteArray &body = {})
    {
        if (m_socket.state() != QAbstractSocket::ConnectedState) {
            m_buffer.clear();
            m_socket.connectToHost(QHostAddress(QHostAddress::LocalHost), m_port);
            if (!m_socket.waitForConnected(answerTimeoutMs))
                fail(QStringLiteral("cannot connect to 127.0.0.1:%1: %2")
                         .arg(m_port)
                         .arg(m_socket.errorString()));
            // Each request is one write, but no request should ever wait for an ACK either.
            m_socket.setSocketOption(QAbstractSocket::LowDelayOption, 1);
        }
        m_socket.write(formatRequest(method, path, m_port, headers, body));
        for (;;) {
            if (std::optional<Response> response = takeResponse(m_buffer)) {
                if (response->closes)
                    m_socket.abort();
                return *response;
            }
            if (!m_socket.waitForReadyRead(answerTimeoutMs))
                fail(QStringLiteral("no answer from 127.0.0.1:%1 to %2 %3: %4")
                         .arg(m_port)
                         .arg(QString::fromLatin1(method), QString::fromLatin1(path),
                              m_socket.errorString()));
            m_buffer += m_socket.readAll();
        }
    }

private:
    quint16 m_port;
    QTcpSocket m_socket;
    QByteArray m_buffer;
};

// Nearest-rank percentile (p in 0..100) of a sorted list.
double percentile(const QList<double> &sorted, double p)
{
    if (sorted.isEmpty())
        return 0;
    const auto rank = qsizetype(std::ceil(p / 100.0 * double(sorted.size())));
    return sorted.at(std::clamp<qsizetype>(rank - 1, 0, sorted.size() - 1));
}

double nsToMs(qint64 ns)
{
    return double(ns) / 1e6;
}

quint16 portOption(const QCommandLineParser &parser, const QString &name)
{
    bool ok = false;
    const uint port = parser.value(name).toUInt(&ok);
    if (!ok || port == 0 || port > 65535)
        fail(QStringLiteral("--%1 needs a port number").arg(name));
    return quint16(port);
}

int positiveOption(const QCommandLineParser &parser, const QString &name, int maximum)
{
    bool ok = false;
    const int value = parser.value(name).toInt(&ok);
    if (!ok || value < 1 || value > maximum)
        fail(QStringLiteral("--%1 needs a whole number from 1 to %2").arg(name).arg(maximum));
    return value;
}

int signIns(const QCommandLineParser &parser)
{
    const quint16 port = portOption(parser, QStringLiteral("port"));
    const int rate = positiveOption(parser, QStringLiteral("rate"), 1000);
    const int seconds = positiveOption(parser, QStringLiteral("seconds"), 3600);
    const QByteArray body =
        QJsonDocument(QJsonObject {
                          {QStringLiteral("email"), parser.value(QStringLiteral("email"))},
                          {QStringLiteral("password"), parser.value(QStringLiteral("password"))},
                      })
            .toJson(QJsonDocument::Compact);
    // A fresh connection per sign-in, closed after its answer: the load stays open-loop however
    // many are in flight (a shared pool would queue them on our side).
    const QByteArray request =
        formatRequest("POST", "/v1/sessions", port, {{"Connection", "close"}}, body);
    const int total = rate * seconds;
    const qint64 intervalNs = 1'000'000'000LL / rate;

    QEventLoop loop;
    QObject sockets; // parent of the connections in flight; deleting it aborts them
    QElapsedTimer clock;
    int sent = 0;
    int inFlight = 0;
    QList<double> latenciesMs;
    QMap<int, int> failures; // status (0: connection error or no answer) -> count
    qint64 maxLateNs = 0;

    auto quitWhenDone = [&] {
        if (sent == total && inFlight == 0)
            loop.quit();
    };
    std::function<void()> sendNext = [&] {
        const qint64 dueNs = sent * intervalNs;
        maxLateNs = std::max(maxLateNs, clock.nsecsElapsed() - dueNs);
        ++sent;
        ++inFlight;
        auto *socket = new QTcpSocket(&sockets);
        auto buffer = std::make_shared<QByteArray>();
        auto finish = [&, socket, dueNs](int status) {
            if (status == 201)
                latenciesMs.append(nsToMs(clock.nsecsElapsed() - dueNs));
            else
                ++failures[status];
            --inFlight;
            socket->disconnect(); // no error signal for the close that follows
            socket->abort();
            socket->deleteLater();
            quitWhenDone();
        };
        QObject::connect(socket, &QTcpSocket::connected, socket,
                         [socket, &request] { socket->write(request); });
        QObject::connect(socket, &QTcpSocket::readyRead, socket, [socket, buffer, finish] {
            *buffer += socket->readAll();
            if (std::optional<Response> response = takeResponse(*buffer))
                finish(response->status);
        });
        QObject::connect(socket, &QTcpSocket::errorOccurred, socket, [finish] { finish(0); });
        socket->connectToHost(QHostAddress(QHostAddress::LocalHost), port);
        if (sent < total) {
            // Timed from the start, not from this call, so that the rate does not drift; rounded
            // up, so that no request leaves before its instant (latency counts from it).
            const qint64 waitNs = sent * intervalNs - clock.nsecsElapsed();
            const qint64 waitMs = std::max<qint64>(0, (waitNs + 999'999) / 1'000'000);
            QTimer::singleShot(std::chrono::milliseconds(waitMs), Qt::PreciseTimer, &loop,
                               sendNext);
        } else {
            QTimer::singleShot(signInDrainMs, &loop, [&] {
                failures[0] += inFlight;
                inFlight = 0;
                loop.quit();
            });
        }
    };

    clock.start();
    QTimer::singleShot(0, &loop, sendNext);
    loop.exec();

    std::sort(latenciesMs.begin(), latenciesMs.end());
    QStringList failed;
    for (auto it = failures.cbegin(); it != failures.cend(); ++it)
        failed.append(QStringLiteral("%1:%2")
                          .arg(it.key() == 0 ? QStringLiteral("error") : QString::number(it.key()))
                          .arg(it.value()));
    std::printf("signins rate=%d sent=%d completed=%lld failed=%lld failures=%s p50_ms=%.2f "
                "p99_ms=%.2f max_ms=%.2f max_send_late_ms=%.2f\n",
                rate, sent, qlonglong(latenciesMs.size()), qlonglong(sent - latenciesMs.size()),
                failed.isEmpty() ? "none" : qPrintable(failed.join(u',')),
                percentile(latenciesMs, 50), percentile(latenciesMs, 99),
                latenciesMs.isEmpty() ? 0.0 : latenciesMs.last(), nsToMs(maxLateNs));
    return 0;
}

int revocation(const QCommandLineParser &parser)
{
    const quint16 portA = portOption(parser, QStringLiteral("port-a"));
    const quint16 portB = portOption(parser, QStringLiteral("port-b"));
    const int keyCount = positiveOption(parser, QStringLiteral("keys"), 10'000);
    const QByteArray organization = parser.value(QStringLiteral("org")).toLatin1();
    const Headers admin = {
        {"Authorization", "Bearer " + parser.value(QStringLiteral("token")).toLatin1()}};
    const QByteArray keysPath = "/v1/organizations/" + organization + "/api-keys";
    BlockingConnection a(portA);
    BlockingConnection b(portB);

    struct Key
    {
        QByteArray id;
        QByteArray secret;
    };
    QList<Key> keys;
    for (int i = 0; i < keyCount; ++i) {
        const Response created = a.send("POST", keysPath, admin, R"({"expiration":"never"})");
        const QJsonObject object = QJsonDocument::fromJson(created.body).object();
        if (created.status != 201)
            fail(QStringLiteral("creating a key through A answered %1: %2")
                     .arg(created.status)
                     .arg(QString::fromUtf8(created.body)));
        keys.append({object.value(QStringLiteral("api_key"))
                         .toObject()
                         .value(QStringLiteral("id"))
                         .toString()
                         .toLatin1(),
                     object.value(QStringLiteral("secret")).toString().toLatin1()});
    }

    QList<double> delaysMs;
    int refusedAtFirstPoll = 0;
    int timeouts = 0;
    qint64 polls = 0;
    QElapsedTimer clock;
    clock.start();
    for (const Key &key : std::as_const(keys)) {
        const Headers verify = {{"x-api-key", key.secret}, {"x-organization-id", organization}};
        for (int i = 0; i < warmVerifies; ++i) {
            const int status = b.send("GET", "/v1/verify", verify).status;
            if (status != 200)
                fail(QStringLiteral("B refused a fresh key before its revocation (status %1)")
                         .arg(status));
        }
        const Response revoked = a.send("DELETE", keysPath + '/' + key.id, admin);
        const qint64 t0 = clock.nsecsElapsed();
        if (revoked.status != 200)
            fail(QStringLiteral("revoking through A answered %1: %2")
                     .arg(revoked.status)
                     .arg(QString::fromUtf8(revoked.body)));
        bool first = true;
        for (;;) {
            const int status = b.send("GET", "/v1/verify", verify).status;
            const qint64 answeredAt = clock.nsecsElapsed();
            ++polls;
            if (status != 200) {
                if (first)
                    ++refusedAtFirstPoll;
                delaysMs.append(first ? 0.0 : nsToMs(answeredAt - t0));
                break;
            }
            first = false;
            if (answeredAt - t0 > revocationCapNs) {
                ++timeouts;
                delaysMs.append(nsToMs(answeredAt - t0));
                break;
            }
        }
        if (timeouts >= revocationTimeoutsBeforeStop)
            break;
    }

    std::sort(delaysMs.begin(), delaysMs.end());
    std::printf("revocation keys=%d measured=%lld refused_at_first_poll=%d timeouts=%d polls=%lld "
                "p50_ms=%.2f p99_ms=%.2f max_ms=%.2f\n",
                keyCount, qlonglong(delaysMs.size()), refusedAtFirstPoll, timeouts, polls,
                percentile(delaysMs, 50), percentile(delaysMs, 99),
                delaysMs.isEmpty() ? 0.0 : delaysMs.last());
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("bench/verify's sign-in load and revocation timing (127.0.0.1 only)."));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("command"),
                                 QStringLiteral("signins or revocation"));
    parser.addOptions({
        {QStringLiteral("port"), QStringLiteral("signins: the server's port."),
         QStringLiteral("port")},
        {QStringLiteral("email"), QStringLiteral("signins: the account's email."),
         QStringLiteral("email")},
        {QStringLiteral("password"), QStringLiteral("signins: its password."),
         QStringLiteral("password")},
        {QStringLiteral("rate"), QStringLiteral("signins: sign-ins per second."),
         QStringLiteral("n"), QStringLiteral("10")},
        {QStringLiteral("seconds"), QStringLiteral("signins: for how long."), QStringLiteral("n"),
         QStringLiteral("10")},
        {QStringLiteral("port-a"), QStringLiteral("revocation: the instance that revokes."),
         QStringLiteral("port")},
        {QStringLiteral("port-b"), QStringLiteral("revocation: the instance that verifies."),
         QStringLiteral("port")},
        {QStringLiteral("token"), QStringLiteral("revocation: an admin session token."),
         QStringLiteral("token")},
        {QStringLiteral("org"), QStringLiteral("revocation: the organization ID."),
         QStringLiteral("id")},
        {QStringLiteral("keys"), QStringLiteral("revocation: how many keys to revoke."),
         QStringLiteral("n"), QStringLiteral("200")},
    });
    parser.process(app);
    const QStringList positional = parser.positionalArguments();
    const QString command = positional.value(0);
    if (positional.size() == 1 && command == QStringLiteral("signins"))
        return signIns(parser);
    if (positional.size() == 1 && command == QStringLiteral("revocation"))
        return revocation(parser);
    std::fprintf(stderr, "%s", qPrintable(parser.helpText()));
    return 1;
}
