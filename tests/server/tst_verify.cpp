// GET /v1/verify: every answer of the contract, revocation and organization deletion taking
// effect at once, expiry at the exact instant, and batched last_used_at.

#include "KeyDeskServer.h"
#include "KeyFormat.h"
#include "Rfc3339.h"
#include "TestServer.h"

#include <QTest>

using namespace keydesk;
using namespace keydesk::test;

namespace {

struct IssuedKey
{
    QString id;
    QByteArray secret;
    QJsonObject json;
};

IssuedKey createKey(HttpClient &client, const QString &organizationId,
                    const QString &expiration = QStringLiteral("never"),
                    const QString &access = QStringLiteral("full"))
{
    const HttpResult result =
        client.post(QStringLiteral("/v1/organizations/%1/api-keys").arg(organizationId),
                    {{QStringLiteral("name"), QStringLiteral("service")},
                     {QStringLiteral("expiration"), expiration},
                     {QStringLiteral("access"), access}});
    if (result.status != 201)
        qFatal("create failed: %s", result.body.constData());
    const QJsonObject key = result.json().value(QStringLiteral("api_key")).toObject();
    return {key.value(QStringLiteral("id")).toString(),
            result.json().value(QStringLiteral("secret")).toString().toLatin1(), key};
}

HttpResult verify(HttpClient &client, const QByteArray &secret, const QString &organizationId)
{
    QList<QPair<QByteArray, QByteArray>> headers;
    if (!secret.isNull())
        headers.append({"x-api-key", secret});
    if (!organizationId.isNull())
        headers.append({"x-organization-id", organizationId.toUtf8()});
    return client.get(QStringLiteral("/v1/verify"), headers);
}

} // namespace

class TestVerify : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void acceptsAValidKey();
    void headerNamesAreCaseInsensitive();
    void missingHeaders();
    void malformedOrUnknownKeys();
    void keyOfAnotherOrganization();
    void revocationTakesEffectOnTheNextCall();
    void expiresAtTheExactInstant();
    void deletedOrganizationStopsItsKeys();
    void lastUsedAtIsVisibleWithinTwoSeconds();
    void secretsNeverLogged();
};

void TestVerify::acceptsAValidKey()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    const IssuedKey key = createKey(client, owner.organizationId, QStringLiteral("one_month"),
                                    QStringLiteral("read_only"));
    client.token.clear(); // services have no session: only the key
    const HttpResult result = verify(client, key.secret, owner.organizationId);
    QCOMPARE(result.status, 200);
    const QJsonObject json = result.json();
    QCOMPARE(json.value(QStringLiteral("valid")).toBool(), true);
    QCOMPARE(json.value(QStringLiteral("key_id")).toString(), key.id);
    QCOMPARE(json.value(QStringLiteral("organization_id")).toString(), owner.organizationId);
    QCOMPARE(json.value(QStringLiteral("access")).toString(), QStringLiteral("read_only"));
    QCOMPARE(json.value(QStringLiteral("expires_at")).toString(),
             QStringLiteral("2026-02-28T12:00:00.000Z"));
}

void TestVerify::headerNamesAreCaseInsensitive()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    const IssuedKey key = createKey(client, owner.organizationId);
    const HttpResult result = client.get(
        QStringLiteral("/v1/verify"),
        {{"X-API-KEY", key.secret}, {"X-Organization-Id", owner.organizationId.toUtf8()}});
    QCOMPARE(result.status, 200);
    QCOMPARE(result.json().value(QStringLiteral("expires_at")), QJsonValue(QJsonValue::Null));
}

void TestVerify::missingHeaders()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    const IssuedKey key = createKey(client, owner.organizationId);
    client.token.clear();
    for (const auto &[secret, organization] :
         std::initializer_list<std::pair<QByteArray, QString>> {
             {QByteArray(), owner.organizationId},
             {QByteArray(""), owner.organizationId},
             {key.secret, QString()},
             {key.secret, QStringLiteral("")},
             {QByteArray(), QString()}}) {
        const HttpResult result = verify(client, secret, organization);
        QCOMPARE(result.status, 401);
        QCOMPARE(result.code(), QStringLiteral("missing_key"));
        QCOMPARE(result.header("Content-Type"), QByteArray("application/problem+json"));
    }
}

void TestVerify::malformedOrUnknownKeys()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    QByteArray wrongChecksum = KeyFormat::generate();
    wrongChecksum[5] = wrongChecksum[5] == 'a' ? 'b' : 'a';
    for (const QByteArray &secret :
         {QByteArray("kd_short"), QByteArray("not a key at all"), wrongChecksum,
          KeyFormat::generate() /* well-formed, never issued */}) {
        const HttpResult result = verify(client, secret, owner.organizationId);
        QCOMPARE(result.status, 401);
        QCOMPARE(result.code(), QStringLiteral("invalid_key"));
    }
}

