// Security properties checked from outside, against a real server (issue 4, item 6): login
// throttling per account and per client address, session expiry and logout, nothing secret in
// the log or the database file, HTTPS with --tls-cert/--tls-key, and every endpoint of the
// contract called with the wrong credentials, each answer checked and the server's state
// compared before and after.

#include "KeyDeskServer.h"
#include "KeyFormat.h"
#include "Rfc3339.h"
#include "SelfSigned.h"
#include "TestServer.h"
#include "crypto/Crypto.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslError>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <algorithm>
#include <functional>

using namespace keydesk;
using namespace keydesk::test;

namespace {

using Headers = QList<QPair<QByteArray, QByteArray>>;

constexpr qint64 minute = 60 * 1000;
constexpr qint64 hour = 60 * minute;
constexpr qint64 sessionLifetime = 12 * hour;

HttpResult login(HttpClient &client, const QString &email, const QString &password)
{
    return client.post(QStringLiteral("/v1/sessions"),
                       {{QStringLiteral("email"), email}, {QStringLiteral("password"), password}});
}

QByteArray tokenOf(const HttpResult &session)
{
    return session.json().value(QStringLiteral("token")).toString().toLatin1();
}

// One HTTP/1.1 exchange from a chosen loopback source address (127.0.0.2, 127.0.0.3, …: all of
// 127/8 is loopback on Linux), so that the server sees several client addresses. Blocking: the
// server runs on a thread of its own.
HttpResult requestFrom(const QHostAddress &from, quint16 port, const QByteArray &method,
                       const QString &path, const QByteArray &body = {},
                       const Headers &headers = {})
{
    HttpResult result;
    QTcpSocket socket;
    if (!socket.bind(from)) {
        result.networkError = socket.errorString();
        return result;
    }
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000)) {
        result.networkError = socket.errorString();
        return result;
    }
    QByteArray request = method + ' ' + path.toUtf8() + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!body.isEmpty())
        request += "Content-Type: application/json\r\n";
    for (const auto &[name, value] : headers)
        request += name + ": " + value + "\r\n";
    request += "Content-Length: " + QByteArray::number(body.size())
        + "\r\nConnection: close\r\n\r\n" + body;
    socket.write(request);
    QByteArray answer;
    QElapsedTimer timer;
    timer.start();
    while (socket.state() != QAbstractSocket::UnconnectedState && timer.elapsed() < 10'000) {
        if (socket.waitForReadyRead(100))
            answer += socket.readAll();
    }
    answer += socket.readAll();
    const qsizetype headEnd = answer.indexOf("\r\n\r\n");
    if (headEnd < 0) {
        result.networkError = QStringLiteral("no complete answer");
        return result;
    }
    const QList<QByteArray> lines = answer.first(headEnd).split('\n');
    result.status = lines.first().split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines.at(i).trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            result.headers.append({line.first(colon), line.mid(colon + 1).trimmed()});
    }
    result.body = answer.mid(headEnd + 4);
    return result;
}

HttpResult loginFrom(const TestServer &server, const char *address, const QString &email,
                     const QString &password)
{
    const QByteArray body = QJsonDocument(QJsonObject {{QStringLiteral("email"), email},
                                                       {QStringLiteral("password"), password}})
                                .toJson(QJsonDocument::Compact);
    return requestFrom(QHostAddress(QString::fromLatin1(address)), server.port(), "POST",
                       QStringLiteral("/v1/sessions"), body);
}

struct IssuedKey
{
    QString id;
    QByteArray secret;
};

IssuedKey createKey(HttpClient &client, const QString &organizationId, const QString &name,
                    const Headers &headers = {})
{
    const HttpResult result = client.post(
        QStringLiteral("/v1/organizations/%1/api-keys").arg(organizationId),
        {{QStringLiteral("name"), name}, {QStringLiteral("expiration"), QStringLiteral("never")}},
        headers);
    if (result.status != 201)
        qFatal("create failed: %s", result.body.constData());
    return {result.json()
                .value(QStringLiteral("api_key"))
                .toObject()
                .value(QStringLiteral("id"))
                .toString(),
            result.json().value(QStringLiteral("secret")).toString().toLatin1()};
}

HttpResult verify(HttpClient &client, const QByteArray &secret, const QString &organizationId)
{
    return client.get(QStringLiteral("/v1/verify"),
                      {{"x-api-key", secret}, {"x-organization-id", organizationId.toUtf8()}});
}

// A KeyDeskServer with a configuration of the test's own (TLS, the production password cost)
// on a thread of its own, as TestServer runs one, so that the test may block on sockets.
class OwnServer
{
    Q_DISABLE_COPY_MOVE(OwnServer)
public:
    explicit OwnServer(ServerConfig config)
    {
        config.databaseUrl =
            QStringLiteral("sqlite:") + m_directory.filePath(QStringLiteral("keydesk.db"));
        config.address = QHostAddress::LocalHost;
        config.port = 0;
        m_thread.start();
        m_context = new QObject;
        m_context->moveToThread(&m_thread);
        QMetaObject::invokeMethod(
            m_context,
            [&] {
                try {
                    m_server = new KeyDeskServer(config);
                    m_port = m_server->listen(&m_error);
                } catch (const std::exception &failure) {
                    m_error = QString::fromUtf8(failure.what());
                }
            },
            Qt::BlockingQueuedConnection);
    }

    ~OwnServer()
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

    quint16 port() const { return m_port; }
    QString error() const { return m_error; }

private:
    QTemporaryDir m_directory;
    QThread m_thread;
    QObject *m_context = nullptr;
    KeyDeskServer *m_server = nullptr;
    quint16 m_port = 0;
    QString m_error;
};

// What an HTTPS client saw.
struct TlsAnswer
{
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    int status = 0;
    QByteArray body;
    QList<QSslError::SslError> sslErrors;
};

