// Crash safety (issue 4, item 3): the real keydesk-server executable under a create/rename/revoke
// load from several concurrent HTTP clients, killed with SIGKILL at random moments (during the
// load, and now and then during start-up) and restarted on the same database, at least 20 times
// per database. After every restart the test checks what a client may rely on:
//   - every write whose 2xx answer the client received is there: acknowledged keys exist, the
//     last acknowledged name holds, acknowledged revocations hold;
//   - a write that was in flight when the server died either happened completely or not at all
//     (a create: key row, idempotency record and audit event together, or none of them), and once
//     seen after a restart it stays;
//   - no revoked key verifies, and every live acknowledged key still does;
//   - the database passes its integrity check (SQLite: PRAGMA integrity_check and
//     foreign_key_check; PostgreSQL: amcheck on every B-tree index) and a set of consistency
//     queries (no orphans, no half-done create or revoke).
//
// SQLite always; PostgreSQL through KEYDESK_TEST_POSTGRES, an admin URL such as
// postgresql://postgres@127.0.0.1:PORT/postgres (scripts/test.sh provides it): the test creates a
// fresh database there and drops it afterwards. Without the variable the PostgreSQL half fails.
//
// Environment: KEYDESK_CRASH_SEED=N repeats a run's random choices (the seed is printed; the
// timing of the kills still varies).

#include <QElapsedTimer>
#include <QEventLoop>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTimer>
#include <QUrl>
#include <QUrlQuery>
#include <QtTest>

#include <memory>
#include <stdexcept>
#include <vector>

namespace {

const QString serverExecutable = QStringLiteral(KEYDESK_SERVER_EXECUTABLE);
const QString ownerPassword = QStringLiteral("crash test owner password");

// Bounds: at least this many kills per database, and no more rounds once the budget is spent
// (a run takes 10-25 s per database here, about twice that under the sanitizers).
constexpr int plannedKills = 24;
constexpr int requiredKills = 20;
constexpr qint64 budgetMs = 50'000;
constexpr int workerCount = 4;
// A round between two kills sends a random number of requests up to this (so at most about
// 24 × 400 in all), and lasts at most maxRoundMs; the kill comes when the number is reached,
// with the clients' next requests in flight, however fast the machine is.
constexpr int maxOperationsPerRound = 400;
constexpr int maxRoundMs = 5000;

// Thrown inside the harness; the test function turns it into a failure.
struct Failure : std::runtime_error
{
    explicit Failure(const QString &message)
        : std::runtime_error(message.toStdString())
    { }
};

void require(bool condition, const QString &message)
{
    if (!condition)
        throw Failure(message);
}

QString nameOf(const QJsonValue &value)
{
    return value.isNull() || value.isUndefined() ? QString() : value.toString();
}

QString shown(const QString &name)
{
    return name.isNull() ? QStringLiteral("(unnamed)") : u'"' + name + u'"';
}

enum class Revoked { No, Maybe, Yes };

// A key the test knows exists (its create was acknowledged, or it was seen after a restart).
struct TrackedKey
{
    QString id;
    QByteArray secret; // empty: the create was not acknowledged, the secret never reached us
    QString access;
    QString expiration;
    QString initialName;
    QSet<QString>
        names; // what the name may be now: the last acknowledged one plus any in flight since
    Revoked revoked = Revoked::No;
    int worker = 0;
    bool busy = false; // a request about it is in flight
    bool dirty = true; // changed since the last verify check
    bool seenRevoked = false;
};

// A create whose answer never arrived: it must have happened completely or not at all.
struct PendingCreate
{
    QString name;
    QString idempotencyKey;
    QString access;
    QString expiration;
    int worker = 0;
};

struct Counts
{
    int kills = 0;
    int startupKills = 0;
    int restarts = 0;
    int ackCreates = 0;
    int ackRenames = 0;
    int ackRevokes = 0;
    int unackCreates = 0;
    int unackRenames = 0;
    int unackRevokes = 0;
    int unackCreatesFound = 0; // in-flight creates that turned out to be committed
    int checkedKeys = 0; // key-state checks after restarts (presence, name, revocation)
    int verifyChecks = 0; // GET /v1/verify calls against known secrets
    int revokedVerifyChecks = 0;
    int integrityChecks = 0;
};

struct Answer
{
    int status = 0;
    QByteArray body;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    QString describe() const
    {
        return QStringLiteral("HTTP %1 (network error %2): %3")
            .arg(status)
            .arg(int(error))
            .arg(QString::fromUtf8(body.left(400)));
    }
};

// The database behind a URL, opened read-mostly by the test for its integrity checks.
class DirectConnection
{
public:
    explicit DirectConnection(const QString &url)
        : m_name(QStringLiteral("crash-check-%1").arg(++s_counter))
    {
        if (url.startsWith(u"sqlite:")) {
            m_sqlite = true;
            m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
            m_db.setDatabaseName(url.mid(7));
            m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        } else {
            const QUrl parsed(url);
            m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_name);
            m_db.setHostName(parsed.host());
            m_db.setPort(parsed.port(5432));
            m_db.setUserName(parsed.userName());
            m_db.setPassword(parsed.password());
            m_db.setDatabaseName(parsed.path().mid(1));
        }
        if (!m_db.open())
            throw Failure(QStringLiteral("cannot open %1 for checking: %2")
                              .arg(url, m_db.lastError().text()));
    }
    ~DirectConnection()
    {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
    }
    Q_DISABLE_COPY_MOVE(DirectConnection)

    bool isSqlite() const { return m_sqlite; }

