// Sign-up, sessions, /v1/me, logout, session expiry and login throttling against a real server.

#include "KeyDeskServer.h"
#include "TestServer.h"

#include <QJsonArray>
#include <QTest>

using namespace keydesk;
using namespace keydesk::test;

class TestAuth : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void infoReportsSignup();
    void signupDisabledIsForbidden();
    void signupCreatesOwnerAndSession();
    void signupValidatesEveryField();
    void signupRejectsTakenEmailCaseInsensitively();
    void loginAndMe();
    void wrongPasswordAndUnknownEmailLookTheSame();
    void missingOrBogusTokenIsUnauthenticated();
    void logoutEndsTheSession();
    void sessionExpires();
    void throttlesPerEmail();
    void throttlesPerClientAddress();
    void auditRecordsLogins();
    void passwordsAndTokensNeverLogged();

private:
    HttpResult login(HttpClient &client, const QString &email, const QString &password)
    {
        return client.post(
            QStringLiteral("/v1/sessions"),
            {{QStringLiteral("email"), email}, {QStringLiteral("password"), password}});
    }
};

void TestAuth::infoReportsSignup()
{
    TestServer server;
    HttpClient client(server);
    const HttpResult info = client.get(QStringLiteral("/v1/info"));
    QCOMPARE(info.status, 200);
    QCOMPARE(info.json().value(QStringLiteral("name")).toString(), QStringLiteral("KeyDesk"));
    QCOMPARE(info.json().value(QStringLiteral("version")).toString(),
             QStringLiteral(KEYDESK_VERSION));
    QCOMPARE(info.json().value(QStringLiteral("signup_enabled")).toBool(), true);
    QCOMPARE(info.header("Cache-Control"), QByteArray("no-store"));
}

void TestAuth::signupDisabledIsForbidden()
{
    TestServer server(TestServer::Options {false, {}, 100});
    HttpClient client(server);
    QCOMPARE(client.get(QStringLiteral("/v1/info"))
                 .json()
                 .value(QStringLiteral("signup_enabled"))
                 .toBool(),
             false);
    const HttpResult result =
        client.post(QStringLiteral("/v1/signup"),
                    {{QStringLiteral("organization_name"), QStringLiteral("Acme")},
                     {QStringLiteral("name"), QStringLiteral("Ada")},
                     {QStringLiteral("email"), QStringLiteral("ada@example.com")},
                     {QStringLiteral("password"), testPassword}});
    QCOMPARE(result.status, 403);
    QCOMPARE(result.code(), QStringLiteral("signup_disabled"));
    QCOMPARE(result.header("Content-Type"), QByteArray("application/problem+json"));
}

void TestAuth::signupCreatesOwnerAndSession()
{
    TestServer server;
    HttpClient client(server);
    const HttpResult result =
        client.post(QStringLiteral("/v1/signup"),
                    {{QStringLiteral("organization_name"), QStringLiteral("  Acme Corp ")},
                     {QStringLiteral("name"), QStringLiteral("Ada")},
                     {QStringLiteral("email"), QStringLiteral("Ada@Example.com")},
                     {QStringLiteral("password"), testPassword}});
    QCOMPARE(result.status, 201);
    const std::optional<SessionGrant> grant = SessionGrant::fromJson(result.json());
    QVERIFY(grant);
    QVERIFY(grant->token.startsWith("kds_"));
    QCOMPARE(grant->expiresAt, server.clock().now().addSecs(12 * 3600));
    QCOMPARE(grant->account.user.name, QStringLiteral("Ada"));
    QCOMPARE(grant->account.user.email, QStringLiteral("Ada@Example.com"));
    QVERIFY(grant->account.user.id.startsWith(u"usr_"));
    QCOMPARE(grant->account.organizations.size(), 1);
    QCOMPARE(grant->account.organizations.first().name, QStringLiteral("Acme Corp"));
    QCOMPARE(grant->account.organizations.first().role, Role::Owner);
    QVERIFY(grant->account.organizations.first().id.startsWith(u"org_"));

    client.token = grant->token;
    const HttpResult organization =
        client.get(QStringLiteral("/v1/organizations/") + grant->account.organizations.first().id);
    QCOMPARE(organization.status, 200);
    QCOMPARE(organization.json().value(QStringLiteral("name")).toString(),
             QStringLiteral("Acme Corp"));
    QCOMPARE(organization.json().value(QStringLiteral("created_at")).toString(),
             QStringLiteral("2026-01-31T12:00:00.000Z"));
}

