#include "RequestReading.h"

#include "StrictJson.h"
#include "service/ServiceError.h"
#include "service/Services.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace keydesk::api {

Caller requireCaller(Services &services, const http::Request &request)
{
    const QString address = request.peer.toString();
    const QByteArray authorization = singleHeader(request, "Authorization");
    static constexpr QByteArrayView scheme = "bearer ";
    if (authorization.size() <= scheme.size()
        || QByteArrayView(authorization).first(scheme.size()).compare(scheme, Qt::CaseInsensitive)
            != 0) {
        throw ServiceError(
            ErrorCode::unauthenticated,
            QStringLiteral(
                "Sign in first: this call needs an Authorization: Bearer session token."));
    }
    return services.sessions.authenticate(authorization.sliced(scheme.size()).trimmed(), address);
}

QByteArray singleHeader(const http::Request &request, const char *name)
{
    if (request.headerCount(name) > 1) {
        throw ServiceError::invalidField(QString::fromLatin1(name),
                                         QStringLiteral("must be sent once"));
    }
    return request.header(name);
}

QString queryValue(const http::Request &request, const char *name, FieldErrors &errors)
{
    const QString key = QString::fromLatin1(name);
    if (!request.query.hasQueryItem(key))
        return {};
    if (request.query.allQueryItemValues(key).size() > 1) {
        errors.add(key, QStringLiteral("must be given once"));
        return {};
    }
    const QString value = request.query.queryItemValue(key, QUrl::FullyDecoded);
    return value.isNull() ? QStringLiteral("") : value;
}

JsonBody::JsonBody(const http::Request &request)
{
    const auto malformed = [](const QString &detail, const QString &message) {
        return ServiceError(ErrorCode::validationFailed, detail,
                            {{QStringLiteral("body"), message}});
    };
    if (!QByteArrayView(request.body).isValidUtf8()) {
        throw malformed(QStringLiteral("The body is not valid UTF-8."),
                        QStringLiteral("must be UTF-8 encoded JSON"));
    }
    const QString syntaxError = strictJsonError(request.body);
    QJsonParseError error;
    const QJsonDocument document =
        syntaxError.isEmpty() ? QJsonDocument::fromJson(request.body, &error) : QJsonDocument();
    if (!syntaxError.isEmpty() || error.error != QJsonParseError::NoError) {
        throw malformed(QStringLiteral("The body is not valid JSON (%1).")
                            .arg(syntaxError.isEmpty() ? QStringLiteral("%1 at offset %2")
                                                             .arg(error.errorString())
                                                             .arg(error.offset)
                                                       : syntaxError),
                        QStringLiteral("must be a JSON object"));
    }
    if (!document.isObject()) {
        throw malformed(QStringLiteral("The body must be a JSON object."),
                        QStringLiteral("must be a JSON object"));
    }
    m_object = document.object();
}

QString JsonBody::optionalString(const QString &field)
{
    const QJsonValue value = m_object.value(field);
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isString()) {
        m_errors.add(field, QStringLiteral("must be a string"));
        return {};
    }
    // Never null, so that "" stays distinguishable from absent.
    const QString text = value.toString();
    return text.isNull() ? QStringLiteral("") : text;
}

QString JsonBody::requiredString(const QString &field)
{
    const QJsonValue value = m_object.value(field);
    if (value.isUndefined() || value.isNull()) {
        m_errors.add(field, QStringLiteral("is required"));
        return {};
    }
    return optionalString(field);
}

} // namespace keydesk::api
