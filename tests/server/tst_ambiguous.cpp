// DESIGN §3b "Ambiguous input is refused, never guessed", and "Time": input that could be read
// two ways (a header, query parameter or JSON member sent twice, an empty Idempotency-Key) is
// refused with a 400 naming it (verify: 401 invalid_key), and nothing is changed by it; a clock
// stepped back never extends the sign-in throttle.
//
// Headers go through raw requests (rawExchange): QNetworkAccessManager keeps one value per
// header name and drops empty ones, so it cannot send what these tests need.

#include "KeyFormat.h"
#include "TestServer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QtTest>

#include <memory>

using namespace keydesk;
using namespace keydesk::test;

namespace {

using HeaderLines = QList<QByteArray>;

const QString validationFailed = QStringLiteral("validation_failed");
const QString invalidKey = QStringLiteral("invalid_key");

// A response read off a raw connection, parsed just enough for the assertions.
struct RawAnswer
{
    int status = 0; // 0: no HTTP answer
    QByteArray head;
    QByteArray body;

    QByteArray header(QByteArrayView name) const
    {
        const QList<QByteArray> lines = head.split('\n');
        for (const QByteArray &line : lines) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0
                && QByteArrayView(line).first(colon).compare(name, Qt::CaseInsensitive) == 0)
                return line.sliced(colon + 1).trimmed();
        }
        return {};
    }
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString code() const { return json().value(QStringLiteral("code")).toString(); }
    // errors[].field of a problem.
    QSet<QString> fields() const
    {
        QSet<QString> names;
        for (const QJsonValue &error : json().value(QStringLiteral("errors")).toArray())
            names.insert(error.toObject().value(QStringLiteral("field")).toString());
        return names;
    }
};

// The request exactly as given: each of `headerLines` is sent as one line, repeated names and
// empty values included. "Connection: close" makes the server close after its answer, so that
// rawExchange returns as soon as the answer is in.
QByteArray rawRequest(QByteArrayView method, QByteArrayView target, const HeaderLines &headerLines,
                      const QByteArray &body = {})
{
    QByteArray request = method.toByteArray() + ' ' + target.toByteArray()
        + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    for (const QByteArray &line : headerLines)
        request += line + "\r\n";
    if (!body.isEmpty())
        request += "Content-Type: application/json\r\nContent-Length: "
            + QByteArray::number(body.size()) + "\r\n";
    return request + "\r\n" + body;
}

RawAnswer exchange(quint16 port, const QByteArray &request)
{
    RawAnswer answer;
    const QByteArray bytes = rawExchange(port, request, 10'000);
    const qsizetype headEnd = bytes.indexOf("\r\n\r\n");
    if (!bytes.startsWith("HTTP/1.1 ") || headEnd < 0)
        return answer;
    answer.status = bytes.mid(9, 3).toInt();
    answer.head = bytes.first(headEnd);
    answer.body = bytes.sliced(headEnd + 4);
    bool ok = false;
    const qsizetype length = answer.header("Content-Length").toLongLong(&ok);
    if (ok)
        answer.body.truncate(length);
    return answer;
}

QString keyIdOf(const QJsonObject &created)
{
    return created.value(QStringLiteral("api_key"))
        .toObject()
        .value(QStringLiteral("id"))
        .toString();
}

QString fieldList(const QSet<QString> &fields)
{
    QStringList sorted(fields.cbegin(), fields.cend());
    sorted.sort();
    return sorted.join(u", ");
}

} // namespace

class TestAmbiguous : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();

    void refusesAmbiguousIdempotencyKeys_data();
    void refusesAmbiguousIdempotencyKeys();
    void retryWithTheSameIdempotencyKeyGivesTheSameKey();
    void refusesRepeatedVerifyHeaders_data();
    void refusesRepeatedVerifyHeaders();
    void refusesRepeatedAuthorization_data();
    void refusesRepeatedAuthorization();
    void refusesRepeatedQueryParameters_data();
    void refusesRepeatedQueryParameters();
    void refusesRepeatedJsonMembers_data();
    void refusesRepeatedJsonMembers();
    void nameRulesHoldAlongsideOtherErrors_data();
    void nameRulesHoldAlongsideOtherErrors();
    void clockSteppedBackDoesNotExtendTheThrottle_data();
    void clockSteppedBackDoesNotExtendTheThrottle();

