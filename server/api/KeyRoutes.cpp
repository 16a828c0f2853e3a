// /v1/organizations/{org}/api-keys and /v1/organizations/{org}/api-keys/{key}

#include "ProblemMapping.h"
#include "RequestReading.h"
#include "Routes.h"

#include "service/Services.h"

#include <QJsonArray>

namespace keydesk::api {

using http::Lane;
using http::Request;

namespace {

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

KeyListQuery listQuery(const Request &request)
{
    FieldErrors errors;
    KeyListQuery query;
    const QString status = queryValue(request, "status", errors);
    if (!status.isNull()) {
        if (const std::optional<KeyFilter> filter = filterFromQuery(status))
            query.filter = *filter;
        else
            errors.add(QStringLiteral("status"),
                       QStringLiteral("must be one of current, active, expired, revoked, all"));
    }
    if (const QString limit = queryValue(request, "limit", errors); !limit.isNull()) {
        bool ok = false;
        query.limit = limit.toInt(&ok);
        if (!ok || query.limit < 1 || query.limit > KeyService::maxPageSize)
            errors.add(
                QStringLiteral("limit"),
                QStringLiteral("must be a whole number from 1 to %1").arg(KeyService::maxPageSize));
    }
    if (const QString cursor = queryValue(request, "cursor", errors); !cursor.isEmpty()) {
        query.after = ListCursor::decode(cursor);
        if (!query.after)
            errors.add(QStringLiteral("cursor"),
                       QStringLiteral("is not a cursor this server handed out"));
    }
    query.search = queryValue(request, "q", errors).trimmed();
    if (query.search.size() > KeyService::maxSearchLength)
        errors.add(
            QStringLiteral("q"),
            QStringLiteral("must be at most %1 characters").arg(KeyService::maxSearchLength));
    errors.throwIfAny();
    return query;
}

// An Idempotency-Key (DESIGN §3, §3b): 1 to 255 visible ASCII characters, sent once. An empty
// one is refused, not read as "none": a client that meant one would otherwise get a second key
// on its retry.
QString idempotencyKey(const Request &request, FieldErrors &errors)
{
    const QString field = QStringLiteral("Idempotency-Key");
    if (request.headerCount("Idempotency-Key") > 1) {
        errors.add(field, QStringLiteral("must be sent once"));
        return {};
    }
    if (request.headerCount("Idempotency-Key") == 0)
        return {};
    const QByteArray key = request.header("Idempotency-Key");
    const bool valid = !key.isEmpty() && key.size() <= 255
        && std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7f; });
    if (!valid) {
        errors.add(field, QStringLiteral("must be 1 to 255 visible ASCII characters"));
        return {};
    }
    return QString::fromLatin1(key);
}

http::Response createdResponse(const CreatedKey &created, const QDateTime &now)
{
    return http::jsonResponse(
        201,
        QJsonObject {{QStringLiteral("api_key"), created.key.toJson(now)},
                     {QStringLiteral("secret"), QString::fromLatin1(created.secret)}});
}

} // namespace

void addKeyRoutes(http::Router &router)
{
    const QString collection = QStringLiteral("/v1/organizations/{}/api-keys");
    const QString item = QStringLiteral("/v1/organizations/{}/api-keys/{}");

    addRoute(router, "GET", collection, Lane::Serving,
             [](Services &services, const Request &request, const QStringList &params) {
                 const Caller caller = requireCaller(services, request);
                 const KeyPage page = services.keys.list(caller, params.at(0), listQuery(request));
                 const QDateTime now = services.context.now();
                 QJsonArray items;
                 for (const ApiKey &key : page.items)
                     items.append(key.toJson(now));
                 return http::jsonResponse(200,
                                           QJsonObject {
                                               {QStringLiteral("items"), items},
                                               {QStringLiteral("next_cursor"),
                                                page.next ? QJsonValue(page.next->encode())
                                                          : QJsonValue(QJsonValue::Null)},
                                           });
             });

    addRoute(router, "POST", collection, Lane::Serving,
             [](Services &services, const Request &request, const QStringList &params) {
                 const Caller caller = requireCaller(services, request);
                 JsonBody body(request);
                 NewKeyRequest newKey;
                 newKey.name = body.optionalString(QStringLiteral("name"));
                 KeyService::checkedName(newKey.name, body.errors()); // reported with the rest
                 const QString expiration = body.requiredString(QStringLiteral("expiration"));
                 if (const std::optional<Expiration> parsed = expirationFromWire(expiration))
                     newKey.expiration = *parsed;
                 else if (!expiration.isNull())
                     body.errors().add(QStringLiteral("expiration"),
                                       QStringLiteral("must be one of two_weeks, one_month, "
                                                      "three_months, six_months, one_year, never"));
                 const QString access = body.optionalString(QStringLiteral("access"));
                 if (const std::optional<Access> parsed =
                         access.isNull() ? Access::Full : accessFromWire(access))
                     newKey.access = *parsed;
                 else
                     body.errors().add(QStringLiteral("access"),
                                       QStringLiteral("must be full or read_only"));
                 newKey.idempotencyKey = idempotencyKey(request, body.errors());
                 body.finish();
                 const CreatedKey created = services.keys.create(caller, params.at(0), newKey);
                 return createdResponse(created, services.context.now());
             });

    addRoute(router, "GET", item, Lane::Serving,
             [](Services &services, const Request &request, const QStringList &params) {
                 const ApiKey key = services.keys.get(requireCaller(services, request),
                                                      params.at(0), params.at(1));
                 return http::jsonResponse(200, key.toJson(services.context.now()));
             });

    addRoute(
        router, "PATCH", item, Lane::Serving,
        [](Services &services, const Request &request, const QStringList &params) {
            const Caller caller = requireCaller(services, request);
            JsonBody body(request);
            if (!body.has(QStringLiteral("name")))
                body.errors().add(QStringLiteral("name"),
                                  QStringLiteral("is required (null or \"\" removes the name)"));
            const QString name = body.optionalString(QStringLiteral("name"));
            KeyService::checkedName(name, body.errors());
            body.finish();
            const ApiKey renamed = services.keys.rename(caller, params.at(0), params.at(1), name);
            return http::jsonResponse(200, renamed.toJson(services.context.now()));
        });

    addRoute(router, "DELETE", item, Lane::Serving,
             [](Services &services, const Request &request, const QStringList &params) {
                 const ApiKey revoked = services.keys.revoke(requireCaller(services, request),
                                                             params.at(0), params.at(1));
                 return http::jsonResponse(200, revoked.toJson(services.context.now()));
             });
}

} // namespace keydesk::api
