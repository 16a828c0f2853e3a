#pragma once

#include "Account.h"
#include "Clock.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QNetworkAccessManager>
#include <QStringList>
#include <QTemporaryDir>
#include <QThread>
#include <QUrl>

#include <functional>
#include <memory>

namespace keydesk {

class KeyDeskServer;

namespace test {

// A fresh, empty PostgreSQL database on the cluster that KEYDESK_TEST_POSTGRES (an admin URL,
// postgresql://postgres:…@127.0.0.1:PORT/postgres; scripts/postgres.sh starts one) points at.
// Dropped again, with any connection still open to it, when this object goes away.
// A missing KEYDESK_TEST_POSTGRES or an unreachable cluster is fatal: a test that asks for
// PostgreSQL must fail, never quietly run on something else.
class TestDatabase
{
    Q_DISABLE_COPY_MOVE(TestDatabase)
public:
    TestDatabase();
    ~TestDatabase();

    QString name() const { return m_name; }
    QString url() const { return m_url; }

    // True when this test run is the PostgreSQL one (KEYDESK_TEST_DATABASE=postgresql, set per
    // test by tests/CMakeLists.txt).
    static bool requested();
    // Runs one statement on the cluster's maintenance database as its superuser; false (and a
    // warning) when it fails.
    static bool adminExec(const QString &sql, QString *error = nullptr);

private:
    QString m_name;
    QString m_url;
};

// A real keydesk-server (the keydesk_server library, as the executable uses it) on a free
// loopback port with a fresh database: SQLite in a temporary directory, or, when
// KEYDESK_TEST_DATABASE=postgresql, a database of its own on the test cluster (TestDatabase).
// It runs on a thread of its own, so tests may block on sockets; its clock is a ManualClock the
// test moves.
class TestServer
{
public:
    struct Options
    {
        bool allowSignup = true;
        // Empty: a fresh database as above. Set (e.g. to another TestServer's databaseUrl()) to
        // share that database, as several instances behind a load balancer do; the database is
        // then neither created nor dropped here.
        QString databaseUrl;
        int usageFlushIntervalMs = 100;
        // ServerConfig::servingThreads and workerThreads (0: one per core, as in production).
        int servingThreads = 0;
        int workerThreads = 0;
        // scrypt cost of passwords (2^N): small by default so that tests run fast; a test that
        // needs a sign-in to take a while (tst_serving) raises it.
        int passwordLog2N = 10;
        // ServerConfig::shutdownGraceMs; negative: the server's default.
        int shutdownGraceMs = -1;
    };

    TestServer();
    explicit TestServer(const Options &options);
    ~TestServer();

    quint16 port() const { return m_port; }
    QUrl url(const QString &pathAndQuery = {}) const;
    ManualClock &clock() { return m_clock; }
    QString databaseUrl() const { return m_databaseUrl; }

    // Runs `work` on the server's thread with its KeyDeskServer, and waits for it.
    void onServerThread(const std::function<void(KeyDeskServer &)> &work);
    // Adds a user with a password to an organization, as `keydesk-server user add` does.
    User addUser(const QString &organizationId, const QString &email, const QString &name,
                 Role role, const QString &password);
    void flushUsage();
    // Shuts the server down (its port stops answering) while this object, and its clock, live on.
    void stop();

    // Every message the process logged since the server started (all threads).
    static QStringList capturedLog();

private:
    ManualClock m_clock;
    QTemporaryDir m_directory;
    std::unique_ptr<TestDatabase> m_database; // when this server made its own PostgreSQL database
    QString m_databaseUrl;
    QThread m_thread;
    QObject *m_context = nullptr; // lives on m_thread
    KeyDeskServer *m_server = nullptr;
    quint16 m_port = 0;
};

struct HttpResult
{
    int status = 0; // 0: no HTTP answer (connection failed or closed)
    QByteArray body;
    QList<QPair<QByteArray, QByteArray>> headers;
    QString networkError;

    QJsonObject json() const;
    QByteArray header(const QByteArray &name) const;
    QString code() const { return json().value(QStringLiteral("code")).toString(); }
};

// A blocking HTTP client for tests (QNetworkAccessManager and a local event loop).
class HttpClient
{
public:
    explicit HttpClient(const TestServer &server);
    // Any keydesk-server on this loopback port (e.g. one the test started as a process).
    explicit HttpClient(quint16 port);

    QByteArray token; // sent as Authorization: Bearer when set

    HttpResult send(const QByteArray &method, const QString &pathAndQuery,
                    const QByteArray &body = {},
                    const QList<QPair<QByteArray, QByteArray>> &headers = {});
    HttpResult get(const QString &path, const QList<QPair<QByteArray, QByteArray>> &headers = {})
    {
        return send("GET", path, {}, headers);
    }
    HttpResult post(const QString &path, const QJsonObject &body,
                    const QList<QPair<QByteArray, QByteArray>> &headers = {});
    HttpResult patch(const QString &path, const QJsonObject &body);
    HttpResult del(const QString &path) { return send("DELETE", path); }

private:
    quint16 m_port;
    QNetworkAccessManager m_network;
};

// Sends raw bytes on a fresh connection and returns what came back before the server closed
// the connection or `timeoutMs` passed (then `*closed` is false).
QByteArray rawExchange(quint16 port, const QByteArray &request, int timeoutMs = 3000,
                       bool *closed = nullptr);

// A signed-up owner with their organization.
struct Owner
{
    QByteArray token;
    QString userId;
    QString organizationId;
    QString email;
};

Owner signUp(HttpClient &client, const QString &organizationName = QStringLiteral("Acme"),
             const QString &email = {});

// A key as its creator gets it: the id, and the secret shown once.
struct IssuedSecret
{
    QString id;
    QByteArray secret;
};

// Creates a never-expiring key named `name`; fatal (the test cannot go on) when refused.
IssuedSecret issueKey(HttpClient &client, const QString &organizationId, const QString &name);
// GET /v1/verify with `secret` in x-api-key and the organization in x-organization-id.
HttpResult verifyKey(HttpClient &client, const QByteArray &secret, const QString &organizationId);

inline const QString testPassword = QStringLiteral("correct horse battery staple");

} // namespace test
} // namespace keydesk
