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

Q_LOGGING_CATEGORY(lcServer, "keydesk.server")

namespace keydesk {

namespace {

// After the grace, how long the answers of the jobs that outlasted it get to leave: one turn of
// their thread's event loop each, unless a client does not read.
constexpr int lastAnswersMs = 500;

// Three heartbeats (ChangeListener::tickInterval) fit in it, so one late heartbeat does not send
// every verify to the database; it stays under DESIGN §3b's 50 ms.
constexpr std::chrono::milliseconds confirmationWindow {45};

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
    // The first thread binds (port 0 picks a free one); the others join it on that port.
    quint16 port = m_config.port;
    for (const auto &thread : m_servingThreads) {
        port = thread->listen(m_config.address, port, error);
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
