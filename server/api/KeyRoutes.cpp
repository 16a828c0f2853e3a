// /v1/organizations/{org}/api-keys and /v1/organizations/{org}/api-keys/{key}

#include "ApiContext.h"
#include "Routes.h"

#include "KeyFormat.h"
#include "Names.h"
#include "crypto/Crypto.h"
#include "http/Router.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace keydesk {

using http::ApiError;
using http::Request;

namespace {

constexpr int defaultPageSize = 100;
constexpr int maxPageSize = 500;
constexpr int maxSearchLength = 200;
constexpr qint64 idempotencyWindowMs = 24LL * 60 * 60 * 1000;

ApiError keyNotFound()
{
    return ApiError(404, ErrorCode::notFound,
                    QStringLiteral("No such API key in this organization."));
}

// An optional key name from the body: trimmed, checked; "" and null both mean unnamed.
QString readKeyName(JsonBody &body)
{
    const QString raw = body.optionalString(QStringLiteral("name"));
    const NameCheck check = checkName(raw);
    if (!check.ok()) {
        body.fail(QStringLiteral("name"), describe(check.problem));
        return {};
    }
    return check.normalized.isEmpty() ? QString() : check.normalized;
}

std::optional<KeyFilter> filterFromQuery(const QString &text)
{
    static const QHash<QString, KeyFilter> filters {
        {QStringLiteral("current"), KeyFilter::Current},
        {QStringLiteral("active"), KeyFilter::Active},
        {QStringLiteral("expired"), KeyFilter::Expired},
        {QStringLiteral("revoked"), KeyFilter::Revoked},
        {QStringLiteral("all"), KeyFilter::All},
    };
    const auto it = filters.constFind(text);
    return it == filters.cend() ? std::nullopt : std::optional(*it);
}

bool isValidIdempotencyKey(const QByteArray &key)
{
    return !key.isEmpty() && key.size() <= 255
        && std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

struct CreatedSecret
{
    ApiKey key;
    QByteArray secret;
};

http::Response createdResponse(const CreatedSecret &created, const QDateTime &now)
{
    return http::jsonResponse(
        201,
        QJsonObject {{QStringLiteral("api_key"), created.key.toJson(now)},
                     {QStringLiteral("secret"), QString::fromLatin1(created.secret)}});
}

} // namespace

void addKeyRoutes(http::Router &router, ApiContext &context)
{
    const QString collection = QStringLiteral("/v1/organizations/{}/api-keys");
    const QString item = QStringLiteral("/v1/organizations/{}/api-keys/{}");

    router.add("GET", collection, [&context](const Request &request, const QStringList &params) {
        const Caller caller = context.requireSession(request);
        context.requireMember(caller, params.at(0));

        QList<FieldError> errors;
        const QUrlQuery &query = request.query;
        const auto value = [&query](const char *name) {
            const QString key = QString::fromLatin1(name);
            return query.hasQueryItem(key) ? query.queryItemValue(key, QUrl::FullyDecoded)
                                           : QString();
        };
        const QString statusText = value("status");
        const std::optional<KeyFilter> filter =
            statusText.isNull() ? KeyFilter::Current : filterFromQuery(statusText);
        if (!filter)
            errors.append(
                {QStringLiteral("status"),
                 QStringLiteral("must be one of current, active, expired, revoked, all")});
        int limit = defaultPageSize;
        if (const QString limitText = value("limit"); !limitText.isNull()) {
            bool ok = false;
            limit = limitText.toInt(&ok);
            if (!ok || limit < 1 || limit > maxPageSize)
                errors.append(
                    {QStringLiteral("limit"),
                     QStringLiteral("must be a whole number from 1 to %1").arg(maxPageSize)});
        }
        std::optional<ListCursor> after;
        if (const QString cursorText = value("cursor"); !cursorText.isEmpty()) {
            after = ListCursor::decode(cursorText);
            if (!after)
                errors.append({QStringLiteral("cursor"),
                               QStringLiteral("is not a cursor this server handed out")});
        }
        const QString search = value("q").trimmed();
        if (search.size() > maxSearchLength)
            errors.append({QStringLiteral("q"),
                           QStringLiteral("must be at most %1 characters").arg(maxSearchLength)});
        if (!errors.isEmpty())
            throw ApiError(400, ErrorCode::validationFailed,
                           QStringLiteral("The query is not valid."), errors);

        const QDateTime now = context.now();
        const KeyPage page =
            context.store.listKeys(params.at(0), *filter, search, limit, after, now);
        QJsonArray items;
        for (const ApiKey &key : page.items)
            items.append(key.toJson(now));
        return http::jsonResponse(
            200,
            QJsonObject {
                {QStringLiteral("items"), items},
                {QStringLiteral("next_cursor"),
                 page.next ? QJsonValue(page.next->encode()) : QJsonValue(QJsonValue::Null)},
            });
    });

    router.add("POST", collection, [&context](const Request &request, const QStringList &params) {
        const Caller caller = context.requireSession(request);
        const QString organizationId = params.at(0);
        ApiContext::requireKeyManager(context.requireMember(caller, organizationId));

        JsonBody body(request);
        const QString name = readKeyName(body);
        const QString expirationText = body.requiredString(QStringLiteral("expiration"));
        const std::optional<Expiration> expiration = expirationFromWire(expirationText);
        if (!expirationText.isNull() && !expiration) {
            body.fail(QStringLiteral("expiration"),
                      QStringLiteral("must be one of two_weeks, one_month, three_months, "
                                     "six_months, one_year, never"));
        }
        const QString accessText = body.optionalString(QStringLiteral("access"));
        const std::optional<Access> access =
            accessText.isNull() ? Access::Full : accessFromWire(accessText);
        if (!access)
            body.fail(QStringLiteral("access"), QStringLiteral("must be full or read_only"));
        const QByteArray idempotencyKey = request.header("idempotency-key");
        if (!idempotencyKey.isNull() && !isValidIdempotencyKey(idempotencyKey))
            body.fail(QStringLiteral("Idempotency-Key"),
                      QStringLiteral("must be 1 to 255 visible ASCII characters"));
        body.finish();

        const QDateTime now = context.now();
        const QString fingerprint = QString::fromLatin1(crypto::sha256Hex(
            QJsonDocument(QJsonObject {{QStringLiteral("name"), name},
                                       {QStringLiteral("expiration"), toWire(*expiration)},
                                       {QStringLiteral("access"), toWire(*access)}})
                .toJson(QJsonDocument::Compact)));
        const QString idempotencyText = QString::fromLatin1(idempotencyKey);

        const CreatedSecret created = context.store.inTransaction([&]() -> CreatedSecret {
            CreatedSecret result {{}, KeyFormat::generate()};
            const QByteArray secretHash = crypto::sha256Hex(result.secret);
            const std::optional<IdempotencyRecord> previous = idempotencyKey.isNull()
                ? std::nullopt
                : context.store.idempotencyRecord(caller.user.id, organizationId, idempotencyText);
            if (previous && previous->createdAt.msecsTo(now) < idempotencyWindowMs) {
                // A retry: re-issue the same key with a fresh secret; the lost one stops working.
                if (previous->fingerprint != fingerprint) {
                    throw ApiError(
                        422, ErrorCode::idempotencyMismatch,
                        QStringLiteral("This Idempotency-Key was used for a different request."));
                }
                std::optional<ApiKey> existing =
                    context.store.key(organizationId, previous->apiKeyId);
                if (!existing || existing->revokedAt.isValid()) {
                    throw ApiError(
                        409, ErrorCode::conflict,
                        QStringLiteral(
                            "The key created with this Idempotency-Key has been revoked since."));
                }
                existing->hint = KeyFormat::hint(result.secret);
                context.store.replaceKeySecret(existing->id, secretHash, existing->hint);
                context.audit(request, QStringLiteral("api_key.reissue"), caller.user.id,
                              organizationId, existing->id);
                result.key = *existing;
                return result;
            }

            ApiKey &key = result.key;
            key.id = QStringLiteral("key_") + QString::fromLatin1(KeyFormat::randomBase62(20));
            key.name = name;
            key.hint = KeyFormat::hint(result.secret);
            key.access = *access;
            key.expiration = *expiration;
            key.createdAt = now;
            key.createdBy = {caller.user.id, caller.user.name};
            key.expiresAt = expiresAt(now, *expiration);
            context.store.insertKey(organizationId, key, secretHash);
            if (!idempotencyKey.isNull()) {
                context.store.putIdempotencyRecord(caller.user.id, organizationId, idempotencyText,
                                                   {fingerprint, key.id, now});
            }
            context.audit(request, QStringLiteral("api_key.create"), caller.user.id, organizationId,
                          key.id);
            return result;
        });
        return createdResponse(created, now);
    });

    router.add("GET", item, [&context](const Request &request, const QStringList &params) {
        const Caller caller = context.requireSession(request);
        context.requireMember(caller, params.at(0));
        const std::optional<ApiKey> key = context.store.key(params.at(0), params.at(1));
        if (!key)
            throw keyNotFound();
        return http::jsonResponse(200, key->toJson(context.now()));
    });

    router.add("PATCH", item, [&context](const Request &request, const QStringList &params) {
        const Caller caller = context.requireSession(request);
        ApiContext::requireKeyManager(context.requireMember(caller, params.at(0)));
        JsonBody body(request);
        if (!body.has(QStringLiteral("name")))
            body.fail(QStringLiteral("name"),
                      QStringLiteral("is required (null or \"\" removes the name)"));
        const QString name = readKeyName(body);
        body.finish();

        const ApiKey renamed = context.store.inTransaction([&] {
            std::optional<ApiKey> key = context.store.keyForUpdate(params.at(0), params.at(1));
            if (!key)
                throw keyNotFound();
            if (key->revokedAt.isValid())
                throw ApiError(409, ErrorCode::keyRevoked,
                               QStringLiteral("A revoked key cannot be renamed."));
            context.store.renameKey(key->id, name);
            context.audit(request, QStringLiteral("api_key.rename"), caller.user.id, params.at(0),
                          key->id);
            key->name = name;
            return *key;
        });
        return http::jsonResponse(200, renamed.toJson(context.now()));
    });

    router.add("DELETE", item, [&context](const Request &request, const QStringList &params) {
        const Caller caller = context.requireSession(request);
        ApiContext::requireKeyManager(context.requireMember(caller, params.at(0)));
        const QDateTime now = context.now();
        const ApiKey revoked = context.store.inTransaction([&] {
            std::optional<ApiKey> key = context.store.keyForUpdate(params.at(0), params.at(1));
            if (!key)
                throw keyNotFound();
            if (!key->revokedAt.isValid()) { // revoking twice changes nothing
                context.store.revokeKey(key->id, now);
                context.audit(request, QStringLiteral("api_key.revoke"), caller.user.id,
                              params.at(0), key->id);
                key->revokedAt = now;
            }
            return *key;
        });
        return http::jsonResponse(200, revoked.toJson(now));
    });
}

} // namespace keydesk
