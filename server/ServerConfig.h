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
    const Clock *clock = &Clock::system();
};

} // namespace keydesk
