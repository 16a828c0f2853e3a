// ApiClient against a real keydesk-server: every call of the contract the app uses, paging,
// idempotent create, session expiry, problem documents, and the failures that do not come from
// the server (gone, silent, not speaking KeyDesk, untrusted TLS).

#include "ApiClient.h"
#include "KeyFormat.h"
#include "SelfSigned.h"
#include "TestServer.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QPointer>
#include <QSignalSpy>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QUuid>

#include <memory>

using namespace keydesk;
using namespace keydesk::test;

namespace {

constexpr int answerTimeoutMs = 15'000;
const QDateTime clockStart(QDate(2026, 1, 31), QTime(12, 0), Qt::UTC);

QDateTime utc(int year, int month, int day, int hour = 12)
{
    return QDateTime(QDate(year, month, day), QTime(hour, 0), Qt::UTC);
}

// Starts one call and waits (processing events, no fixed sleeps) for its single answer.
// `start` gets the context object and the callback to pass on.
template<typename T, typename Start>
Result<T> await(Start start)
{
    std::optional<Result<T>> result;
    int calls = 0;
    QObject context;
    const QThread *testThread = QThread::currentThread();
    bool onTestThread = true;
    start(&context, [&](const Result<T> &answer) {
        ++calls;
        onTestThread = onTestThread && QThread::currentThread() == testThread;
        result = answer;
    });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, answerTimeoutMs))
        return ApiError {ApiError::Network, 0, {}, QStringLiteral("test: no answer in time"), {}};
    // One answer, on the caller's thread, whatever thread the server runs on.
    if (calls != 1 || !onTestThread)
        return ApiError {ApiError::Network,
                         0,
                         {},
                         QStringLiteral("test: answered %1 times, on test thread: %2")
                             .arg(calls)
                             .arg(onTestThread),
                         {}};
    return *result;
}

// Formats an unexpected failure so that QVERIFY2 shows what the client said.
template<typename T>
QByteArray describe(const Result<T> &result)
{
    if (result)
        return "ok";
    const ApiError &error = result.error();
    return QStringLiteral("kind %1, HTTP %2, code '%3': %4")
        .arg(int(error.kind))
        .arg(error.status)
        .arg(error.code, error.message)
        .toUtf8();
}

struct Session
{
    SessionGrant grant;
    QString organizationId;
    QString email;
};

// Signs up through the client under test; the client keeps the new session's token.
Session signUpWith(ApiClient &client, const QString &email = QStringLiteral("ada@example.com"))
{
    const Result<SessionGrant> grant = await<SessionGrant>([&](QObject *context, auto callback) {
        client.signUp(QStringLiteral("Acme"), QStringLiteral("Ada Lovelace"), email, testPassword,
                      context, callback);
    });
    if (!grant)
        qFatal("sign-up failed: %s", describe(grant).constData());
    return {*grant, grant->account.organizations.value(0).id, email};
}

Result<ApiClient::CreatedKey>
createKey(ApiClient &client, const QString &organizationId, const QString &name,
          Expiration expiration = Expiration::Never,
          const QString &idempotencyKey = ApiClient::newIdempotencyKey())
{
    return await<ApiClient::CreatedKey>([&](QObject *context, auto callback) {
        client.createKey(organizationId, name, expiration, Access::Full, idempotencyKey, context,
                         callback);
    });
}

Result<ApiClient::KeyPage> listKeys(ApiClient &client, const QString &organizationId,
                                    const ApiClient::KeyQuery &query = {})
{
    return await<ApiClient::KeyPage>([&](QObject *context, auto callback) {
        client.listKeys(organizationId, query, context, callback);
    });
}

Result<ServerInfo> info(ApiClient &client)
{
    return await<ServerInfo>(
        [&](QObject *context, auto callback) { client.info(context, callback); });
}

HttpResult verify(const TestServer &server, const QByteArray &secret, const QString &organizationId)
{
    HttpClient http(server);
    return http.get(QStringLiteral("/v1/verify"),
                    {{"x-api-key", secret}, {"x-organization-id", organizationId.toLatin1()}});
}

// Answers every request with the same canned HTTP response, then closes the connection.
class CannedServer final : public QTcpServer
{
public:
    explicit CannedServer(QByteArray response)
        : m_response(std::move(response))
    {
        connect(this, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *socket = nextPendingConnection()) {
                connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    m_request += socket->readAll();
                    if (!m_request.contains("\r\n\r\n"))
                        return;
                    socket->write(m_response);
                    socket->disconnectFromHost();
                });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
        listen(QHostAddress::LocalHost);
    }
    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(serverPort())); }
    QByteArray request() const { return m_request; }

private:
    QByteArray m_response;
    QByteArray m_request;
};