private:
    QByteArray keysPath() const
    {
        return "/v1/organizations/" + m_owner.organizationId.toLatin1() + "/api-keys";
    }
    QByteArray keyPath() const { return keysPath() + '/' + m_keyId.toLatin1(); }
    QByteArray bearer(const QByteArray &token) const { return "Authorization: Bearer " + token; }
    RawAnswer send(QByteArrayView method, QByteArrayView target, const HeaderLines &headerLines,
                   const QByteArray &body = {})
    {
        return exchange(m_server->port(), rawRequest(method, target, headerLines, body));
    }
    // The owner's keys as listed, every status, without last_used_at (verifies move it): what
    // a refused request must leave as it was.
    QJsonArray keysSnapshot()
    {
        const HttpResult listed = m_client->get(QString::fromLatin1(keysPath())
                                                + QStringLiteral("?status=all&limit=500"));
        if (listed.status != 200)
            qFatal("listing the keys failed: %d %s", listed.status, listed.body.constData());
        QJsonArray items = listed.json().value(QStringLiteral("items")).toArray();
        for (QJsonValueRef item : items) {
            QJsonObject key = item.toObject();
            key.remove(QStringLiteral("last_used_at"));
            item = key;
        }
        return items;
    }

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<HttpClient> m_client; // signed in as m_owner
    Owner m_owner;
    Owner m_other; // another user with an organization of their own
    QString m_keyId; // m_owner's "Production": never revoked; renamed only to be named back
    QByteArray m_secret;
    QByteArray m_secondSecret; // another key of m_owner's organization
    QByteArray m_otherSecret; // a key of m_other's organization
    QByteArray m_firstCursor; // two cursors of m_owner's key list (limit=1)
    QByteArray m_secondCursor;
};

void TestAmbiguous::initTestCase()
{
    m_server = std::make_unique<TestServer>();
    m_client = std::make_unique<HttpClient>(*m_server);
    m_owner = signUp(*m_client, QStringLiteral("Acme"));
    m_other = signUp(*m_client, QStringLiteral("Other"));
    m_client->token = m_owner.token;
    const auto create = [](HttpClient &client, const QString &organizationId, const QString &name) {
        const HttpResult created =
            client.post(QStringLiteral("/v1/organizations/%1/api-keys").arg(organizationId),
                        {{QStringLiteral("name"), name},
                         {QStringLiteral("expiration"), QStringLiteral("never")}});
        if (created.status != 201)
            qFatal("create failed: %d %s", created.status, created.body.constData());
        return created.json();
    };
    const QJsonObject first =
        create(*m_client, m_owner.organizationId, QStringLiteral("Production"));
    m_keyId = keyIdOf(first);
    m_secret = first.value(QStringLiteral("secret")).toString().toLatin1();
    m_secondSecret = create(*m_client, m_owner.organizationId, QStringLiteral("Staging"))
                         .value(QStringLiteral("secret"))
                         .toString()
                         .toLatin1();
    create(*m_client, m_owner.organizationId, QStringLiteral("CI"));
    HttpClient asOther(*m_server);
    asOther.token = m_other.token;
    m_otherSecret = create(asOther, m_other.organizationId, QStringLiteral("Theirs"))
                        .value(QStringLiteral("secret"))
                        .toString()
                        .toLatin1();
    QVERIFY(KeyFormat::isWellFormed(m_secret));
    QVERIFY(KeyFormat::isWellFormed(m_secondSecret));
    QVERIFY(KeyFormat::isWellFormed(m_otherSecret));

    const QString list = QString::fromLatin1(keysPath()) + QStringLiteral("?limit=1");
    m_firstCursor =
        m_client->get(list).json().value(QStringLiteral("next_cursor")).toString().toLatin1();
    m_secondCursor =
        m_client->get(list + QStringLiteral("&cursor=") + QString::fromLatin1(m_firstCursor))
            .json()
            .value(QStringLiteral("next_cursor"))
            .toString()
            .toLatin1();
    QVERIFY(!m_firstCursor.isEmpty());
    QVERIFY(!m_secondCursor.isEmpty());
    QVERIFY(m_firstCursor != m_secondCursor);
}

