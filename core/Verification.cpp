#include "Verification.h"

#include "Rfc3339.h"

#include <QJsonDocument>

#include <algorithm>

namespace keydesk {

namespace {

// Needs no escaping in a JSON string: letters, digits, '_' (ids), ':', '.', '-' (RFC 3339).
bool isPlain(const QString &text)
{
    return std::all_of(text.cbegin(), text.cend(), [](QChar c) {
        return (c >= u'a' && c <= u'z') || (c >= u'A' && c <= u'Z') || (c >= u'0' && c <= u'9')
            || c == u'_' || c == u':' || c == u'.' || c == u'-';
    });
}

} // namespace

QJsonObject Verification::toJson() const
{
    return {
        {QStringLiteral("valid"), true},
        {QStringLiteral("key_id"), keyId},
        {QStringLiteral("organization_id"), organizationId},
        {QStringLiteral("access"), toWire(access)},
        {QStringLiteral("expires_at"), instantToJson(expiresAt)},
    };
}

QByteArray Verification::toCompactJson() const
{
    const QString expires = expiresAt.isValid() ? toRfc3339(expiresAt) : QString();
    if (!isPlain(keyId) || !isPlain(organizationId) || !isPlain(expires))
        return QJsonDocument(toJson()).toJson(QJsonDocument::Compact);
    // QJsonObject keeps its members sorted by name; so do we.
    QByteArray bytes;
    bytes.reserve(160);
    bytes += "{\"access\":\"";
    bytes += toWire(access).toLatin1();
    bytes += "\",\"expires_at\":";
    if (expiresAt.isValid()) {
        bytes += '"';
        bytes += expires.toLatin1();
        bytes += '"';
    } else {
        bytes += "null";
    }
    bytes += ",\"key_id\":\"";
    bytes += keyId.toLatin1();
    bytes += "\",\"organization_id\":\"";
    bytes += organizationId.toLatin1();
    bytes += "\",\"valid\":true}";
    return bytes;
}

std::optional<Verification> Verification::fromJson(const QJsonObject &json)
{
    const QJsonValue valid = json.value(QStringLiteral("valid"));
    const QJsonValue keyId = json.value(QStringLiteral("key_id"));
    const QJsonValue organizationId = json.value(QStringLiteral("organization_id"));
    const std::optional<Access> access =
        accessFromWire(json.value(QStringLiteral("access")).toString());
    if (valid != QJsonValue(true) || !keyId.isString() || !organizationId.isString() || !access)
        return std::nullopt;
    return Verification {keyId.toString(), organizationId.toString(), *access,
                         instantFromJson(json.value(QStringLiteral("expires_at")))};
}

} // namespace keydesk