QByteArray httpResponse(const QByteArray &statusLine, const QByteArray &contentType,
                        const QByteArray &body, const QByteArray &extraHeaders = {})
{
    return "HTTP/1.1 " + statusLine + "\r\nContent-Type: " + contentType
        + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n" + extraHeaders
        + "Connection: close\r\n\r\n" + body;
}

class TlsServer final : public QTcpServer
{
public:
    explicit TlsServer(SelfSigned identity)
        : m_identity(std::move(identity))
    {
        listen(QHostAddress::LocalHost);
    }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QSslSocket(this);
        socket->setSocketDescriptor(descriptor);
        socket->setLocalCertificate(m_identity.certificate());
        socket->setPrivateKey(m_identity.key());
        socket->startServerEncryption();
        addPendingConnection(socket);
    }

private:
    SelfSigned m_identity;
};

} // namespace

class TestApiClient : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void infoDescribesTheServer();
    void signsUpAndLogsIn();
    void meAndOrganization();
    void createsWithEachExpiration_data();
    void createsWithEachExpiration();
    void createCarriesIdempotencyKey();
    void listsPageByPage();
    void renames();
    void revokedKeyStopsVerifying();
    void expiredSessionEmitsSessionExpired();
    void lateAnswerForReplacedTokenKeepsNewSession();
    void logOutEndsTheSession();
    void changingServerDropsToken();
    void validationErrorsCarryFieldErrors();
    void serverGoneIsNetworkError();
    void silentServerTimesOut();
    void unreadableAnswersAreBadResponses_data();
    void unreadableAnswersAreBadResponses();
    void untrustedCertificateIsTlsError();
    void callbackSkippedWhenContextDeleted();
    void insecureRemote_data();
    void insecureRemote();
    void secretsNeverLogged();
};

void TestApiClient::infoDescribesTheServer()
{
    TestServer server;
    ApiClient client(server.url());
    const Result<ServerInfo> result = info(client);
    QVERIFY2(result, describe(result).constData());
    QCOMPARE(result->name, QStringLiteral("KeyDesk"));
    QCOMPARE(result->version, QStringLiteral(KEYDESK_VERSION));
    QVERIFY(result->signupEnabled);

    TestServer closed(TestServer::Options {false, {}, 100});
    client.setBaseUrl(closed.url());
    QCOMPARE(client.baseUrl(), closed.url());
    const Result<ServerInfo> closedInfo = info(client);
    QVERIFY2(closedInfo, describe(closedInfo).constData());
    QVERIFY(!closedInfo->signupEnabled);
}

void TestApiClient::signsUpAndLogsIn()
{
    TestServer server;
    ApiClient client(server.url());
    QSignalSpy expired(&client, &ApiClient::sessionExpired);
    const Session session = signUpWith(client);
    QVERIFY(client.hasToken());
    QVERIFY(session.grant.token.startsWith("kds_"));
    QCOMPARE(session.grant.expiresAt, clockStart.addSecs(12 * 3600));
    QCOMPARE(session.grant.account.user.name, QStringLiteral("Ada Lovelace"));
    QCOMPARE(session.grant.account.organizations.size(), 1);
    QCOMPARE(session.grant.account.organizations.first().role, Role::Owner);

    // Signing up twice with one email: the server's words come through.
    const Result<SessionGrant> again = await<SessionGrant>([&](QObject *context, auto callback) {
        client.signUp(QStringLiteral("Other"), QStringLiteral("Ada"), session.email, testPassword,
                      context, callback);
    });
    QVERIFY(!again);
    QCOMPARE(again.error().kind, ApiError::Http);
    QCOMPARE(again.error().status, 409);
    QCOMPARE(again.error().code, QStringLiteral("email_taken"));
    QVERIFY(!again.error().message.isEmpty());

    client.clearToken();
    QVERIFY(!client.hasToken());
    const Result<SessionGrant> wrong = await<SessionGrant>([&](QObject *context, auto callback) {
        client.logIn(session.email, QStringLiteral("not the password at all"), context, callback);
    });
    QVERIFY(!wrong);
    QCOMPARE(wrong.error().kind, ApiError::Http);
    QCOMPARE(wrong.error().status, 401);
    QCOMPARE(wrong.error().code, QStringLiteral("invalid_credentials"));
    QVERIFY(wrong.error().is(ErrorCode::invalidCredentials));
    QCOMPARE(wrong.error().message,
             QStringLiteral("The email address or the password is not correct."));
    QVERIFY(!client.hasToken());

    const Result<SessionGrant> right = await<SessionGrant>([&](QObject *context, auto callback) {
        client.logIn(session.email.toUpper(), testPassword, context, callback);
    });
    QVERIFY2(right, describe(right).constData());
    QVERIFY(right->token != session.grant.token);
    QCOMPARE(right->account.user.id, session.grant.account.user.id);
    QCOMPARE(right->account.organizations, session.grant.account.organizations);
    QVERIFY(client.hasToken());
    // A failed login is not an ended session.
    QCOMPARE(expired.count(), 0);
}

