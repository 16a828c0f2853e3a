// The API key endpoints: create with every expiration, list (filters, search, paging), read,
// rename, revoke, idempotent create, roles, and isolation between organizations.

#include "ApiKey.h"
#include "KeyDeskServer.h"
#include "KeyFormat.h"
#include "TestServer.h"

#include <QJsonArray>
#include <QSet>
#include <QTest>

using namespace keydesk;
using namespace keydesk::test;

namespace {

QString keysPath(const QString &organizationId)
{
    return QStringLiteral("/v1/organizations/%1/api-keys").arg(organizationId);
}

QString keyPath(const QString &organizationId, const QString &keyId)
{
    return keysPath(organizationId) + u'/' + keyId;
}

HttpResult create(HttpClient &client, const QString &organizationId, const QJsonObject &body,
                  const QList<QPair<QByteArray, QByteArray>> &headers = {})
{
    return client.post(keysPath(organizationId), body, headers);
}

QJsonObject createOk(HttpClient &client, const QString &organizationId, const QString &name,
                     const QString &expiration = QStringLiteral("never"))
{
    const HttpResult result =
        create(client, organizationId,
               {{QStringLiteral("name"), name}, {QStringLiteral("expiration"), expiration}});
    if (result.status != 201)
        qFatal("create failed: %s", result.body.constData());
    return result.json().value(QStringLiteral("api_key")).toObject();
}

QStringList names(const HttpResult &list)
{
    QStringList result;
    for (const QJsonValue &item : list.json().value(QStringLiteral("items")).toArray())
        result.append(item.toObject().value(QStringLiteral("name")).toString());
    return result;
}

QStringList fieldsOf(const HttpResult &result)
{
    QStringList fields;
    for (const QJsonValue &error : result.json().value(QStringLiteral("errors")).toArray())
        fields.append(error.toObject().value(QStringLiteral("field")).toString());
    return fields;
}

HttpResult verify(HttpClient &client, const QString &secret, const QString &organizationId)
{
    return client.get(
        QStringLiteral("/v1/verify"),
        {{"x-api-key", secret.toLatin1()}, {"x-organization-id", organizationId.toLatin1()}});
}

QByteArray signIn(HttpClient &client, const QString &email)
{
    return client
        .post(QStringLiteral("/v1/sessions"),
              {{QStringLiteral("email"), email}, {QStringLiteral("password"), testPassword}})
        .json()
        .value(QStringLiteral("token"))
        .toString()
        .toLatin1();
}

} // namespace

class TestApiKeys : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void createsWithEachExpiration_data();
    void createsWithEachExpiration();
    void createDefaultsAndNames();
    void createValidates();
    void ignoresUnknownAndServerOwnedFields();
    void readsOneKey();
    void listsNewestFirstWithStatusFilters();
    void searchIsCaseInsensitiveAndLiteral();
    void pagesWithCursor();
    void rejectsBadListParameters();
    void renames();
    void renamingRevokedKeyConflicts();
    void revokeIsIdempotent();
    void idempotentCreate();
    void idempotencyConflictsAndWindow();
    void membersReadButCannotWrite();
    void adminsManageKeysButCannotDeleteTheOrganization();
    void organizationsAreIsolated();
    void auditRecordsKeyChanges();
};

void TestApiKeys::createsWithEachExpiration_data()
{
    QTest::addColumn<QString>("expiration");
    QTest::addColumn<QString>("expiresAt");
    // The test clock starts at 2026-01-31T12:00:00Z, a month's last day.
    QTest::newRow("two weeks") << QStringLiteral("two_weeks")
                               << QStringLiteral("2026-02-14T12:00:00.000Z");
    QTest::newRow("one month (clamped to 28 Feb)")
        << QStringLiteral("one_month") << QStringLiteral("2026-02-28T12:00:00.000Z");
    QTest::newRow("three months (clamped to 30 Apr)")
        << QStringLiteral("three_months") << QStringLiteral("2026-04-30T12:00:00.000Z");
    QTest::newRow("six months") << QStringLiteral("six_months")
                                << QStringLiteral("2026-07-31T12:00:00.000Z");
    QTest::newRow("one year") << QStringLiteral("one_year")
                              << QStringLiteral("2027-01-31T12:00:00.000Z");
    QTest::newRow("never") << QStringLiteral("never") << QString();
}

