#include "TestServer.h"

#include "KeyDeskServer.h"
#include "service/Services.h"

#include <QAtomicInteger>
#include <QCoreApplication>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTcpSocket>
#include <QTimer>

#include <stdexcept>

namespace keydesk::test {

namespace {

QMutex logMutex;
QStringList logLines;
QtMessageHandler previousHandler = nullptr;

void captureMessage(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    {
        QMutexLocker lock(&logMutex);
        logLines.append(message);
    }
    if (previousHandler)
        previousHandler(type, context, message);
}

void installLogCapture()
{
    static const bool installed = [] {
        previousHandler = qInstallMessageHandler(captureMessage);
        return true;
    }();
    Q_UNUSED(installed);
}

QAtomicInteger<int> emailCounter;
QAtomicInteger<int> adminConnectionCounter;

QUrl adminUrl()
{
    const QByteArray text = qgetenv("KEYDESK_TEST_POSTGRES");
    if (text.isEmpty()) {
        qFatal("KEYDESK_TEST_DATABASE=postgresql, but KEYDESK_TEST_POSTGRES is not set. Run the "
               "tests through scripts/test.sh (it starts a throwaway cluster), or start one with "
               "eval \"$(scripts/postgres.sh start)\" and export its admin URL.");
    }
    const QUrl url(QString::fromUtf8(text));
    if (!url.isValid() || url.host().isEmpty() || !url.scheme().startsWith(u"postgres"))
        qFatal("KEYDESK_TEST_POSTGRES is not a postgresql://user:password@host:port/database URL");
    return url;
}

} // namespace

bool TestDatabase::requested()
{
    const QByteArray wanted = qgetenv("KEYDESK_TEST_DATABASE");
    if (wanted.isEmpty() || wanted == "sqlite")
        return false;
    if (wanted != "postgresql")
        qFatal("KEYDESK_TEST_DATABASE is '%s': expected postgresql or sqlite", wanted.constData());
    return true;
}

bool TestDatabase::adminExec(const QString &sql, QString *error)
{
    const QUrl url = adminUrl();
    // A connection per statement: the tests call this from whichever thread they are on, and a
    // Qt SQL connection belongs to the thread that opened it.
    const QString connection =
        QStringLiteral("keydesk-test-admin-%1").arg(adminConnectionCounter.fetchAndAddRelaxed(1));
    bool ok = false;
    QString message;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
        db.setHostName(url.host());
        db.setPort(url.port(5432));
        db.setUserName(url.userName());
        db.setPassword(url.password());
        db.setDatabaseName(url.path().mid(1));
        db.setConnectOptions(QStringLiteral("connect_timeout=10"));
        if (!db.open()) {
            message = db.lastError().text();
        } else {
            QSqlQuery query(db);
            ok = query.exec(sql);
            if (!ok)
                message = query.lastError().text();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(connection);
    if (!ok)
        qWarning("test cluster: '%s' failed: %s", qUtf8Printable(sql), qUtf8Printable(message));
    if (error)
        *error = message;
    return ok;
}

TestDatabase::TestDatabase()
{
    QUrl url = adminUrl();
    static constexpr char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    m_name = QStringLiteral("kd_test_");
    for (int i = 0; i < 12; ++i)
        m_name +=
            QLatin1Char(alphabet[QRandomGenerator::system()->bounded(int(sizeof alphabet) - 1)]);
    QString error;
    if (!adminExec(QStringLiteral("CREATE DATABASE %1").arg(m_name), &error))
        qFatal("cannot create the test database %s: %s", qUtf8Printable(m_name),
               qUtf8Printable(error));
    url.setPath(QStringLiteral("/") + m_name);
    m_url = url.toString();
}

TestDatabase::~TestDatabase()
{
    // FORCE: a server that shared the database (or a test that failed half-way) may still hold
    // a connection to it.
    adminExec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_name));
}

TestServer::TestServer()
    : TestServer(Options {})
{ }

TestServer::TestServer(const Options &options)
    : m_clock(QDateTime(QDate(2026, 1, 31), QTime(12, 0), Qt::UTC))
{
    installLogCapture();
    if (!options.databaseUrl.isEmpty()) {
        m_databaseUrl = options.databaseUrl;
    } else if (TestDatabase::requested()) {
        m_database = std::make_unique<TestDatabase>();
        m_databaseUrl = m_database->url();
    } else {
        m_databaseUrl =
            QStringLiteral("sqlite:") + m_directory.filePath(QStringLiteral("keydesk.db"));
    }
    ServerConfig config;
    config.databaseUrl = m_databaseUrl;
    config.address = QHostAddress::LocalHost;
    config.port = 0;
    config.allowSignup = options.allowSignup;
    config.passwordCost.log2N = options.passwordLog2N; // 10 by default; production uses 2^15
    config.usageFlushIntervalMs = options.usageFlushIntervalMs;
    config.servingThreads = options.servingThreads;
    config.workerThreads = options.workerThreads;
    if (options.shutdownGraceMs >= 0)
        config.shutdownGraceMs = options.shutdownGraceMs;
    config.clock = &m_clock;

    m_thread.setObjectName(QStringLiteral("keydesk-test-server"));
    m_thread.start();
    m_context = new QObject;
    m_context->moveToThread(&m_thread);
    QString error;
    QMetaObject::invokeMethod(
        m_context,
        [&] {
            try {
                m_server = new KeyDeskServer(config);
                m_port = m_server->listen(&error);
            } catch (const std::exception &failure) {
                error = QString::fromUtf8(failure.what());
            }
        },
        Qt::BlockingQueuedConnection);
    if (m_port == 0) {
        m_database.reset(); // qFatal ends the process without running destructors
        qFatal("test server did not start: %s", qUtf8Printable(error));
    }
}