void TestAmbiguous::refusesAmbiguousIdempotencyKeys_data()
{
    QTest::addColumn<HeaderLines>("idempotencyLines");
    // A client that sent an empty key meant one: reading it as "no key" would give it a second
    // key on its retry. Two keys could each be the one meant.
    QTest::newRow("empty") << HeaderLines {"Idempotency-Key:"};
    QTest::newRow("empty after a space") << HeaderLines {"Idempotency-Key: "};
    QTest::newRow("only spaces") << HeaderLines {"Idempotency-Key:        "};
    QTest::newRow("only a tab") << HeaderLines {"Idempotency-Key:\t"};
    QTest::newRow("twice, same value")
        << HeaderLines {"Idempotency-Key: twice-1", "Idempotency-Key: twice-1"};
    QTest::newRow("twice, different values")
        << HeaderLines {"Idempotency-Key: twice-2", "Idempotency-Key: twice-3"};
    QTest::newRow("twice, name in another case")
        << HeaderLines {"Idempotency-Key: twice-4", "idempotency-key: twice-4"};
    QTest::newRow("twice, the second empty")
        << HeaderLines {"Idempotency-Key: twice-5", "Idempotency-Key:"};
    QTest::newRow("twice, the first empty")
        << HeaderLines {"Idempotency-Key:", "Idempotency-Key: twice-6"};
    QTest::newRow("256 characters") << HeaderLines {"Idempotency-Key: " + QByteArray(256, 'k')};
    QTest::newRow("8 KiB") << HeaderLines {"Idempotency-Key: " + QByteArray(8192, 'k')};
    QTest::newRow("non-ASCII (UTF-8)") << HeaderLines {"Idempotency-Key: cl\xc3\xa9-1"};
    QTest::newRow("non-ASCII (Latin-1 byte)") << HeaderLines {"Idempotency-Key: cl\xe9-2"};
    QTest::newRow("zero-width space") << HeaderLines {"Idempotency-Key: \xe2\x80\x8b"};
}

void TestAmbiguous::refusesAmbiguousIdempotencyKeys()
{
    QFETCH(HeaderLines, idempotencyLines);
    const QJsonArray before = keysSnapshot();
    const QByteArray body = R"({"name":"idempotency probe","expiration":"one_month"})";
    const RawAnswer answer =
        send("POST", keysPath(), HeaderLines {bearer(m_owner.token)} + idempotencyLines, body);
    QCOMPARE(answer.status, 400);
    QCOMPARE(answer.code(), validationFailed);
    QVERIFY2(answer.fields().contains(QStringLiteral("Idempotency-Key")),
             qPrintable(fieldList(answer.fields())));
    QCOMPARE(answer.body.contains("\"secret\""), false);
    // No key was created, under this name or any other.
    QCOMPARE(keysSnapshot(), before);
}

void TestAmbiguous::retryWithTheSameIdempotencyKeyGivesTheSameKey()
{
    // Regression guard for the refusals above: a well-formed key sent once still makes a retry
    // return the key of the first attempt, with a fresh secret.
    const qsizetype before = keysSnapshot().size();
    const QByteArray body = R"({"name":"retried","expiration":"one_month"})";
    const HeaderLines headers {bearer(m_owner.token), "Idempotency-Key: retry-0042"};
    const RawAnswer first = send("POST", keysPath(), headers, body);
    const RawAnswer retry = send("POST", keysPath(), headers, body);
    QCOMPARE(first.status, 201);
    QCOMPARE(retry.status, 201);
    const QString keyId = keyIdOf(first.json());
    QVERIFY(keyId.startsWith(u"key_"));
    QCOMPARE(keyIdOf(retry.json()), keyId);
    const QByteArray lostSecret =
        first.json().value(QStringLiteral("secret")).toString().toLatin1();
    const QByteArray secret = retry.json().value(QStringLiteral("secret")).toString().toLatin1();
    QVERIFY(lostSecret != secret);
    QCOMPARE(keysSnapshot().size(), before + 1);

    const auto verify = [this](const QByteArray &key) {
        return send(
            "GET", "/v1/verify",
            {"x-api-key: " + key, "x-organization-id: " + m_owner.organizationId.toLatin1()});
    };
    QCOMPARE(verify(lostSecret).code(), invalidKey);
    QCOMPARE(verify(secret).status, 200);

    // The same key sent twice is still refused, and re-issues nothing: the current secret
    // keeps working.
    const RawAnswer repeated =
        send("POST", keysPath(), headers + HeaderLines {"Idempotency-Key: retry-0042"}, body);
    QCOMPARE(repeated.status, 400);
    QVERIFY(repeated.fields().contains(QStringLiteral("Idempotency-Key")));
    QCOMPARE(verify(secret).status, 200);
    QCOMPARE(keysSnapshot().size(), before + 1);
}