void TestApiClient::meAndOrganization()
{
    TestServer server;
    ApiClient client(server.url());
    const Session session = signUpWith(client);

    const Result<Account> me =
        await<Account>([&](QObject *context, auto callback) { client.me(context, callback); });
    QVERIFY2(me, describe(me).constData());
    QCOMPARE(me->user, session.grant.account.user);
    QCOMPARE(me->user.email, session.email);
    QCOMPARE(me->organizations, session.grant.account.organizations);

    const Result<Organization> organization =
        await<Organization>([&](QObject *context, auto callback) {
            client.organization(session.organizationId, context, callback);
        });
    QVERIFY2(organization, describe(organization).constData());
    QCOMPARE(organization->id, session.organizationId);
    QCOMPARE(organization->name, QStringLiteral("Acme"));
    QCOMPARE(organization->createdAt, clockStart);

    // Ids are path segments: one that is not ours, or that tries to leave its segment, is 404.
    for (const QString &bogus :
         {QStringLiteral("org_unknown"), QStringLiteral("../v1/me"), QStringLiteral("a/b?c#d")}) {
        const Result<Organization> other =
            await<Organization>([&](QObject *context, auto callback) {
                client.organization(bogus, context, callback);
            });
        QVERIFY(!other);
        QCOMPARE(other.error().kind, ApiError::Http);
        QCOMPARE(other.error().status, 404);
        QCOMPARE(other.error().code, QStringLiteral("not_found"));
    }
}

void TestApiClient::createsWithEachExpiration_data()
{
    QTest::addColumn<Expiration>("expiration");
    QTest::addColumn<QDateTime>("expiresAt");
    // The test clock starts at 2026-01-31T12:00Z, a month's last day.
    QTest::newRow("two weeks") << Expiration::TwoWeeks << utc(2026, 2, 14);
    QTest::newRow("one month (clamped to 28 Feb)") << Expiration::OneMonth << utc(2026, 2, 28);
    QTest::newRow("three months (clamped to 30 Apr)")
        << Expiration::ThreeMonths << utc(2026, 4, 30);
    QTest::newRow("six months") << Expiration::SixMonths << utc(2026, 7, 31);
    QTest::newRow("one year") << Expiration::OneYear << utc(2027, 1, 31);
    QTest::newRow("never") << Expiration::Never << QDateTime();
}

void TestApiClient::createsWithEachExpiration()
{
    QFETCH(Expiration, expiration);
    QFETCH(QDateTime, expiresAt);
    TestServer server;
    ApiClient client(server.url());
    const Session session = signUpWith(client);

    const Result<ApiClient::CreatedKey> created =
        createKey(client, session.organizationId, QStringLiteral("Deploy"), expiration);
    QVERIFY2(created, describe(created).constData());
    const ApiKey &key = created->key;
    QVERIFY(KeyFormat::isWellFormed(created->secret));
    QVERIFY(key.id.startsWith(u"key_"));
    QCOMPARE(key.name, QStringLiteral("Deploy"));
    QCOMPARE(key.hint, KeyFormat::hint(created->secret));
    QCOMPARE(key.expiration, expiration);
    QCOMPARE(key.access, Access::Full);
    QCOMPARE(key.createdAt, clockStart);
    QCOMPARE(key.createdBy.id, session.grant.account.user.id);
    QCOMPARE(key.expiresAt, expiresAt);
    QVERIFY(!key.lastUsedAt.isValid());
    QVERIFY(!key.revokedAt.isValid());
    QCOMPARE(key.statusAt(server.clock().now()), KeyStatus::Active);

    // The secret works, for this organization.
    const HttpResult verified = verify(server, created->secret, session.organizationId);
    QCOMPARE(verified.status, 200);
    QCOMPARE(verified.json().value(QStringLiteral("key_id")).toString(), key.id);
}

