#include "ApiKey.h"

#include "Rfc3339.h"

namespace keydesk {

QString toWire(Access access)
{
    return access == Access::ReadOnly ? QStringLiteral("read_only") : QStringLiteral("full");
}

std::optional<Access> accessFromWire(QStringView text)
{
    if (text == u"full")
        return Access::Full;
    if (text == u"read_only")
        return Access::ReadOnly;
    return std::nullopt;
}

QString toWire(KeyStatus status)
{
    switch (status) {
    case KeyStatus::Active:
        return QStringLiteral("active");
    case KeyStatus::Expired:
        return QStringLiteral("expired");
    case KeyStatus::Revoked:
        return QStringLiteral("revoked");
    }
    Q_UNREACHABLE();
    return QString();
}

std::optional<KeyStatus> keyStatusFromWire(QStringView text)
{
    for (KeyStatus status : {KeyStatus::Active, KeyStatus::Expired, KeyStatus::Revoked}) {
        if (text == toWire(status))
            return status;
    }
    return std::nullopt;
}

KeyStatus ApiKey::statusAt(const QDateTime &now) const
{
    if (revokedAt.isValid())
        return KeyStatus::Revoked;
    if (isExpiredAt(expiresAt, now))
        return KeyStatus::Expired;
    return KeyStatus::Active;
}

QJsonObject ApiKey::toJson(const QDateTime &now) const
{
    return QJsonObject {
        {QStringLiteral("id"), id},
        {QStringLiteral("name"), name.isNull() ? QJsonValue(QJsonValue::Null) : QJsonValue(name)},
        {QStringLiteral("hint"), hint},
        {QStringLiteral("access"), toWire(access)},
        {QStringLiteral("expiration"), toWire(expiration)},
        {QStringLiteral("created_at"), instantToJson(createdAt)},
        {QStringLiteral("created_by"),
         QJsonObject {{QStringLiteral("id"), createdBy.id},
                      {QStringLiteral("name"), createdBy.name}}},
        {QStringLiteral("expires_at"), instantToJson(expiresAt)},
        {QStringLiteral("last_used_at"), instantToJson(lastUsedAt)},
        {QStringLiteral("revoked_at"), instantToJson(revokedAt)},
        {QStringLiteral("status"), toWire(statusAt(now))},
    };
}

std::optional<ApiKey> ApiKey::fromJson(const QJsonObject &json)
{
    ApiKey key;
    const QJsonValue id = json.value(QStringLiteral("id"));
    const QJsonValue name = json.value(QStringLiteral("name"));
    const QJsonValue hint = json.value(QStringLiteral("hint"));
    if (!id.isString() || !hint.isString()
        || !(name.isString() || name.isNull() || name.isUndefined()))
        return std::nullopt;
    key.id = id.toString();
    key.hint = hint.toString();
    if (name.isString() && !name.toString().isEmpty())
        key.name = name.toString();

    const auto access = accessFromWire(json.value(QStringLiteral("access")).toString());
    const auto expiration = expirationFromWire(json.value(QStringLiteral("expiration")).toString());
    if (!access || !expiration)
        return std::nullopt;
    key.access = *access;
    key.expiration = *expiration;

    key.createdAt = instantFromJson(json.value(QStringLiteral("created_at")));
    if (!key.createdAt.isValid())
        return std::nullopt;
    const QJsonObject createdBy = json.value(QStringLiteral("created_by")).toObject();
    key.createdBy = {createdBy.value(QStringLiteral("id")).toString(),
                     createdBy.value(QStringLiteral("name")).toString()};
    key.expiresAt = instantFromJson(json.value(QStringLiteral("expires_at")));
    key.lastUsedAt = instantFromJson(json.value(QStringLiteral("last_used_at")));
    key.revokedAt = instantFromJson(json.value(QStringLiteral("revoked_at")));
    return key;
}

} // namespace keydesk
