#pragma once

#include "AuditLog.h"
#include "LoginThrottle.h"
#include "ServiceContext.h"

#include <memory>

namespace keydesk {

// Admin sessions (DESIGN §3): sign-in with throttling, sign-out, and finding the user behind a
// bearer token. Tokens are "kds_" + 43 base62 characters; only their SHA-256 is stored.
class SessionService final
{
public:
    SessionService(ServiceContext &context, AuditLog &audit);

    // POST /v1/sessions. Throws ServiceError validation_failed, too_many_attempts (with the
    // seconds to wait) or invalid_credentials (the same for an unknown email and a wrong
    // password, and as slow: the unknown email is checked against a decoy hash).
    // Runs scrypt: call it on a worker thread, never a serving thread (DESIGN §4).
    SessionGrant signIn(const QString &email, const QString &password, const QString &address);
    // A new session for `user`, as after sign-in or sign-up.
    SessionGrant open(const User &user);
    // The caller behind a token; throws ServiceError unauthenticated when it is unknown,
    // expired or signed out.
    Caller authenticate(const QByteArray &token, const QString &address);
    void signOut(const Caller &caller);
    // GET /v1/me: the caller and the organizations they belong to.
    Account account(const Caller &caller);

private:
    ServiceContext &m_context;
    AuditLog &m_audit;
    LoginThrottle m_throttle;
};

} // namespace keydesk