void TestApiClient::createCarriesIdempotencyKey()
{
    TestServer server;
    ApiClient client(server.url());
    const Session session = signUpWith(client);

    // A retry of one user action with its key: still one key, and only the latest secret works.
    const QString action = ApiClient::newIdempotencyKey();
    QVERIFY(!QUuid::fromString(action).isNull());
    QVERIFY(action != ApiClient::newIdempotencyKey());
    const Result<ApiClient::CreatedKey> first = createKey(
        client, session.organizationId, QStringLiteral("CI"), Expiration::OneYear, action);
    const Result<ApiClient::CreatedKey> retry = createKey(
        client, session.organizationId, QStringLiteral("CI"), Expiration::OneYear, action);
    QVERIFY2(first, describe(first).constData());
    QVERIFY2(retry, describe(retry).constData());
    QCOMPARE(retry->key.id, first->key.id);
    QVERIFY(retry->secret != first->secret);
    QCOMPARE(verify(server, first->secret, session.organizationId).status, 401);
    QCOMPARE(verify(server, retry->secret, session.organizationId).status, 200);

    // The same key with a different request is refused; an empty one means "make a fresh one".
    const Result<ApiClient::CreatedKey> mismatch = createKey(
        client, session.organizationId, QStringLiteral("other"), Expiration::OneYear, action);
    QVERIFY(!mismatch);
    QCOMPARE(mismatch.error().status, 422);
    QCOMPARE(mismatch.error().code, QStringLiteral("idempotency_mismatch"));
    const Result<ApiClient::CreatedKey> fresh1 = createKey(
        client, session.organizationId, QStringLiteral("CI"), Expiration::OneYear, QString());
    const Result<ApiClient::CreatedKey> fresh2 = createKey(
        client, session.organizationId, QStringLiteral("CI"), Expiration::OneYear, QString());
    QVERIFY2(fresh1 && fresh2, describe(fresh2).constData());
    QVERIFY(fresh1->key.id != fresh2->key.id);
    const Result<ApiClient::KeyPage> page = listKeys(client, session.organizationId);
    QVERIFY2(page, describe(page).constData());
    QCOMPARE(page->items.size(), 3);
}

void TestApiClient::listsPageByPage()
{
    TestServer server;
    ApiClient client(server.url());
    const Session session = signUpWith(client);
    QStringList created;
    for (int i = 0; i < 5; ++i) {
        const Result<ApiClient::CreatedKey> key =
            createKey(client, session.organizationId, QStringLiteral("key %1 & 100%").arg(i));
        QVERIFY2(key, describe(key).constData());
        created.prepend(key->key.id); // newest first
        server.clock().advance(1000);
    }

    QStringList seen;
    ApiClient::KeyQuery query;
    query.limit = 2;
    QList<int> sizes;
    do {
        const Result<ApiClient::KeyPage> page = listKeys(client, session.organizationId, query);
        QVERIFY2(page, describe(page).constData());
        sizes.append(int(page->items.size()));
        for (const ApiKey &key : page->items)
            seen.append(key.id);
        query.cursor = page->nextCursor;
        QVERIFY(sizes.size() <= 3);
    } while (!query.cursor.isEmpty());
    QCOMPARE(sizes, (QList<int> {2, 2, 1}));
    QCOMPARE(seen, created);

    // Search text goes into the query string intact ("&", "%" and spaces included).
    ApiClient::KeyQuery search;
    search.q = QStringLiteral("KEY 3 & 100%");
    const Result<ApiClient::KeyPage> found = listKeys(client, session.organizationId, search);
    QVERIFY2(found, describe(found).constData());
    QCOMPARE(found->items.size(), 1);
    QCOMPARE(found->items.first().name, QStringLiteral("key 3 & 100%"));
    QVERIFY(found->nextCursor.isEmpty());

    // Status filters.
    const Result<ApiKey> revoked = await<ApiKey>([&](QObject *context, auto callback) {
        client.revokeKey(session.organizationId, created.first(), context, callback);
    });
    QVERIFY2(revoked, describe(revoked).constData());
    ApiClient::KeyQuery filter;
    QCOMPARE(listKeys(client, session.organizationId, filter)->items.size(), 4);
    filter.status = ApiClient::KeyFilter::Revoked;
    QCOMPARE(listKeys(client, session.organizationId, filter)->items.size(), 1);
    filter.status = ApiClient::KeyFilter::All;
    QCOMPARE(listKeys(client, session.organizationId, filter)->items.size(), 5);
    filter.status = ApiClient::KeyFilter::Expired;
    QCOMPARE(listKeys(client, session.organizationId, filter)->items.size(), 0);
    filter.status = ApiClient::KeyFilter::Active;
    QCOMPARE(listKeys(client, session.organizationId, filter)->items.size(), 4);

    // A cursor the server does not know is its 400, with the field named.
    ApiClient::KeyQuery bad;
    bad.cursor = QStringLiteral("not-a-cursor");
    const Result<ApiClient::KeyPage> refused = listKeys(client, session.organizationId, bad);
    QVERIFY(!refused);
    QCOMPARE(refused.error().status, 400);
    QVERIFY(!refused.error().fieldMessage(u"cursor").isEmpty());
}