TlsAnswer httpsCall(const QByteArray &method, const QUrl &url, const QByteArray &body,
                    const QList<QSslCertificate> &trusted)
{
    QNetworkAccessManager network;
    QNetworkRequest request(url);
    request.setTransferTimeout(10'000);
    if (!trusted.isEmpty()) {
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        configuration.setCaCertificates(trusted);
        request.setSslConfiguration(configuration);
    }
    if (!body.isEmpty())
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
    QNetworkReply *reply = network.sendCustomRequest(request, method, body);
    TlsAnswer answer;
    QObject::connect(reply, &QNetworkReply::sslErrors, reply,
                     [&answer](const QList<QSslError> &errors) {
                         for (const QSslError &error : errors)
                             answer.sslErrors.append(error.error());
                     });
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!finished.wait(15'000))
        answer.error = QNetworkReply::TimeoutError;
    else
        answer.error = reply->error();
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.body = reply->readAll();
    delete reply;
    return answer;
}

qint64 median(QList<qint64> values)
{
    std::sort(values.begin(), values.end());
    return values.at(values.size() / 2);
}

// ---- The endpoint matrix ------------------------------------------------------------------

// Two organizations and the credentials the matrix calls with. The scenario tokens are separate
// sessions from the ones the state snapshot reads with, so that a logout under test does not
// blind the snapshot.
struct World
{
    QString acme;
    QString beta;
    QString acmeOwnerEmail;
    QByteArray ownerToken;
    QByteArray memberToken;
    QByteArray adminToken;
    QByteArray expiredToken;
    QByteArray acmeSnapshotToken;
    QByteArray memberSnapshotToken;
    QByteArray betaSnapshotToken;
    IssuedKey active; // Acme's
    IssuedKey revoked; // Acme's, revoked
    IssuedKey betaKey;
};

World buildWorld(TestServer &server, HttpClient &http)
{
    World world;
    const Owner acme = signUp(http, QStringLiteral("Acme"));
    const Owner beta = signUp(http, QStringLiteral("Beta"));
    world.acme = acme.organizationId;
    world.beta = beta.organizationId;
    world.acmeOwnerEmail = acme.email;
    world.expiredToken = acme.token; // expires with the clock jump below
    http.token = acme.token;
    world.active = createKey(http, world.acme, QStringLiteral("active"));
    world.revoked = createKey(http, world.acme, QStringLiteral("revoked"));
    if (http.del(QStringLiteral("/v1/organizations/%1/api-keys/%2")
                     .arg(world.acme, world.revoked.id))
            .status
        != 200)
        qFatal("revoke failed");
    http.token = beta.token;
    world.betaKey = createKey(http, world.beta, QStringLiteral("beta's"));
    http.token.clear();
    server.addUser(world.acme, QStringLiteral("mel@example.com"), QStringLiteral("Mel Member"),
                   Role::Member, testPassword);
    server.addUser(world.acme, QStringLiteral("adam@example.com"), QStringLiteral("Adam Admin"),
                   Role::Admin, testPassword);

    server.clock().advance(sessionLifetime); // every session so far has expired
    world.ownerToken = tokenOf(login(http, acme.email, testPassword));
    world.acmeSnapshotToken = tokenOf(login(http, acme.email, testPassword));
    world.betaSnapshotToken = tokenOf(login(http, beta.email, testPassword));
    world.memberToken = tokenOf(login(http, QStringLiteral("mel@example.com"), testPassword));
    world.memberSnapshotToken =
        tokenOf(login(http, QStringLiteral("mel@example.com"), testPassword));
    world.adminToken = tokenOf(login(http, QStringLiteral("adam@example.com"), testPassword));
    return world;
}

QString expand(QString text, const World &world)
{
    const QList<std::pair<const char *, QString>> values {
        {"{acme}", world.acme},
        {"{beta}", world.beta},
        {"{acmeOwnerEmail}", world.acmeOwnerEmail},
        {"{activeKey}", world.active.id},
        {"{revokedKey}", world.revoked.id},
        {"{betaKey}", world.betaKey.id},
        {"{activeSecret}", QString::fromLatin1(world.active.secret)},
        {"{revokedSecret}", QString::fromLatin1(world.revoked.secret)},
        {"{betaSecret}", QString::fromLatin1(world.betaKey.secret)},
        {"{ownerToken}", QString::fromLatin1(world.ownerToken)},
        {"{memberToken}", QString::fromLatin1(world.memberToken)},
        {"{adminToken}", QString::fromLatin1(world.adminToken)},
        {"{expiredToken}", QString::fromLatin1(world.expiredToken)},
    };
    for (const auto &[placeholder, value] : values)
        text.replace(QLatin1String(placeholder), value);
    return text;
}

// Everything a wrong call could have changed, as the owners and the member see it, plus the
// audit counts of every action that changes something.
QByteArray snapshot(TestServer &server, const World &world)
{
    server.flushUsage();
    QByteArray state;
    const auto read = [&](const QByteArray &token, const QString &organizationId) {
        HttpClient client(server);
        client.token = token;
        for (const QString &path :
             {QStringLiteral("/v1/me"), QStringLiteral("/v1/organizations/") + organizationId,
              QStringLiteral("/v1/organizations/%1/api-keys?status=all&limit=500")
                  .arg(organizationId)}) {
            const HttpResult result = client.get(path);
            state += QByteArray::number(result.status) + ' ' + result.body + '\n';
        }
    };
    read(world.acmeSnapshotToken, world.acme);
    read(world.memberSnapshotToken, world.acme);
    read(world.betaSnapshotToken, world.beta);
    server.onServerThread([&state](KeyDeskServer &s) {
        for (const char *action : {"signup", "key.create", "key.reissue", "key.rename",
                                   "key.revoke", "organization.delete"}) {
            state += action + QByteArrayLiteral(": ")
                + QByteArray::number(s.store().auditCount(QString::fromLatin1(action))) + '\n';
        }
    });
    return state;
}

enum class Kind { Info, Signup, Login, Logout, Me, Read, Write, OwnerWrite, Verify };

struct Endpoint
{
    const char *method;
    const char *path; // {org} and {key}: filled in per scenario
    const char *body;
    Kind kind;
};

// DESIGN §3, every row of the table.
const Endpoint endpoints[] = {
    {"GET", "/v1/info", "", Kind::Info},
    // An email that is taken: whatever the credentials, nothing may be created.
    {"POST", "/v1/signup",
     R"({"organization_name":"Intruders","name":"Eve","email":"{acmeOwnerEmail}","password":"correct horse battery staple"})",
     Kind::Signup},
    // A wrong password: no header may stand in for it.
    {"POST", "/v1/sessions", R"({"email":"{acmeOwnerEmail}","password":"not the password at all"})",
     Kind::Login},
    {"DELETE", "/v1/sessions/current", "", Kind::Logout},
    {"GET", "/v1/me", "", Kind::Me},
    {"GET", "/v1/organizations/{org}", "", Kind::Read},
    {"DELETE", "/v1/organizations/{org}", "", Kind::OwnerWrite},
    {"GET", "/v1/organizations/{org}/api-keys", "", Kind::Read},
    {"POST", "/v1/organizations/{org}/api-keys", R"({"name":"intruder","expiration":"never"})",
     Kind::Write},
    {"GET", "/v1/organizations/{org}/api-keys/{key}", "", Kind::Read},
    {"PATCH", "/v1/organizations/{org}/api-keys/{key}", R"({"name":"renamed by an intruder"})",
     Kind::Write},
    {"DELETE", "/v1/organizations/{org}/api-keys/{key}", "", Kind::Write},
    {"GET", "/v1/verify", "", Kind::Verify},
};

struct Expected
{
    int status = 0; // 0: this endpoint is not part of the scenario
    const char *code = "";
    const char *mustNotContain = "";
};

struct Scenario
{
    const char *name;
    const char *organization;
    const char *key;
    QStringList headers; // "Name: value", with placeholders
    std::function<Expected(Kind)> expect;
};

Expected publicAnswer(Kind kind)
{
    switch (kind) {
    case Kind::Info:
        return {200};
    case Kind::Signup:
        return {409, "email_taken"};
    case Kind::Login:
        return {401, "invalid_credentials"};
    default:
        return {};
    }
}

QList<Scenario> scenarios()
{
    const auto unauthenticated = [](const char *verifyCode) {
        return [verifyCode](Kind kind) -> Expected {
            switch (kind) {
            case Kind::Info:
            case Kind::Signup:
            case Kind::Login:
                return publicAnswer(kind);
            case Kind::Verify:
                return {401, verifyCode};
            default:
                return {401, "unauthenticated"};
            }
        };
    };
    return {
        {"another organization's ids",
         "{beta}",
         "{betaKey}",
         {QStringLiteral("Authorization: Bearer {ownerToken}"),
          QStringLiteral("x-api-key: {activeSecret}"), QStringLiteral("x-organization-id: {beta}")},
         [](Kind kind) -> Expected {
             switch (kind) {
             case Kind::Logout:
                 return {204};
             case Kind::Me:
                 return {200, "", "{beta}"};
             case Kind::Read:
             case Kind::Write:
             case Kind::OwnerWrite:
                 return {404, "not_found", "{beta}"};
             case Kind::Verify:
                 return {401, "invalid_key"};
             default:
                 return publicAnswer(kind);
             }
         }},
        {"another organization's key under one's own",
         "{acme}",
         "{betaKey}",
         {QStringLiteral("Authorization: Bearer {ownerToken}"),
          QStringLiteral("x-api-key: {betaSecret}"), QStringLiteral("x-organization-id: {acme}")},
         [](Kind kind) -> Expected {
             if (kind == Kind::Verify)
                 return {401, "invalid_key"};
             return {}; // only the key routes, below
         }},
        {"another organization's ids as a member",
         "{beta}",
         "{betaKey}",
         {QStringLiteral("Authorization: Bearer {memberToken}"),
          QStringLiteral("x-organization-id: {beta}")},
         [](Kind kind) -> Expected {
             switch (kind) {
             case Kind::Logout:
                 return {204};
             case Kind::Me:
                 return {200, "", "{beta}"};
             case Kind::Read:
             case Kind::Write:
             case Kind::OwnerWrite:
                 return {404, "not_found", "{beta}"}; // never 403: that would confirm the id
             case Kind::Verify:
                 return {401, "missing_key"};
             default:
                 return publicAnswer(kind);
             }
         }},
        {"a member's token",
         "{acme}",
         "{activeKey}",
         {QStringLiteral("Authorization: Bearer {memberToken}"),
          QStringLiteral("x-organization-id: {acme}")},
         [](Kind kind) -> Expected {
             switch (kind) {
             case Kind::Logout:
                 return {204};
             case Kind::Me:
             case Kind::Read:
                 return {200};
             case Kind::Write:
             case Kind::OwnerWrite:
                 return {403, "forbidden"};
             case Kind::Verify:
                 return {401, "missing_key"}; // a session token is not a key
             default:
                 return publicAnswer(kind);
             }
         }},
        {"an admin's token",
         "{acme}",
         "{activeKey}",
         {QStringLiteral("Authorization: Bearer {adminToken}")},
         [](Kind kind) -> Expected {
             if (kind == Kind::OwnerWrite)
                 return {403, "forbidden"}; // only an owner deletes the organization
             return {};
         }},
        {"an expired session",
         "{acme}",
         "{activeKey}",
         {QStringLiteral("Authorization: Bearer {expiredToken}"),
          QStringLiteral("x-organization-id: {acme}")},
         unauthenticated("missing_key")},
        {"a revoked key",
         "{acme}",
         "{revokedKey}",
         {QStringLiteral("Authorization: Bearer {revokedSecret}"),
          QStringLiteral("x-api-key: {revokedSecret}"),
          QStringLiteral("x-organization-id: {acme}")},
         unauthenticated("revoked_key")},
        {"an active key instead of a session",
         "{acme}",
         "{activeKey}",
         {QStringLiteral("Authorization: Bearer {activeSecret}"),
          QStringLiteral("x-api-key: {activeSecret}"), QStringLiteral("x-organization-id: {acme}")},
         [unauthenticated](Kind kind) -> Expected {
             if (kind == Kind::Verify)
                 return {}; // it is valid there (and tst_verify covers it)
             return unauthenticated("")(kind);
         }},
        {"no credentials", "{acme}", "{activeKey}", {}, unauthenticated("missing_key")},
    };
}

} // namespace

class TestSecurity : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // Login throttling
    void addressLimitSpansEmails();
    void emailLimitSpansAddresses();
    void unknownEmailsAreThrottledAlike();
    void unknownEmailCostsAsMuchAsWrongPassword();
    void successClearsOnlyThatEmailsCounter();
    // Sessions
    void sessionExpiresAtTheExactInstant();
    void logoutEndsOnlyThatSession();
    // Secrets
    void secretsStayOutOfTheLogAndTheDatabase();
    // TLS
    void servesHttps_data();
    void servesHttps();
    void refusesIncompleteTlsConfiguration();
    // Every endpoint with the wrong credentials
    void everyEndpointWithWrongCredentials_data();
    void everyEndpointWithWrongCredentials();
    void anotherOrganizationLooksLikeNone();
};