void TestAuth::signupValidatesEveryField()
{
    TestServer server;
    HttpClient client(server);
    const HttpResult empty = client.post(QStringLiteral("/v1/signup"), {});
    QCOMPARE(empty.status, 400);
    QCOMPARE(empty.code(), QStringLiteral("validation_failed"));
    QStringList fields;
    for (const QJsonValue &error : empty.json().value(QStringLiteral("errors")).toArray())
        fields.append(error.toObject().value(QStringLiteral("field")).toString());
    fields.sort();
    QCOMPARE(fields,
             (QStringList {QStringLiteral("email"), QStringLiteral("name"),
                           QStringLiteral("organization_name"), QStringLiteral("password")}));

    const HttpResult bad =
        client.post(QStringLiteral("/v1/signup"),
                    {{QStringLiteral("organization_name"), QString(101, u'x')},
                     {QStringLiteral("name"), QStringLiteral("   ")},
                     {QStringLiteral("email"), QStringLiteral("ada@@example.com")},
                     {QStringLiteral("password"), QStringLiteral("short")}});
    QCOMPARE(bad.status, 400);
    QCOMPARE(bad.json().value(QStringLiteral("errors")).toArray().size(), 4);

    const HttpResult longEmail =
        client.post(QStringLiteral("/v1/signup"),
                    {{QStringLiteral("organization_name"), QStringLiteral("Acme")},
                     {QStringLiteral("name"), QStringLiteral("Ada")},
                     {QStringLiteral("email"), QString(250, u'a') + QStringLiteral("@x.io")},
                     {QStringLiteral("password"), testPassword}});
    QCOMPARE(longEmail.status, 400);
    const HttpResult longPassword =
        client.post(QStringLiteral("/v1/signup"),
                    {{QStringLiteral("organization_name"), QStringLiteral("Acme")},
                     {QStringLiteral("name"), QStringLiteral("Ada")},
                     {QStringLiteral("email"), QStringLiteral("ada@example.com")},
                     {QStringLiteral("password"), QString(1025, u'p')}});
    QCOMPARE(longPassword.status, 400);
    QCOMPARE(longPassword.json()
                 .value(QStringLiteral("errors"))
                 .toArray()
                 .first()
                 .toObject()
                 .value(QStringLiteral("field"))
                 .toString(),
             QStringLiteral("password"));
}

void TestAuth::signupRejectsTakenEmailCaseInsensitively()
{
    TestServer server;
    HttpClient client(server);
    signUp(client, QStringLiteral("Acme"), QStringLiteral("ada@example.com"));
    const HttpResult again =
        client.post(QStringLiteral("/v1/signup"),
                    {{QStringLiteral("organization_name"), QStringLiteral("Other")},
                     {QStringLiteral("name"), QStringLiteral("Ada")},
                     {QStringLiteral("email"), QStringLiteral("ADA@example.COM")},
                     {QStringLiteral("password"), testPassword}});
    QCOMPARE(again.status, 409);
    QCOMPARE(again.code(), QStringLiteral("email_taken"));
}

void TestAuth::loginAndMe()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    const HttpResult session = login(client, owner.email.toUpper(), testPassword);
    QCOMPARE(session.status, 201);
    client.token = session.json().value(QStringLiteral("token")).toString().toLatin1();
    QVERIFY(client.token != owner.token);
    const HttpResult me = client.get(QStringLiteral("/v1/me"));
    QCOMPARE(me.status, 200);
    const std::optional<Account> account = Account::fromJson(me.json());
    QVERIFY(account);
    QCOMPARE(account->user.id, owner.userId);
    QCOMPARE(account->organizations.first().id, owner.organizationId);
    QCOMPARE(account->organizations.first().role, Role::Owner);
}

void TestAuth::wrongPasswordAndUnknownEmailLookTheSame()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    const HttpResult wrong = login(client, owner.email, QStringLiteral("not the right password"));
    const HttpResult unknown = login(client, QStringLiteral("nobody@example.com"), testPassword);
    QCOMPARE(wrong.status, 401);
    QCOMPARE(unknown.status, 401);
    QCOMPARE(wrong.code(), QStringLiteral("invalid_credentials"));
    QCOMPARE(wrong.body, unknown.body);
}