void TestApiClient::renames()
{
    TestServer server;
    ApiClient client(server.url());
    const Session session = signUpWith(client);
    const Result<ApiClient::CreatedKey> created =
        createKey(client, session.organizationId, QStringLiteral("old"));
    QVERIFY2(created, describe(created).constData());

    const auto rename = [&](const QString &name) {
        return await<ApiKey>([&](QObject *context, auto callback) {
            client.renameKey(session.organizationId, created->key.id, name, context, callback);
        });
    };
    const Result<ApiKey> renamed = rename(QStringLiteral("  Billing service  "));
    QVERIFY2(renamed, describe(renamed).constData());
    QCOMPARE(renamed->id, created->key.id);
    QCOMPARE(renamed->name, QStringLiteral("Billing service"));
    QCOMPARE(renamed->hint, created->key.hint);

    const Result<ApiKey> unnamed = rename(QString());
    QVERIFY2(unnamed, describe(unnamed).constData());
    QVERIFY(unnamed->name.isNull());

    const Result<ApiKey> tooLong = rename(QString(101, u'x'));
    QVERIFY(!tooLong);
    QCOMPARE(tooLong.error().code, QStringLiteral("validation_failed"));
    QVERIFY(!tooLong.error().fieldMessage(u"name").isEmpty());
}