void TestSecurity::addressLimitSpansEmails()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    for (int i = 0; i < 20; ++i) {
        // A different email each time, far under the per-email limit: only the address counts.
        QCOMPARE(login(client, QStringLiteral("guess%1@example.com").arg(i), testPassword).status,
                 401);
        server.clock().advance(1000);
    }
    // 20 s after the first failure, which leaves the 15-minute window in 880 s.
    for (const QString &email :
         {owner.email, QStringLiteral("guess0@example.com"), QStringLiteral("new@example.com")}) {
        const HttpResult blocked = login(client, email, testPassword);
        QCOMPARE(blocked.status, 429);
        QCOMPARE(blocked.code(), QStringLiteral("too_many_attempts"));
        QCOMPARE(blocked.header("Retry-After"), QByteArray("880"));
        QVERIFY2(blocked.json().value(QStringLiteral("detail")).toString().contains(u"880 seconds"),
                 blocked.body.constData());
    }
    // The limit is this address's: the same account from another one gets in.
    QCOMPARE(loginFrom(server, "127.0.0.2", owner.email, testPassword).status, 201);

    server.clock().advance(880'000 - 1);
    const HttpResult lastMillisecond = login(client, owner.email, testPassword);
    QCOMPARE(lastMillisecond.status, 429);
    QCOMPARE(lastMillisecond.header("Retry-After"), QByteArray("1"));
    server.clock().advance(1); // the first failure leaves the window: 19 remain
    QCOMPARE(login(client, owner.email, testPassword).status, 201);
    // One more failure fills it again, until the second failure leaves it a second later.
    QCOMPARE(login(client, QStringLiteral("guess20@example.com"), testPassword).status, 401);
    const HttpResult again = login(client, owner.email, testPassword);
    QCOMPARE(again.status, 429);
    QCOMPARE(again.header("Retry-After"), QByteArray("1"));
    server.clock().advance(1000);
    QCOMPARE(login(client, owner.email, testPassword).status, 201);
}