void TestAmbiguous::refusesRepeatedVerifyHeaders_data()
{
    QTest::addColumn<HeaderLines>("headerLines");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("code");
    const QByteArray key = "x-api-key: " + m_secret;
    const QByteArray org = "x-organization-id: " + m_owner.organizationId.toLatin1();
    const QByteArray otherOrg = "x-organization-id: " + m_other.organizationId.toLatin1();
    const auto refused = [](const char *name, const HeaderLines &lines) {
        QTest::newRow(name) << lines << 401 << invalidKey;
    };
    // Whichever value a server picked, a client (or a proxy in front of it) might have meant the
    // other one.
    refused("x-api-key twice, same value", {key, key, org});
    refused("x-api-key twice, two valid keys", {key, "x-api-key: " + m_secondSecret, org});
    refused("x-api-key twice, valid then made-up",
            {key, "x-api-key: " + KeyFormat::generate(), org});
    refused("x-api-key twice, made-up then valid",
            {"x-api-key: " + KeyFormat::generate(), key, org});
    refused("x-api-key twice, valid then empty", {key, "x-api-key:", org});
    refused("x-api-key twice, empty then valid", {"x-api-key:", key, org});
    refused("x-api-key twice, names in two cases", {"X-API-KEY: " + m_secret, key, org});
    refused("x-api-key twice, keys of two organizations",
            {key, "x-api-key: " + m_otherSecret, org});
    refused("x-organization-id twice, same value", {key, org, org});
    refused("x-organization-id twice, own then another", {key, org, otherOrg});
    refused("x-organization-id twice, another then own", {key, otherOrg, org});
    refused("x-organization-id twice, own then empty", {key, org, "x-organization-id:"});
    refused("x-organization-id twice, names in two cases",
            {key, org, "X-Organization-Id: " + m_owner.organizationId.toLatin1()});
    refused("both twice", {key, key, org, org});
    // Sent once, the same pair verifies.
    QTest::newRow("one of each") << HeaderLines {key, org} << 200 << QString();
    QTest::newRow("one of each, upper-case names")
        << HeaderLines {"X-API-KEY: " + m_secret,
                        "X-ORGANIZATION-ID: " + m_owner.organizationId.toLatin1()}
        << 200 << QString();
}

void TestAmbiguous::refusesRepeatedVerifyHeaders()
{
    QFETCH(HeaderLines, headerLines);
    QFETCH(int, status);
    QFETCH(QString, code);
    const RawAnswer answer = send("GET", "/v1/verify", headerLines);
    QCOMPARE(answer.status, status);
    QCOMPARE(answer.code(), code);
    if (status == 200) {
        QCOMPARE(answer.json().value(QStringLiteral("valid")).toBool(), true);
        QCOMPARE(answer.json().value(QStringLiteral("key_id")).toString(), m_keyId);
    } else {
        // A refusal, never a verdict about one of the keys.
        QVERIFY(!answer.body.contains("\"valid\""));
        QCOMPARE(answer.header("WWW-Authenticate"), QByteArrayLiteral("ApiKey"));
    }
}

