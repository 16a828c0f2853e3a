#include "KeyService.h"

#include "Ids.h"
#include "KeyCache.h"
#include "KeyFormat.h"
#include "Names.h"
#include "ServiceError.h"
#include "crypto/Crypto.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace keydesk {

namespace {

ServiceError keyNotFound()
{
    return ServiceError(ErrorCode::notFound,
                        QStringLiteral("No such API key in this organization."));
}

// What makes two creates "the same request" for an Idempotency-Key.
QString fingerprint(const QString &name, Expiration expiration, Access access)
{
    return QString::fromLatin1(crypto::sha256Hex(
        QJsonDocument(QJsonObject {{QStringLiteral("name"), name},
                                   {QStringLiteral("expiration"), toWire(expiration)},
                                   {QStringLiteral("access"), toWire(access)}})
            .toJson(QJsonDocument::Compact)));
}

} // namespace

QString KeyService::checkedName(const QString &raw, FieldErrors &errors)
{
    const NameCheck check = checkName(raw);
    if (!check.ok()) {
        errors.add(QStringLiteral("name"), describe(check.problem));
        return {};
    }
    return check.normalized.isEmpty() ? QString() : check.normalized;
}

QString KeyService::normalizedName(const QString &raw)
{
    FieldErrors errors;
    const QString name = checkedName(raw, errors);
    errors.throwIfAny();
    return name;
}

KeyPage KeyService::list(const Caller &caller, const QString &organizationId,
                         const KeyListQuery &query)
{
    m_organizations.requireMember(caller, organizationId);
    return m_context.store.listKeys(organizationId, query.filter, query.search, query.limit,
                                    query.after, m_context.now());
}

CreatedKey KeyService::create(const Caller &caller, const QString &organizationId,
                              const NewKeyRequest &request)
{
    m_organizations.requireKeyManager(caller, organizationId);
    const QString name = normalizedName(request.name);
    const QDateTime now = m_context.now();
    const QString requestFingerprint = fingerprint(name, request.expiration, request.access);
    Store &store = m_context.store;

    CreatedKey created {{}, KeyFormat::generate()};
    const QByteArray secretHash = crypto::sha256Hex(created.secret);
    bool reissued = false;
    store.inTransaction([&] {
        const std::optional<IdempotencyRecord> previous = request.idempotencyKey.isNull()
            ? std::nullopt
            : store.idempotencyRecord(caller.user.id, organizationId, request.idempotencyKey);
        if (previous && previous->createdAt.msecsTo(now) < idempotencyWindowMs) {
            // A retry: the same key with a fresh secret; the lost one stops working.
            if (previous->fingerprint != requestFingerprint) {
                throw ServiceError(
                    ErrorCode::idempotencyMismatch,
                    QStringLiteral("This Idempotency-Key was used for a different request."));
            }
            std::optional<ApiKey> existing = store.keyForUpdate(organizationId, previous->apiKeyId);
            if (!existing || existing->revokedAt.isValid()) {
                throw ServiceError(
                    ErrorCode::conflict,
                    QStringLiteral(
                        "The key created with this Idempotency-Key has been revoked since."));
            }
            existing->hint = KeyFormat::hint(created.secret);
            store.replaceKeySecret(existing->id, secretHash, existing->hint);
            store.publishKeyChange(existing->id);
            m_audit.record(AuditAction::keyReissue, caller.user.id, organizationId, existing->id,
                           caller.address);
            created.key = *existing;
            reissued = true;
            return;
        }

        ApiKey &key = created.key;
        key.id = newId(IdPrefix::apiKey);
        key.name = name;
        key.hint = KeyFormat::hint(created.secret);
        key.access = request.access;
        key.expiration = request.expiration;
        key.createdAt = now;
        key.createdBy = {caller.user.id, caller.user.name};
        key.expiresAt = expiresAt(now, request.expiration);
        store.insertKey(organizationId, key, secretHash);
        if (!request.idempotencyKey.isNull()) {
            store.putIdempotencyRecord(caller.user.id, organizationId, request.idempotencyKey,
                                       {requestFingerprint, key.id, now});
        }
        m_audit.record(AuditAction::keyCreate, caller.user.id, organizationId, key.id,
                       caller.address);
    });
    if (reissued)
        m_context.keyCache.invalidateKey(created.key.id); // the lost secret stops at once
    return created;
}

ApiKey KeyService::get(const Caller &caller, const QString &organizationId, const QString &keyId)
{
    m_organizations.requireMember(caller, organizationId);
    const std::optional<ApiKey> key = m_context.store.key(organizationId, keyId);
    if (!key)
        throw keyNotFound();
    return *key;
}

ApiKey KeyService::rename(const Caller &caller, const QString &organizationId, const QString &keyId,
                          const QString &name)
{
    m_organizations.requireKeyManager(caller, organizationId);
    const QString normalized = normalizedName(name);
    Store &store = m_context.store;
    return store.inTransaction([&] {
        std::optional<ApiKey> key = store.keyForUpdate(organizationId, keyId);
        if (!key)
            throw keyNotFound();
        if (key->revokedAt.isValid())
            throw ServiceError(ErrorCode::keyRevoked,
                               QStringLiteral("A revoked key cannot be renamed."));
        store.renameKey(key->id, normalized);
        m_audit.record(AuditAction::keyRename, caller.user.id, organizationId, key->id,
                       caller.address);
        key->name = normalized;
        return *key;
    });
}

ApiKey KeyService::revoke(const Caller &caller, const QString &organizationId, const QString &keyId)
{
    m_organizations.requireKeyManager(caller, organizationId);
    const QDateTime now = m_context.now();
    Store &store = m_context.store;
    const ApiKey revoked = store.inTransaction([&] {
        std::optional<ApiKey> key = store.keyForUpdate(organizationId, keyId);
        if (!key)
            throw keyNotFound();
        if (!key->revokedAt.isValid()) { // revoking twice changes nothing
            store.revokeKey(key->id, now);
            store.publishKeyChange(key->id);
            m_audit.record(AuditAction::keyRevoke, caller.user.id, organizationId, key->id,
                           caller.address);
            key->revokedAt = now;
        }
        return *key;
    });
    // After the commit and before the answer: no thread of this process answers `valid` for
    // it from now on; other instances hear of it through the database's notification.
    m_context.keyCache.invalidateKey(revoked.id);
    return revoked;
}

} // namespace keydesk