void TestApiClient::revokedKeyStopsVerifying()
{
    TestServer server;
    ApiClient client(server.url());
    const Session session = signUpWith(client);
    const Result<ApiClient::CreatedKey> created =
        createKey(client, session.organizationId, QStringLiteral("doomed"), Expiration::OneMonth);
    QVERIFY2(created, describe(created).constData());
    QCOMPARE(verify(server, created->secret, session.organizationId).status, 200);

    const auto revoke = [&] {
        return await<ApiKey>([&](QObject *context, auto callback) {
            client.revokeKey(session.organizationId, created->key.id, context, callback);
        });
    };
    const Result<ApiKey> revoked = revoke();
    QVERIFY2(revoked, describe(revoked).constData());
    QCOMPARE(revoked->revokedAt, clockStart);
    QCOMPARE(revoked->statusAt(server.clock().now()), KeyStatus::Revoked);

    const HttpResult refused = verify(server, created->secret, session.organizationId);
    QCOMPARE(refused.status, 401);
    QCOMPARE(refused.code(), QStringLiteral("revoked_key"));

    // Revoking again is not an error and changes nothing.
    server.clock().advance(60'000);
    const Result<ApiKey> again = revoke();
    QVERIFY2(again, describe(again).constData());
    QCOMPARE(again->revokedAt, clockStart);

    // A revoked key keeps its name.
    const Result<ApiKey> rename = await<ApiKey>([&](QObject *context, auto callback) {
        client.renameKey(session.organizationId, created->key.id, QStringLiteral("x"), context,
                         callback);
    });
    QVERIFY(!rename);
    QCOMPARE(rename.error().status, 409);
    QCOMPARE(rename.error().code, QStringLiteral("key_revoked"));
}

void TestApiClient::expiredSessionEmitsSessionExpired()
{
    TestServer server;
    ApiClient client(server.url());
    QSignalSpy expired(&client, &ApiClient::sessionExpired);
    const Session session = signUpWith(client);
    const auto me = [&] {
        return await<Account>(
            [&](QObject *context, auto callback) { client.me(context, callback); });
    };
    QVERIFY(me());

    server.clock().advance(12LL * 3600 * 1000);
    bool signalledBeforeCallback = false;
    const Result<Account> after = await<Account>([&](QObject *context, auto callback) {
        client.me(context, [&, callback](const Result<Account> &result) {
            signalledBeforeCallback = !expired.isEmpty();
            callback(result);
        });
    });
    QVERIFY(!after);
    QCOMPARE(after.error().kind, ApiError::Http);
    QCOMPARE(after.error().status, 401);
    QCOMPARE(after.error().code, QStringLiteral("unauthenticated"));
    QVERIFY(!after.error().message.isEmpty());
    QTRY_COMPARE(expired.count(), 1);
    QVERIFY(!signalledBeforeCallback); // callbacks first, then the app goes back to login
    QVERIFY(!client.hasToken());

    // Without a token there is no session to expire: a call still fails, but nothing is emitted.
    const Result<ApiClient::KeyPage> list = listKeys(client, session.organizationId);
    QVERIFY(!list);
    QCOMPARE(list.error().code, QStringLiteral("unauthenticated"));
    QCOMPARE(expired.count(), 1);
}

void TestApiClient::lateAnswerForReplacedTokenKeepsNewSession()
{
    TestServer server;
    ApiClient client(server.url());
    QSignalSpy expired(&client, &ApiClient::sessionExpired);
    const Session first = signUpWith(client);
    const QByteArray staleToken = first.grant.token;
    server.clock().advance(12LL * 3600 * 1000);
    HttpClient http(server);
    const QByteArray freshToken = signUp(http, QStringLiteral("Beta")).token;

    client.setToken(staleToken);
    std::optional<Result<Account>> late;
    QObject context;
    client.me(&context, [&](const Result<Account> &result) { late = result; });
    // The user signed in again before the old request answered.
    client.setToken(freshToken);
    QTRY_VERIFY_WITH_TIMEOUT(late.has_value(), answerTimeoutMs);
    QCOMPARE(late->error().code, QStringLiteral("unauthenticated"));
    QCOMPARE(expired.count(), 0);
    QVERIFY(client.hasToken());
    const Result<Account> me =
        await<Account>([&](QObject *c, auto callback) { client.me(c, callback); });
    QVERIFY2(me, describe(me).constData());
    QVERIFY(me->user.id != first.grant.account.user.id);
}

void TestApiClient::logOutEndsTheSession()
{
    TestServer server;
    ApiClient client(server.url());
    QSignalSpy expired(&client, &ApiClient::sessionExpired);
    const Session session = signUpWith(client);
    const Result<void> out =
        await<void>([&](QObject *context, auto callback) { client.logOut(context, callback); });
    QVERIFY2(out, describe(out).constData());
    QVERIFY(!client.hasToken());
    HttpClient http(server);
    http.token = session.grant.token;
    QCOMPARE(http.get(QStringLiteral("/v1/me")).status, 401);

    // Logging out of a session that already ended is still a success, and no "expiry".
    client.setToken(session.grant.token);
    const Result<void> again =
        await<void>([&](QObject *context, auto callback) { client.logOut(context, callback); });
    QVERIFY2(again, describe(again).constData());
    QCOMPARE(expired.count(), 0);
}

void TestApiClient::changingServerDropsToken()
{
    ApiClient client(QUrl(QStringLiteral("http://127.0.0.1:1")));
    client.setToken("kds_secret");
    client.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:1")));
    QVERIFY(client.hasToken());
    client.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:2")));
    QVERIFY(!client.hasToken());

    QCOMPARE(client.timeout(), ApiClient::defaultTimeoutMs);
    QCOMPARE(ApiClient::defaultTimeoutMs, 15'000);
}

void TestApiClient::validationErrorsCarryFieldErrors()
{
    TestServer server;
    ApiClient client(server.url());
    const Result<SessionGrant> refused = await<SessionGrant>([&](QObject *context, auto callback) {
        client.signUp(QString(), QStringLiteral("Ada"), QStringLiteral("not-an-email"),
                      QStringLiteral("short"), context, callback);
    });
    QVERIFY(!refused);
    QCOMPARE(refused.error().kind, ApiError::Http);
    QCOMPARE(refused.error().status, 400);
    QCOMPARE(refused.error().code, QStringLiteral("validation_failed"));
    QVERIFY(!refused.error().message.isEmpty());
    QStringList fields;
    for (const FieldError &error : refused.error().fieldErrors) {
        fields.append(error.field);
        QVERIFY(!error.message.isEmpty());
    }
    QVERIFY2(fields.contains(u"organization_name") && fields.contains(u"email")
                 && fields.contains(u"password"),
             qPrintable(fields.join(u',')));
    QVERIFY(!refused.error().fieldMessage(u"password").isEmpty());
    QVERIFY(refused.error().fieldMessage(u"name").isEmpty());
    QVERIFY(!client.hasToken());

    const Session session = signUpWith(client);
    const Result<ApiClient::CreatedKey> tooLong =
        createKey(client, session.organizationId, QString(101, u'n'));
    QVERIFY(!tooLong);
    QCOMPARE(tooLong.error().code, QStringLiteral("validation_failed"));
    QCOMPARE(tooLong.error().fieldErrors.size(), 1);
    QCOMPARE(tooLong.error().fieldErrors.first().field, QStringLiteral("name"));
}

void TestApiClient::serverGoneIsNetworkError()
{
    QUrl url;
    {
        TestServer server;
        url = server.url();
        ApiClient client(url);
        QVERIFY(info(client));
    }
    ApiClient client(url);
    const Result<ServerInfo> result = info(client);
    QVERIFY(!result);
    QCOMPARE(result.error().kind, ApiError::Network);
    QCOMPARE(result.error().status, 0);
    QVERIFY2(result.error().message.contains(url.toDisplayString(QUrl::StripTrailingSlash)),
             qPrintable(result.error().message));
    QVERIFY2(result.error().message.contains(u"refused"), qPrintable(result.error().message));

    // A port that was never open says the same.
    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost));
    const quint16 port = closed.serverPort();
    closed.close();
    client.setBaseUrl(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)));
    const Result<Account> me =
        await<Account>([&](QObject *context, auto callback) { client.me(context, callback); });
    QVERIFY(!me);
    QCOMPARE(me.error().kind, ApiError::Network);
    QVERIFY2(me.error().message.contains(QStringLiteral("127.0.0.1:%1").arg(port)),
             qPrintable(me.error().message));

    // Not an HTTP address at all: said so, not "protocol unknown".
    client.setBaseUrl(QUrl(QStringLiteral("ftp://127.0.0.1:%1").arg(port)));
    const Result<ServerInfo> ftp = info(client);
    QVERIFY(!ftp);
    QCOMPARE(ftp.error().kind, ApiError::Network);
    QVERIFY2(ftp.error().message.contains(u"https://"), qPrintable(ftp.error().message));
}