void TestAmbiguous::refusesRepeatedAuthorization_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<HeaderLines>("authorization");
    struct Call
    {
        const char *name;
        QByteArray method;
        QByteArray target;
        QByteArray body;
    };
    const QList<Call> calls {
        {"GET /v1/me", "GET", "/v1/me", {}},
        {"GET list", "GET", keysPath(), {}},
        {"POST create", "POST", keysPath(), R"({"name":"ambiguous","expiration":"never"})"},
        {"PATCH rename", "PATCH", keyPath(), R"({"name":"renamed by an ambiguous request"})"},
        {"DELETE revoke", "DELETE", keyPath(), {}},
        {"DELETE session", "DELETE", "/v1/sessions/current", {}},
    };
    const QByteArray mine = bearer(m_owner.token);
    const struct
    {
        const char *name;
        HeaderLines lines;
    } variants[] = {
        {"same token twice", {mine, mine}},
        {"valid then invalid", {mine, bearer("kds_notasessiontoken")}},
        {"invalid then valid", {bearer("kds_notasessiontoken"), mine}},
        // Two real sessions of two users: whose call would it be?
        {"tokens of two users", {bearer(m_other.token), mine}},
        {"valid then empty", {mine, "Authorization:"}},
    };
    for (const Call &call : calls) {
        for (const auto &variant : variants) {
            QTest::addRow("%s, %s", call.name, variant.name)
                << call.method << call.target << call.body << variant.lines;
        }
    }
}

void TestAmbiguous::refusesRepeatedAuthorization()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, body);
    QFETCH(HeaderLines, authorization);
    const QJsonArray before = keysSnapshot();
    const RawAnswer answer = send(method, target, authorization, body);
    QCOMPARE(answer.status, 400);
    QCOMPARE(answer.code(), validationFailed);
    QVERIFY2(answer.fields().contains(QStringLiteral("Authorization")),
             qPrintable(fieldList(answer.fields())));
    // Nothing changed: no key created, renamed or revoked, and both sessions still work.
    QCOMPARE(keysSnapshot(), before);
    QCOMPARE(m_client->get(QStringLiteral("/v1/me")).status, 200);
    HttpClient asOther(*m_server);
    asOther.token = m_other.token;
    QCOMPARE(asOther.get(QStringLiteral("/v1/me")).status, 200);
}

void TestAmbiguous::refusesRepeatedQueryParameters_data()
{
    QTest::addColumn<QByteArray>("query");
    QTest::addColumn<QString>("field");
    const QString status = QStringLiteral("status");
    const QString limit = QStringLiteral("limit");
    const QString cursor = QStringLiteral("cursor");
    const QString q = QStringLiteral("q");
    QTest::newRow("status twice, same value") << QByteArray("status=all&status=all") << status;
    QTest::newRow("status twice, different values")
        << QByteArray("status=all&status=revoked") << status;
    QTest::newRow("status twice, the second without a value")
        << QByteArray("status=all&status") << status;
    QTest::newRow("status twice, the second empty") << QByteArray("status=all&status=") << status;
    QTest::newRow("status twice, apart") << QByteArray("status=all&limit=5&status=all") << status;
    // "%61" is "a": the same name, spelled another way.
    QTest::newRow("status twice, one percent-encoded")
        << QByteArray("st%61tus=all&status=revoked") << status;
    QTest::newRow("limit twice, same value") << QByteArray("limit=2&limit=2") << limit;
    QTest::newRow("limit twice, different values") << QByteArray("limit=1&limit=500") << limit;
    QTest::newRow("cursor twice, same value")
        << "cursor=" + m_firstCursor + "&cursor=" + m_firstCursor << cursor;
    QTest::newRow("cursor twice, different values")
        << "cursor=" + m_firstCursor + "&cursor=" + m_secondCursor << cursor;
    QTest::newRow("q twice, same value") << QByteArray("q=prod&q=prod") << q;
    QTest::newRow("q twice, different values") << QByteArray("q=prod&q=stag") << q;
    QTest::newRow("q twice, both empty") << QByteArray("q=&q=") << q;
    QTest::newRow("q twice, one percent-encoded") << QByteArray("%71=prod&q=stag") << q;
}

void TestAmbiguous::refusesRepeatedQueryParameters()
{
    QFETCH(QByteArray, query);
    QFETCH(QString, field);
    const RawAnswer answer = send("GET", keysPath() + '?' + query, {bearer(m_owner.token)});
    QCOMPARE(answer.status, 400);
    QCOMPARE(answer.code(), validationFailed);
    QVERIFY2(answer.fields().contains(field), qPrintable(fieldList(answer.fields())));
    QVERIFY(!answer.body.contains("\"items\""));
}

