#pragma once

namespace keydesk::http {
class Router;
}

// Each area of the REST contract (DESIGN §3, §3b) adds its routes. A route parses the request,
// calls a service (service/) and serializes the result; the rules live in the services.
namespace keydesk::api {

void addAuthRoutes(http::Router &router);
void addOrganizationRoutes(http::Router &router);
void addKeyRoutes(http::Router &router);
void addVerifyRoutes(http::Router &router);
void addOperationsRoutes(http::Router &router); // /v1/health, /v1/ready

// Every route of the contract: what KeyDeskServer, the fuzzers and tests serve.
void addAllRoutes(http::Router &router);

} // namespace keydesk::api
