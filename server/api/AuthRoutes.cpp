// GET /v1/info, POST /v1/signup, POST /v1/sessions, DELETE /v1/sessions/current, GET /v1/me

#include "ProblemMapping.h"
#include "RequestReading.h"
#include "Routes.h"

#include "service/Services.h"

namespace keydesk::api {

using http::Lane;
using http::Request;

void addAuthRoutes(http::Router &router)
{
    addRoute(router, "GET", QStringLiteral("/v1/info"), Lane::Serving,
             [](Services &services, const Request &, const QStringList &) {
                 const ServerInfo info {QStringLiteral("KeyDesk"), QStringLiteral(KEYDESK_VERSION),
                                        services.context.config.allowSignup};
                 return http::jsonResponse(200, info.toJson());
             });

    // Sign-up and sign-in hash passwords with scrypt (tens of milliseconds): on the workers.
    addRoute(router, "POST", QStringLiteral("/v1/signup"), Lane::Worker,
             [](Services &services, const Request &request, const QStringList &) {
                 JsonBody body(request);
                 SignUpRequest signUp;
                 signUp.organizationName = body.requiredString(QStringLiteral("organization_name"));
                 signUp.name = body.requiredString(QStringLiteral("name"));
                 signUp.email = body.requiredString(QStringLiteral("email"));
                 signUp.password = body.requiredString(QStringLiteral("password"));
                 body.finish();
                 const SessionGrant grant =
                     services.accounts.signUp(signUp, request.peer.toString());
                 return http::jsonResponse(201, grant.toJson());
             });

    addRoute(router, "POST", QStringLiteral("/v1/sessions"), Lane::Worker,
             [](Services &services, const Request &request, const QStringList &) {
                 JsonBody body(request);
                 const QString email = body.requiredString(QStringLiteral("email"));
                 const QString password = body.requiredString(QStringLiteral("password"));
                 body.finish();
                 const SessionGrant grant =
                     services.sessions.signIn(email, password, request.peer.toString());
                 return http::jsonResponse(201, grant.toJson());
             });

    addRoute(router, "DELETE", QStringLiteral("/v1/sessions/current"), Lane::Serving,
             [](Services &services, const Request &request, const QStringList &) {
                 services.sessions.signOut(requireCaller(services, request));
                 return http::noContent();
             });

    addRoute(router, "GET", QStringLiteral("/v1/me"), Lane::Serving,
             [](Services &services, const Request &request, const QStringList &) {
                 const Account account =
                     services.sessions.account(requireCaller(services, request));
                 return http::jsonResponse(200, account.toJson());
             });
}

} // namespace keydesk::api
