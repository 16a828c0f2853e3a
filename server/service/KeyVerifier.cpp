#include "KeyVerifier.h"

#include "Expiration.h"
#include "KeyCache.h"
#include "KeyFormat.h"
#include "ServiceError.h"
#include "UsageRecorder.h"
#include "crypto/Crypto.h"

namespace keydesk {

KeyCredentials KeyVerifier::verify(const QByteArray &secret, const QString &organizationId)
{
    if (secret.isEmpty() || organizationId.isEmpty()) {
        throw ServiceError(
            ErrorCode::missingKey,
            QStringLiteral(
                "Send the key in x-api-key and the organization id in x-organization-id."));
    }
    const auto invalid = [] {
        return ServiceError(ErrorCode::invalidKey,
                            QStringLiteral("The API key is not valid for this organization."));
    };
    // The checksum turns away mistyped and made-up keys before any lookup.
    if (!KeyFormat::isWellFormed(secret))
        throw invalid();

    const QByteArray hash = crypto::sha256Hex(secret);
    KeyCache &cache = m_context.keyCache;
    std::optional<KeyCredentials> key = cache.find(hash);
    if (!key) {
        const quint64 epoch = cache.epoch(); // before the lookup: see KeyCache
        key = m_context.store.credentials(hash);
        if (key)
            cache.insert(*key, epoch);
    }
    if (!key || !crypto::constantTimeEquals(key->keyHash, hash)
        || key->organizationId != organizationId)
        throw invalid();
    if (key->revokedAt.isValid())
        throw ServiceError(ErrorCode::revokedKey, QStringLiteral("The API key has been revoked."));
    const QDateTime now = m_context.now();
    if (isExpiredAt(key->expiresAt, now))
        throw ServiceError(ErrorCode::expiredKey, QStringLiteral("The API key has expired."));
    m_context.usage.record(key->id, now);
    return *key;
}

} // namespace keydesk
