#pragma once

namespace keydesk {

class ApiContext;
namespace http {
class Router;
}

// Each area of the REST contract (DESIGN §3) adds its routes to the router.
void addAuthRoutes(http::Router &router, ApiContext &context);
void addOrganizationRoutes(http::Router &router, ApiContext &context);
void addKeyRoutes(http::Router &router, ApiContext &context);
void addVerifyRoutes(http::Router &router, ApiContext &context);

} // namespace keydesk
