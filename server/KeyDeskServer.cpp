#include "KeyDeskServer.h"

#include "ServingThread.h"
#include "WorkerPool.h"
#include "api/Routes.h"
#include "service/Services.h"
#include "storage/ChangeListener.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QSslCertificate>
#include <QSslKey>
#include <QThread>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <limits>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcServer, "keydesk.server")

namespace keydesk {

namespace {

// After the grace, how long the answers of the jobs that outlasted it get to leave: one turn of
// their thread's event loop each, unless a client does not read.
constexpr int lastAnswersMs = 500;

// Three heartbeats (ChangeListener::tickInterval) fit in it, so one late heartbeat does not send
// every verify to the database; it stays under DESIGN §3b's 50 ms.
constexpr std::chrono::milliseconds confirmationWindow {45};

// Descriptors kept for everything but client connections: database connections, the log, files.
constexpr int reservedDescriptors = 256;

// How many client connections the process may hold: its descriptor limit, raised first to the
// hard limit (the soft one is often 1024, the hard one far more; nginx and Go do the same), less
// the reserve. A connection beyond that is closed at once rather than run into EMFILE.
int connectionBudget()
{
    rlimit limit {};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0)
        return 0; // unknown: no cap
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        ::setrlimit(RLIMIT_NOFILE, &limit);
        ::getrlimit(RLIMIT_NOFILE, &limit);
    }
    if (limit.rlim_cur == RLIM_INFINITY)
        return 0;
    const auto available = qint64(limit.rlim_cur) - reservedDescriptors;
    return int(qBound<qint64>(1, available, qint64(std::numeric_limits<int>::max())));
}

int threadsOrCores(int wanted)
{
    return wanted > 0 ? wanted : qMax(1, QThread::idealThreadCount());
}

// Reads --tls-cert/--tls-key; an empty message means none configured or all fine.
QString tlsConfiguration(const ServerConfig &config, std::optional<QSslConfiguration> *tls)
{
    if (config.tlsCertificatePath.isEmpty() && config.tlsKeyPath.isEmpty())
        return {};
    if (config.tlsCertificatePath.isEmpty() || config.tlsKeyPath.isEmpty())
        return QStringLiteral("--tls-cert and --tls-key go together");
    QFile certificateFile(config.tlsCertificatePath);
    QFile keyFile(config.tlsKeyPath);
    if (!certificateFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly)) {
        return QStringLiteral("cannot read the TLS certificate or key: %1")
            .arg(certificateFile.isOpen() ? keyFile.errorString() : certificateFile.errorString());
    }
    const QList<QSslCertificate> chain =
        QSslCertificate::fromData(certificateFile.readAll(), QSsl::Pem);
    const QByteArray keyPem = keyFile.readAll();
    QSslKey key(keyPem, QSsl::Rsa, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
    if (chain.isEmpty() || key.isNull())
        return QStringLiteral(
            "the TLS certificate or key is not a PEM certificate / RSA or EC private key");
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    configuration.setPeerVerifyMode(
        QSslSocket::VerifyNone); // clients are not asked for certificates
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    *tls = configuration;
    return {};
}

} // namespace

