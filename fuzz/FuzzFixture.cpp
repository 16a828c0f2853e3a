#include "FuzzFixture.h"

#include "KeyDeskServer.h"
#include "api/StrictJson.h"
#include "service/Services.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>

#include <cstdio>
#include <cstdlib>

namespace keydesk::fuzz {

namespace {

ManualClock *theClock = nullptr;
KeyDeskServer *theServer = nullptr;
Fixture theFixture;
QSqlDatabase connection; // the server's own SQLite connection, shared for snapshot and restore
QStringList tables;
qint64 changesAfterRestore = 0;
QByteArray lastCritical;

void quietMessages(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    // The router logs a storage failure (a 503) as critical: keep it for the report.
    if (type == QtCriticalMsg || type == QtFatalMsg)
        lastCritical = message.toUtf8();
    if (type == QtFatalMsg) {
        std::fprintf(stderr, "fatal: %s\n", message.toUtf8().constData());
        std::abort();
    }
}

[[noreturn]] void setupFailed(const char *step, const http::Response &response)
{
    std::fprintf(stderr, "fuzz fixture: %s failed: HTTP %d %s\n", step, response.status,
                 response.body.constData());
    std::abort();
}

http::Request jsonRequest(const char *method, const QString &path, const QJsonObject &body,
                          const QByteArray &token = {})
{
    http::Request request;
    request.method = method;
    request.path = path;
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    request.headers.append(http::Header {"Content-Type", "application/json"});
    if (!token.isEmpty())
        request.headers.append(http::Header {"Authorization", "Bearer " + token});
    request.peer = QHostAddress(QStringLiteral("127.0.0.1"));
    return request;
}

QJsonObject setupCall(const char *step, int expected, const http::Request &request)
{
    const http::Response response = theServer->dispatch(request);
    if (response.status != expected)
        setupFailed(step, response);
    return QJsonDocument::fromJson(response.body).object();
}

QSqlQuery run(const QString &sql)
{
    QSqlQuery query(connection);
    if (!query.exec(sql)) {
        std::fprintf(stderr, "fuzz fixture: %s: %s\n", qUtf8Printable(sql),
                     qUtf8Printable(query.lastError().text()));
        std::abort();
    }
    return query;
}

qint64 totalChanges()
{
    QSqlQuery query = run(QStringLiteral("SELECT total_changes()"));
    return query.next() ? query.value(0).toLongLong() : -1;
}

void snapshot()
{
    const QStringList names = QSqlDatabase::connectionNames();
    for (const QString &name : names) {
        if (name.startsWith(u"keydesk-store-"))
            connection = QSqlDatabase::database(name, false);
    }
    if (!connection.isValid() || !connection.isOpen()) {
        std::fprintf(stderr, "fuzz fixture: the server's database connection was not found\n");
        std::abort();
    }
    QSqlQuery list =
        run(QStringLiteral("SELECT name FROM main.sqlite_master WHERE type = 'table'"
                           " AND name NOT LIKE 'sqlite_%' AND name <> 'schema_migrations'"));
    while (list.next())
        tables.append(list.value(0).toString());
    for (const QString &table : std::as_const(tables))
        run(QStringLiteral("CREATE TEMP TABLE snapshot_%1 AS SELECT * FROM main.%1").arg(table));
    changesAfterRestore = totalChanges();
}

void restore()
{
    theServer->flushUsage(); // batched last_used_at, written now so that it is undone too
    if (totalChanges() == changesAfterRestore)
        return;
    // Foreign keys off for the copy, so that the order of the tables does not matter (the
    // pragma has no effect inside a transaction, hence outside it).
    run(QStringLiteral("PRAGMA foreign_keys=OFF"));
    run(QStringLiteral("BEGIN"));
    for (const QString &table : std::as_const(tables)) {
        run(QStringLiteral("DELETE FROM main.%1").arg(table));
        run(QStringLiteral("INSERT INTO main.%1 SELECT * FROM temp.snapshot_%1").arg(table));
    }
    run(QStringLiteral("COMMIT"));
    run(QStringLiteral("PRAGMA foreign_keys=ON"));
    changesAfterRestore = totalChanges();
}

QByteArray bearerToken(const http::Request &request)
{
    // As api::requireCaller reads it.
    const QByteArray authorization = request.header("authorization");
    static constexpr QByteArrayView scheme = "bearer ";
    if (authorization.size() <= scheme.size()
        || QByteArrayView(authorization).first(scheme.size()).compare(scheme, Qt::CaseInsensitive)
            != 0)
        return {};
    return authorization.sliced(scheme.size()).trimmed();
}

bool mentions(const http::Request &request, const QByteArray &secret)
{
    if (request.method.contains(secret) || request.body.contains(secret)
        || request.path.toUtf8().contains(secret)
        || request.query.toString(QUrl::FullyDecoded).toUtf8().contains(secret))
        return true;
    for (const http::Header &header : request.headers) {
        if (header.first.contains(secret) || header.second.contains(secret))
            return true;
    }
    return false;
}

void checkInvariants(const http::Request &request, const http::Response &response)
{
    // DESIGN §3: no input may produce a 5xx (the router has no 501 of its own) or a crash.
    if (response.status < 200 || response.status > 499)
        violation("status outside 2xx-4xx", request, response);
    if (response.status == 405
        && !std::any_of(response.headers.begin(), response.headers.end(),
                        [](const http::Header &h) { return h.first == "Allow"; }))
        violation("405 without Allow", request, response);
    if (response.status == 204) {
        if (!response.body.isEmpty())
            violation("204 with a body", request, response);
    } else {
        // Every other answer is one JSON object, strict JSON at that.
        const bool problem = response.contentType == "application/problem+json";
        if (!problem && response.contentType != "application/json")
            violation("unexpected content type", request, response);
        if (!strictJsonError(response.body).isEmpty())
            violation("the answer is not strict JSON", request, response);
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(response.body, &error);
        if (error.error != QJsonParseError::NoError || !document.isObject())
            violation("the answer is not a JSON object", request, response);
        if (problem != (response.status >= 400))
            violation("problem+json for a success, or an error without it", request, response);
        if (problem) {
            const QJsonObject json = document.object();
            if (json.value(QStringLiteral("status")).toInt() != response.status
                || json.value(QStringLiteral("code")).toString().isEmpty()
                || json.value(QStringLiteral("title")).toString().isEmpty())
                violation("a problem without matching status, code or title", request, response);
        }
    }

    // Secrets the fixture holds never come back, unless the input itself carried them.
    for (const QByteArray *secret :
         {&theFixture.keySecret, &theFixture.otherKeySecret, &theFixture.ownerToken,
          &theFixture.memberToken, &theFixture.otherOwnerToken}) {
        if (response.body.contains(*secret) && !mentions(request, *secret))
            violation("a stored secret leaked into an answer", request, response);
    }
    const QByteArray password = theFixture.ownerPassword.toUtf8();
    if (response.body.contains(password) && !mentions(request, password))
        violation("the owner's password leaked into an answer", request, response);

    // Authorization: only the owner's and the member's sessions reach the owner's organization,
    // and only the owner's changes anything there.
    if (response.status < 300) {
        QStringList segments = request.path.split(u'/');
        for (QString &segment : segments)
            segment = QUrl::fromPercentEncoding(segment.toUtf8());
        const bool inOrganization = segments.size() >= 4 && segments.at(1) == u"v1"
            && segments.at(2) == u"organizations" && segments.at(3) == theFixture.organizationId;
        if (inOrganization) {
            const QByteArray token = bearerToken(request);
            const bool owner = token == theFixture.ownerToken;
            const bool member = token == theFixture.memberToken;
            if (!owner && !member)
                violation("another organization's or no session reached the organization", request,
                          response);
            if (member && request.method != "GET")
                violation("a member changed something in the organization", request, response);
        }
        const bool anonymousRoute = segments.size() == 3 && segments.at(1) == u"v1"
            && (segments.at(2) == u"info" || segments.at(2) == u"signup"
                || segments.at(2) == u"sessions" || segments.at(2) == u"verify");
        const QByteArray token = bearerToken(request);
        const bool knownSession = !token.isEmpty()
            && (token == theFixture.ownerToken || token == theFixture.memberToken
                || token == theFixture.otherOwnerToken);
        if (!anonymousRoute && !knownSession)
            violation("a session route answered without a valid session", request, response);
    }
}

} // namespace

void initialize(int *argc, char ***argv)
{
    qputenv("QT_LOGGING_RULES", "*.debug=false");
    qInstallMessageHandler(quietMessages);
    // Qt wants an application object for its plugins (the SQLite driver); it lives until exit.
    new QCoreApplication(*argc, *argv);

    theClock = new ManualClock(QDateTime(QDate(2026, 1, 31), QTime(12, 0), Qt::UTC));
    ServerConfig config;
    config.databaseUrl = QStringLiteral("sqlite::memory:");
    config.port = 0;
    config.allowSignup = true;
    config.passwordCost = {4, 1, 1}; // scrypt's cost is not what is fuzzed
    config.usageFlushIntervalMs = 60'000;
    config.clock = theClock;
    theServer = new KeyDeskServer(config);

    Fixture &f = theFixture;
    f.ownerEmail = QStringLiteral("owner@example.com");
    f.ownerPassword = QStringLiteral("correct horse battery staple");
    QJsonObject json =
        setupCall("sign-up", 201,
                  jsonRequest("POST", QStringLiteral("/v1/signup"),
                              {{QStringLiteral("organization_name"), QStringLiteral("Acme")},
                               {QStringLiteral("name"), QStringLiteral("Ada Owner")},
                               {QStringLiteral("email"), f.ownerEmail},
                               {QStringLiteral("password"), f.ownerPassword}}));
    f.ownerToken = json.value(QStringLiteral("token")).toString().toLatin1();
    f.organizationId = json.value(QStringLiteral("organizations"))
                           .toArray()
                           .first()
                           .toObject()
                           .value(QStringLiteral("id"))
                           .toString();

    json =
        setupCall("second sign-up", 201,
                  jsonRequest("POST", QStringLiteral("/v1/signup"),
                              {{QStringLiteral("organization_name"), QStringLiteral("Other Org")},
                               {QStringLiteral("name"), QStringLiteral("Olga Other")},
                               {QStringLiteral("email"), QStringLiteral("other@example.com")},
                               {QStringLiteral("password"), f.ownerPassword}}));
    f.otherOwnerToken = json.value(QStringLiteral("token")).toString().toLatin1();
    f.otherOrganizationId = json.value(QStringLiteral("organizations"))
                                .toArray()
                                .first()
                                .toObject()
                                .value(QStringLiteral("id"))
                                .toString();

    // A member of the owner's organization, added as `keydesk-server user add` does.
    theServer->services().accounts.addMember(
        {f.organizationId, QStringLiteral("member@example.com"), QStringLiteral("Mo Member"),
         Role::Member},
        [] { return QStringLiteral("member password 123"); }, QStringLiteral("fuzz"));
    json = setupCall(
        "member login", 201,
        jsonRequest("POST", QStringLiteral("/v1/sessions"),
                    {{QStringLiteral("email"), QStringLiteral("member@example.com")},
                     {QStringLiteral("password"), QStringLiteral("member password 123")}}));
    f.memberToken = json.value(QStringLiteral("token")).toString().toLatin1();

    const QString keys = QStringLiteral("/v1/organizations/%1/api-keys");
    f.idempotencyKey = "fixture-idempotency-key";
    http::Request create =
        jsonRequest("POST", keys.arg(f.organizationId),
                    {{QStringLiteral("name"), QStringLiteral("Fixture key")},
                     {QStringLiteral("expiration"), QStringLiteral("one_month")}},
                    f.ownerToken);
    create.headers.append(http::Header {"Idempotency-Key", f.idempotencyKey});
    json = setupCall("key create", 201, create);
    f.keyId =
        json.value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString();
    f.keySecret = json.value(QStringLiteral("secret")).toString().toLatin1();

    json = setupCall("second key create", 201,
                     jsonRequest("POST", keys.arg(f.organizationId),
                                 {{QStringLiteral("expiration"), QStringLiteral("never")},
                                  {QStringLiteral("access"), QStringLiteral("read_only")}},
                                 f.ownerToken));
    f.revokedKeyId =
        json.value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString();
    http::Request revoke =
        jsonRequest("DELETE", keys.arg(f.organizationId) + u'/' + f.revokedKeyId, {}, f.ownerToken);
    revoke.body.clear();
    setupCall("key revoke", 200, revoke);

    json = setupCall("other key create", 201,
                     jsonRequest("POST", keys.arg(f.otherOrganizationId),
                                 {{QStringLiteral("name"), QStringLiteral("Other key")},
                                  {QStringLiteral("expiration"), QStringLiteral("two_weeks")}},
                                 f.otherOwnerToken));
    f.otherKeyId =
        json.value(QStringLiteral("api_key")).toObject().value(QStringLiteral("id")).toString();
    f.otherKeySecret = json.value(QStringLiteral("secret")).toString().toLatin1();

    theServer->flushUsage();
    snapshot();
}

const Fixture &fixture()
{
    return theFixture;
}

http::Response dispatch(const http::Request &request)
{
    lastCritical.clear();
    const http::Response response = theServer->dispatch(request);
    checkInvariants(request, response);
    restore();
    return response;
}

void violation(const char *what, const http::Request &request, const http::Response &response)
{
    std::fprintf(stderr, "\n=== invariant violated: %s ===\n", what);
    std::fprintf(stderr, "request: %s %s ?%s\n", request.method.constData(),
                 qUtf8Printable(request.path),
                 qUtf8Printable(request.query.toString(QUrl::FullyEncoded)));
    for (const http::Header &header : request.headers)
        std::fprintf(stderr, "  %s: %s\n", header.first.constData(), header.second.constData());
    std::fprintf(stderr, "body (%lld bytes): %s\n", static_cast<long long>(request.body.size()),
                 request.body.left(500).toPercentEncoding(" {}[]\":,").constData());
    std::fprintf(stderr, "answer: HTTP %d %s %s\n", response.status,
                 response.contentType.constData(), response.body.left(500).constData());
    if (!lastCritical.isEmpty())
        std::fprintf(stderr, "server log: %s\n", lastCritical.constData());
    std::abort();
}

QByteArray substitute(QByteArray text)
{
    if (!text.contains('{'))
        return text;
    const Fixture &f = theFixture;
    text.replace("{org}", f.organizationId.toLatin1());
    text.replace("{other-org}", f.otherOrganizationId.toLatin1());
    text.replace("{key}", f.keyId.toLatin1());
    text.replace("{revoked-key}", f.revokedKeyId.toLatin1());
    text.replace("{other-key}", f.otherKeyId.toLatin1());
    text.replace("{secret}", f.keySecret);
    text.replace("{other-secret}", f.otherKeySecret);
    text.replace("{token}", f.ownerToken);
    text.replace("{member-token}", f.memberToken);
    text.replace("{other-token}", f.otherOwnerToken);
    text.replace("{idempotency-key}", f.idempotencyKey);
    return text;
}

} // namespace keydesk::fuzz
