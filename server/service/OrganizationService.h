#pragma once

#include "AuditLog.h"
#include "ServiceContext.h"

namespace keydesk {

// Organizations and who may do what in them (DESIGN §3 "Roles"): another organization's
// resources are not_found, never forbidden, so that ids do not leak.
class OrganizationService final
{
public:
    OrganizationService(ServiceContext &context, AuditLog &audit)
        : m_context(context)
        , m_audit(audit)
    { }

    // `keydesk-server org add`. Throws validation_failed for a name the rules refuse.
    Organization create(const QString &name, const QString &address);
    Organization get(const Caller &caller, const QString &organizationId);
    // Owners only. Every key of the organization stops verifying, on every instance, before
    // this returns (DESIGN §3b).
    void remove(const Caller &caller, const QString &organizationId);

    // The caller's role; throws not_found when they are not a member.
    Role requireMember(const Caller &caller, const QString &organizationId);
    // Owners and admins; throws forbidden for members, not_found for strangers.
    Role requireKeyManager(const Caller &caller, const QString &organizationId);

private:
    ServiceContext &m_context;
    AuditLog &m_audit;
};

} // namespace keydesk