void TestApiKeys::createsWithEachExpiration()
{
    QFETCH(QString, expiration);
    QFETCH(QString, expiresAt);
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    const HttpResult result = create(client, owner.organizationId,
                                     {{QStringLiteral("name"), QStringLiteral("Deploy")},
                                      {QStringLiteral("expiration"), expiration}});
    QCOMPARE(result.status, 201);
    const QString secret = result.json().value(QStringLiteral("secret")).toString();
    QVERIFY(KeyFormat::isWellFormed(secret.toLatin1()));
    const std::optional<ApiKey> key =
        ApiKey::fromJson(result.json().value(QStringLiteral("api_key")).toObject());
    QVERIFY(key);
    QVERIFY(key->id.startsWith(u"key_"));
    QCOMPARE(key->name, QStringLiteral("Deploy"));
    QCOMPARE(key->hint, QStringLiteral("kd_\u2026") + secret.right(4));
    QCOMPARE(toWire(key->expiration), expiration);
    QCOMPARE(key->createdAt, server.clock().now());
    QCOMPARE(key->createdBy.id, owner.userId);
    QCOMPARE(key->createdBy.name, QStringLiteral("Ada Lovelace"));
    const QJsonValue expires = result.json()
                                   .value(QStringLiteral("api_key"))
                                   .toObject()
                                   .value(QStringLiteral("expires_at"));
    if (expiresAt.isNull())
        QVERIFY(expires.isNull());
    else
        QCOMPARE(expires.toString(), expiresAt);
    QCOMPARE(result.json()
                 .value(QStringLiteral("api_key"))
                 .toObject()
                 .value(QStringLiteral("status"))
                 .toString(),
             QStringLiteral("active"));
    // The secret is not part of anything readable afterwards.
    QVERIFY(!client.get(keyPath(owner.organizationId, key->id)).body.contains(secret.toLatin1()));
    QVERIFY(!client.get(keysPath(owner.organizationId)).body.contains(secret.toLatin1()));
}

void TestApiKeys::createDefaultsAndNames()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    const HttpResult unnamed = create(client, owner.organizationId,
                                      {{QStringLiteral("expiration"), QStringLiteral("never")}});
    QCOMPARE(unnamed.status, 201);
    const QJsonObject key = unnamed.json().value(QStringLiteral("api_key")).toObject();
    QVERIFY(key.value(QStringLiteral("name")).isNull());
    QCOMPARE(key.value(QStringLiteral("access")).toString(), QStringLiteral("full"));

    const HttpResult blank = create(client, owner.organizationId,
                                    {{QStringLiteral("name"), QStringLiteral("   ")},
                                     {QStringLiteral("expiration"), QStringLiteral("never")},
                                     {QStringLiteral("access"), QJsonValue::Null}});
    QCOMPARE(blank.status, 201);
    QVERIFY(blank.json()
                .value(QStringLiteral("api_key"))
                .toObject()
                .value(QStringLiteral("name"))
                .isNull());

    const QString hundred =
        QString::fromUtf8("\xF0\x9F\x94\x91").repeated(100); // 100 code points, 200 UTF-16 units
    const HttpResult longest =
        create(client, owner.organizationId,
               {{QStringLiteral("name"), QStringLiteral(" ") + hundred + QStringLiteral(" ")},
                {QStringLiteral("expiration"), QStringLiteral("never")},
                {QStringLiteral("access"), QStringLiteral("read_only")}});
    QCOMPARE(longest.status, 201);
    QCOMPARE(longest.json()
                 .value(QStringLiteral("api_key"))
                 .toObject()
                 .value(QStringLiteral("name"))
                 .toString(),
             hundred);
    QCOMPARE(longest.json()
                 .value(QStringLiteral("api_key"))
                 .toObject()
                 .value(QStringLiteral("access"))
                 .toString(),
             QStringLiteral("read_only"));
}