void TestAmbiguous::refusesRepeatedJsonMembers_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("body");
    // Sign-up rows: addresses that must still be free afterwards (no account was made).
    QTest::addColumn<QStringList>("freeEmails");

    const auto create = [this](const char *name, const QByteArray &body) {
        QTest::addRow("create, %s", name)
            << QByteArray("POST") << keysPath() << body << QStringList();
    };
    create("name twice, same value", R"({"name":"a","name":"a","expiration":"never"})");
    create("name twice, different values", R"({"name":"a","name":"b","expiration":"never"})");
    create("expiration twice", R"({"expiration":"never","name":"a","expiration":"two_weeks"})");
    create("access twice", R"({"expiration":"never","access":"read_only","access":"full"})");
    create("name escaped and plain", R"({"n\u0061me":"a","name":"b","expiration":"never"})");
    create("name fully escaped and plain",
           R"({"\u006e\u0061\u006d\u0065":"a","name":"b","expiration":"never"})");
    create("expiration escaped twice",
           R"({"e\u0078piration":"never","\u0065xpiration":"two_weeks"})");
    create("nested object", R"({"name":"a","expiration":"never","meta":{"k":1,"k":2}})");
    create("nested escaped", R"({"name":"a","expiration":"never","meta":{"k":1,"\u006b":1}})");
    create("object in an array",
           R"({"name":"a","expiration":"never","tags":[{"k":1},{"k":1,"k":1}]})");
    create("deeper", R"({"name":"a","expiration":"never","x":{"y":[[{"z":{"w":0,"w":0}}]]}})");

    const auto rename = [this](const char *name, const QByteArray &body) {
        QTest::addRow("rename, %s", name)
            << QByteArray("PATCH") << keyPath() << body << QStringList();
    };
    rename("name twice, same value", R"({"name":"renamed","name":"renamed"})");
    rename("name twice, different values", R"({"name":"renamed","name":null})");
    rename("name escaped and plain", R"({"n\u0061me":"renamed","name":"other"})");
    rename("nested object", R"({"name":"renamed","meta":{"name":1,"name":2}})");

    const auto signUpRow = [](const char *name, const QByteArray &body, const QStringList &emails) {
        QTest::addRow("sign-up, %s", name)
            << QByteArray("POST") << QByteArray("/v1/signup") << body << emails;
    };
    const QByteArray password = testPassword.toUtf8();
    signUpRow("organization_name twice",
              R"({"organization_name":"A","organization_name":"B","name":"Ada",)"
              R"("email":"dup1@example.com","password":")"
                  + password + R"("})",
              {QStringLiteral("dup1@example.com")});
    signUpRow("email twice",
              R"({"organization_name":"A","name":"Ada","email":"dup2@example.com",)"
              R"("email":"dup3@example.com","password":")"
                  + password + R"("})",
              {QStringLiteral("dup2@example.com"), QStringLiteral("dup3@example.com")});
    signUpRow("email escaped and plain",
              R"({"organization_name":"A","name":"Ada","\u0065mail":"dup4@example.com",)"
              R"("email":"dup5@example.com","password":")"
                  + password + R"("})",
              {QStringLiteral("dup4@example.com"), QStringLiteral("dup5@example.com")});
    signUpRow("nested object",
              R"({"organization_name":"A","name":"Ada","email":"dup6@example.com","password":")"
                  + password + R"(","profile":{"a":1,"a":2}})",
              {QStringLiteral("dup6@example.com")});

    const auto signInRow = [](const char *name, const QByteArray &body) {
        QTest::addRow("sign-in, %s", name)
            << QByteArray("POST") << QByteArray("/v1/sessions") << body << QStringList();
    };
    const QByteArray email = m_owner.email.toUtf8();
    // The right password next to a wrong one must not sign anybody in.
    signInRow("password twice, wrong then right",
              R"({"email":")" + email + R"(","password":"wrong password!","password":")" + password
                  + R"("})");
    signInRow("password twice, right then wrong",
              R"({"email":")" + email + R"(","password":")" + password
                  + R"(","password":"wrong password!"})");
    signInRow("password escaped and plain",
              R"({"email":")" + email + R"(","p\u0061ssword":"wrong password!","password":")"
                  + password + R"("})");
    signInRow("email twice, two accounts",
              R"({"email":")" + m_other.email.toUtf8() + R"(","email":")" + email
                  + R"(","password":")" + password + R"("})");
    signInRow("nested object",
              R"({"email":")" + email + R"(","password":")" + password
                  + R"(","device":{"id":1,"id":2}})");
}

