#pragma once

#include "ServerConfig.h"
#include "storage/Store.h"

namespace keydesk {

class KeyCache;
class UsageRecorder;

// What the services of one thread share: that thread's own database connection, and the parts
// every thread of the process shares (configuration and clock, the verify cache, the usage
// batch). The CLI builds one over a Store of its own.
struct ServiceContext
{
    const ServerConfig &config;
    Store &store;
    KeyCache &keyCache;
    UsageRecorder &usage;

    QDateTime now() const { return config.clock->now(); }
};

// Who is asking: a signed-in user, and from which address (for the audit trail and throttling).
struct Caller
{
    User user;
    QByteArray tokenHash; // SHA-256 hex of the session token
    QString address;
};

} // namespace keydesk