void TestApiKeys::createValidates()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    const HttpResult missing =
        create(client, owner.organizationId, {{QStringLiteral("name"), QStringLiteral("x")}});
    QCOMPARE(missing.status, 400);
    QCOMPARE(missing.code(), QStringLiteral("validation_failed"));
    QCOMPARE(fieldsOf(missing), QStringList {QStringLiteral("expiration")});

    const HttpResult several = create(client, owner.organizationId,
                                      {{QStringLiteral("name"), QString(101, u'n')},
                                       {QStringLiteral("expiration"), QStringLiteral("forever")},
                                       {QStringLiteral("access"), QStringLiteral("admin")}});
    QCOMPARE(several.status, 400);
    QCOMPARE(fieldsOf(several),
             (QStringList {QStringLiteral("name"), QStringLiteral("expiration"),
                           QStringLiteral("access")}));

    const HttpResult types =
        create(client, owner.organizationId,
               {{QStringLiteral("name"), 7}, {QStringLiteral("expiration"), true}});
    QCOMPARE(types.status, 400);
    QCOMPARE(fieldsOf(types), (QStringList {QStringLiteral("name"), QStringLiteral("expiration")}));

    // Nothing was created by any of them.
    QCOMPARE(client.get(keysPath(owner.organizationId) + QStringLiteral("?status=all"))
                 .json()
                 .value(QStringLiteral("items"))
                 .toArray()
                 .size(),
             0);
}

void TestApiKeys::ignoresUnknownAndServerOwnedFields()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    const HttpResult result =
        create(client, owner.organizationId,
               {{QStringLiteral("expiration"), QStringLiteral("two_weeks")},
                {QStringLiteral("id"), QStringLiteral("key_mine")},
                {QStringLiteral("status"), QStringLiteral("revoked")},
                {QStringLiteral("expires_at"), QStringLiteral("2099-01-01T00:00:00Z")},
                {QStringLiteral("colour"), QStringLiteral("blue")}});
    QCOMPARE(result.status, 201);
    const QJsonObject key = result.json().value(QStringLiteral("api_key")).toObject();
    QVERIFY(key.value(QStringLiteral("id")).toString() != QStringLiteral("key_mine"));
    QCOMPARE(key.value(QStringLiteral("status")).toString(), QStringLiteral("active"));
    QCOMPARE(key.value(QStringLiteral("expires_at")).toString(),
             QStringLiteral("2026-02-14T12:00:00.000Z"));
}

void TestApiKeys::readsOneKey()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    const QJsonObject created =
        createOk(client, owner.organizationId, QStringLiteral("One"), QStringLiteral("one_year"));
    const HttpResult read =
        client.get(keyPath(owner.organizationId, created.value(QStringLiteral("id")).toString()));
    QCOMPARE(read.status, 200);
    QCOMPARE(read.json(), created);
    const HttpResult unknown =
        client.get(keyPath(owner.organizationId, QStringLiteral("key_nope")));
    QCOMPARE(unknown.status, 404);
    QCOMPARE(unknown.code(), QStringLiteral("not_found"));
}

void TestApiKeys::listsNewestFirstWithStatusFilters()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    createOk(client, owner.organizationId, QStringLiteral("short"), QStringLiteral("two_weeks"));
    server.clock().advance(1000);
    const QJsonObject revoked = createOk(client, owner.organizationId, QStringLiteral("revoked"));
    server.clock().advance(1000);
    createOk(client, owner.organizationId, QStringLiteral("forever"));
    client.del(keyPath(owner.organizationId, revoked.value(QStringLiteral("id")).toString()));

    const QString base = keysPath(owner.organizationId);
    QCOMPARE(names(client.get(base)),
             (QStringList {QStringLiteral("forever"), QStringLiteral("short")}));
    QCOMPARE(names(client.get(base + QStringLiteral("?status=all"))),
             (QStringList {QStringLiteral("forever"), QStringLiteral("revoked"),
                           QStringLiteral("short")}));
    QCOMPARE(names(client.get(base + QStringLiteral("?status=revoked"))),
             QStringList {QStringLiteral("revoked")});
    QCOMPARE(names(client.get(base + QStringLiteral("?status=expired"))), QStringList {});

    server.clock().advance(14LL * 24 * 3600 * 1000); // "short" is now past its expiry
    client.token = signIn(client, owner.email); // and the session long gone
    QCOMPARE(names(client.get(base + QStringLiteral("?status=expired"))),
             QStringList {QStringLiteral("short")});
    QCOMPARE(names(client.get(base + QStringLiteral("?status=active"))),
             QStringList {QStringLiteral("forever")});
    const HttpResult current = client.get(base);
    QCOMPARE(names(current), (QStringList {QStringLiteral("forever"), QStringLiteral("short")}));
    QCOMPARE(current.json()
                 .value(QStringLiteral("items"))
                 .toArray()
                 .at(1)
                 .toObject()
                 .value(QStringLiteral("status"))
                 .toString(),
             QStringLiteral("expired"));
    QVERIFY(current.json().value(QStringLiteral("next_cursor")).isNull());
}