void TestAuth::missingOrBogusTokenIsUnauthenticated()
{
    TestServer server;
    HttpClient client(server);
    for (const QByteArray &authorization :
         {QByteArray(), QByteArray("Bearer"), QByteArray("Bearer kds_nope"),
          QByteArray("Basic YWRhOnB3"), QByteArray("bearer ")}) {
        QList<QPair<QByteArray, QByteArray>> headers;
        if (!authorization.isNull())
            headers.append({"Authorization", authorization});
        const HttpResult me = client.get(QStringLiteral("/v1/me"), headers);
        QCOMPARE(me.status, 401);
        QCOMPARE(me.code(), QStringLiteral("unauthenticated"));
        QCOMPARE(me.header("WWW-Authenticate"), QByteArray("Bearer"));
    }
}

void TestAuth::logoutEndsTheSession()
{
    TestServer server;
    HttpClient client(server);
    client.token = signUp(client).token;
    QCOMPARE(client.get(QStringLiteral("/v1/me")).status, 200);
    const HttpResult logout = client.del(QStringLiteral("/v1/sessions/current"));
    QCOMPARE(logout.status, 204);
    QVERIFY(logout.body.isEmpty());
    QCOMPARE(client.get(QStringLiteral("/v1/me")).code(), QStringLiteral("unauthenticated"));
    QCOMPARE(client.del(QStringLiteral("/v1/sessions/current")).status, 401);
}

void TestAuth::sessionExpires()
{
    TestServer server;
    HttpClient client(server);
    client.token = signUp(client).token;
    server.clock().advance(12LL * 3600 * 1000 - 1);
    QCOMPARE(client.get(QStringLiteral("/v1/me")).status, 200);
    server.clock().advance(1); // the expiry instant itself is expired
    const HttpResult me = client.get(QStringLiteral("/v1/me"));
    QCOMPARE(me.status, 401);
    QCOMPARE(me.code(), QStringLiteral("unauthenticated"));
}

void TestAuth::throttlesPerEmail()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    for (int i = 0; i < 5; ++i) {
        QCOMPARE(login(client, owner.email, QStringLiteral("wrong password %1").arg(i)).status,
                 401);
        server.clock().advance(1000);
    }
    const HttpResult blocked = login(client, owner.email, testPassword);
    QCOMPARE(blocked.status, 429);
    QCOMPARE(blocked.code(), QStringLiteral("too_many_attempts"));
    // The first failure leaves the 15-minute window 900 s after it; 5 s have passed since.
    QCOMPARE(blocked.header("Retry-After"), QByteArray("895"));
    // Another account from the same address is not affected.
    const Owner other = signUp(client, QStringLiteral("Beta"));
    QCOMPARE(login(client, other.email, testPassword).status, 201);

    server.clock().advance(894'000);
    QCOMPARE(login(client, owner.email, testPassword).status, 429);
    server.clock().advance(1000);
    QCOMPARE(login(client, owner.email, testPassword).status, 201);
}

void TestAuth::throttlesPerClientAddress()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    for (int i = 0; i < 20;
         ++i) // four tries each on five unknown addresses: under the per-email limit
        QCOMPARE(
            login(client, QStringLiteral("guess%1@example.com").arg(i % 5), testPassword).status,
            401);
    const HttpResult blocked = login(client, owner.email, testPassword);
    QCOMPARE(blocked.status, 429);
    QVERIFY(blocked.header("Retry-After").toInt() > 0);
    server.clock().advance(15 * 60 * 1000);
    QCOMPARE(login(client, owner.email, testPassword).status, 201);
}

void TestAuth::auditRecordsLogins()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    login(client, owner.email, testPassword);
    login(client, owner.email, QStringLiteral("wrong password!"));
    server.onServerThread([](KeyDeskServer &s) {
        QCOMPARE(s.store().auditCount(QStringLiteral("signup")), 1);
        QCOMPARE(s.store().auditCount(QStringLiteral("session.create")), 2);
    });
}

void TestAuth::passwordsAndTokensNeverLogged()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    const HttpResult session = login(client, owner.email, testPassword);
    login(client, owner.email, QStringLiteral("a wrong but secret password"));
    const QString joined = TestServer::capturedLog().join(u'\n');
    QVERIFY(joined.contains(QStringLiteral("POST /v1/sessions 201")));
    QVERIFY(!joined.contains(testPassword));
    QVERIFY(!joined.contains(QStringLiteral("a wrong but secret password")));
    QVERIFY(!joined.contains(QString::fromLatin1(owner.token)));
    QVERIFY(!joined.contains(session.json().value(QStringLiteral("token")).toString()));
}

QTEST_GUILESS_MAIN(TestAuth)
#include "tst_auth.moc"
