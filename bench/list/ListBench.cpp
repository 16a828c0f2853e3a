// bench/list: server time for listing a 100 000-key organization — the first page and a deep
// page (by cursor) — and for creating a key in it. Measured through the router (the handlers
// exactly as HTTP requests reach them, with session check, SQL and JSON), without the socket.
// Targets (issue 5): each ≤ 10 ms. Usage: bench_list [DATABASE_URL] (default: a temporary SQLite).

#include "KeyDeskServer.h"
#include "KeyFormat.h"
#include "crypto/Crypto.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>

#include <algorithm>
#include <cstdio>

using namespace keydesk;

namespace {

constexpr int keyCount = 100'000;
constexpr int runs = 25;

http::Response call(KeyDeskServer &server, const QByteArray &method, const QString &pathAndQuery,
                    const QByteArray &token, const QByteArray &body = {})
{
    http::Request request;
    request.method = method;
    const qsizetype question = pathAndQuery.indexOf(u'?');
    request.path = pathAndQuery.left(question);
    if (question >= 0)
        request.query = QUrlQuery(pathAndQuery.mid(question + 1));
    request.headers = {{"Authorization", "Bearer " + token}};
    request.body = body;
    request.peer = QHostAddress::LocalHost;
    return server.dispatch(request);
}

double medianMs(const std::function<void()> &work)
{
    QList<double> times;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        work();
        times.append(double(timer.nsecsElapsed()) / 1e6);
    }
    std::sort(times.begin(), times.end());
    return times.at(times.size() / 2);
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QTemporaryDir directory;
    ServerConfig config;
    config.databaseUrl = argc > 1
        ? QString::fromLocal8Bit(argv[1])
        : QStringLiteral("sqlite:") + directory.filePath(QStringLiteral("bench.db"));
    config.allowSignup = true;
    config.passwordCost.log2N = 10;
    KeyDeskServer server(config);

    const http::Response signup = call(
        server, "POST", QStringLiteral("/v1/signup"), {},
        R"({"organization_name":"Big Org","name":"Ada","email":"ada@big.example","password":"correct horse battery"})");
    const QJsonObject session = QJsonDocument::fromJson(signup.body).object();
    const QByteArray token = session.value(QStringLiteral("token")).toString().toLatin1();
    const QString organization = session.value(QStringLiteral("organizations"))
                                     .toArray()
                                     .first()
                                     .toObject()
                                     .value(QStringLiteral("id"))
                                     .toString();
    const QString user =
        session.value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toString();

    QElapsedTimer fill;
    fill.start();
    server.store().inTransaction([&] {
        const QDateTime start = QDateTime::currentDateTimeUtc().addSecs(-keyCount);
        for (int i = 0; i < keyCount; ++i) {
            ApiKey key;
            key.id = QStringLiteral("key_") + QString::fromLatin1(KeyFormat::randomBase62(20));
            key.name = QStringLiteral("Service %1").arg(i);
            key.hint =
                QStringLiteral("kd_\u2026") + QString::fromLatin1(KeyFormat::randomBase62(4));
            key.expiration = allExpirations[size_t(i % 6)];
            key.createdAt = start.addSecs(i);
            key.createdBy = {user, QStringLiteral("Ada")};
            key.expiresAt = expiresAt(key.createdAt, key.expiration);
            server.store().insertKey(organization, key, crypto::sha256Hex(key.id.toLatin1()));
        }
    });
    std::fprintf(stderr, "filled %d keys in %.1f s (%s)\n", keyCount, double(fill.elapsed()) / 1000,
                 qUtf8Printable(server.store().description()));

    const QString list = QStringLiteral("/v1/organizations/%1/api-keys").arg(organization);
    // A cursor half-way down: follow pages of 500 to key 50 000.
    QString cursor;
    for (int page = 0; page < keyCount / 2 / 500; ++page) {
        const http::Response response =
            call(server, "GET", list + QStringLiteral("?limit=500&cursor=") + cursor, token);
        cursor = QJsonDocument::fromJson(response.body)
                     .object()
                     .value(QStringLiteral("next_cursor"))
                     .toString();
    }

    int status = 0;
    const double first = medianMs([&] { status = call(server, "GET", list, token).status; });
    const double deep = medianMs([&] {
        status = call(server, "GET", list + QStringLiteral("?cursor=") + cursor, token).status;
    });
    const double create = medianMs([&] {
        status = call(server, "POST", list, token, R"({"name":"bench","expiration":"one_month"})")
                     .status;
    });
    if (status != 201)
        qFatal("create answered %d", status);

    std::printf("\n%-66s %9s %9s\n", "bench/list (100 000 keys, median of 25, server time)",
                "measured", "target");
    const auto row = [](const char *what, double ms) {
        std::printf("%-66s %6.2f ms %6s ms %s\n", what, ms, "≤ 10", ms <= 10 ? "met" : "NOT MET");
    };
    row("GET first page (100 keys, newest first)", first);
    row("GET deep page (cursor after 50 000 keys)", deep);
    row("POST create a key", create);
    return 0;
}