void TestApiKeys::searchIsCaseInsensitiveAndLiteral()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    createOk(client, owner.organizationId, QStringLiteral("Production Deploy"));
    createOk(client, owner.organizationId, QStringLiteral("100% coverage_bot"));
    createOk(client, owner.organizationId, QStringLiteral("Straße"));
    const QJsonObject plain = createOk(client, owner.organizationId, QStringLiteral("plain"));
    const QString base = keysPath(owner.organizationId) + QStringLiteral("?q=");
    QCOMPARE(names(client.get(base + QStringLiteral("DEPLOY"))),
             QStringList {QStringLiteral("Production Deploy")});
    QCOMPARE(names(client.get(base + QStringLiteral("%25"))),
             QStringList {QStringLiteral("100% coverage_bot")});
    QCOMPARE(names(client.get(base + QStringLiteral("e_b"))),
             QStringList {QStringLiteral("100% coverage_bot")});
    QCOMPARE(names(client.get(base + QStringLiteral("0%25"))),
             QStringList {QStringLiteral("100% coverage_bot")});
    // "_" is literal too: it matches the "kd_" of every hint, and nothing else.
    QCOMPARE(names(client.get(base + QStringLiteral("_"))).size(), 4);
    // Unicode case folding, not just ASCII: U+1E9E CAPITAL SHARP S finds "ß".
    QCOMPARE(names(client.get(
                 base + QString::fromUtf8(QUrl::toPercentEncoding(QStringLiteral("STRA\u1E9EE"))))),
             QStringList {QStringLiteral("Straße")});
    const QString hintTail = plain.value(QStringLiteral("hint")).toString().right(4);
    QVERIFY(names(client.get(base + QString::fromLatin1(QUrl::toPercentEncoding(hintTail))))
                .contains(QStringLiteral("plain")));
    QCOMPARE(names(client.get(base + QStringLiteral("nothing-like-this"))), QStringList {});
}

void TestApiKeys::pagesWithCursor()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    QStringList created;
    for (int i = 0; i < 7; ++i) {
        created.prepend(createOk(client, owner.organizationId, QStringLiteral("key %1").arg(i))
                            .value(QStringLiteral("id"))
                            .toString());
        if (i % 2 == 0)
            server.clock().advance(1); // some share a created_at: ties are broken by id
    }
    QStringList seen;
    QList<QPair<QString, QString>> order; // (created_at, id) as listed
    QString cursor;
    int pages = 0;
    do {
        QString path = keysPath(owner.organizationId) + QStringLiteral("?limit=3");
        if (!cursor.isEmpty())
            path += QStringLiteral("&cursor=") + cursor;
        const HttpResult page = client.get(path);
        QCOMPARE(page.status, 200);
        const QJsonArray items = page.json().value(QStringLiteral("items")).toArray();
        QVERIFY(items.size() <= 3);
        for (const QJsonValue &item : items) {
            seen.append(item.toObject().value(QStringLiteral("id")).toString());
            order.append(
                {item.toObject().value(QStringLiteral("created_at")).toString(), seen.constLast()});
        }
        cursor = page.json().value(QStringLiteral("next_cursor")).toString();
        ++pages;
    } while (!cursor.isEmpty() && pages < 10);
    QCOMPARE(pages, 3);
    QCOMPARE(seen.size(), 7);
    QCOMPARE(QSet<QString>(seen.begin(), seen.end()).size(), 7);
    QCOMPARE(QSet<QString>(seen.begin(), seen.end()),
             QSet<QString>(created.begin(), created.end()));
    // Newest first, ties broken by id (descending), across page boundaries.
    for (qsizetype i = 1; i < order.size(); ++i)
        QVERIFY2(order.at(i - 1) > order.at(i), qPrintable(order.at(i).second));
}

void TestApiKeys::rejectsBadListParameters()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    const QString base = keysPath(owner.organizationId);
    for (const QString &query :
         {QStringLiteral("?limit=0"), QStringLiteral("?limit=501"), QStringLiteral("?limit=ten"),
          QStringLiteral("?status=deleted"), QStringLiteral("?cursor=%21%21"),
          QStringLiteral("?cursor=MTIzOng"), QStringLiteral("?q=") + QString(201, u'q')}) {
        const HttpResult result = client.get(base + query);
        QVERIFY2(result.status == 400, qPrintable(query));
        QCOMPARE(result.code(), QStringLiteral("validation_failed"));
        QCOMPARE(fieldsOf(result).size(), 1);
    }
    QCOMPARE(client.get(base + QStringLiteral("?limit=500&status=all")).status, 200);
    QCOMPARE(client.get(base + QStringLiteral("?limit=1")).status, 200);
}

