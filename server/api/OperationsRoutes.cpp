// GET /v1/health and GET /v1/ready (DESIGN §3b), for load balancers and orchestrators.

#include "ProblemMapping.h"
#include "Routes.h"

#include "service/ServiceError.h"
#include "service/Services.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcReady, "keydesk.ready")

namespace keydesk::api {

using http::Lane;
using http::Request;

void addOperationsRoutes(http::Router &router)
{
    // Liveness: the process serves. Touches nothing else, so a slow database never makes an
    // orchestrator restart a healthy process.
    addRoute(router, "GET", QStringLiteral("/v1/health"), Lane::Serving,
             [](Services &, const Request &, const QStringList &) {
                 return http::jsonResponse(200, {{QStringLiteral("status"), QStringLiteral("ok")}});
             });

    // Readiness: this thread's database connection answers and the schema is this binary's.
    addRoute(
        router, "GET", QStringLiteral("/v1/ready"), Lane::Serving,
        [](Services &services, const Request &, const QStringList &) {
            const QString reason = services.store().notReadyReason();
            if (!reason.isEmpty()) {
                qCWarning(lcReady, "not ready: %s", qUtf8Printable(reason));
                throw ServiceError(
                    ErrorCode::notReady,
                    QStringLiteral("The server cannot serve requests yet: "
                                   "its database is unavailable, not writable or not "
                                   "migrated."));
            }
            return http::jsonResponse(200, {{QStringLiteral("status"), QStringLiteral("ready")}});
        });
}

void addAllRoutes(http::Router &router)
{
    addAuthRoutes(router);
    addOrganizationRoutes(router);
    addKeyRoutes(router);
    addVerifyRoutes(router);
    addOperationsRoutes(router);
}

} // namespace keydesk::api
