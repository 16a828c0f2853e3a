#pragma once

#include "AuditLog.h"
#include "OrganizationService.h"
#include "ServiceContext.h"
#include "ServiceError.h"

namespace keydesk {

struct KeyListQuery
{
    KeyFilter filter = KeyFilter::Current;
    QString search; // trimmed by the caller; at most maxSearchLength
    int limit = 100;
    std::optional<ListCursor> after;
};

struct NewKeyRequest
{
    QString name; // raw, as sent: checked here (null: unnamed)
    Expiration expiration = Expiration::Never;
    Access access = Access::Full;
    QString idempotencyKey; // null: none
};

struct CreatedKey
{
    ApiKey key;
    QByteArray secret; // shown once: never log it
};

// An organization's API keys (DESIGN §3): listing, idempotent creation, rename, revocation.
// Every change is one transaction with its audit event; revocation reaches the verify cache of
// every instance before the call returns (DESIGN §3b).
class KeyService final
{
public:
    static constexpr int defaultPageSize = 100;
    static constexpr int maxPageSize = 500;
    static constexpr int maxSearchLength = 200;
    static constexpr qint64 idempotencyWindowMs = 24LL * 60 * 60 * 1000;

    KeyService(ServiceContext &context, AuditLog &audit, OrganizationService &organizations)
        : m_context(context)
        , m_audit(audit)
        , m_organizations(organizations)
    { }

    KeyPage list(const Caller &caller, const QString &organizationId, const KeyListQuery &query);
    // Throws validation_failed (name), idempotency_mismatch (same Idempotency-Key, another
    // body) or conflict (the key made with this Idempotency-Key was revoked since).
    CreatedKey create(const Caller &caller, const QString &organizationId,
                      const NewKeyRequest &request);
    ApiKey get(const Caller &caller, const QString &organizationId, const QString &keyId);
    // Throws key_revoked for a revoked key. `name` raw as sent; null or empty removes it.
    ApiKey rename(const Caller &caller, const QString &organizationId, const QString &keyId,
                  const QString &name);
    // Revoking again changes nothing and is not an error.
    ApiKey revoke(const Caller &caller, const QString &organizationId, const QString &keyId);

    // The key-name rule (DESIGN §3): trimmed, checked; empty means unnamed (a null QString).
    // A problem goes to `errors` under "name", so that a route can report it with the body's
    // other problems in one answer; normalizedName() throws it instead.
    static QString checkedName(const QString &raw, FieldErrors &errors);
    static QString normalizedName(const QString &raw);

private:
    ServiceContext &m_context;
    AuditLog &m_audit;
    OrganizationService &m_organizations;
};

} // namespace keydesk