void TestApiKeys::renames()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    const QString id = createOk(client, owner.organizationId, QStringLiteral("old"))
                           .value(QStringLiteral("id"))
                           .toString();
    const HttpResult renamed =
        client.patch(keyPath(owner.organizationId, id),
                     {{QStringLiteral("name"), QStringLiteral("  new name ")}});
    QCOMPARE(renamed.status, 200);
    QCOMPARE(renamed.json().value(QStringLiteral("name")).toString(), QStringLiteral("new name"));
    QCOMPARE(client.get(keyPath(owner.organizationId, id))
                 .json()
                 .value(QStringLiteral("name"))
                 .toString(),
             QStringLiteral("new name"));

    const HttpResult cleared = client.patch(keyPath(owner.organizationId, id),
                                            {{QStringLiteral("name"), QJsonValue::Null}});
    QCOMPARE(cleared.status, 200);
    QVERIFY(cleared.json().value(QStringLiteral("name")).isNull());

    QCOMPARE(client.patch(keyPath(owner.organizationId, id), {}).status, 400);
    QCOMPARE(client
                 .patch(keyPath(owner.organizationId, id),
                        {{QStringLiteral("name"), QStringLiteral("a\nb")}})
                 .status,
             400);
    QCOMPARE(client
                 .patch(keyPath(owner.organizationId, QStringLiteral("key_nope")),
                        {{QStringLiteral("name"), QStringLiteral("x")}})
                 .status,
             404);
}

void TestApiKeys::renamingRevokedKeyConflicts()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    const QString id = createOk(client, owner.organizationId, QStringLiteral("old"))
                           .value(QStringLiteral("id"))
                           .toString();
    client.del(keyPath(owner.organizationId, id));
    const HttpResult result = client.patch(keyPath(owner.organizationId, id),
                                           {{QStringLiteral("name"), QStringLiteral("new")}});
    QCOMPARE(result.status, 409);
    QCOMPARE(result.code(), QStringLiteral("key_revoked"));
    QCOMPARE(client.get(keyPath(owner.organizationId, id))
                 .json()
                 .value(QStringLiteral("name"))
                 .toString(),
             QStringLiteral("old"));
}

void TestApiKeys::revokeIsIdempotent()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    const QString id = createOk(client, owner.organizationId, QStringLiteral("k"))
                           .value(QStringLiteral("id"))
                           .toString();
    const HttpResult first = client.del(keyPath(owner.organizationId, id));
    QCOMPARE(first.status, 200);
    QCOMPARE(first.json().value(QStringLiteral("status")).toString(), QStringLiteral("revoked"));
    QCOMPARE(first.json().value(QStringLiteral("revoked_at")).toString(),
             QStringLiteral("2026-01-31T12:00:00.000Z"));
    server.clock().advance(60'000);
    const HttpResult second = client.del(keyPath(owner.organizationId, id));
    QCOMPARE(second.status, 200);
    QCOMPARE(second.json(), first.json());
    QCOMPARE(names(client.get(keysPath(owner.organizationId))), QStringList {});
}

void TestApiKeys::idempotentCreate()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    const QJsonObject body {{QStringLiteral("name"), QStringLiteral("retry")},
                            {QStringLiteral("expiration"), QStringLiteral("one_month")}};
    const HttpResult first =
        create(client, owner.organizationId, body, {{"Idempotency-Key", "attempt-1"}});
    server.clock().advance(1000);
    const HttpResult second =
        create(client, owner.organizationId, body, {{"Idempotency-Key", "attempt-1"}});
    QCOMPARE(first.status, 201);
    QCOMPARE(second.status, 201);
    const QJsonObject firstKey = first.json().value(QStringLiteral("api_key")).toObject();
    const QJsonObject secondKey = second.json().value(QStringLiteral("api_key")).toObject();
    QCOMPARE(secondKey.value(QStringLiteral("id")), firstKey.value(QStringLiteral("id")));
    QCOMPARE(secondKey.value(QStringLiteral("created_at")),
             firstKey.value(QStringLiteral("created_at")));
    const QString firstSecret = first.json().value(QStringLiteral("secret")).toString();
    const QString secondSecret = second.json().value(QStringLiteral("secret")).toString();
    QVERIFY(firstSecret != secondSecret);
    QCOMPARE(secondKey.value(QStringLiteral("hint")).toString(),
             QStringLiteral("kd_\u2026") + secondSecret.right(4));
    QCOMPARE(names(client.get(keysPath(owner.organizationId))).size(), 1);
    // The lost secret stops working; the re-issued one works.
    QCOMPARE(verify(client, firstSecret, owner.organizationId).code(),
             QStringLiteral("invalid_key"));
    QCOMPARE(verify(client, secondSecret, owner.organizationId).status, 200);
    // Without the header, the same body makes a second key.
    QCOMPARE(create(client, owner.organizationId, body).status, 201);
    QCOMPARE(names(client.get(keysPath(owner.organizationId))).size(), 2);
}

