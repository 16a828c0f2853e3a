#include "AuditLog.h"

#include "Ids.h"

namespace keydesk {

void AuditLog::record(const char *action, const QString &actorUserId, const QString &organizationId,
                      const QString &targetId, const QString &address, const char *outcome)
{
    m_context.store.audit({newId(IdPrefix::auditEvent), QString::fromLatin1(action), actorUserId,
                           organizationId, targetId, address, QString::fromLatin1(outcome)},
                          m_context.now());
}

} // namespace keydesk