void TestSecurity::emailLimitSpansAddresses()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    const Owner other = signUp(client, QStringLiteral("Beta"));
    for (const char *address : {"127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5"}) {
        QCOMPARE(loginFrom(server, address, owner.email, QStringLiteral("wrong password!")).status,
                 401);
        server.clock().advance(1000);
    }
    // Five failures from five addresses: the account is throttled from anywhere, the correct
    // password included.
    const HttpResult blocked = loginFrom(server, "127.0.0.6", owner.email, testPassword);
    QCOMPARE(blocked.status, 429);
    QCOMPARE(blocked.code(), QStringLiteral("too_many_attempts"));
    QCOMPARE(blocked.header("Retry-After"), QByteArray("895"));
    QCOMPARE(blocked.header("Content-Type"), QByteArray("application/problem+json"));
    // Case and surrounding spaces do not make it another account.
    QCOMPARE(login(client, QStringLiteral("  ") + owner.email.toUpper(), testPassword).status, 429);
    // Other accounts, from the same addresses, are not affected.
    QCOMPARE(loginFrom(server, "127.0.0.1", other.email, testPassword).status, 201);

    server.clock().advance(895'000 - 1);
    QCOMPARE(loginFrom(server, "127.0.0.6", owner.email, testPassword).header("Retry-After"),
             QByteArray("1"));
    server.clock().advance(1);
    QCOMPARE(loginFrom(server, "127.0.0.6", owner.email, testPassword).status, 201);
}

void TestSecurity::unknownEmailsAreThrottledAlike()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    const QString unknown = QStringLiteral("nobody@example.com");
    for (int i = 0; i < 5; ++i) {
        const HttpResult wrong =
            login(client, owner.email, QStringLiteral("wrong password %1").arg(i));
        const HttpResult nobody =
            login(client, unknown, QStringLiteral("wrong password %1").arg(i));
        QCOMPARE(wrong.status, 401);
        QCOMPARE(nobody.body, wrong.body);
        server.clock().advance(1000);
    }
    // Unknown emails count as failures too, and their throttled answer is the same: neither
    // the 401s nor the 429s tell which address has an account.
    const HttpResult known = login(client, owner.email, testPassword);
    const HttpResult nobody = login(client, unknown, testPassword);
    QCOMPARE(known.status, 429);
    QCOMPARE(nobody.status, 429);
    QCOMPARE(nobody.body, known.body);
    QCOMPARE(nobody.header("Retry-After"), known.header("Retry-After"));
    QCOMPARE(known.header("Retry-After"), QByteArray("895"));
}

void TestSecurity::unknownEmailCostsAsMuchAsWrongPassword()
{
    // The production password cost (scrypt N = 2^15): the test servers' cheap one would let
    // the HTTP round trip hide a difference.
    ServerConfig config;
    config.allowSignup = true;
    OwnServer server(config);
    QVERIFY2(server.port() != 0, qPrintable(server.error()));
    const QByteArray signup =
        QJsonDocument(QJsonObject {{QStringLiteral("organization_name"), QStringLiteral("Acme")},
                                   {QStringLiteral("name"), QStringLiteral("Ada")},
                                   {QStringLiteral("email"), QStringLiteral("ada@example.com")},
                                   {QStringLiteral("password"), testPassword}})
            .toJson(QJsonDocument::Compact);
    QCOMPARE(requestFrom(QHostAddress::LocalHost, server.port(), "POST",
                         QStringLiteral("/v1/signup"), signup)
                 .status,
             201);
    const auto timeLogin = [&](const QString &email) {
        const QByteArray body = QJsonDocument(QJsonObject {{QStringLiteral("email"), email},
                                                           {QStringLiteral("password"),
                                                            QStringLiteral("wrong password!")}})
                                    .toJson(QJsonDocument::Compact);
        QElapsedTimer timer;
        timer.start();
        const HttpResult result = requestFrom(QHostAddress::LocalHost, server.port(), "POST",
                                              QStringLiteral("/v1/sessions"), body);
        const qint64 elapsed = timer.nsecsElapsed();
        return result.status == 401 ? elapsed : -1;
    };
    QList<qint64> wrongPassword;
    QList<qint64> unknownEmail;
    for (int i = 0; i < 5; ++i) { // five: the per-email limit
        wrongPassword.append(timeLogin(QStringLiteral("ada@example.com")));
        unknownEmail.append(timeLogin(QStringLiteral("nobody%1@example.com").arg(i)));
    }
    QVERIFY(!wrongPassword.contains(-1) && !unknownEmail.contains(-1));
    const qint64 known = median(wrongPassword);
    const qint64 unknown = median(unknownEmail);
    qInfo("median login time: wrong password %.1f ms, unknown email %.1f ms", double(known) / 1e6,
          double(unknown) / 1e6);
    // Generous bounds for a busy machine; without the decoy hash an unknown email would answer
    // in a fraction of a millisecond against tens of milliseconds.
    QVERIFY2(unknown * 2 >= known, "an unknown email answers much faster than a wrong password");
    QVERIFY2(known * 2 >= unknown, "an unknown email answers much slower than a wrong password");
}