TestServer::~TestServer()
{
    QMetaObject::invokeMethod(
        m_context,
        [this] {
            delete m_server;
            delete m_context;
        },
        Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

QUrl TestServer::url(const QString &pathAndQuery) const
{
    return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(pathAndQuery));
}

void TestServer::onServerThread(const std::function<void(KeyDeskServer &)> &work)
{
    QMetaObject::invokeMethod(
        m_context, [&] { work(*m_server); }, Qt::BlockingQueuedConnection);
}

User TestServer::addUser(const QString &organizationId, const QString &email, const QString &name,
                         Role role, const QString &password)
{
    User user;
    onServerThread([&](KeyDeskServer &server) {
        user = server.services()
                   .accounts
                   .addMember(
                       {organizationId, email, name, role}, [&] { return password; },
                       QStringLiteral("test"))
                   .user;
    });
    return user;
}

void TestServer::stop()
{
    QMetaObject::invokeMethod(
        m_context,
        [this] {
            delete m_server;
            m_server = nullptr;
        },
        Qt::BlockingQueuedConnection);
}

void TestServer::flushUsage()
{
    onServerThread([](KeyDeskServer &server) { server.flushUsage(); });
}

QStringList TestServer::capturedLog()
{
    QMutexLocker lock(&logMutex);
    return logLines;
}

QJsonObject HttpResult::json() const
{
    return QJsonDocument::fromJson(body).object();
}

QByteArray HttpResult::header(const QByteArray &name) const
{
    for (const auto &pair : headers) {
        if (pair.first.compare(name, Qt::CaseInsensitive) == 0)
            return pair.second;
    }
    return {};
}

HttpClient::HttpClient(const TestServer &server)
    : HttpClient(server.port())
{ }

HttpClient::HttpClient(quint16 port)
    : m_port(port)
{ }

HttpResult HttpClient::send(const QByteArray &method, const QString &pathAndQuery,
                            const QByteArray &body,
                            const QList<QPair<QByteArray, QByteArray>> &headers)
{
    QNetworkRequest request(
        QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(pathAndQuery)));
    request.setTransferTimeout(10'000);
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token);
    for (const auto &header : headers)
        request.setRawHeader(header.first, header.second);
    QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
    QEventLoop loop;
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    HttpResult result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    result.headers = reply->rawHeaderPairs();
    if (reply->error() != QNetworkReply::NoError && result.status == 0)
        result.networkError = reply->errorString();
    reply->deleteLater();
    return result;
}

HttpResult HttpClient::post(const QString &path, const QJsonObject &body,
                            const QList<QPair<QByteArray, QByteArray>> &headers)
{
    return send("POST", path, QJsonDocument(body).toJson(QJsonDocument::Compact), headers);
}

HttpResult HttpClient::patch(const QString &path, const QJsonObject &body)
{
    return send("PATCH", path, QJsonDocument(body).toJson(QJsonDocument::Compact));
}

QByteArray rawExchange(quint16 port, const QByteArray &request, int timeoutMs, bool *closed)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(timeoutMs))
        return {};
    socket.write(request);
    socket.waitForBytesWritten(timeoutMs);
    QByteArray answer;
    QElapsedTimer timer;
    timer.start();
    bool wasClosed = false;
    while (timer.elapsed() < timeoutMs) {
        if (socket.waitForReadyRead(int(qMax<qint64>(1, timeoutMs - timer.elapsed()))))
            answer += socket.readAll();
        if (socket.state() == QAbstractSocket::UnconnectedState) {
            answer += socket.readAll();
            wasClosed = true;
            break;
        }
    }
    if (closed)
        *closed = wasClosed;
    return answer;
}

Owner signUp(HttpClient &client, const QString &organizationName, const QString &email)
{
    Owner owner;
    owner.email = email.isEmpty()
        ? QStringLiteral("owner%1@example.com").arg(emailCounter.fetchAndAddRelaxed(1))
        : email;
    const HttpResult result = client.post(QStringLiteral("/v1/signup"),
                                          {{QStringLiteral("organization_name"), organizationName},
                                           {QStringLiteral("name"), QStringLiteral("Ada Lovelace")},
                                           {QStringLiteral("email"), owner.email},
                                           {QStringLiteral("password"), testPassword}});
    if (result.status != 201)
        throw std::runtime_error("sign-up failed: " + result.body.toStdString());
    const QJsonObject json = result.json();
    owner.token = json.value(QStringLiteral("token")).toString().toLatin1();
    owner.userId =
        json.value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toString();
    owner.organizationId = json.value(QStringLiteral("organizations"))
                               .toArray()
                               .first()
                               .toObject()
                               .value(QStringLiteral("id"))
                               .toString();
    return owner;
}

IssuedSecret issueKey(HttpClient &client, const QString &organizationId, const QString &name)
{
    const HttpResult result = client.post(
        QStringLiteral("/v1/organizations/%1/api-keys").arg(organizationId),
        {{QStringLiteral("name"), name}, {QStringLiteral("expiration"), QStringLiteral("never")}});
    if (result.status != 201)
        qFatal("create failed: %d %s", result.status, result.body.constData());
    return {result.json()
                .value(QStringLiteral("api_key"))
                .toObject()
                .value(QStringLiteral("id"))
                .toString(),
            result.json().value(QStringLiteral("secret")).toString().toLatin1()};
}

HttpResult verifyKey(HttpClient &client, const QByteArray &secret, const QString &organizationId)
{
    return client.get(QStringLiteral("/v1/verify"),
                      {{"x-api-key", secret}, {"x-organization-id", organizationId.toUtf8()}});
}

} // namespace keydesk::test
