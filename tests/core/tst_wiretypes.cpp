#include "Account.h"
#include "ApiKey.h"
#include "Problem.h"
#include "Rfc3339.h"
#include "Verification.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>
#include <QTimeZone>

using namespace keydesk;

namespace {
QDateTime utc(int y, int m, int d, int h = 0, int min = 0, int s = 0, int ms = 0)
{
    return QDateTime(QDate(y, m, d), QTime(h, min, s, ms), Qt::UTC);
}

ApiKey sampleKey()
{
    ApiKey key;
    key.id = QStringLiteral("key_abc");
    key.name = QStringLiteral("CI");
    key.hint = QStringLiteral("kd_\u2026a1B2");
    key.access = Access::ReadOnly;
    key.expiration = Expiration::OneMonth;
    key.createdAt = utc(2026, 1, 31, 12, 0, 0, 5);
    key.createdBy = {QStringLiteral("usr_1"), QStringLiteral("Ada")};
    key.expiresAt = utc(2026, 2, 28, 12, 0, 0, 5);
    return key;
}
} // namespace

class TestWireTypes : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void instantsAreRfc3339Utc();
    void rejectsInstantsWithoutOffset();
    void apiKeyRoundTrip();
    void apiKeyStatus();
    void apiKeyNullMembers();
    void apiKeyRejectsBrokenJson();
    void problemRoundTrip();
    void sessionGrantRoundTrip();
    void sessionGrantRejectsMissingToken();
    void verificationCompactJsonIsQtsJson_data();
    void verificationCompactJsonIsQtsJson();
};

void TestWireTypes::instantsAreRfc3339Utc()
{
    QCOMPARE(toRfc3339(utc(2026, 11, 26, 20, 54, 57, 123)),
             QStringLiteral("2026-11-26T20:54:57.123Z"));
    const QDateTime berlin = utc(2026, 7, 1, 10).toTimeZone(QTimeZone("Europe/Berlin"));
    QCOMPARE(toRfc3339(berlin), QStringLiteral("2026-07-01T10:00:00.000Z"));
    QCOMPARE(fromRfc3339(QStringLiteral("2026-07-01T12:00:00+02:00")), utc(2026, 7, 1, 10));
    QCOMPARE(fromRfc3339(QStringLiteral("2026-07-01T10:00:00.5Z")).toMSecsSinceEpoch(),
             utc(2026, 7, 1, 10, 0, 0, 500).toMSecsSinceEpoch());
}

void TestWireTypes::rejectsInstantsWithoutOffset()
{
    QVERIFY(!fromRfc3339(QStringLiteral("2026-07-01T10:00:00")).isValid());
    QVERIFY(!fromRfc3339(QStringLiteral("2026-07-01")).isValid());
    QVERIFY(!fromRfc3339(QStringLiteral("yesterday")).isValid());
    QVERIFY(!fromRfc3339(QString()).isValid());
}

void TestWireTypes::apiKeyRoundTrip()
{
    const ApiKey key = sampleKey();
    const QJsonObject json = key.toJson(utc(2026, 2, 1));
    QCOMPARE(json.value(QStringLiteral("access")).toString(), QStringLiteral("read_only"));
    QCOMPARE(json.value(QStringLiteral("expiration")).toString(), QStringLiteral("one_month"));
    QCOMPARE(json.value(QStringLiteral("status")).toString(), QStringLiteral("active"));
    QCOMPARE(json.value(QStringLiteral("expires_at")).toString(),
             QStringLiteral("2026-02-28T12:00:00.005Z"));
    QVERIFY(json.value(QStringLiteral("last_used_at")).isNull());
    QVERIFY(json.value(QStringLiteral("revoked_at")).isNull());
    const std::optional<ApiKey> back = ApiKey::fromJson(json);
    QVERIFY(back);
    QCOMPARE(*back, key);
}

void TestWireTypes::apiKeyStatus()
{
    ApiKey key = sampleKey();
    QCOMPARE(key.statusAt(key.expiresAt.addMSecs(-1)), KeyStatus::Active);
    QCOMPARE(key.statusAt(key.expiresAt), KeyStatus::Expired);
    key.revokedAt = utc(2026, 2, 1);
    QCOMPARE(key.statusAt(utc(2026, 2, 2)), KeyStatus::Revoked);
    QCOMPARE(key.statusAt(utc(2030, 1, 1)), KeyStatus::Revoked); // revoked wins over expired
    key.revokedAt = {};
    key.expiresAt = {};
    QCOMPARE(key.statusAt(utc(2100, 1, 1)), KeyStatus::Active);
}

void TestWireTypes::apiKeyNullMembers()
{
    ApiKey key = sampleKey();
    key.name = QString();
    key.expiresAt = {};
    key.expiration = Expiration::Never;
    const QJsonObject json = key.toJson(utc(2026, 2, 1));
    QVERIFY(json.value(QStringLiteral("name")).isNull());
    QVERIFY(json.value(QStringLiteral("expires_at")).isNull());
    const std::optional<ApiKey> back = ApiKey::fromJson(json);
    QVERIFY(back);
    QVERIFY(back->name.isNull());
    QVERIFY(!back->expiresAt.isValid());
}