void TestApiKeys::idempotencyConflictsAndWindow()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    const QJsonObject body {{QStringLiteral("expiration"), QStringLiteral("never")}};
    const HttpResult first =
        create(client, owner.organizationId, body, {{"Idempotency-Key", "k1"}});
    QCOMPARE(first.status, 201);
    const HttpResult mismatch = create(client, owner.organizationId,
                                       {{QStringLiteral("expiration"), QStringLiteral("one_year")}},
                                       {{"Idempotency-Key", "k1"}});
    QCOMPARE(mismatch.status, 422);
    QCOMPARE(mismatch.code(), QStringLiteral("idempotency_mismatch"));

    // Another user of the same organization has keys of their own.
    const QString adminEmail = QStringLiteral("admin@example.com");
    server.addUser(owner.organizationId, adminEmail, QStringLiteral("Admin"), Role::Admin,
                   testPassword);
    HttpClient admin(server);
    admin.token = signIn(admin, adminEmail);
    const HttpResult adminCreate =
        create(admin, owner.organizationId, body, {{"Idempotency-Key", "k1"}});
    QCOMPARE(adminCreate.status, 201);
    QVERIFY(
        adminCreate.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id"))
        != first.json().value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")));

    client.del(keyPath(owner.organizationId,
                       first.json()
                           .value(QStringLiteral("api_key"))
                           .toObject()
                           .value(QStringLiteral("id"))
                           .toString()));
    const HttpResult afterRevoke =
        create(client, owner.organizationId, body, {{"Idempotency-Key", "k1"}});
    QCOMPARE(afterRevoke.status, 409);
    QCOMPARE(afterRevoke.code(), QStringLiteral("conflict"));

    server.clock().advance(24LL * 3600 * 1000); // the window has passed: a new key
    client.token = signIn(client, owner.email);
    const HttpResult later =
        create(client, owner.organizationId, body, {{"Idempotency-Key", "k1"}});
    QCOMPARE(later.status, 201);
}

void TestApiKeys::membersReadButCannotWrite()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    const QString id = createOk(client, owner.organizationId, QStringLiteral("k"))
                           .value(QStringLiteral("id"))
                           .toString();
    server.addUser(owner.organizationId, QStringLiteral("member@example.com"),
                   QStringLiteral("Mem"), Role::Member, testPassword);
    HttpClient member(server);
    member.token = signIn(member, QStringLiteral("member@example.com"));
    QCOMPARE(member.get(keysPath(owner.organizationId)).status, 200);
    QCOMPARE(member.get(keyPath(owner.organizationId, id)).status, 200);
    QCOMPARE(member.get(QStringLiteral("/v1/organizations/") + owner.organizationId).status, 200);
    for (const HttpResult &denied :
         {create(member, owner.organizationId,
                 {{QStringLiteral("expiration"), QStringLiteral("never")}}),
          member.patch(keyPath(owner.organizationId, id),
                       {{QStringLiteral("name"), QStringLiteral("x")}}),
          member.del(keyPath(owner.organizationId, id)),
          member.del(QStringLiteral("/v1/organizations/") + owner.organizationId)}) {
        QCOMPARE(denied.status, 403);
        QCOMPARE(denied.code(), QStringLiteral("forbidden"));
    }
    const HttpResult key = client.get(keyPath(owner.organizationId, id));
    QCOMPARE(key.json().value(QStringLiteral("name")).toString(), QStringLiteral("k"));
    QCOMPARE(key.json().value(QStringLiteral("status")).toString(), QStringLiteral("active"));
}