void TestAmbiguous::refusesRepeatedJsonMembers()
{
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, body);
    QFETCH(QStringList, freeEmails);
    const QJsonArray before = keysSnapshot();
    const RawAnswer answer = send(method, target, {bearer(m_owner.token)}, body);
    QCOMPARE(answer.status, 400);
    QCOMPARE(answer.code(), validationFailed);
    QVERIFY2(answer.fields().contains(QStringLiteral("body")),
             qPrintable(fieldList(answer.fields())));
    // Neither a key secret nor a session token came back, and no key changed.
    QVERIFY(!answer.body.contains("\"secret\""));
    QVERIFY(!answer.body.contains("\"token\""));
    QCOMPARE(keysSnapshot(), before);
    // No account was made: each address can still sign up.
    for (const QString &email : std::as_const(freeEmails)) {
        HttpClient client(*m_server);
        QCOMPARE(signUp(client, QStringLiteral("Afterwards"), email).email, email);
    }
}

void TestAmbiguous::nameRulesHoldAlongsideOtherErrors_data()
{
    // A name as a raw JSON string literal, and whether the name rules (DESIGN §3) accept it.
    QTest::addColumn<QByteArray>("nameJson");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QJsonValue>("stored"); // as renamed, when valid
    QTest::newRow("101 characters") << '"' + QByteArray(101, 'n') + '"' << false << QJsonValue();
    QTest::newRow("101 emoji") << '"' + QByteArray("\\ud83d\\udd11").repeated(101) + '"' << false
                               << QJsonValue();
    QTest::newRow("tab") << QByteArray(R"("a\tb")") << false << QJsonValue();
    QTest::newRow("newline") << QByteArray(R"("a\nb")") << false << QJsonValue();
    QTest::newRow("NUL") << QByteArray(R"("a\u0000b")") << false << QJsonValue();
    QTest::newRow("DEL") << QByteArray(R"("a\u007fb")") << false << QJsonValue();
    QTest::newRow("C1 (NEL)") << QByteArray(R"("a\u0085b")") << false << QJsonValue();
    QTest::newRow("bidi override") << QByteArray(R"("a\u202eb")") << false << QJsonValue();
    QTest::newRow("lone surrogate") << QByteArray(R"("a\ud800b")") << false << QJsonValue();
    // At the limits, accepted.
    QTest::newRow("100 characters")
        << '"' + QByteArray(100, 'n') + '"' << true << QJsonValue(QString(100, u'n'));
    QTest::newRow("100 characters, spaces around")
        << "\"   " + QByteArray(100, 'm') + "   \"" << true << QJsonValue(QString(100, u'm'));
    // DESIGN §3b: a name made only of invisible characters counts as empty (unnamed), never
    // as a name nobody can see.
    QTest::newRow("only zero-width spaces")
        << QByteArray(R"("\u200b\u200b")") << true << QJsonValue(QJsonValue::Null);
    QTest::newRow("only invisible characters and spaces")
        << QByteArray(R"(" \u2060 \ufeff\u200d ")") << true << QJsonValue(QJsonValue::Null);
}

