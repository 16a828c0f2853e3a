// GET /v1/verify: the call every service makes with a key in x-api-key.

#include "ProblemMapping.h"
#include "RequestReading.h"
#include "Routes.h"

#include "Verification.h"
#include "service/ServiceError.h"
#include "service/Services.h"

namespace keydesk::api {

using http::Lane;
using http::Request;

namespace {

// A credential header sent more than once could be read two ways: refused as an invalid key
// (DESIGN §3b), never resolved to one of the values.
QByteArray credentialHeader(const Request &request, const char *name)
{
    if (request.headerCount(name) > 1) {
        throw ServiceError(ErrorCode::invalidKey,
                           QStringLiteral("Send %1 once.").arg(QLatin1String(name)));
    }
    return request.header(name).trimmed();
}

} // namespace

void addVerifyRoutes(http::Router &router)
{
    addRoute(router, "GET", QStringLiteral("/v1/verify"), Lane::Serving,
             [](Services &services, const Request &request, const QStringList &) {
                 const QByteArray secret = credentialHeader(request, "x-api-key");
                 const QString organizationId =
                     QString::fromUtf8(credentialHeader(request, "x-organization-id"));
                 const KeyCredentials key = services.verifier.verify(secret, organizationId);
                 const Verification answer {key.id, key.organizationId, key.access, key.expiresAt};
                 return http::Response {200, "application/json", answer.toCompactJson(), {}};
             });
}

} // namespace keydesk::api
