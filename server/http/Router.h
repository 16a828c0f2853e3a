#pragma once

#include "Http.h"

#include <QStringList>

#include <functional>
#include <vector>

namespace keydesk {
class Services;
}

namespace keydesk::http {

// Where a route's handler runs (DESIGN §4). Serving: on the serving thread that read the
// request, with that thread's services. Worker: on the worker pool, for work that would hold a
// serving thread too long (scrypt at sign-in and sign-up), so that it never delays a verify.
enum class Lane { Serving, Worker };

// Maps "METHOD /v1/organizations/{}/api-keys/{}" to handlers. `{}` matches one non-empty path
// segment, handed to the handler in order. A known path with another method is 405 with Allow;
// anything else is 404. Immutable once built, so every thread shares one router.
class Router
{
public:
    static constexpr qsizetype maxBodyBytes = 64 * 1024; // 65 536 bytes are still accepted

    using Handler = std::function<Response(Services &, const Request &, const QStringList &params)>;

    struct Route
    {
        QByteArray method;
        QStringList segments;
        Lane lane;
        Handler handler;
    };

    // The route a request goes to, or the answer when none does (404, 405, 413).
    struct Match
    {
        const Route *route = nullptr;
        QStringList params;
        Response response; // when route is null
    };

    void add(QByteArray method, QString pattern, Lane lane, Handler handler);
    Match match(const Request &request) const;
    // Runs the matched handler. Handlers throw nothing but StoreError-like failures, which
    // become 503 (logged; no detail from inside leaks to the client).
    Response run(const Match &match, Services &services, const Request &request) const;
    // match() and run() in one, on the caller's thread whatever the lane (fuzzing, tests).
    Response dispatch(Services &services, const Request &request) const;

private:
    static bool matches(const Route &route, const QStringList &segments, QStringList *params);

    std::vector<Route> m_routes;
};

} // namespace keydesk::http