    // Every row of a statement, as strings (values bound in order).
    QList<QStringList> rows(const QString &sql, const QVariantList &values = {})
    {
        QSqlQuery query(m_db);
        query.setForwardOnly(true);
        if (!query.prepare(sql))
            throw Failure(
                QStringLiteral("cannot prepare [%1]: %2").arg(sql, query.lastError().text()));
        for (const QVariant &value : values)
            query.addBindValue(value);
        if (!query.exec())
            throw Failure(QStringLiteral("cannot run [%1]: %2").arg(sql, query.lastError().text()));
        QList<QStringList> result;
        while (query.next()) {
            QStringList row;
            for (int i = 0; i < query.record().count(); ++i)
                row.append(query.value(i).toString());
            result.append(row);
        }
        return result;
    }
    qint64 number(const QString &sql, const QVariantList &values = {})
    {
        const QList<QStringList> result = rows(sql, values);
        return result.isEmpty() || result.first().isEmpty() ? -1
                                                            : result.first().first().toLongLong();
    }
    bool tryExec(const QString &sql, QString *error = nullptr)
    {
        QSqlQuery query(m_db);
        const bool ok = query.exec(sql);
        if (!ok && error)
            *error = query.lastError().text();
        return ok;
    }

private:
    static inline int s_counter = 0;
    QString m_name;
    QSqlDatabase m_db;
    bool m_sqlite = false;
};

// One database's run: the server process, the load, the kills and the checks.
class Harness final : public QObject
{
public:
    Harness(const QString &databaseUrl, const QString &label, quint32 seed)
        : m_databaseUrl(databaseUrl)
        , m_label(label)
        , m_random(seed)
    {
        m_environment = QProcessEnvironment::systemEnvironment();
        m_environment.insert(QStringLiteral("HOME"), m_home.path());
        m_environment.insert(QStringLiteral("XDG_DATA_HOME"),
                             m_home.filePath(QStringLiteral("data")));
        // One log line per request would only fill a buffer nobody reads.
        m_environment.insert(QStringLiteral("QT_LOGGING_RULES"),
                             QStringLiteral("qt.*.debug=false;keydesk.http.info=false"));
        m_environment.remove(QStringLiteral("QT_MESSAGE_PATTERN"));
        m_checkNetwork.setAutoDeleteReplies(false);
    }
    ~Harness() override
    {
        for (Worker &worker : m_workers) {
            if (worker.reply) {
                worker.reply->disconnect(this);
                worker.reply->abort();
                worker.reply->deleteLater();
            }
        }
        if (m_server && m_server->state() != QProcess::NotRunning) {
            m_server->kill();
            m_server->waitForFinished(5000);
        }
    }

    Counts counts;

    // Returns an empty string on success, otherwise what went wrong.
    QString run()
    {
        try {
            runUnchecked();
            return {};
        } catch (const Failure &failure) {
            return QStringLiteral("%1 (seed %2, after %3 kills): %4\nlast server output:\n%5")
                .arg(m_label)
                .arg(m_seed)
                .arg(counts.kills)
                .arg(QString::fromUtf8(failure.what()),
                     QString::fromUtf8(m_serverOutput.right(3000)));
        }
    }
    void setSeed(quint32 seed) { m_seed = seed; }

private:
    struct Operation
    {
        enum Kind { None, Create, Rename, Revoke } kind = None;
        QString keyId;
        QString name; // create and rename
        PendingCreate create;
    };
    struct Worker
    {
        int index = 0;
        std::unique_ptr<QNetworkAccessManager> network;
        QNetworkReply *reply = nullptr;
        Operation operation;
        int created = 0;
        int renamed = 0;
    };