void TestApiKeys::adminsManageKeysButCannotDeleteTheOrganization()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    server.addUser(owner.organizationId, QStringLiteral("admin@example.com"), QStringLiteral("Adm"),
                   Role::Admin, testPassword);
    HttpClient admin(server);
    admin.token = signIn(admin, QStringLiteral("admin@example.com"));
    const QString id = createOk(admin, owner.organizationId, QStringLiteral("by admin"))
                           .value(QStringLiteral("id"))
                           .toString();
    QCOMPARE(admin
                 .patch(keyPath(owner.organizationId, id),
                        {{QStringLiteral("name"), QStringLiteral("renamed")}})
                 .status,
             200);
    QCOMPARE(admin.del(keyPath(owner.organizationId, id)).status, 200);
    QCOMPARE(admin.del(QStringLiteral("/v1/organizations/") + owner.organizationId).status, 403);
}

void TestApiKeys::organizationsAreIsolated()
{
    TestServer server;
    HttpClient acmeClient(server);
    HttpClient betaClient(server);
    const Owner acme = signUp(acmeClient, QStringLiteral("Acme"));
    const Owner beta = signUp(betaClient, QStringLiteral("Beta"));
    acmeClient.token = acme.token;
    betaClient.token = beta.token;
    const QString acmeKey = createOk(acmeClient, acme.organizationId, QStringLiteral("acme key"))
                                .value(QStringLiteral("id"))
                                .toString();
    const QString betaKey = createOk(betaClient, beta.organizationId, QStringLiteral("beta key"))
                                .value(QStringLiteral("id"))
                                .toString();

    // Beta's owner, on Acme's organization: every endpoint answers 404, never 403.
    const QList<HttpResult> answers {
        betaClient.get(QStringLiteral("/v1/organizations/") + acme.organizationId),
        betaClient.del(QStringLiteral("/v1/organizations/") + acme.organizationId),
        betaClient.get(keysPath(acme.organizationId)),
        create(betaClient, acme.organizationId,
               {{QStringLiteral("expiration"), QStringLiteral("never")}}),
        betaClient.get(keyPath(acme.organizationId, acmeKey)),
        betaClient.patch(keyPath(acme.organizationId, acmeKey),
                         {{QStringLiteral("name"), QStringLiteral("pwned")}}),
        betaClient.del(keyPath(acme.organizationId, acmeKey)),
        // Beta's own organization id with Acme's key id: not found either.
        betaClient.get(keyPath(beta.organizationId, acmeKey)),
        betaClient.patch(keyPath(beta.organizationId, acmeKey),
                         {{QStringLiteral("name"), QStringLiteral("pwned")}}),
        betaClient.del(keyPath(beta.organizationId, acmeKey)),
    };
    for (const HttpResult &answer : answers) {
        QCOMPARE(answer.status, 404);
        QCOMPARE(answer.code(), QStringLiteral("not_found"));
    }
    const HttpResult untouched = acmeClient.get(keyPath(acme.organizationId, acmeKey));
    QCOMPARE(untouched.json().value(QStringLiteral("name")).toString(), QStringLiteral("acme key"));
    QCOMPARE(untouched.json().value(QStringLiteral("status")).toString(), QStringLiteral("active"));
    QCOMPARE(names(acmeClient.get(keysPath(acme.organizationId))),
             QStringList {QStringLiteral("acme key")});
    QCOMPARE(names(betaClient.get(keysPath(beta.organizationId))),
             QStringList {QStringLiteral("beta key")});
    Q_UNUSED(betaKey);
}

void TestApiKeys::auditRecordsKeyChanges()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    const QString id = createOk(client, owner.organizationId, QStringLiteral("a"))
                           .value(QStringLiteral("id"))
                           .toString();
    client.patch(keyPath(owner.organizationId, id),
                 {{QStringLiteral("name"), QStringLiteral("b")}});
    client.del(keyPath(owner.organizationId, id));
    client.del(keyPath(owner.organizationId, id)); // no change, no second record
    server.onServerThread([](KeyDeskServer &s) {
        QCOMPARE(s.store().auditCount(QStringLiteral("key.create")), 1);
        QCOMPARE(s.store().auditCount(QStringLiteral("key.rename")), 1);
        QCOMPARE(s.store().auditCount(QStringLiteral("key.revoke")), 1);
    });
}

QTEST_GUILESS_MAIN(TestApiKeys)
#include "tst_apikeys.moc"
