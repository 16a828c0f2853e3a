#pragma once

#include "Clock.h"
#include "crypto/Crypto.h"

#include <QHostAddress>
#include <QString>

namespace keydesk {

struct ServerConfig
{
    QString databaseUrl; // sqlite:PATH or postgresql://…
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 8787; // 0: any free port (tests)
    bool allowSignup = false;
    QString tlsCertificatePath; // PEM; both set = HTTPS
    QString tlsKeyPath;
    crypto::ScryptCost passwordCost;
    qint64 sessionLifetimeMs = 12LL * 60 * 60 * 1000;
    int usageFlushIntervalMs = 1000; // how often batched last_used_at is written
    int servingThreads = 0; // serve --threads; 0: one per core (DESIGN §4)
    int workerThreads = 0; // for scrypt and other slow work; 0: one per core
    int shutdownGraceMs = 3000; // SIGTERM: how long in-flight requests get to finish
    const Clock *clock = &Clock::system();
};

} // namespace keydesk