    void runUnchecked()
    {
        QElapsedTimer clock;
        clock.start();
        // The very first start dies too, most likely while it creates the schema: the migration
        // is one transaction, so the next start must find no schema or all of it.
        startServer(int(m_random.bounded(150)));
        ++counts.startupKills;
        ++counts.kills;
        startServer();
        signUp();
        checkAfterRestart(false); // the empty state is consistent too

        while (counts.kills < plannedKills) {
            if (clock.elapsed() > budgetMs && counts.kills >= requiredKills)
                break;
            require(clock.elapsed() < 2 * budgetMs,
                    QStringLiteral("only %1 kills within %2 s")
                        .arg(counts.kills)
                        .arg(2 * budgetMs / 1000));
            runLoad(10 + int(m_random.bounded(maxOperationsPerRound - 10)));
            killServer();
            // Now and then the server dies again while it starts (opening the database, migrating):
            // that must not hurt the database either.
            if (m_random.bounded(5) == 0) {
                startServer(int(m_random.bounded(120)));
                ++counts.startupKills;
                ++counts.kills;
            }
            startServer();
            checkAfterRestart(false);
        }
        // A last full pass: every key with a known secret is verified once more.
        checkAfterRestart(true);
        // The last run ends cleanly: SIGTERM, exit code 0 (under the sanitizers this also says
        // that the server had no leak or other report to make at exit).
        m_server->terminate();
        require(m_server->waitForFinished(30'000),
                QStringLiteral("the server did not stop on SIGTERM"));
        m_serverOutput += m_server->readAllStandardError();
        require(m_server->exitStatus() == QProcess::NormalExit && m_server->exitCode() == 0,
                QStringLiteral("the server did not stop cleanly on SIGTERM (exit code %1)")
                    .arg(m_server->exitCode()));
    }

    // ---- the server process ---------------------------------------------------------------------

    // Starts the server and waits until it listens; with killAfterMs >= 0 kills it that long
    // after the start instead (whatever it is doing by then).
    void startServer(int killAfterMs = -1)
    {
        if (m_server) {
            m_server->disconnect(this);
            m_server->deleteLater();
        }
        m_server = new QProcess(this);
        m_server->setProcessEnvironment(m_environment);
        m_server->setProcessChannelMode(QProcess::SeparateChannels);
        m_port = 0;
        m_startOutput.clear();
        connect(m_server, &QProcess::readyReadStandardError, this, [this] {
            const QByteArray chunk = m_server->readAllStandardError();
            m_serverOutput += chunk;
            if (m_serverOutput.size() > 16'000)
                m_serverOutput = m_serverOutput.right(8000);
            if (m_port == 0) {
                m_startOutput += chunk;
                static const QRegularExpression listening(
                    QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)"));
                const QRegularExpressionMatch match =
                    listening.match(QString::fromUtf8(m_startOutput));
                if (match.hasMatch())
                    m_port = quint16(match.captured(1).toUInt());
            }
        });
        connect(m_server, &QProcess::readyReadStandardOutput, this,
                [this] { m_server->readAllStandardOutput(); });
        m_server->start(serverExecutable,
                        {QStringLiteral("serve"), QStringLiteral("--listen"),
                         QStringLiteral("127.0.0.1:0"), QStringLiteral("--database"), m_databaseUrl,
                         QStringLiteral("--allow-signup")});
        require(
            m_server->waitForStarted(10'000),
            QStringLiteral("cannot start %1: %2").arg(serverExecutable, m_server->errorString()));
        if (killAfterMs >= 0) {
            wait(killAfterMs);
            m_server->kill();
            require(m_server->waitForFinished(10'000),
                    QStringLiteral("the server did not die on SIGKILL"));
            m_server->disconnect(this);
            return;
        }
        QElapsedTimer waited;
        waited.start();
        while (m_port == 0 && waited.elapsed() < 30'000) {
            require(m_server->state() == QProcess::Running,
                    QStringLiteral("the server exited while starting (exit code %1)")
                        .arg(m_server->exitCode()));
            QEventLoop loop;
            QTimer::singleShot(20, &loop, &QEventLoop::quit);
            connect(m_server, &QProcess::readyReadStandardError, &loop, &QEventLoop::quit,
                    Qt::QueuedConnection);
            connect(m_server, &QProcess::finished, &loop, &QEventLoop::quit);
            loop.exec();
        }
        m_server->disconnect(this);
        connect(m_server, &QProcess::readyReadStandardError, this, [this] {
            m_serverOutput += m_server->readAllStandardError();
            if (m_serverOutput.size() > 16'000)
                m_serverOutput = m_serverOutput.right(8000);
        });
        connect(m_server, &QProcess::readyReadStandardOutput, this,
                [this] { m_server->readAllStandardOutput(); });
        require(m_port != 0, QStringLiteral("the server did not report its port within 30 s"));
        ++counts.restarts;
    }

    void killServer()
    {
        m_loadRunning = false;
        m_server->kill(); // SIGKILL: no chance to finish anything
        require(m_server->waitForFinished(10'000),
                QStringLiteral("the server did not die on SIGKILL"));
        ++counts.kills;
        // Answers that were complete in the socket before the kill still count as acknowledged;
        // everything else fails now. Then no request of the old round can reach the next server.
        QElapsedTimer drained;
        drained.start();
        while (busyWorkers() > 0 && drained.elapsed() < 3000)
            wait(10);
        for (Worker &worker : m_workers) {
            if (worker.reply)
                worker.reply->abort(); // finished() runs the bookkeeping synchronously
        }
        require(busyWorkers() == 0,
                QStringLiteral("a request stayed in flight after the server died"));
        for (Worker &worker : m_workers)
            worker.network.reset(); // no pooled connection survives into the next round
    }

    static void wait(int ms)
    {
        QEventLoop loop;
        QTimer::singleShot(ms, &loop, &QEventLoop::quit);
        loop.exec();
    }

    QUrl url(const QString &pathAndQuery) const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(pathAndQuery));
    }

    // A blocking call for the set-up and the checks (not the load).
    Answer call(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body = {},
                const QList<QPair<QByteArray, QByteArray>> &headers = {}, bool authorized = true)
    {
        QNetworkRequest request(url(pathAndQuery));
        request.setTransferTimeout(15'000);
        if (!body.isEmpty())
            request.setHeader(QNetworkRequest::ContentTypeHeader,
                              QByteArrayLiteral("application/json"));
        if (authorized && !m_token.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + m_token);
        for (const auto &header : headers)
            request.setRawHeader(header.first, header.second);
        QNetworkReply *reply = m_checkNetwork.sendCustomRequest(request, method, body);
        if (!reply->isFinished()) {
            QEventLoop loop;
            connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
            loop.exec();
        }
        Answer answer;
        answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        answer.body = reply->readAll();
        answer.error = reply->error();
        reply->deleteLater();
        return answer;
    }

    void signUp()
    {
        const QJsonObject body {
            {QStringLiteral("organization_name"), QStringLiteral("Crash Test Org")},
            {QStringLiteral("name"), QStringLiteral("Crash Tester")},
            {QStringLiteral("email"), QStringLiteral("crash@example.com")},
            {QStringLiteral("password"), ownerPassword}};
        const Answer answer = call("POST", QStringLiteral("/v1/signup"),
                                   QJsonDocument(body).toJson(QJsonDocument::Compact), {}, false);
        require(answer.status == 201, QStringLiteral("sign-up failed: ") + answer.describe());
        const QJsonObject json = answer.json();
        m_token = json.value(QStringLiteral("token")).toString().toLatin1();
        m_userId =
            json.value(QStringLiteral("user")).toObject().value(QStringLiteral("id")).toString();
        m_organizationId = json.value(QStringLiteral("organizations"))
                               .toArray()
                               .first()
                               .toObject()
                               .value(QStringLiteral("id"))
                               .toString();
        require(!m_token.isEmpty() && m_organizationId.startsWith(u"org_"),
                QStringLiteral("unexpected sign-up answer: ") + answer.describe());
    }

    // ---- the load -------------------------------------------------------------------------------

    // Runs the clients until `operations` requests went out, then returns with the next ones in
    // flight, a random 0-2 ms later.
    void runLoad(int operations)
    {
        if (m_workers.empty()) {
            m_workers.resize(workerCount);
            for (int i = 0; i < workerCount; ++i)
                m_workers[i].index = i;
        }
        m_loadRunning = true;
        m_roundOperations = 0;
        m_roundTarget = operations;
        QEventLoop loop;
        m_roundLoop = &loop;
        QTimer::singleShot(maxRoundMs, &loop, &QEventLoop::quit);
        for (Worker &worker : m_workers) {
            worker.network = std::make_unique<QNetworkAccessManager>();
            worker.network->setAutoDeleteReplies(false);
            issue(worker);
        }
        if (m_roundOperations < m_roundTarget)
            loop.exec();
        m_roundLoop = nullptr;
        // The kill lands wherever the server is by now: reading a request, in a transaction,
        // committing, writing an answer.
        wait(int(m_random.bounded(3)));
    }

    int busyWorkers() const
    {
        return int(std::count_if(m_workers.begin(), m_workers.end(),
                                 [](const Worker &w) { return w.reply != nullptr; }));
    }

    void issue(Worker &worker)
    {
        // The hard bound; the kill normally comes before it.
        if (!m_loadRunning || m_roundOperations >= maxOperationsPerRound + 50)
            return;
        if (++m_roundOperations == m_roundTarget && m_roundLoop)
            m_roundLoop->quit();
        QList<TrackedKey *> mine;
        for (TrackedKey &key : m_keys) {
            if (key.worker == worker.index && key.revoked == Revoked::No && !key.busy)
                mine.append(&key);
        }
        const int roll = int(m_random.bounded(100));
        Operation operation;
        QByteArray method;
        QString path;
        QJsonObject body;
        QList<QPair<QByteArray, QByteArray>> headers;
        if (mine.isEmpty() || roll < 40) {
            static const QStringList expirations {
                QStringLiteral("two_weeks"),    QStringLiteral("one_month"),
                QStringLiteral("three_months"), QStringLiteral("six_months"),
                QStringLiteral("one_year"),     QStringLiteral("never")};
            operation.kind = Operation::Create;
            // Unique names, so that a create whose answer was lost can be recognised later.
            operation.name =
                QStringLiteral("w%1-c%2%3")
                    .arg(worker.index)
                    .arg(++worker.created)
                    .arg(m_random.bounded(4) == 0 ? QStringLiteral(" Schlüssel ✓") : QString());
            operation.create = {
                operation.name,
                QStringLiteral("crash-%1-%2-%3").arg(m_seed).arg(worker.index).arg(worker.created),
                m_random.bounded(3) == 0 ? QStringLiteral("read_only") : QStringLiteral("full"),
                expirations.at(int(m_random.bounded(expirations.size()))), worker.index};
            method = "POST";
            path = QStringLiteral("/v1/organizations/%1/api-keys").arg(m_organizationId);
            body = {{QStringLiteral("name"), operation.name},
                    {QStringLiteral("expiration"), operation.create.expiration},
                    {QStringLiteral("access"), operation.create.access}};
            headers.append({"Idempotency-Key", operation.create.idempotencyKey.toLatin1()});
        } else {
            TrackedKey *key = mine.at(int(m_random.bounded(mine.size())));
            key->busy = true;
            operation.keyId = key->id;
            path =
                QStringLiteral("/v1/organizations/%1/api-keys/%2").arg(m_organizationId, key->id);
            if (roll < 82) {
                operation.kind = Operation::Rename;
                method = "PATCH";
                if (m_random.bounded(8) == 0) {
                    operation.name = QString(); // remove the name
                    body = {{QStringLiteral("name"), QJsonValue::Null}};
                } else {
                    operation.name =
                        QStringLiteral("w%1-r%2").arg(worker.index).arg(++worker.renamed);
                    body = {{QStringLiteral("name"), operation.name}};
                }
            } else {
                operation.kind = Operation::Revoke;
                method = "DELETE";
            }
        }

        QNetworkRequest request(url(path));
        request.setTransferTimeout(10'000);
        request.setRawHeader("Authorization", "Bearer " + m_token);
        for (const auto &header : headers)
            request.setRawHeader(header.first, header.second);
        QByteArray payload;
        if (!body.isEmpty()) {
            payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
            request.setHeader(QNetworkRequest::ContentTypeHeader,
                              QByteArrayLiteral("application/json"));
        }
        worker.operation = operation;
        worker.reply = worker.network->sendCustomRequest(request, method, payload);
        const int index = worker.index;
        connect(worker.reply, &QNetworkReply::finished, this,
                [this, index] { finished(m_workers[index]); });
    }

    void finished(Worker &worker)
    {
        QNetworkReply *reply = worker.reply;
        if (!reply)
            return;
        worker.reply = nullptr;
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const bool complete = reply->error() == QNetworkReply::NoError;
        const QByteArray body = reply->readAll();
        reply->disconnect(this);
        reply->deleteLater();
        const QJsonObject json = QJsonDocument::fromJson(body).object();
        const Operation operation = worker.operation;
        worker.operation = {};

        if (complete && (status < 200 || status > 299)) {
            // The server answered, and said no to a valid request: not a crash effect but a bug.
            m_unexpected.append(
                QStringLiteral("%1 answered HTTP %2: %3")
                    .arg(operation.kind == Operation::Create       ? QStringLiteral("create")
                             : operation.kind == Operation::Rename ? QStringLiteral("rename")
                                                                   : QStringLiteral("revoke"))
                    .arg(status)
                    .arg(QString::fromUtf8(body.left(300))));
        }
        const bool acknowledged = complete && status >= 200 && status <= 299;

        switch (operation.kind) {
        case Operation::Create:
            if (acknowledged) {
                const QJsonObject apiKey = json.value(QStringLiteral("api_key")).toObject();
                TrackedKey key;
                key.id = apiKey.value(QStringLiteral("id")).toString();
                key.secret = json.value(QStringLiteral("secret")).toString().toLatin1();
                key.access = operation.create.access;
                key.expiration = operation.create.expiration;
                key.initialName = operation.name;
                key.names = {operation.name};
                key.worker = worker.index;
                if (key.id.startsWith(u"key_") && key.secret.startsWith("kd_")) {
                    m_keys.insert(key.id, key);
                    ++counts.ackCreates;
                } else {
                    m_unexpected.append(
                        QStringLiteral("a 201 create answer without key or secret: ")
                        + QString::fromUtf8(body.left(300)));
                }
            } else {
                m_pendingCreates.insert(operation.name, operation.create);
                ++counts.unackCreates;
            }
            break;
        case Operation::Rename: {
            TrackedKey &key = m_keys[operation.keyId];
            key.busy = false;
            key.dirty = true;
            if (acknowledged) {
                key.names = {operation.name};
                ++counts.ackRenames;
            } else {
                key.names.insert(operation.name);
                ++counts.unackRenames;
            }
            break;
        }
        case Operation::Revoke: {
            TrackedKey &key = m_keys[operation.keyId];
            key.busy = false;
            key.dirty = true;
            if (acknowledged && !json.value(QStringLiteral("revoked_at")).isNull()) {
                key.revoked = Revoked::Yes;
                ++counts.ackRevokes;
            } else {
                if (acknowledged)
                    m_unexpected.append(QStringLiteral("a 200 revoke answer without revoked_at: ")
                                        + QString::fromUtf8(body.left(300)));
                if (key.revoked == Revoked::No)
                    key.revoked = Revoked::Maybe;
                ++counts.unackRevokes;
            }
            break;
        }
        case Operation::None:
            break;
        }
        issue(worker);
    }

    // ---- the checks -----------------------------------------------------------------------------

    void checkAfterRestart(bool verifyAll)
    {
        require(m_unexpected.isEmpty(),
                QStringLiteral("unexpected answers during the load:\n")
                    + m_unexpected.mid(0, 5).join(u'\n'));
        checkDatabase();

        // Every key of the organization, revoked ones included.
        QHash<QString, QJsonObject> listed;
        QString cursor;
        do {
            QString path = QStringLiteral("/v1/organizations/%1/api-keys?status=all&limit=500")
                               .arg(m_organizationId);
            if (!cursor.isEmpty())
                path += QStringLiteral("&cursor=")
                    + QString::fromLatin1(QUrl::toPercentEncoding(cursor));
            const Answer page = call("GET", path);
            require(page.status == 200,
                    QStringLiteral("listing the keys after a restart failed: ") + page.describe());
            const QJsonObject json = page.json();
            for (const QJsonValue &item : json.value(QStringLiteral("items")).toArray())
                listed.insert(item.toObject().value(QStringLiteral("id")).toString(),
                              item.toObject());
            cursor = nameOf(json.value(QStringLiteral("next_cursor")));
        } while (!cursor.isEmpty());

        for (TrackedKey &key : m_keys) {
            const auto found = listed.constFind(key.id);
            require(found != listed.cend(),
                    QStringLiteral("key %1 %2 is gone after a restart")
                        .arg(key.id, shown(key.initialName)));
            const QJsonObject &item = *found;
            const QString name = nameOf(item.value(QStringLiteral("name")));
            QStringList allowed;
            for (const QString &candidate : key.names)
                allowed.append(shown(candidate));
            require(key.names.contains(name),
                    QStringLiteral("key %1 is named %2 after a restart; expected %3")
                        .arg(key.id, shown(name), allowed.join(QStringLiteral(" or "))));
            if (key.names.size() > 1)
                key.dirty = true;
            key.names = {name}; // seen after a restart: durable from now on
            const bool revoked = !item.value(QStringLiteral("revoked_at")).isNull();
            require(!(key.revoked == Revoked::Yes && !revoked),
                    QStringLiteral("the acknowledged revocation of key %1 was lost").arg(key.id));
            require(!(key.revoked == Revoked::No && revoked),
                    QStringLiteral("key %1 is revoked although nobody asked").arg(key.id));
            key.revoked = revoked ? Revoked::Yes : Revoked::No;
            require(item.value(QStringLiteral("status")).toString()
                        == (revoked ? QStringLiteral("revoked") : QStringLiteral("active")),
                    QStringLiteral("key %1 has status %2")
                        .arg(key.id, item.value(QStringLiteral("status")).toString()));
            require(item.value(QStringLiteral("access")).toString() == key.access
                        && item.value(QStringLiteral("expiration")).toString() == key.expiration
                        && item.value(QStringLiteral("created_by"))
                                .toObject()
                                .value(QStringLiteral("id"))
                                .toString()
                            == m_userId,
                    QStringLiteral("key %1 changed its access, expiration or creator").arg(key.id));
            ++counts.checkedKeys;

            // Verified: what changed since the last restart, a random eighth of the rest (so that
            // an old revocation is seen again now and then), and everything at the end.
            if (!key.secret.isEmpty() && (verifyAll || key.dirty || m_random.bounded(8) == 0)) {
                const Answer verified = call(
                    "GET", QStringLiteral("/v1/verify"), {},
                    {{"x-api-key", key.secret}, {"x-organization-id", m_organizationId.toLatin1()}},
                    false);
                ++counts.verifyChecks;
                if (revoked) {
                    ++counts.revokedVerifyChecks;
                    require(verified.status == 401
                                && verified.json().value(QStringLiteral("code")).toString()
                                    == u"revoked_key",
                            QStringLiteral("revoked key %1 verifies: ").arg(key.id)
                                + verified.describe());
                } else {
                    require(verified.status == 200
                                && verified.json().value(QStringLiteral("key_id")).toString()
                                    == key.id,
                            QStringLiteral("live key %1 does not verify: ").arg(key.id)
                                + verified.describe());
                }
            }
            key.dirty = false;
        }

        // Keys the test did not see acknowledged: each must be one whose create was in flight.
        for (auto it = listed.cbegin(); it != listed.cend(); ++it) {
            if (m_keys.contains(it.key()))
                continue;
            const QString name = nameOf(it->value(QStringLiteral("name")));
            require(!m_absentCreates.contains(name),
                    QStringLiteral(
                        "key %1 %2 appeared although a restart before had shown that its create "
                        "did not happen")
                        .arg(it.key(), shown(name)));
            const auto pending = m_pendingCreates.constFind(name);
            require(pending != m_pendingCreates.cend(),
                    QStringLiteral("key %1 %2 exists, but no create for it was ever sent")
                        .arg(it.key(), shown(name)));
            require(
                it->value(QStringLiteral("access")).toString() == pending->access
                    && it->value(QStringLiteral("expiration")).toString() == pending->expiration
                    && it->value(QStringLiteral("revoked_at")).isNull(),
                QStringLiteral("key %1 from an unacknowledged create does not match its request")
                    .arg(it.key()));
            TrackedKey key;
            key.id = it.key();
            key.access = pending->access;
            key.expiration = pending->expiration;
            key.initialName = name;
            key.names = {name};
            key.worker = pending->worker;
            m_keys.insert(key.id, key);
            ++counts.unackCreatesFound;
            ++counts.checkedKeys;
        }
        for (auto it = m_pendingCreates.cbegin(); it != m_pendingCreates.cend(); ++it) {
            bool found = false;
            for (const TrackedKey &key : std::as_const(m_keys))
                found = found || key.initialName == it.key();
            if (!found)
                m_absentCreates.insert(it.key());
        }
        m_pendingCreates.clear();
    }

    void checkDatabase()
    {
        DirectConnection db(m_databaseUrl);
        ++counts.integrityChecks;
        if (db.isSqlite()) {
            const QList<QStringList> integrity = db.rows(QStringLiteral("PRAGMA integrity_check"));
            require(integrity.size() == 1 && integrity.first().value(0) == u"ok",
                    QStringLiteral("PRAGMA integrity_check: ") + rowsText(integrity));
            const QList<QStringList> foreignKeys =
                db.rows(QStringLiteral("PRAGMA foreign_key_check"));
            require(foreignKeys.isEmpty(),
                    QStringLiteral("PRAGMA foreign_key_check: ") + rowsText(foreignKeys));
        } else {
            checkPostgresIndexes(db);
        }

        // The same consistency queries for both: each counts rows that must not exist.
        static const QList<QPair<const char *, const char *>> consistency {
            {"keys of a missing organization",
             "SELECT COUNT(*) FROM api_keys k WHERE NOT EXISTS (SELECT 1 FROM organizations o "
             "WHERE o.id = k.organization_id)"},
            {"keys created by a missing user",
             "SELECT COUNT(*) FROM api_keys k WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = "
             "k.created_by)"},
            {"memberships of a missing user or organization",
             "SELECT COUNT(*) FROM memberships m WHERE NOT EXISTS (SELECT 1 FROM users u WHERE "
             "u.id = m.user_id)"
             " OR NOT EXISTS (SELECT 1 FROM organizations o WHERE o.id = m.organization_id)"},
            {"sessions of a missing user",
             "SELECT COUNT(*) FROM sessions s WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.id = "
             "s.user_id)"},
            {"keys without their create audit event (half a create)",
             "SELECT COUNT(*) FROM api_keys k WHERE NOT EXISTS"
             " (SELECT 1 FROM audit_events e WHERE e.action = 'key.create' AND e.target_id = "
             "k.id)"},
            {"create audit events without their key (half a create)",
             "SELECT COUNT(*) FROM audit_events e WHERE e.action = 'key.create' AND NOT EXISTS"
             " (SELECT 1 FROM api_keys k WHERE k.id = e.target_id)"},
            {"idempotency records without their key (half a create)",
             "SELECT COUNT(*) FROM idempotency_keys i WHERE NOT EXISTS (SELECT 1 FROM api_keys k "
             "WHERE k.id = i.api_key_id)"},
            {"keys without their idempotency record (every create of this test sends one)",
             "SELECT COUNT(*) FROM api_keys k WHERE NOT EXISTS (SELECT 1 FROM idempotency_keys i "
             "WHERE i.api_key_id = k.id)"},
            {"revoked keys without their revoke audit event (half a revoke)",
             "SELECT COUNT(*) FROM api_keys k WHERE k.revoked_at IS NOT NULL AND NOT EXISTS"
             " (SELECT 1 FROM audit_events e WHERE e.action = 'key.revoke' AND e.target_id = "
             "k.id)"},
            {"revoke audit events of a key that is not revoked (half a revoke)",
             "SELECT COUNT(*) FROM audit_events e WHERE e.action = 'key.revoke' AND NOT EXISTS"
             " (SELECT 1 FROM api_keys k WHERE k.id = e.target_id AND k.revoked_at IS NOT NULL)"},
            {"keys revoked more than once",
             "SELECT COUNT(*) FROM (SELECT target_id FROM audit_events WHERE action = "
             "'key.revoke'"
             " GROUP BY target_id HAVING COUNT(*) > 1) twice"},
            {"duplicate key hashes", "SELECT COUNT(*) - COUNT(DISTINCT key_hash) FROM api_keys"},
            {"malformed key hashes", "SELECT COUNT(*) FROM api_keys WHERE length(key_hash) <> 64"},
            {"expiry instants that do not match the expiration",
             "SELECT COUNT(*) FROM api_keys WHERE (expires_at IS NULL AND expiration <> 'never')"
             " OR (expires_at IS NOT NULL AND expiration = 'never')"},
            {"revocations before creation",
             "SELECT COUNT(*) FROM api_keys WHERE revoked_at < created_at"},
            {"unnamed keys with a search name",
             "SELECT COUNT(*) FROM api_keys WHERE name IS NULL AND name_folded <> ''"},
        };
        for (const auto &[what, sql] : consistency) {
            const qint64 bad = db.number(QString::fromLatin1(sql));
            require(bad == 0,
                    QStringLiteral("consistency check failed: %1: %2")
                        .arg(QLatin1String(what))
                        .arg(bad));
        }

        // Each create in flight at the kill: key, idempotency record and audit event all or none.
        for (const PendingCreate &pending : std::as_const(m_pendingCreates)) {
            const qint64 keys = db.number(
                QStringLiteral("SELECT COUNT(*) FROM api_keys WHERE name = ?"), {pending.name});
            const qint64 records = db.number(
                QStringLiteral(
                    "SELECT COUNT(*) FROM idempotency_keys i JOIN api_keys k ON k.id = i.api_key_id"
                    " WHERE i.idempotency_key = ? AND k.name = ?"),
                {pending.idempotencyKey, pending.name});
            const qint64 events = db.number(
                QStringLiteral(
                    "SELECT COUNT(*) FROM audit_events e JOIN api_keys k ON k.id = e.target_id"
                    " WHERE e.action = 'key.create' AND k.name = ?"),
                {pending.name});
            require((keys == 0 && records == 0 && events == 0)
                        || (keys == 1 && records == 1 && events == 1),
                    QStringLiteral("the unacknowledged create %1 half happened: %2 keys, %3 "
                                   "idempotency records, %4 audit events")
                        .arg(shown(pending.name))
                        .arg(keys)
                        .arg(records)
                        .arg(events));
        }
    }

    void checkPostgresIndexes(DirectConnection &db)
    {
        if (!m_amcheckTried) {
            m_amcheckTried = true;
            QString error;
            m_amcheck =
                db.tryExec(QStringLiteral("CREATE EXTENSION IF NOT EXISTS amcheck"), &error);
            if (!m_amcheck)
                qWarning("amcheck is not available (%s): checking PostgreSQL with the consistency "
                         "queries only",
                         qUtf8Printable(error));
        }
        if (!m_amcheck)
            return;
        const QList<QStringList> indexes = db.rows(QStringLiteral(
            "SELECT c.oid::regclass::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid"
            " JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_am a ON a.oid = c.relam"
            " WHERE n.nspname = 'public' AND a.amname = 'btree'"));
        require(!indexes.isEmpty(),
                QStringLiteral("no B-tree index found in the PostgreSQL database"));
        for (const QStringList &index : indexes) {
            // heapallindexed: every row of the table is found through the index as well.
            db.rows(QStringLiteral("SELECT bt_index_check(?::regclass, true)"), {index.first()});
        }
    }

    static QString rowsText(const QList<QStringList> &rows)
    {
        QStringList lines;
        for (const QStringList &row : rows.mid(0, 10))
            lines.append(row.join(QStringLiteral(" | ")));
        return lines.join(u'\n');
    }

    QString m_databaseUrl;
    QString m_label;
    QRandomGenerator m_random;
    quint32 m_seed = 0;
    QTemporaryDir m_home;
    QProcessEnvironment m_environment;
    QProcess *m_server = nullptr;
    quint16 m_port = 0;
    QByteArray m_serverOutput;
    QByteArray m_startOutput;
    QNetworkAccessManager m_checkNetwork;

    QByteArray m_token;
    QString m_userId;
    QString m_organizationId;

    std::vector<Worker> m_workers;
    bool m_loadRunning = false;
    int m_roundOperations = 0;
    int m_roundTarget = 0;
    QEventLoop *m_roundLoop = nullptr;
    QHash<QString, TrackedKey> m_keys;
    QHash<QString, PendingCreate> m_pendingCreates; // by name
    QSet<QString> m_absentCreates; // names
    QStringList m_unexpected;

    bool m_amcheckTried = false;
    bool m_amcheck = false;
};

quint32 chooseSeed()
{
    bool ok = false;
    const quint32 fixed = qEnvironmentVariable("KEYDESK_CRASH_SEED").toUInt(&ok);
    return ok ? fixed : QRandomGenerator::global()->generate();
}

// Connects to PostgreSQL as its administrator: creates a database for one test and drops it.
class ScratchPostgresDatabase
{
public:
    explicit ScratchPostgresDatabase(const QString &adminUrl)
        : m_admin(adminUrl)
        , m_name(QStringLiteral("keydesk_crash_%1")
                     .arg(QString::number(QRandomGenerator::global()->generate64(), 36)))
    {
        DirectConnection admin(adminUrl);
        QString error;
        if (!admin.tryExec(QStringLiteral("CREATE DATABASE %1").arg(m_name), &error))
            throw Failure(QStringLiteral("cannot create database %1 through %2: %3")
                              .arg(m_name, redacted(adminUrl), error));
        m_created = true;
    }
    ~ScratchPostgresDatabase()
    {
        if (!m_created)
            return;
        try {
            DirectConnection admin(m_admin);
            QString error;
            // FORCE: a killed server's backend may not have noticed yet that its client is gone.
            if (!admin.tryExec(
                    QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_name), &error))
                qWarning("could not drop %s: %s", qUtf8Printable(m_name), qUtf8Printable(error));
        } catch (const Failure &failure) {
            qWarning("could not drop %s: %s", qUtf8Printable(m_name), failure.what());
        }
    }
    Q_DISABLE_COPY_MOVE(ScratchPostgresDatabase)

    QString url() const
    {
        QUrl url(m_admin);
        url.setPath(u'/' + m_name);
        return url.toString();
    }
    static QString redacted(const QString &url)
    {
        QUrl parsed(url);
        if (!parsed.password().isEmpty())
            parsed.setPassword(QStringLiteral("***"));
        return parsed.toString();
    }

private:
    QString m_admin;
    QString m_name;
    bool m_created = false;
};

} // namespace

class TestCrashSafety final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void sqlite();
    void postgresql();

private:
    void runOn(const QString &databaseUrl, const QString &label);

    QTemporaryDir m_directory;
};

void TestCrashSafety::initTestCase()
{
    QVERIFY(m_directory.isValid());
    QVERIFY2(QFileInfo(serverExecutable).isExecutable(), qPrintable(serverExecutable));
}

void TestCrashSafety::runOn(const QString &databaseUrl, const QString &label)
{
    const quint32 seed = chooseSeed();
    qInfo("%s: seed %u (KEYDESK_CRASH_SEED=%u replays it)", qUtf8Printable(label), seed, seed);
    QElapsedTimer elapsed;
    elapsed.start();
    Harness harness(databaseUrl, label, seed);
    harness.setSeed(seed);
    const QString failure = harness.run();
    const Counts &c = harness.counts;
    qInfo("%s: %d kills (%d during start-up), %d server starts in %.1f s", qUtf8Printable(label),
          c.kills, c.startupKills, c.restarts, double(elapsed.elapsed()) / 1000.0);
    qInfo("%s: acknowledged %d creates, %d renames, %d revokes; unacknowledged %d creates (%d of "
          "them "
          "committed), %d renames, %d revokes",
          qUtf8Printable(label), c.ackCreates, c.ackRenames, c.ackRevokes, c.unackCreates,
          c.unackCreatesFound, c.unackRenames, c.unackRevokes);
    qInfo("%s: checked keys %d times, %d verify calls (%d on revoked keys), %d integrity checks",
          qUtf8Printable(label), c.checkedKeys, c.verifyChecks, c.revokedVerifyChecks,
          c.integrityChecks);
    QVERIFY2(failure.isEmpty(), qPrintable(failure));
    QVERIFY2(c.kills >= requiredKills, qPrintable(QStringLiteral("only %1 kills").arg(c.kills)));
    QVERIFY2(c.ackCreates > 0 && c.ackRenames > 0 && c.ackRevokes > 0,
             "the load acknowledged too little to prove anything");
}

void TestCrashSafety::sqlite()
{
    runOn(QStringLiteral("sqlite:") + m_directory.filePath(QStringLiteral("crash.db")),
          QStringLiteral("SQLite"));
}

void TestCrashSafety::postgresql()
{
    const QString adminUrl = qEnvironmentVariable("KEYDESK_TEST_POSTGRES");
    QVERIFY2(!adminUrl.isEmpty(),
             "KEYDESK_TEST_POSTGRES is not set: the PostgreSQL half of the crash test needs an "
             "admin URL such "
             "as postgresql://postgres@127.0.0.1:PORT/postgres (scripts/test.sh starts a throwaway "
             "cluster "
             "and sets it). Run only the SQLite half with: tst_crashsafety sqlite");
    QVERIFY2(QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")),
             "Qt's PostgreSQL driver is missing (Debian: libqt6sql6-psql)");
    std::unique_ptr<ScratchPostgresDatabase> database;
    try {
        database = std::make_unique<ScratchPostgresDatabase>(adminUrl);
    } catch (const Failure &failure) {
        QFAIL(failure.what());
    }
    runOn(database->url(), QStringLiteral("PostgreSQL"));
}

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "tst_crashsafety.moc"