void TestAmbiguous::nameRulesHoldAlongsideOtherErrors()
{
    QFETCH(QByteArray, nameJson);
    QFETCH(bool, valid);
    QFETCH(QJsonValue, stored);
    const QString name = QStringLiteral("name");

    // Create: every problem of the request in one 400, the name's among them.
    const QJsonArray before = keysSnapshot();
    const RawAnswer created =
        send("POST", keysPath(), {bearer(m_owner.token), "Idempotency-Key: has spaces"},
             R"({"name":)" + nameJson + R"(,"expiration":"forever","access":"write"})");
    QCOMPARE(created.status, 400);
    QCOMPARE(created.code(), validationFailed);
    QSet<QString> expected {QStringLiteral("expiration"), QStringLiteral("access"),
                            QStringLiteral("Idempotency-Key")};
    if (!valid)
        expected.insert(name);
    QCOMPARE(fieldList(created.fields()), fieldList(expected));
    QCOMPARE(keysSnapshot(), before);

    // Rename: refused with the name named, and the key keeps its name; or renamed as stored.
    const RawAnswer renamed =
        send("PATCH", keyPath(), {bearer(m_owner.token)}, R"({"name":)" + nameJson + '}');
    if (!valid) {
        QCOMPARE(renamed.status, 400);
        QCOMPARE(renamed.code(), validationFailed);
        QCOMPARE(fieldList(renamed.fields()), name);
        QCOMPARE(keysSnapshot(), before);
        return;
    }
    QCOMPARE(renamed.status, 200);
    QCOMPARE(renamed.json().value(name), stored);
    QCOMPARE(m_client->get(QString::fromLatin1(keyPath())).json().value(name), stored);
    // Back to its name, for the other tests.
    QCOMPARE(m_client->patch(QString::fromLatin1(keyPath()), {{name, QStringLiteral("Production")}})
                 .status,
             200);
}

void TestAmbiguous::clockSteppedBackDoesNotExtendTheThrottle_data()
{
    QTest::addColumn<qint64>("stepBackMs");
    QTest::newRow("one minute") << qint64(60'000);
    QTest::newRow("one hour") << qint64(3'600'000);
    QTest::newRow("one day") << qint64(86'400'000);
}

void TestAmbiguous::clockSteppedBackDoesNotExtendTheThrottle()
{
    // DESIGN §3b "Time": failures recorded before the clock was stepped back lie in the
    // server's future. They must not lock the account for the step plus 15 minutes (an hour
    // back answered Retry-After: 4500); the window is 15 minutes from when the server sees them.
    QFETCH(qint64, stepBackMs);
    constexpr qint64 windowSeconds = 15 * 60;
    TestServer server; // its own: the attempts of one client address count too
    HttpClient client(server);
    const Owner owner = signUp(client);
    const auto signIn = [&](const QString &password) {
        return client.post(
            QStringLiteral("/v1/sessions"),
            {{QStringLiteral("email"), owner.email}, {QStringLiteral("password"), password}});
    };
    for (int attempt = 0; attempt < 5; ++attempt)
        QCOMPARE(signIn(QStringLiteral("not the password")).status, 401);
    const HttpResult locked = signIn(testPassword);
    QCOMPARE(locked.status, 429);
    QCOMPARE(locked.header("Retry-After").toLongLong(), windowSeconds);

    server.clock().advance(-stepBackMs);
    const QDateTime steppedBack = server.clock().now();
    const HttpResult afterStep = signIn(testPassword);
    QCOMPARE(afterStep.status, 429);
    QCOMPARE(afterStep.code(), QStringLiteral("too_many_attempts"));
    bool ok = false;
    const qint64 retryAfter = afterStep.header("Retry-After").toLongLong(&ok);
    QVERIFY(ok);
    QVERIFY2(retryAfter >= 1 && retryAfter <= windowSeconds,
             qPrintable(QStringLiteral("Retry-After: %1").arg(retryAfter)));

    // Still locked a second before the window ends, and the answer says so.
    server.clock().set(steppedBack.addSecs(windowSeconds - 1));
    const HttpResult lastSecond = signIn(testPassword);
    QCOMPARE(lastSecond.status, 429);
    QCOMPARE(lastSecond.header("Retry-After"), QByteArrayLiteral("1"));

    server.clock().set(steppedBack.addSecs(windowSeconds + 1));
    const HttpResult signedIn = signIn(testPassword);
    QCOMPARE(signedIn.status, 201);
    QVERIFY(signedIn.json().value(QStringLiteral("token")).toString().startsWith(u"kds_"));
}

QTEST_GUILESS_MAIN(TestAmbiguous)
#include "tst_ambiguous.moc"
