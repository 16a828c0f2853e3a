// GET and DELETE /v1/organizations/{org}

#include "ProblemMapping.h"
#include "RequestReading.h"
#include "Routes.h"

#include "service/Services.h"

namespace keydesk::api {

using http::Lane;
using http::Request;

void addOrganizationRoutes(http::Router &router)
{
    const QString item = QStringLiteral("/v1/organizations/{}");
    addRoute(router, "GET", item, Lane::Serving,
             [](Services &services, const Request &request, const QStringList &params) {
                 const Organization organization =
                     services.organizations.get(requireCaller(services, request), params.at(0));
                 return http::jsonResponse(200, organization.toJson());
             });

    addRoute(router, "DELETE", item, Lane::Serving,
             [](Services &services, const Request &request, const QStringList &params) {
                 services.organizations.remove(requireCaller(services, request), params.at(0));
                 return http::noContent();
             });
}

} // namespace keydesk::api