void TestSecurity::successClearsOnlyThatEmailsCounter()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    for (int i = 0; i < 4; ++i)
        QCOMPARE(login(client, owner.email, QStringLiteral("wrong password!")).status, 401);
    QCOMPARE(login(client, owner.email, testPassword).status, 201);
    // The success wiped the account's four failures: five more are needed for the limit.
    for (int i = 0; i < 5; ++i)
        QCOMPARE(login(client, owner.email, QStringLiteral("wrong password!")).status, 401);
    QCOMPARE(login(client, owner.email, testPassword).status, 429);

    // … but not the address's record of other accounts' failures: an attacker who owns an
    // account cannot reset the address limit by signing in to it.
    const Owner attacker = signUp(client, QStringLiteral("Attackers"));
    for (int i = 0; i < 16; ++i) {
        QCOMPARE(loginFrom(server, "127.0.0.2", QStringLiteral("victim%1@example.com").arg(i % 4),
                           testPassword)
                     .status,
                 401);
    }
    QCOMPARE(loginFrom(server, "127.0.0.2", attacker.email, testPassword).status, 201);
    for (int i = 0; i < 4; ++i)
        QCOMPARE(loginFrom(server, "127.0.0.2", QStringLiteral("victim4@example.com"), testPassword)
                     .status,
                 401);
    const HttpResult blocked = loginFrom(server, "127.0.0.2", attacker.email, testPassword);
    QCOMPARE(blocked.status, 429);
    QCOMPARE(blocked.header("Retry-After"), QByteArray("900"));
}

void TestSecurity::sessionExpiresAtTheExactInstant()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    const QDateTime start = server.clock().now();
    const HttpResult first = login(client, owner.email, testPassword);
    QCOMPARE(first.json().value(QStringLiteral("expires_at")).toString(),
             toRfc3339(start.addMSecs(sessionLifetime)));
    server.clock().advance(6 * hour);
    const HttpResult second = login(client, owner.email, testPassword);
    QCOMPARE(second.json().value(QStringLiteral("expires_at")).toString(),
             toRfc3339(start.addMSecs(18 * hour)));

    HttpClient firstClient(server);
    firstClient.token = tokenOf(first);
    HttpClient secondClient(server);
    secondClient.token = tokenOf(second);
    const QString keys = QStringLiteral("/v1/organizations/%1/api-keys").arg(owner.organizationId);
    server.clock().set(start.addMSecs(sessionLifetime - 1));
    QCOMPARE(firstClient.get(QStringLiteral("/v1/me")).status, 200);
    QCOMPARE(firstClient.get(keys).status, 200);

    server.clock().set(start.addMSecs(sessionLifetime)); // the instant itself is expired
    for (const HttpResult &result :
         {firstClient.get(QStringLiteral("/v1/me")), firstClient.get(keys),
          firstClient.get(QStringLiteral("/v1/organizations/") + owner.organizationId),
          firstClient.post(keys, {{QStringLiteral("expiration"), QStringLiteral("never")}}),
          firstClient.del(QStringLiteral("/v1/sessions/current"))}) {
        QCOMPARE(result.status, 401);
        QCOMPARE(result.code(), QStringLiteral("unauthenticated"));
        QCOMPARE(result.header("WWW-Authenticate"), QByteArray("Bearer"));
    }
    // The later session lives on, until its own instant.
    QCOMPARE(secondClient.get(QStringLiteral("/v1/me")).status, 200);
    server.clock().set(start.addMSecs(18 * hour - 1));
    QCOMPARE(secondClient.get(QStringLiteral("/v1/me")).status, 200);
    server.clock().set(start.addMSecs(18 * hour));
    QCOMPARE(secondClient.get(QStringLiteral("/v1/me")).status, 401);
}

void TestSecurity::logoutEndsOnlyThatSession()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    server.addUser(owner.organizationId, QStringLiteral("mel@example.com"), QStringLiteral("Mel"),
                   Role::Member, testPassword);
    HttpClient ending(server);
    ending.token = tokenOf(login(client, owner.email, testPassword));
    HttpClient sibling(server);
    sibling.token = tokenOf(login(client, owner.email, testPassword));
    HttpClient signupSession(server);
    signupSession.token = owner.token;
    HttpClient member(server);
    member.token = tokenOf(login(client, QStringLiteral("mel@example.com"), testPassword));
    const IssuedKey key =
        createKey(ending, owner.organizationId, QStringLiteral("outlives the session"));

    const HttpResult logout = ending.del(QStringLiteral("/v1/sessions/current"));
    QCOMPARE(logout.status, 204);
    QVERIFY(logout.body.isEmpty());

    const QString keys = QStringLiteral("/v1/organizations/%1/api-keys").arg(owner.organizationId);
    const QString item = keys + u'/' + key.id;
    for (const HttpResult &result :
         {ending.get(QStringLiteral("/v1/me")),
          ending.get(QStringLiteral("/v1/organizations/") + owner.organizationId), ending.get(keys),
          ending.get(item),
          ending.post(keys, {{QStringLiteral("expiration"), QStringLiteral("never")}}),
          ending.patch(item, {{QStringLiteral("name"), QStringLiteral("after logout")}}),
          ending.del(item), ending.del(QStringLiteral("/v1/organizations/") + owner.organizationId),
          ending.del(QStringLiteral("/v1/sessions/current"))}) {
        QCOMPARE(result.status, 401);
        QCOMPARE(result.code(), QStringLiteral("unauthenticated"));
    }
    // The user's other sessions, and other users', are untouched.
    QCOMPARE(sibling.get(QStringLiteral("/v1/me")).status, 200);
    QCOMPARE(signupSession.get(keys).status, 200);
    QCOMPARE(member.get(QStringLiteral("/v1/me")).status, 200);
    createKey(sibling, owner.organizationId, QStringLiteral("made after the other logout"));
    // Keys are not sessions: the one made in the ended session still verifies, unchanged.
    QCOMPARE(verify(client, key.secret, owner.organizationId).status, 200);
    const HttpResult stored = sibling.get(item);
    QCOMPARE(stored.json().value(QStringLiteral("name")).toString(),
             QStringLiteral("outlives the session"));
    QCOMPARE(stored.json().value(QStringLiteral("status")).toString(), QStringLiteral("active"));
    server.onServerThread([](KeyDeskServer &s) {
        QCOMPARE(s.store().auditCount(QStringLiteral("session.delete")), 1);
    });
}

