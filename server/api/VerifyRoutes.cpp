// GET /v1/verify: the call every service makes with a key in x-api-key.

#include "ApiContext.h"
#include "Routes.h"

#include "KeyFormat.h"
#include "Rfc3339.h"
#include "UsageRecorder.h"
#include "crypto/Crypto.h"
#include "http/Router.h"

namespace keydesk {

using http::ApiError;
using http::Request;

namespace {
ApiError rejected(const char *code, const QString &detail)
{
    return ApiError(401, code, detail).withHeader("WWW-Authenticate", "ApiKey");
}
} // namespace

void addVerifyRoutes(http::Router &router, ApiContext &context)
{
    router.add(
        "GET", QStringLiteral("/v1/verify"),
        [&context](const Request &request, const QStringList &) {
            const QByteArray secret = request.header("x-api-key").trimmed();
            const QString organizationId =
                QString::fromUtf8(request.header("x-organization-id").trimmed());
            if (secret.isEmpty() || organizationId.isEmpty()) {
                throw rejected(
                    ErrorCode::missingKey,
                    QStringLiteral(
                        "Send the key in x-api-key and the organization id in x-organization-id."));
            }
            const QString invalid =
                QStringLiteral("The API key is not valid for this organization.");
            // The checksum turns away mistyped and made-up keys before any database work.
            if (!KeyFormat::isWellFormed(secret))
                throw rejected(ErrorCode::invalidKey, invalid);

            const QByteArray hash = crypto::sha256Hex(secret);
            const std::optional<KeyCredentials> key = context.store.credentials(hash);
            if (!key || !crypto::constantTimeEquals(key->keyHash, hash)
                || key->organizationId != organizationId)
                throw rejected(ErrorCode::invalidKey, invalid);
            if (key->revokedAt.isValid())
                throw rejected(ErrorCode::revokedKey,
                               QStringLiteral("The API key has been revoked."));
            const QDateTime now = context.now();
            if (isExpiredAt(key->expiresAt, now))
                throw rejected(ErrorCode::expiredKey, QStringLiteral("The API key has expired."));

            context.usage.record(key->id, now);
            return http::jsonResponse(
                200,
                QJsonObject {
                    {QStringLiteral("valid"), true},
                    {QStringLiteral("key_id"), key->id},
                    {QStringLiteral("organization_id"), key->organizationId},
                    {QStringLiteral("access"), toWire(key->access)},
                    {QStringLiteral("expires_at"), instantToJson(key->expiresAt)},
                });
        });
}

} // namespace keydesk
