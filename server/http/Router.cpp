#include "Router.h"

#include <QLoggingCategory>
#include <QUrl>

#include <exception>

Q_LOGGING_CATEGORY(lcRouter, "keydesk.router")

namespace keydesk::http {

void Router::add(QByteArray method, QString pattern, Lane lane, Handler handler)
{
    m_routes.push_back(
        {std::move(method), pattern.split(u'/', Qt::SkipEmptyParts), lane, std::move(handler)});
}

bool Router::matches(const Route &route, const QStringList &segments, QStringList *params)
{
    if (route.segments.size() != segments.size())
        return false;
    params->clear();
    for (qsizetype i = 0; i < segments.size(); ++i) {
        if (route.segments.at(i) == u"{}")
            params->append(segments.at(i));
        else if (route.segments.at(i) != segments.at(i))
            return false;
    }
    return true;
}

Router::Match Router::match(const Request &request) const
{
    Match result;
    if (request.body.size() > maxBodyBytes) {
        result.response = problemResponse(
            413, ErrorCode::payloadTooLarge,
            QStringLiteral("The request body must not exceed %1 bytes.").arg(maxBodyBytes));
        return result;
    }
    // A path is a sequence of non-empty segments: "//v1" or "/v1/" are not our routes.
    // Split before decoding, so that an encoded slash (%2F) stays inside its segment.
    const QStringList segments = request.path.split(u'/');
    if (segments.size() < 2 || !segments.first().isEmpty()
        || std::any_of(segments.begin() + 1, segments.end(),
                       [](const QString &s) { return s.isEmpty(); })) {
        result.response =
            problemResponse(404, ErrorCode::notFound, QStringLiteral("No such resource."));
        return result;
    }
    QStringList wanted = segments.mid(1);
    if (request.path.contains(u'%')) {
        for (QString &segment : wanted)
            segment = QUrl::fromPercentEncoding(segment.toUtf8());
    }

    QByteArrayList allowed;
    for (const Route &route : m_routes) {
        if (!matches(route, wanted, &result.params))
            continue;
        if (route.method != request.method) {
            allowed.append(route.method);
            continue;
        }
        result.route = &route;
        return result;
    }
    result.params.clear();
    if (!allowed.isEmpty()) {
        result.response = problemResponse(405, ErrorCode::methodNotAllowed,
                                          QStringLiteral("This resource does not support %1.")
                                              .arg(QString::fromLatin1(request.method)));
        result.response.headers.append({"Allow", allowed.join(", ")});
        return result;
    }
    result.response =
        problemResponse(404, ErrorCode::notFound, QStringLiteral("No such resource."));
    return result;
}

Response Router::run(const Match &match, Services &services, const Request &request) const
{
    if (!match.route)
        return match.response;
    try {
        return match.route->handler(services, request, match.params);
    } catch (const std::exception &error) {
        // Storage failures and the like: the client did nothing wrong, so no detail from
        // inside leaks out; the operator's log has it.
        qCCritical(lcRouter, "%s %s failed: %s", request.method.constData(),
                   qUtf8Printable(match.route->segments.join(u'/')), error.what());
        return problemResponse(
            503, ErrorCode::internalError,
            QStringLiteral("The service is temporarily unavailable. Try again shortly."));
    } catch (...) {
        // Nothing else should arrive here (api/ maps ServiceError); if it does, the client
        // still gets an answer and the process lives on.
        qCCritical(lcRouter, "%s %s failed with an unexpected exception",
                   request.method.constData(), qUtf8Printable(match.route->segments.join(u'/')));
        return problemResponse(
            503, ErrorCode::internalError,
            QStringLiteral("The service is temporarily unavailable. Try again shortly."));
    }
}

Response Router::dispatch(Services &services, const Request &request) const
{
    return run(match(request), services, request);
}

} // namespace keydesk::http
