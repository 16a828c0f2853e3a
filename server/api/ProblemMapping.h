#pragma once

#include "http/Http.h"
#include "http/Router.h"
#include "service/ServiceError.h"

namespace keydesk::api {

// The one place where a service's error becomes HTTP (DESIGN §1): status by error code
// (DESIGN §3, §3b), WWW-Authenticate for 401s (RFC 9110 §11.6.1), Retry-After for 429
// (RFC 6585 §4).
http::Response problemFor(const ServiceError &error);

// Registers a route whose ServiceErrors are answered through problemFor().
void addRoute(http::Router &router, QByteArray method, QString pattern, http::Lane lane,
              http::Router::Handler handler);

} // namespace keydesk::api