void TestSecurity::secretsStayOutOfTheLogAndTheDatabase()
{
    TestServer server;
    HttpClient client(server);
    const qsizetype logStart = TestServer::capturedLog().size();
    QList<QByteArray> secrets; // everything that must not show up
    const QString wrongPassword = QStringLiteral("a wrong but secret password 7731");
    const QString memberPassword = QStringLiteral("the member's own passphrase 4410");
    secrets << testPassword.toUtf8() << wrongPassword.toUtf8() << memberPassword.toUtf8();

    // A whole session as the app and a service would run it, mistakes included.
    const Owner owner = signUp(client);
    secrets << owner.token;
    QCOMPARE(login(client, owner.email, wrongPassword).status, 401);
    const HttpResult session = login(client, owner.email, testPassword);
    client.token = tokenOf(session);
    secrets << client.token;
    const Headers idempotency {{"Idempotency-Key", "create-once-4f1c"}};
    const IssuedKey first =
        createKey(client, owner.organizationId, QStringLiteral("billing"), idempotency);
    const IssuedKey reissued =
        createKey(client, owner.organizationId, QStringLiteral("billing"), idempotency);
    QCOMPARE(reissued.id, first.id);
    const IssuedKey second = createKey(client, owner.organizationId, QStringLiteral("deploys"));
    secrets << first.secret << reissued.secret << second.secret;
    const QString keys = QStringLiteral("/v1/organizations/%1/api-keys").arg(owner.organizationId);
    QCOMPARE(client
                 .patch(keys + u'/' + second.id,
                        {{QStringLiteral("name"), QStringLiteral("deploys (old)")}})
                 .status,
             200);
    QCOMPARE(client.del(keys + u'/' + second.id).status, 200);
    QCOMPARE(verify(client, reissued.secret, owner.organizationId).status, 200);
    QCOMPARE(verify(client, first.secret, owner.organizationId).code(),
             QStringLiteral("invalid_key"));
    QCOMPARE(verify(client, second.secret, owner.organizationId).code(),
             QStringLiteral("revoked_key"));
    server.addUser(owner.organizationId, QStringLiteral("mel@example.com"), QStringLiteral("Mel"),
                   Role::Member, memberPassword);
    const HttpResult memberSession =
        login(client, QStringLiteral("mel@example.com"), memberPassword);
    QCOMPARE(memberSession.status, 201);
    secrets << tokenOf(memberSession);

    // Secrets where they do not belong: in the path, whole, embedded or percent-encoded, in the
    // query, and in a malformed Authorization header.
    const QString key = QString::fromLatin1(reissued.secret);
    const QString token = QString::fromLatin1(client.token);
    for (const QString &path :
         {QStringLiteral("/v1/verify/") + key, QStringLiteral("/v1/verify/key=") + key,
          QStringLiteral("/v1/sessions/Bearer%20") + token,
          QStringLiteral("/v1/verify/%6B") + key.mid(1), QStringLiteral("/v1/x/") + key + token,
          keys + QStringLiteral("?api_key=") + key + QStringLiteral("&token=") + token}) {
        QVERIFY(client.get(path).status >= 400 || path.contains(u'?'));
    }
    QCOMPARE(client.get(QStringLiteral("/v1/me"), {{"Authorization", client.token}}).status, 401);
    QCOMPARE(client.del(QStringLiteral("/v1/sessions/current")).status, 204);
    server.flushUsage();

    const QString log = TestServer::capturedLog().mid(logStart).join(u'\n');
    // The capture works: the requests are there, and the mistaken paths with the secret cut.
    QVERIFY2(log.contains(QStringLiteral("POST /v1/sessions 201")), qPrintable(log));
    QVERIFY(log.contains(QStringLiteral("GET /v1/verify 200")));
    QVERIFY(log.contains(QStringLiteral("GET /v1/verify/[redacted] 404")));
    for (const QByteArray &secret : std::as_const(secrets)) {
        QVERIFY2(!log.contains(QString::fromUtf8(secret)), secret.constData());
        if (secret.startsWith("kd")) {
            // Nor a recognisable part of it, nor the hash that the database looks it up by.
            const QString random = QString::fromLatin1(secret.mid(secret.indexOf('_') + 1, 16));
            QVERIFY2(!log.contains(random), qPrintable(random));
            QVERIFY(!log.contains(QString::fromLatin1(crypto::sha256Hex(secret))));
        }
    }

    // The database holds hashes only (SQLite: the file and its write-ahead log, byte for byte).
    if (server.databaseUrl().startsWith(u"sqlite:")) {
        const QString path = server.databaseUrl().mid(int(qstrlen("sqlite:")));
        QByteArray bytes;
        for (const QString &file : {path, path + QStringLiteral("-wal")}) {
            QFile database(file);
            if (database.open(QIODevice::ReadOnly))
                bytes += database.readAll();
        }
        QVERIFY(bytes.size() > 4096);
        QVERIFY(bytes.contains(crypto::sha256Hex(reissued.secret))); // the scan sees the data
        for (const QByteArray &secret : std::as_const(secrets))
            QVERIFY2(!bytes.contains(secret), secret.constData());
    }
}

