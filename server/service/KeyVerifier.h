#pragma once

#include "ServiceContext.h"

namespace keydesk {

// GET /v1/verify (DESIGN §3, §3b "Verify order"): format → key exists in this organization →
// revoked → expired → valid. Answers from the process's KeyCache when it can, from this
// thread's database connection when it must; never writes (last_used_at goes to the
// UsageRecorder's batch).
class KeyVerifier final
{
public:
    explicit KeyVerifier(ServiceContext &context)
        : m_context(context)
    { }

    // The key behind `secret` when it is valid for `organizationId`. Throws ServiceError
    // missing_key, invalid_key, revoked_key or expired_key.
    KeyCredentials verify(const QByteArray &secret, const QString &organizationId);

private:
    ServiceContext &m_context;
};

} // namespace keydesk
