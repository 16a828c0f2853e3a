#pragma once

#include "ServiceContext.h"

namespace keydesk {

// Audit actions (DESIGN §3b). Recorded inside the transaction of the change they describe, so
// that a change and its record commit or roll back together.
namespace AuditAction {
inline constexpr auto signup = "signup";
inline constexpr auto sessionCreate = "session.create";
inline constexpr auto sessionDelete = "session.delete";
inline constexpr auto keyCreate = "key.create";
inline constexpr auto keyReissue = "key.reissue"; // an idempotent retry handed out a new secret
inline constexpr auto keyRename = "key.rename";
inline constexpr auto keyRevoke = "key.revoke";
inline constexpr auto organizationCreate = "organization.create";
inline constexpr auto organizationDelete = "organization.delete";
inline constexpr auto membershipAdd = "membership.add";
} // namespace AuditAction

namespace AuditOutcome {
inline constexpr auto success = "success";
inline constexpr auto invalidCredentials = "invalid_credentials";
inline constexpr auto throttled = "throttled";
} // namespace AuditOutcome

class AuditLog final
{
public:
    explicit AuditLog(ServiceContext &context)
        : m_context(context)
    { }

    void record(const char *action, const QString &actorUserId, const QString &organizationId,
                const QString &targetId, const QString &address,
                const char *outcome = AuditOutcome::success);

private:
    ServiceContext &m_context;
};

} // namespace keydesk