void TestApiClient::silentServerTimesOut()
{
    // Accepts connections (the kernel completes them) and never answers.
    QTcpServer silent;
    QVERIFY(silent.listen(QHostAddress::LocalHost));
    ApiClient client(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(silent.serverPort())));
    client.setTimeout(300);
    QCOMPARE(client.timeout(), 300);
    QElapsedTimer timer;
    timer.start();
    const Result<ServerInfo> result = info(client);
    QVERIFY(!result);
    QCOMPARE(result.error().kind, ApiError::Timeout);
    QCOMPARE(result.error().message,
             QStringLiteral("The server did not answer within 0.3 seconds."));
    QVERIFY(timer.elapsed() >= 250);
    QVERIFY(silent.hasPendingConnections());

    client.setTimeout(2000);
    const Result<ApiClient::CreatedKey> created =
        await<ApiClient::CreatedKey>([&](QObject *context, auto callback) {
            client.setTimeout(1000);
            client.createKey(QStringLiteral("org_x"), QString(), Expiration::Never, Access::Full,
                             {}, context, callback);
        });
    QVERIFY(!created);
    QCOMPARE(created.error().kind, ApiError::Timeout);
    QCOMPARE(created.error().message, QStringLiteral("The server did not answer within 1 second."));
}

void TestApiClient::unreadableAnswersAreBadResponses_data()
{
    QTest::addColumn<QByteArray>("response");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("HTML error page from a proxy")
        << httpResponse("502 Bad Gateway", "text/html", "<html><body>Bad gateway</body></html>")
        << 502 << QStringLiteral("HTTP 502 Bad Gateway");
    QTest::newRow("empty error") << httpResponse("500 Internal Server Error", "text/plain", {})
                                 << 500 << QStringLiteral("HTTP 500");
    QTest::newRow("malformed JSON success")
        << httpResponse("200 OK", "application/json", "{\"name\": \"KeyDesk\", ") << 200
        << QStringLiteral("not valid JSON");
    QTest::newRow("JSON array success") << httpResponse("200 OK", "application/json", "[1, 2]")
                                        << 200 << QStringLiteral("not a JSON object");
    QTest::newRow("JSON of something else")
        << httpResponse("200 OK", "application/json", "{\"hello\": \"world\"}") << 200
        << QStringLiteral("missing");
    QTest::newRow("redirect") << httpResponse("301 Moved Permanently", "text/html", "moved",
                                              "Location: https://keys.example.com/v1/info\r\n")
                              << 301 << QStringLiteral("https://keys.example.com/v1/info");
}

void TestApiClient::unreadableAnswersAreBadResponses()
{
    QFETCH(QByteArray, response);
    QFETCH(int, status);
    QFETCH(QString, mentions);
    CannedServer canned(response);
    QVERIFY(canned.isListening());
    ApiClient client(canned.url());
    const Result<ServerInfo> result = info(client);
    QVERIFY(!result);
    QCOMPARE(result.error().kind, ApiError::BadResponse);
    QCOMPARE(result.error().status, status);
    QVERIFY2(result.error().message.contains(mentions), qPrintable(result.error().message));
    QVERIFY2(result.error().message.contains(canned.url().toDisplayString()),
             qPrintable(result.error().message));
    QVERIFY(canned.request().startsWith("GET /v1/info HTTP/1.1\r\n"));
}

void TestApiClient::untrustedCertificateIsTlsError()
{
    if (!QSslSocket::supportsSsl())
        QSKIP("no TLS backend");
    const SelfSigned identity = makeSelfSigned();
    QVERIFY(!identity.certificate().isNull());
    QVERIFY(!identity.key().isNull());
    TlsServer tls(identity);
    QVERIFY(tls.isListening());
    ApiClient client(QUrl(QStringLiteral("https://127.0.0.1:%1").arg(tls.serverPort())));
    QVERIFY(!ApiClient::isInsecureRemote(client.baseUrl()));
    const Result<SessionGrant> result = await<SessionGrant>([&](QObject *context, auto callback) {
        client.logIn(QStringLiteral("ada@example.com"), testPassword, context, callback);
    });
    QVERIFY(!result);
    QCOMPARE(result.error().kind, ApiError::Tls);
    QVERIFY2(result.error().message.contains(u"self-signed"), qPrintable(result.error().message));
    QVERIFY2(result.error().message.contains(client.baseUrl().toDisplayString()),
             qPrintable(result.error().message));
}

