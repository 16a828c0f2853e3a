#include "ProblemMapping.h"

#include <QHash>

namespace keydesk::api {

namespace {

int statusFor(QByteArrayView code)
{
    static const QHash<QByteArray, int> statuses {
        {ErrorCode::validationFailed, 400},
        {ErrorCode::unauthenticated, 401},
        {ErrorCode::invalidCredentials, 401},
        {ErrorCode::missingKey, 401},
        {ErrorCode::invalidKey, 401},
        {ErrorCode::expiredKey, 401},
        {ErrorCode::revokedKey, 401},
        {ErrorCode::forbidden, 403},
        {ErrorCode::signupDisabled, 403},
        {ErrorCode::notFound, 404},
        {ErrorCode::emailTaken, 409},
        {ErrorCode::keyRevoked, 409},
        {ErrorCode::conflict, 409},
        {ErrorCode::payloadTooLarge, 413},
        {ErrorCode::idempotencyMismatch, 422},
        {ErrorCode::tooManyAttempts, 429},
        {ErrorCode::notReady, 503},
        {ErrorCode::internalError, 503},
    };
    // An unmapped code is a programming error; answer as for a failure inside, not as the
    // client's fault.
    return statuses.value(code.toByteArray(), 503);
}

bool isKeyRejection(QByteArrayView code)
{
    return code == ErrorCode::missingKey || code == ErrorCode::invalidKey
        || code == ErrorCode::expiredKey || code == ErrorCode::revokedKey;
}

} // namespace

http::Response problemFor(const ServiceError &error)
{
    const QByteArrayView code(error.code());
    http::Response response = http::problemResponse(Problem {
        statusFor(code), QString::fromLatin1(error.code()), {}, error.detail(), error.fields()});
    if (code == ErrorCode::unauthenticated)
        response.headers.append(http::Header("WWW-Authenticate", "Bearer"));
    else if (isKeyRejection(code))
        response.headers.append(http::Header("WWW-Authenticate", "ApiKey"));
    if (const std::optional<qint64> wait = error.retryAfterSeconds())
        response.headers.append(http::Header("Retry-After", QByteArray::number(*wait)));
    return response;
}

void addRoute(http::Router &router, QByteArray method, QString pattern, http::Lane lane,
              http::Router::Handler handler)
{
    router.add(std::move(method), std::move(pattern), lane,
               [handler = std::move(handler)](Services &services, const http::Request &request,
                                              const QStringList &params) {
                   try {
                       return handler(services, request, params);
                   } catch (const ServiceError &error) {
                       return problemFor(error);
                   }
               });
}

} // namespace keydesk::api
