#include "KeyDeskServer.h"

#include "api/Routes.h"

#include <QFile>
#include <QLoggingCategory>
#include <QSslCertificate>
#include <QSslKey>

Q_LOGGING_CATEGORY(lcServer, "keydesk.server")

namespace keydesk {

KeyDeskServer::KeyDeskServer(const ServerConfig &config, QObject *parent)
    : QObject(parent)
    , m_config(config)
    , m_store(std::make_unique<Store>(config.databaseUrl))
{
    const QList<int> applied = m_store->migrate(m_config.clock->now());
    if (!applied.isEmpty())
        qCInfo(lcServer, "database schema migrated to version %d", applied.constLast());
    m_usage = std::make_unique<UsageRecorder>(*m_store, m_config.usageFlushIntervalMs);
    m_context = std::make_unique<ApiContext>(m_config, *m_store, *m_usage);
    addAuthRoutes(m_router, *m_context);
    addOrganizationRoutes(m_router, *m_context);
    addKeyRoutes(m_router, *m_context);
    addVerifyRoutes(m_router, *m_context);
}

KeyDeskServer::~KeyDeskServer()
{
    delete m_frontend; // closes connections before the routes they use go away
    m_usage.reset(); // writes what is still pending
}

quint16 KeyDeskServer::listen(QString *error)
{
    if (!m_frontend)
        m_frontend = new http::HttpFrontend(m_router);
    const bool wantsTls = !m_config.tlsCertificatePath.isEmpty() || !m_config.tlsKeyPath.isEmpty();
    if (wantsTls) {
        if (m_config.tlsCertificatePath.isEmpty() || m_config.tlsKeyPath.isEmpty()) {
            *error = QStringLiteral("--tls-cert and --tls-key go together");
            return 0;
        }
        QFile certificateFile(m_config.tlsCertificatePath);
        QFile keyFile(m_config.tlsKeyPath);
        if (!certificateFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("cannot read the TLS certificate or key: %1")
                         .arg(certificateFile.isOpen() ? keyFile.errorString()
                                                       : certificateFile.errorString());
            return 0;
        }
        const QList<QSslCertificate> chain =
            QSslCertificate::fromData(certificateFile.readAll(), QSsl::Pem);
        const QByteArray keyPem = keyFile.readAll();
        QSslKey key(keyPem, QSsl::Rsa, QSsl::Pem);
        if (key.isNull())
            key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
        if (chain.isEmpty() || key.isNull()) {
            *error = QStringLiteral(
                "the TLS certificate or key is not a PEM certificate / RSA or EC private key");
            return 0;
        }
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setLocalCertificateChain(chain);
        tls.setPrivateKey(key);
        tls.setPeerVerifyMode(QSslSocket::VerifyNone); // clients are not asked for certificates
        tls.setProtocol(QSsl::TlsV1_2OrLater);
        m_frontend->setTls(tls);
    }
    return m_frontend->listenOn(m_config.address, m_config.port, error);
}

} // namespace keydesk