void TestApiClient::callbackSkippedWhenContextDeleted()
{
    TestServer server;
    ApiClient client(server.url());
    QSignalSpy expired(&client, &ApiClient::sessionExpired);
    signUpWith(client);
    server.clock().advance(12LL * 3600 * 1000);

    // sessionExpired comes after the point where the callback would have run, so once it is
    // seen the answer has been handled.
    bool called = false;
    auto *context = new QObject;
    client.me(context, [&called](const Result<Account> &) { called = true; });
    delete context;
    QTRY_COMPARE_WITH_TIMEOUT(expired.count(), 1, answerTimeoutMs);
    QVERIFY(!called);

    // Same with a context that lives until the answer: then it is called.
    bool calledAlive = false;
    QObject alive;
    client.info(&alive, [&calledAlive](const Result<ServerInfo> &) { calledAlive = true; });
    QTRY_VERIFY_WITH_TIMEOUT(calledAlive, answerTimeoutMs);

    // And destroying the client with a call in flight is quiet.
    bool calledAfterClient = false;
    auto *doomed = new ApiClient(server.url());
    doomed->info(&alive,
                 [&calledAfterClient](const Result<ServerInfo> &) { calledAfterClient = true; });
    delete doomed;
    // A full round trip of another call gives a stray answer every chance to show up.
    calledAlive = false;
    client.info(&alive, [&calledAlive](const Result<ServerInfo> &) { calledAlive = true; });
    QTRY_VERIFY_WITH_TIMEOUT(calledAlive, answerTimeoutMs);
    QVERIFY(!calledAfterClient);
}

void TestApiClient::insecureRemote_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("insecure");
    QTest::newRow("http remote host") << QStringLiteral("http://keys.example.com") << true;
    QTest::newRow("http remote with port")
        << QStringLiteral("http://keys.example.com:8787/") << true;
    QTest::newRow("HTTP upper case") << QStringLiteral("HTTP://keys.example.com") << true;
    QTest::newRow("http LAN address") << QStringLiteral("http://192.168.1.20:8787") << true;
    QTest::newRow("http any address") << QStringLiteral("http://0.0.0.0:8787") << true;
    QTest::newRow("http IPv6 remote") << QStringLiteral("http://[2001:db8::1]:8787") << true;
    QTest::newRow("localhost as a subdomain")
        << QStringLiteral("http://localhost.example.com") << true;
    QTest::newRow("http localhost") << QStringLiteral("http://localhost:8787") << false;
    QTest::newRow("http LOCALHOST") << QStringLiteral("http://LOCALHOST:8787") << false;
    QTest::newRow("http 127.0.0.1") << QStringLiteral("http://127.0.0.1:8787") << false;
    QTest::newRow("http 127.8.9.10") << QStringLiteral("http://127.8.9.10") << false;
    QTest::newRow("http ::1") << QStringLiteral("http://[::1]:8787") << false;
    QTest::newRow("https remote") << QStringLiteral("https://keys.example.com") << false;
    QTest::newRow("https localhost") << QStringLiteral("https://localhost") << false;
}

void TestApiClient::insecureRemote()
{
    QFETCH(QString, url);
    QFETCH(bool, insecure);
    QCOMPARE(ApiClient::isInsecureRemote(QUrl(url)), insecure);
}

void TestApiClient::secretsNeverLogged()
{
    TestServer server;
    ApiClient client(server.url());
    const Session session = signUpWith(client);
    const Result<ApiClient::CreatedKey> created =
        createKey(client, session.organizationId, QStringLiteral("k"));
    QVERIFY2(created, describe(created).constData());
    const Result<SessionGrant> wrong = await<SessionGrant>([&](QObject *context, auto callback) {
        client.logIn(session.email, QStringLiteral("a wrong password 42"), context, callback);
    });
    QVERIFY(!wrong);
    const QString everything = TestServer::capturedLog().join(u'\n');
    QVERIFY(!everything.contains(QString::fromLatin1(session.grant.token)));
    QVERIFY(!everything.contains(QString::fromLatin1(created->secret)));
    QVERIFY(!everything.contains(testPassword));
    QVERIFY(!everything.contains(QStringLiteral("a wrong password 42")));
}

QTEST_GUILESS_MAIN(TestApiClient)
#include "tst_apiclient.moc"