void TestVerify::keyOfAnotherOrganization()
{
    TestServer server;
    HttpClient client(server);
    const Owner acme = signUp(client, QStringLiteral("Acme"));
    const Owner beta = signUp(client, QStringLiteral("Beta"));
    client.token = acme.token;
    const IssuedKey key = createKey(client, acme.organizationId);
    QCOMPARE(verify(client, key.secret, beta.organizationId).code(), QStringLiteral("invalid_key"));
    QCOMPARE(verify(client, key.secret, QStringLiteral("org_doesnotexist")).code(),
             QStringLiteral("invalid_key"));
    QCOMPARE(verify(client, key.secret, acme.organizationId).status, 200);
}

void TestVerify::revocationTakesEffectOnTheNextCall()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    const IssuedKey key = createKey(client, owner.organizationId);
    const IssuedKey other = createKey(client, owner.organizationId);
    QCOMPARE(verify(client, key.secret, owner.organizationId).status, 200);
    QCOMPARE(client
                 .del(QStringLiteral("/v1/organizations/%1/api-keys/%2")
                          .arg(owner.organizationId, key.id))
                 .status,
             200);
    const HttpResult result = verify(client, key.secret, owner.organizationId);
    QCOMPARE(result.status, 401);
    QCOMPARE(result.code(), QStringLiteral("revoked_key"));
    QCOMPARE(verify(client, other.secret, owner.organizationId).status, 200); // only that key
}

void TestVerify::expiresAtTheExactInstant()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    const IssuedKey key = createKey(client, owner.organizationId, QStringLiteral("two_weeks"));
    server.clock().advance(14LL * 24 * 3600 * 1000 - 1);
    QCOMPARE(verify(client, key.secret, owner.organizationId).status, 200);
    server.clock().advance(1);
    const HttpResult result = verify(client, key.secret, owner.organizationId);
    QCOMPARE(result.status, 401);
    QCOMPARE(result.code(), QStringLiteral("expired_key"));
    // Revoked wins over expired.
    client.token = client
                       .post(QStringLiteral("/v1/sessions"),
                             {{QStringLiteral("email"), owner.email},
                              {QStringLiteral("password"), testPassword}})
                       .json()
                       .value(QStringLiteral("token"))
                       .toString()
                       .toLatin1();
    QCOMPARE(client
                 .del(QStringLiteral("/v1/organizations/%1/api-keys/%2")
                          .arg(owner.organizationId, key.id))
                 .status,
             200);
    QCOMPARE(verify(client, key.secret, owner.organizationId).code(),
             QStringLiteral("revoked_key"));
}

void TestVerify::deletedOrganizationStopsItsKeys()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    const IssuedKey key = createKey(client, owner.organizationId);
    QCOMPARE(verify(client, key.secret, owner.organizationId).status, 200);
    QCOMPARE(client.del(QStringLiteral("/v1/organizations/") + owner.organizationId).status, 204);
    const HttpResult result = verify(client, key.secret, owner.organizationId);
    QCOMPARE(result.status, 401);
    QCOMPARE(result.code(), QStringLiteral("invalid_key"));
    QCOMPARE(client.get(QStringLiteral("/v1/organizations/") + owner.organizationId).status, 404);
    server.onServerThread([](KeyDeskServer &s) {
        QCOMPARE(s.store().auditCount(QStringLiteral("organization.delete")), 1);
    });
}

void TestVerify::lastUsedAtIsVisibleWithinTwoSeconds()
{
    // The production flush interval (1 s), so that this checks the contract's 2-second promise.
    TestServer server(TestServer::Options {true, {}, 1000});
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    const IssuedKey key = createKey(client, owner.organizationId);
    const QString path =
        QStringLiteral("/v1/organizations/%1/api-keys/%2").arg(owner.organizationId, key.id);
    QVERIFY(client.get(path).json().value(QStringLiteral("last_used_at")).isNull());
    server.clock().advance(5000);
    const QString usedAt = toRfc3339(server.clock().now());
    QCOMPARE(verify(client, key.secret, owner.organizationId).status, 200);
    QElapsedTimer timer;
    timer.start();
    QTRY_COMPARE_WITH_TIMEOUT(
        client.get(path).json().value(QStringLiteral("last_used_at")).toString(), usedAt, 2000);
    QVERIFY(timer.elapsed() <= 2000);
}

void TestVerify::secretsNeverLogged()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    const IssuedKey key = createKey(client, owner.organizationId);
    verify(client, key.secret, owner.organizationId);
    client.get(QStringLiteral("/v1/verify/")
               + QString::fromLatin1(key.secret)); // a key in the path, by mistake
    const QString joined = TestServer::capturedLog().join(u'\n');
    QVERIFY(joined.contains(QStringLiteral("GET /v1/verify 200")));
    QVERIFY(!joined.contains(QString::fromLatin1(key.secret)));
    QVERIFY(!joined.contains(QString::fromLatin1(key.secret.mid(3, 20))));
}

QTEST_GUILESS_MAIN(TestVerify)
#include "tst_verify.moc"
