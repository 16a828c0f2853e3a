#include "OrganizationService.h"

#include "Ids.h"
#include "KeyCache.h"
#include "Names.h"
#include "ServiceError.h"

namespace keydesk {

namespace {
ServiceError noSuchOrganization()
{
    return ServiceError(ErrorCode::notFound, QStringLiteral("No such organization."));
}
} // namespace

Organization OrganizationService::create(const QString &name, const QString &address)
{
    const NameCheck check = checkName(name);
    if (!check.ok())
        throw ServiceError::invalidField(QStringLiteral("name"), describe(check.problem));
    if (check.normalized.isEmpty())
        throw ServiceError::invalidField(QStringLiteral("name"),
                                         QStringLiteral("must not be empty"));
    const Organization organization {newId(IdPrefix::organization), check.normalized,
                                     m_context.now()};
    m_context.store.inTransaction([&] {
        m_context.store.insertOrganization(organization);
        m_audit.record(AuditAction::organizationCreate, {}, organization.id, organization.id,
                       address);
    });
    return organization;
}

Organization OrganizationService::get(const Caller &caller, const QString &organizationId)
{
    requireMember(caller, organizationId);
    const std::optional<Organization> organization = m_context.store.organization(organizationId);
    if (!organization)
        throw noSuchOrganization();
    return *organization;
}

void OrganizationService::remove(const Caller &caller, const QString &organizationId)
{
    if (requireMember(caller, organizationId) != Role::Owner) {
        throw ServiceError(ErrorCode::forbidden,
                           QStringLiteral("Only an owner can delete the organization."));
    }
    m_context.store.inTransaction([&] {
        m_context.store.deleteOrganization(organizationId);
        m_context.store.publishOrganizationChange(organizationId);
        m_audit.record(AuditAction::organizationDelete, caller.user.id, organizationId,
                       organizationId, caller.address);
    });
    m_context.keyCache.invalidateOrganization(organizationId);
}

Role OrganizationService::requireMember(const Caller &caller, const QString &organizationId)
{
    const std::optional<Role> role = m_context.store.role(caller.user.id, organizationId);
    if (!role)
        throw noSuchOrganization();
    return *role;
}

Role OrganizationService::requireKeyManager(const Caller &caller, const QString &organizationId)
{
    const Role role = requireMember(caller, organizationId);
    if (!canManageKeys(role)) {
        throw ServiceError(
            ErrorCode::forbidden,
            QStringLiteral("Only owners and admins of the organization can manage its API keys."));
    }
    return role;
}

} // namespace keydesk
