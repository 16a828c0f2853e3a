#pragma once

#include "AccountService.h"
#include "AuditLog.h"
#include "KeyService.h"
#include "KeyVerifier.h"
#include "OrganizationService.h"
#include "ServiceContext.h"
#include "SessionService.h"

#include <memory>

namespace keydesk {

// Every service, over one database connection: one per serving thread, one per worker thread,
// one in the CLI and the test support (DESIGN §1: the CLI and the test server call the same
// services as the routes). Build it on the thread that uses it: a Qt SQL connection belongs to
// the thread that opened it.
class Services final
{
    Q_DISABLE_COPY_MOVE(Services)
public:
    // Opens the database (Store's StoreError when it cannot).
    Services(const ServerConfig &config, KeyCache &keyCache, UsageRecorder &usage)
        : m_store(std::make_unique<Store>(config.databaseUrl))
        , context {config, *m_store, keyCache, usage}
        , audit(context)
        , sessions(context, audit)
        , accounts(context, audit, sessions)
        , organizations(context, audit)
        , keys(context, audit, organizations)
        , verifier(context)
    { }

    Store &store() { return *m_store; }

private:
    std::unique_ptr<Store> m_store;

public:
    ServiceContext context;
    AuditLog audit;
    SessionService sessions;
    AccountService accounts;
    OrganizationService organizations;
    KeyService keys;
    KeyVerifier verifier;
};

} // namespace keydesk
