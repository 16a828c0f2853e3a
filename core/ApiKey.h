#pragma once

#include "Expiration.h"

#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace keydesk {

enum class Access { Full, ReadOnly };
QString toWire(Access access);
std::optional<Access> accessFromWire(QStringView text);

enum class KeyStatus { Active, Expired, Revoked };
QString toWire(KeyStatus status);
std::optional<KeyStatus> keyStatusFromWire(QStringView text);

struct UserRef
{
    QString id;
    QString name;
    bool operator==(const UserRef &) const = default;
};

// An organization's API key as the REST contract describes it. Never holds the secret.
struct ApiKey
{
    QString id;
    QString name; // null QString: unnamed
    QString hint; // "kd_…a1B2"
    Access access = Access::Full;
    Expiration expiration = Expiration::Never;
    QDateTime createdAt;
    UserRef createdBy;
    QDateTime expiresAt; // null: never expires
    QDateTime lastUsedAt; // null: never used
    QDateTime revokedAt; // null: not revoked

    // Revoked wins over expired: a revoked key stays revoked whatever its date.
    KeyStatus statusAt(const QDateTime &now) const;

    // `now` decides the "status" member, so the server and a client with the same clock agree.
    QJsonObject toJson(const QDateTime &now) const;
    // std::nullopt when a required member is missing or of the wrong type.
    static std::optional<ApiKey> fromJson(const QJsonObject &json);

    bool operator==(const ApiKey &) const = default;
};

} // namespace keydesk
