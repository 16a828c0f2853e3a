// GET and DELETE /v1/organizations/{org}

#include "ApiContext.h"
#include "Routes.h"

#include "http/Router.h"

namespace keydesk {

using http::ApiError;
using http::Request;

void addOrganizationRoutes(http::Router &router, ApiContext &context)
{
    router.add("GET", QStringLiteral("/v1/organizations/{}"),
               [&context](const Request &request, const QStringList &params) {
                   const Caller caller = context.requireSession(request);
                   context.requireMember(caller, params.at(0));
                   const std::optional<Organization> organization =
                       context.store.organization(params.at(0));
                   if (!organization)
                       throw ApiError(404, ErrorCode::notFound,
                                      QStringLiteral("No such organization."));
                   return http::jsonResponse(200, organization->toJson());
               });

    router.add("DELETE", QStringLiteral("/v1/organizations/{}"),
               [&context](const Request &request, const QStringList &params) {
                   const Caller caller = context.requireSession(request);
                   if (context.requireMember(caller, params.at(0)) != Role::Owner) {
                       throw ApiError(403, ErrorCode::forbidden,
                                      QStringLiteral("Only an owner can delete the organization."));
                   }
                   context.store.inTransaction([&] {
                       context.store.deleteOrganization(params.at(0));
                       context.audit(request, QStringLiteral("organization.delete"), caller.user.id,
                                     params.at(0), params.at(0));
                   });
                   return http::noContent();
               });
}

} // namespace keydesk