void TestWireTypes::apiKeyRejectsBrokenJson()
{
    QJsonObject json = sampleKey().toJson(utc(2026, 2, 1));
    QVERIFY(ApiKey::fromJson(json));
    for (const char *member : {"id", "hint", "access", "expiration", "created_at"}) {
        QJsonObject broken = json;
        broken.insert(QString::fromLatin1(member), 42);
        QVERIFY2(!ApiKey::fromJson(broken), member);
    }
    QJsonObject badName = json;
    badName.insert(QStringLiteral("name"), QJsonArray {1});
    QVERIFY(!ApiKey::fromJson(badName));
    QVERIFY(!ApiKey::fromJson(QJsonObject()));
}

void TestWireTypes::problemRoundTrip()
{
    const Problem problem {
        400,
        QStringLiteral("validation_failed"),
        {},
        QStringLiteral("Bad name."),
        {{QStringLiteral("name"), QStringLiteral("must be at most 100 characters")}}};
    const QJsonObject json = problem.toJson();
    QCOMPARE(json.value(QStringLiteral("type")).toString(), QStringLiteral("about:blank"));
    QCOMPARE(json.value(QStringLiteral("title")).toString(), QStringLiteral("Bad Request"));
    const Problem back = Problem::fromJson(json, 0);
    QCOMPARE(back.status, 400);
    QCOMPARE(back.code, problem.code);
    QCOMPARE(back.detail, problem.detail);
    QCOMPARE(back.errors, problem.errors);
    // A foreign error body still yields something usable.
    const Problem foreign =
        Problem::fromJson(QJsonObject {{QStringLiteral("status"), QStringLiteral("oops")}}, 502);
    QCOMPARE(foreign.status, 502);
    QVERIFY(foreign.code.isEmpty());
}

void TestWireTypes::sessionGrantRoundTrip()
{
    const SessionGrant grant {
        "kds_secret",
        utc(2026, 1, 1, 12),
        {{QStringLiteral("usr_1"), QStringLiteral("Ada"), QStringLiteral("ada@example.com")},
         {{QStringLiteral("org_1"), QStringLiteral("Acme"), Role::Owner},
          {QStringLiteral("org_2"), QStringLiteral("Beta"), Role::Member}}}};
    const std::optional<SessionGrant> back = SessionGrant::fromJson(grant.toJson());
    QVERIFY(back);
    QCOMPARE(back->token, grant.token);
    QCOMPARE(back->expiresAt, grant.expiresAt);
    QCOMPARE(back->account.user, grant.account.user);
    QCOMPARE(back->account.organizations, grant.account.organizations);
    QVERIFY(canManageKeys(Role::Owner));
    QVERIFY(canManageKeys(Role::Admin));
    QVERIFY(!canManageKeys(Role::Member));
}

void TestWireTypes::sessionGrantRejectsMissingToken()
{
    QJsonObject json = SessionGrant {"kds_x", {}, {{QStringLiteral("usr_1"), {}, {}}, {}}}.toJson();
    json.remove(QStringLiteral("token"));
    QVERIFY(!SessionGrant::fromJson(json));
    QVERIFY(!Account::fromJson(QJsonObject {{QStringLiteral("user"), 3}}));
}

void TestWireTypes::verificationCompactJsonIsQtsJson_data()
{
    QTest::addColumn<Verification>("verification");
    const QDateTime instant(QDate(2027, 2, 28), QTime(23, 59, 59, 7), Qt::UTC);
    QTest::newRow("plain ids, an expiry") << Verification {
        QStringLiteral("key_Ab3"), QStringLiteral("org_Zz9"), Access::ReadOnly, instant};
    QTest::newRow("never expires")
        << Verification {QStringLiteral("key_Ab3"), QStringLiteral("org_Zz9"), Access::Full, {}};
    // Not what the server mints, but what a corrupted row could hold: the slow path must keep
    // the JSON valid.
    QTest::newRow("quote in an id")
        << Verification {QStringLiteral("key_\"x"), QStringLiteral("org_1"), Access::Full, {}};
    QTest::newRow("backslash and non-ASCII") << Verification {
        QStringLiteral("key_\\"), QStringLiteral("org_\u00e9\u2028"), Access::Full, instant};
    QTest::newRow("empty ids") << Verification {QString(), QString(), Access::Full, {}};
}

void TestWireTypes::verificationCompactJsonIsQtsJson()
{
    QFETCH(Verification, verification);
    const QByteArray fast = verification.toCompactJson();
    QCOMPARE(fast, QJsonDocument(verification.toJson()).toJson(QJsonDocument::Compact));
    QJsonParseError error;
    const QJsonDocument parsed = QJsonDocument::fromJson(fast, &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    const std::optional<Verification> back = Verification::fromJson(parsed.object());
    QVERIFY(back);
    QCOMPARE(back->keyId, verification.keyId);
    QCOMPARE(back->organizationId, verification.organizationId);
    QCOMPARE(back->access, verification.access);
    QCOMPARE(back->expiresAt, verification.expiresAt);
}

QTEST_GUILESS_MAIN(TestWireTypes)
#include "tst_wiretypes.moc"