void TestSecurity::servesHttps_data()
{
    QTest::addColumn<QByteArray>("algorithm");
    QTest::newRow("EC P-256") << QByteArray("EC");
    QTest::newRow("RSA 2048") << QByteArray("RSA");
}

void TestSecurity::servesHttps()
{
    QFETCH(QByteArray, algorithm);
    QVERIFY2(QSslSocket::supportsSsl(),
             "no TLS backend: keydesk-server could not serve HTTPS either");
    const SelfSigned identity = makeSelfSigned(algorithm);
    QVERIFY(!identity.certificatePem.isEmpty() && !identity.keyPem.isEmpty());
    QTemporaryDir files;
    ServerConfig config;
    config.allowSignup = true;
    config.passwordCost.log2N = 10;
    config.tlsCertificatePath = files.filePath(QStringLiteral("cert.pem"));
    config.tlsKeyPath = files.filePath(QStringLiteral("key.pem"));
    for (const auto &[path, pem] : {std::pair(config.tlsCertificatePath, identity.certificatePem),
                                    std::pair(config.tlsKeyPath, identity.keyPem)}) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(pem);
    }
    OwnServer server(config);
    QVERIFY2(server.port() != 0, qPrintable(server.error()));
    const QUrl base(QStringLiteral("https://127.0.0.1:%1").arg(server.port()));
    const QList<QSslCertificate> trusted = QSslCertificate::fromData(identity.certificatePem);
    QCOMPARE(trusted.size(), 1);

    // A client that trusts the certificate gets the API, the calls that carry secrets included.
    const TlsAnswer info =
        httpsCall("GET", base.resolved(QUrl(QStringLiteral("/v1/info"))), {}, trusted);
    QCOMPARE(info.error, QNetworkReply::NoError);
    QCOMPARE(info.status, 200);
    QCOMPARE(QJsonDocument::fromJson(info.body).object().value(QStringLiteral("name")).toString(),
             QStringLiteral("KeyDesk"));
    QVERIFY(info.sslErrors.isEmpty());
    const QByteArray signup =
        QJsonDocument(QJsonObject {{QStringLiteral("organization_name"), QStringLiteral("Acme")},
                                   {QStringLiteral("name"), QStringLiteral("Ada")},
                                   {QStringLiteral("email"), QStringLiteral("ada@example.com")},
                                   {QStringLiteral("password"), testPassword}})
            .toJson(QJsonDocument::Compact);
    const TlsAnswer created =
        httpsCall("POST", base.resolved(QUrl(QStringLiteral("/v1/signup"))), signup, trusted);
    QCOMPARE(created.status, 201);
    QVERIFY(QJsonDocument::fromJson(created.body)
                .object()
                .value(QStringLiteral("token"))
                .toString()
                .startsWith(u"kds_"));

    // The same with a bare QSslSocket: TLS 1.2 or later, and our certificate.
    {
        QSslSocket socket;
        QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
        configuration.setCaCertificates(trusted);
        socket.setSslConfiguration(configuration);
        socket.connectToHostEncrypted(QStringLiteral("127.0.0.1"), server.port());
        QVERIFY2(socket.waitForEncrypted(10'000), qPrintable(socket.errorString()));
        QVERIFY(socket.sessionProtocol() == QSsl::TlsV1_2
                || socket.sessionProtocol() == QSsl::TlsV1_3);
        QCOMPARE(socket.peerCertificate(), trusted.first());
        socket.write("GET /v1/info HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        QByteArray answer;
        QElapsedTimer timer;
        timer.start();
        while (socket.state() != QAbstractSocket::UnconnectedState && timer.elapsed() < 10'000) {
            if (socket.waitForReadyRead(100))
                answer += socket.readAll();
        }
        answer += socket.readAll();
        QVERIFY2(answer.startsWith("HTTP/1.1 200"), answer.constData());
    }

    // A client that does not trust it refuses to talk: nothing is sent in clear.
    const TlsAnswer untrusted =
        httpsCall("GET", base.resolved(QUrl(QStringLiteral("/v1/info"))), {}, {});
    QCOMPARE(untrusted.error, QNetworkReply::SslHandshakeFailedError);
    QCOMPARE(untrusted.status, 0);
    QVERIFY(untrusted.sslErrors.contains(QSslError::SelfSignedCertificate));

    // Plain HTTP to the TLS port gets no HTTP answer, and the connection does not hang.
    QElapsedTimer timer;
    timer.start();
    bool closed = false;
    const QByteArray plain = rawExchange(
        server.port(), "GET /v1/info HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", 10'000, &closed);
    QVERIFY2(closed, "the server left a plain-HTTP connection to its TLS port open");
    QVERIFY2(timer.elapsed() < 5000, qPrintable(QString::number(timer.elapsed())));
    QVERIFY2(!plain.contains("HTTP/"), plain.constData());
    QVERIFY(!plain.contains("KeyDesk"));

    // And the server is still there for proper clients.
    QCOMPARE(httpsCall("GET", base.resolved(QUrl(QStringLiteral("/v1/info"))), {}, trusted).status,
             200);
}

void TestSecurity::refusesIncompleteTlsConfiguration()
{
    QTemporaryDir files;
    const SelfSigned identity = makeSelfSigned("EC");
    const QString certificate = files.filePath(QStringLiteral("cert.pem"));
    const QString garbage = files.filePath(QStringLiteral("garbage.pem"));
    for (const auto &[path, content] : {std::pair(certificate, identity.certificatePem),
                                        std::pair(garbage, QByteArray("not a key"))}) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    }
    const auto attempt = [](const QString &certificatePath, const QString &keyPath) {
        ServerConfig config;
        config.passwordCost.log2N = 10;
        config.tlsCertificatePath = certificatePath;
        config.tlsKeyPath = keyPath;
        OwnServer server(config);
        return server.port() == 0 ? server.error() : QString();
    };
    // Never a silent fallback to plain HTTP.
    QVERIFY(attempt(certificate, QString()).contains(u"go together"));
    QVERIFY(attempt(QString(), certificate).contains(u"go together"));
    QVERIFY(attempt(certificate, files.filePath(QStringLiteral("missing.pem")))
                .contains(u"cannot read"));
    QVERIFY(attempt(certificate, garbage).contains(u"not a PEM"));
    QVERIFY(attempt(garbage, garbage).contains(u"not a PEM"));
}

void TestSecurity::everyEndpointWithWrongCredentials_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("body");
    QTest::addColumn<QStringList>("headers");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("mustNotContain");

    for (const Scenario &scenario : scenarios()) {
        for (const Endpoint &endpoint : endpoints) {
            QString path = QString::fromLatin1(endpoint.path);
            const bool keyRoute = path.contains(u"{key}");
            path.replace(QLatin1String("{org}"), QLatin1String(scenario.organization));
            path.replace(QLatin1String("{key}"), QLatin1String(scenario.key));
            Expected expected = scenario.expect(endpoint.kind);
            // Another organization's key under one's own organization id: the key routes.
            if (QByteArray(scenario.organization) == "{acme}"
                && QByteArray(scenario.key) == "{betaKey}" && keyRoute) {
                expected = {404, "not_found", "{beta}"};
            }
            if (expected.status == 0)
                continue;
            QTest::addRow("%s: %s %s", scenario.name, endpoint.method, qPrintable(path))
                << QByteArray(endpoint.method) << path << QString::fromUtf8(endpoint.body)
                << scenario.headers << expected.status << QString::fromLatin1(expected.code)
                << QString::fromLatin1(expected.mustNotContain);
        }
    }
}

void TestSecurity::everyEndpointWithWrongCredentials()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(QString, body);
    QFETCH(QStringList, headers);
    QFETCH(int, status);
    QFETCH(QString, code);
    QFETCH(QString, mustNotContain);

    TestServer server;
    HttpClient http(server);
    const World world = buildWorld(server, http);
    const QByteArray before = snapshot(server, world);

    Headers sent;
    QByteArray bearer;
    for (const QString &header : std::as_const(headers)) {
        const QString line = expand(header, world);
        const qsizetype colon = line.indexOf(u':');
        sent.append({line.left(colon).toLatin1(), line.mid(colon + 1).trimmed().toUtf8()});
        if (sent.constLast().first == "Authorization")
            bearer = sent.constLast().second.mid(int(qstrlen("Bearer ")));
    }
    HttpClient caller(server); // no token of its own: only the headers above
    const HttpResult result =
        caller.send(method, expand(path, world), expand(body, world).toUtf8(), sent);

    QVERIFY2(result.status == status,
             qPrintable(QStringLiteral("%1, expected %2: %3")
                            .arg(result.status)
                            .arg(status)
                            .arg(QString::fromUtf8(result.body))));
    if (!code.isEmpty())
        QCOMPARE(result.code(), code);
    if (status >= 400) {
        QCOMPARE(result.header("Content-Type"), QByteArray("application/problem+json"));
        QCOMPARE(result.json().value(QStringLiteral("status")).toInt(), status);
        QVERIFY(!result.json().value(QStringLiteral("detail")).toString().isEmpty());
    }
    if (code == u"unauthenticated")
        QCOMPARE(result.header("WWW-Authenticate"), QByteArray("Bearer"));
    if (path == u"/v1/verify" && status == 401)
        QCOMPARE(result.header("WWW-Authenticate"), QByteArray("ApiKey"));
    if (!mustNotContain.isEmpty())
        QVERIFY2(!result.body.contains(expand(mustNotContain, world).toUtf8()),
                 result.body.constData());

    // Nothing changed: organizations, memberships, keys (names, status, last use) and the audit
    // trail of every change read the same as before.
    const QByteArray after = snapshot(server, world);
    QCOMPARE(after, before);
    QCOMPARE(verify(http, world.active.secret, world.acme).status, 200);
    QCOMPARE(verify(http, world.revoked.secret, world.acme).code(), QStringLiteral("revoked_key"));
    QCOMPARE(verify(http, world.betaKey.secret, world.beta).status, 200);
    if (status == 204) {
        // A logout ends the session it was called with, and only that one.
        HttpClient ended(server);
        ended.token = bearer;
        QCOMPARE(ended.get(QStringLiteral("/v1/me")).code(), QStringLiteral("unauthenticated"));
    }
}