KeyDeskServer::KeyDeskServer(const ServerConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_services(std::make_unique<Services>(m_config, m_keyCache, m_usage))
{
    lockSqliteDatabase();
    const QList<int> applied = m_services->store().migrate(m_config.clock->now());
    if (!applied.isEmpty())
        qCInfo(lcServer, "database schema migrated to version %d", applied.constLast());
    api::addAllRoutes(m_router);

    m_usageTimer.setInterval(m_config.usageFlushIntervalMs);
    connect(&m_usageTimer, &QTimer::timeout, this, &KeyDeskServer::flushUsage);

    if (m_services->store().dialect() == Store::Dialect::PostgreSQL) {
        // Until the listener hears every change of the other instances, verify asks the
        // database (KeyCache: untrusted).
        m_keyCache.setTrusted(false);
        m_changes = new ChangeListener(m_config.databaseUrl, this);
        connect(m_changes, &ChangeListener::keyChanged, this,
                [this](const QString &keyId) { m_keyCache.invalidateKey(keyId); });
        connect(m_changes, &ChangeListener::organizationChanged, this,
                [this](const QString &id) { m_keyCache.invalidateOrganization(id); });
        connect(m_changes, &ChangeListener::channelUp, this,
                [this](bool up) { m_keyCache.setTrusted(up); });
        // A revocation's answer is sent after its commit; with the window below, no instance
        // answers from memory for the revoked key later than that + the window (DESIGN §3b:
        // 50 ms), even when its listener is late.
        m_keyCache.requireConfirmation(confirmationWindow);
        connect(
            m_changes, &ChangeListener::confirmed, this,
            [this](std::chrono::steady_clock::time_point sentAt) { m_keyCache.confirm(sentAt); });
    }
}

KeyDeskServer::~KeyDeskServer()
{
    shutdown();
    if (m_sqliteServeLock >= 0)
        ::close(m_sqliteServeLock); // releases the lock
}

// One serving process per SQLite file: two would not hear each other's revocations (only
// PostgreSQL carries them between instances), and each would go on answering from its own
// memory. An flock(2) on PATH.serve-lock says so at start; the kernel drops it when the process
// ends, however it ends. The CLI's commands do not take it: they may run beside a server.
void KeyDeskServer::lockSqliteDatabase()
{
    if (m_services->store().dialect() != Store::Dialect::SQLite)
        return;
    const QString path = m_config.databaseUrl.mid(qsizetype(qstrlen("sqlite:")));
    if (path == u":memory:")
        return;
    const QByteArray lockPath = QFile::encodeName(path + QStringLiteral(".serve-lock"));
    m_sqliteServeLock = ::open(lockPath.constData(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (m_sqliteServeLock < 0) {
        throw StoreError(
            QStringLiteral("cannot create %1: %2")
                .arg(QFile::decodeName(lockPath), QString::fromLocal8Bit(std::strerror(errno)))
                .toStdString());
    }
    if (::flock(m_sqliteServeLock, LOCK_EX | LOCK_NB) != 0) {
        ::close(m_sqliteServeLock);
        m_sqliteServeLock = -1;
        throw StoreError(QStringLiteral("another keydesk-server serves this SQLite database "
                                        "already (%1 is locked). Run one server per SQLite "
                                        "file; several instances need PostgreSQL.")
                             .arg(QFile::decodeName(lockPath))
                             .toStdString());
    }
}

quint16 KeyDeskServer::listen(QString *error)
{
    std::optional<QSslConfiguration> tls;
    if (const QString problem = tlsConfiguration(m_config, &tls); !problem.isEmpty()) {
        *error = problem;
        return 0;
    }
    try {
        const auto makeServices = [this] {
            return std::make_unique<Services>(m_config, m_keyCache, m_usage);
        };
        if (!m_workers)
            m_workers =
                std::make_unique<WorkerPool>(threadsOrCores(m_config.workerThreads), makeServices);
        const int serving = threadsOrCores(m_config.servingThreads);
        while (int(m_servingThreads.size()) < serving) {
            m_servingThreads.push_back(
                std::make_unique<ServingThread>(int(m_servingThreads.size()), m_config, m_keyCache,
                                                m_usage, m_router, *m_workers, tls));
        }
    } catch (const std::exception &failure) {
        *error = QString::fromUtf8(failure.what());
        return 0;
    }
    if (m_config.port != 0
        && !http::SharedPortListener::portIsFree(m_config.address, m_config.port, error))
        return 0;
    // The first thread binds (port 0 picks a free one); the others join it on that port.
    const int perThread = connectionBudget() / int(m_servingThreads.size());
    quint16 port = m_config.port;
    for (const auto &thread : m_servingThreads) {
        port = thread->listen(m_config.address, port, perThread, error);
        if (port == 0)
            return 0;
    }
    if (m_changes)
        m_changes->start();
    m_usageTimer.start();
    return port;
}

Store &KeyDeskServer::store()
{
    return m_services->store();
}

http::Response KeyDeskServer::dispatch(const http::Request &request)
{
    return m_router.dispatch(*m_services, request);
}

void KeyDeskServer::flushUsage()
{
    m_usage.flushTo(m_services->store());
}

void KeyDeskServer::shutdown()
{
    if (m_stopped)
        return;
    m_stopped = true;
    for (const auto &thread : m_servingThreads)
        thread->drain(); // stops listening: new connections are refused from here on
    // In-flight requests finish and their answers leave: wait until no serving thread has a
    // connection left (drain closes idle ones at once, busy ones once their answer is out), or
    // the grace is over. Waiting for "no request pending" was not enough: a request counts as
    // answered once its answer is queued on the socket, which sends it on a later turn of its
    // thread's event loop, and deleting the thread's connections (below) discarded what was
    // still queued: the client saw its connection close without the answer (tst_serving).
    QDeadlineTimer grace(m_config.shutdownGraceMs);
    const auto connected = [this] {
        return std::any_of(m_servingThreads.begin(), m_servingThreads.end(),
                           [](const auto &thread) { return thread->connectionCount() > 0; });
    };
    while (connected() && !grace.hasExpired())
        QThread::msleep(5);
    // Jobs still queued after the grace answer 503 without running; those running finish. Their
    // answers reach the still-running serving threads.
    m_workers.reset();
    // Jobs that outlasted the grace have just answered: those answers get a last moment to
    // leave as well.
    QDeadlineTimer lastAnswers(lastAnswersMs);
    while (connected() && !lastAnswers.hasExpired())
        QThread::msleep(5);
    m_servingThreads.clear();
    m_usageTimer.stop();
    flushUsage();
    if (m_usage.hasPending())
        qCWarning(lcServer, "could not write the last uses of some keys before stopping");
    delete m_changes;
    m_changes = nullptr;
}

} // namespace keydesk
