#pragma once

#include "Http.h"

#include <QStringList>

#include <functional>
#include <vector>

namespace keydesk::http {

// Maps "METHOD /v1/organizations/{}/api-keys/{}" to handlers. `{}` matches one non-empty path
// segment, handed to the handler in order. A known path with another method is 405 with Allow;
// anything else is 404. Every answer, handler exceptions included, is a Response.
class Router
{
public:
    static constexpr qsizetype maxBodyBytes = 64 * 1024; // 65 536 bytes are still accepted

    using Handler = std::function<Response(const Request &, const QStringList &params)>;

    void add(QByteArray method, QString pattern, Handler handler);
    Response dispatch(const Request &request) const;

private:
    struct Route
    {
        QByteArray method;
        QStringList segments;
        Handler handler;
    };
    static bool matches(const Route &route, const QStringList &segments, QStringList *params);

    std::vector<Route> m_routes;
};

} // namespace keydesk::http
