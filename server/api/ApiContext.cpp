#include "ApiContext.h"

#include "StrictJson.h"
#include "crypto/Crypto.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace keydesk {

using http::ApiError;

Caller ApiContext::requireSession(const http::Request &request) const
{
    const QByteArray authorization = request.header("authorization");
    static constexpr QByteArrayView scheme = "bearer ";
    if (authorization.size() <= scheme.size()
        || QByteArrayView(authorization).first(scheme.size()).compare(scheme, Qt::CaseInsensitive)
            != 0) {
        throw ApiError(
            401, ErrorCode::unauthenticated,
            QStringLiteral(
                "Sign in first: this call needs an Authorization: Bearer session token."))
            .withHeader("WWW-Authenticate", "Bearer");
    }
    const QByteArray tokenHash = crypto::sha256Hex(authorization.sliced(scheme.size()).trimmed());
    const std::optional<User> user = store.sessionUser(tokenHash, now());
    if (!user) {
        throw ApiError(401, ErrorCode::unauthenticated,
                       QStringLiteral("The session has expired or was ended. Sign in again."))
            .withHeader("WWW-Authenticate", "Bearer");
    }
    return {*user, tokenHash};
}

Role ApiContext::requireMember(const Caller &caller, const QString &organizationId) const
{
    const std::optional<Role> role = store.role(caller.user.id, organizationId);
    if (!role)
        throw ApiError(404, ErrorCode::notFound, QStringLiteral("No such organization."));
    return *role;
}

void ApiContext::requireKeyManager(Role role)
{
    if (!canManageKeys(role)) {
        throw ApiError(
            403, ErrorCode::forbidden,
            QStringLiteral("Only owners and admins of the organization can manage its API keys."));
    }
}

void ApiContext::audit(const http::Request &request, const QString &action, const QString &actorId,
                       const QString &organizationId, const QString &targetId,
                       const QString &outcome) const
{
    store.audit({action, actorId, organizationId, targetId, request.peer.toString(), outcome},
                now());
}

JsonBody::JsonBody(const http::Request &request)
{
    if (!QByteArrayView(request.body).isValidUtf8()) {
        throw ApiError(400, ErrorCode::validationFailed,
                       QStringLiteral("The body is not valid UTF-8."),
                       {{QStringLiteral("body"), QStringLiteral("must be UTF-8 encoded JSON")}});
    }
    const QString syntaxError = strictJsonError(request.body);
    QJsonParseError error;
    const QJsonDocument document =
        syntaxError.isEmpty() ? QJsonDocument::fromJson(request.body, &error) : QJsonDocument();
    if (!syntaxError.isEmpty() || error.error != QJsonParseError::NoError) {
        throw ApiError(400, ErrorCode::validationFailed,
                       QStringLiteral("The body is not valid JSON (%1).")
                           .arg(syntaxError.isEmpty() ? QStringLiteral("%1 at offset %2")
                                                            .arg(error.errorString())
                                                            .arg(error.offset)
                                                      : syntaxError),
                       {{QStringLiteral("body"), QStringLiteral("must be a JSON object")}});
    }
    if (!document.isObject()) {
        throw ApiError(400, ErrorCode::validationFailed,
                       QStringLiteral("The body must be a JSON object."),
                       {{QStringLiteral("body"), QStringLiteral("must be a JSON object")}});
    }
    m_object = document.object();
}

QString JsonBody::optionalString(const QString &field)
{
    const QJsonValue value = m_object.value(field);
    if (value.isUndefined() || value.isNull())
        return {};
    if (!value.isString()) {
        fail(field, QStringLiteral("must be a string"));
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
        fail(field, QStringLiteral("is required"));
        return {};
    }
    return optionalString(field);
}

void JsonBody::fail(const QString &field, const QString &message)
{
    m_errors.append({field, message});
}

void JsonBody::finish() const
{
    if (m_errors.isEmpty())
        return;
    QStringList fields;
    for (const FieldError &error : m_errors)
        fields.append(QStringLiteral("%1 %2").arg(error.field, error.message));
    throw ApiError(
        400, ErrorCode::validationFailed,
        QStringLiteral("The request is not valid: %1.").arg(fields.join(QStringLiteral("; "))),
        m_errors);
}

} // namespace keydesk