void TestSecurity::anotherOrganizationLooksLikeNone()
{
    // The answer for another organization's ids is the answer for ids that do not exist, byte
    // for byte: it tells nothing about whether they do.
    TestServer server;
    HttpClient http(server);
    const World world = buildWorld(server, http);
    HttpClient owner(server);
    owner.token = world.ownerToken;
    const QString nowhere =
        QStringLiteral("org_") + QString::fromLatin1(KeyFormat::randomBase62(20));
    const QString noKey = QStringLiteral("key_") + QString::fromLatin1(KeyFormat::randomBase62(20));
    const auto call = [&owner](const Endpoint &endpoint, const QString &organization,
                               const QString &key) {
        QString path = QString::fromLatin1(endpoint.path);
        path.replace(QLatin1String("{org}"), organization).replace(QLatin1String("{key}"), key);
        return owner.send(endpoint.method, path, QByteArray(endpoint.body));
    };
    for (const Endpoint &endpoint : endpoints) {
        if (!QByteArray(endpoint.path).contains("{org}"))
            continue;
        const HttpResult other = call(endpoint, world.beta, world.betaKey.id);
        const HttpResult none = call(endpoint, nowhere, noKey);
        QCOMPARE(other.status, 404);
        QCOMPARE(none.status, 404);
        QCOMPARE(other.body, none.body);
        if (QByteArray(endpoint.path).contains("{key}")) {
            // And another organization's key under one's own organization: like no key at all.
            const HttpResult foreignKey = call(endpoint, world.acme, world.betaKey.id);
            const HttpResult missingKey = call(endpoint, world.acme, noKey);
            QCOMPARE(foreignKey.status, 404);
            QCOMPARE(foreignKey.body, missingKey.body);
        }
    }
    // Verify: another organization's key is as invalid as a made-up one.
    const HttpResult foreign = verify(http, world.betaKey.secret, world.acme);
    const HttpResult madeUp = verify(http, KeyFormat::generate(), world.acme);
    QCOMPARE(foreign.status, 401);
    QCOMPARE(foreign.body, madeUp.body);
}

QTEST_GUILESS_MAIN(TestSecurity)
#include "tst_security.moc"
