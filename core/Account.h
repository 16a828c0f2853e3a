#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace keydesk {

enum class Role { Owner, Admin, Member };
QString toWire(Role role);
std::optional<Role> roleFromWire(QStringView text);
// Owners and admins manage keys; members only read them.
inline bool canManageKeys(Role role)
{
    return role != Role::Member;
}

struct User
{
    QString id;
    QString name;
    QString email;
    QJsonObject toJson() const;
    static User fromJson(const QJsonObject &json);
    bool operator==(const User &) const = default;
};

// An organization as seen by one of its members.
struct Membership
{
    QString id;
    QString name;
    Role role = Role::Member;
    QJsonObject toJson() const;
    static std::optional<Membership> fromJson(const QJsonObject &json);
    bool operator==(const Membership &) const = default;
};

struct Organization
{
    QString id;
    QString name;
    QDateTime createdAt;
    QJsonObject toJson() const;
    static Organization fromJson(const QJsonObject &json);
};

// GET /v1/me, and the body of a created session (which adds the token and its expiry).
struct Account
{
    User user;
    QList<Membership> organizations;
    QJsonObject toJson() const;
    static std::optional<Account> fromJson(const QJsonObject &json);
};

struct SessionGrant
{
    QByteArray token; // a secret: never log it
    QDateTime expiresAt;
    Account account;
    QJsonObject toJson() const;
    static std::optional<SessionGrant> fromJson(const QJsonObject &json);
};

// GET /v1/info
struct ServerInfo
{
    QString name;
    QString version;
    bool signupEnabled = false;
    QJsonObject toJson() const;
    static ServerInfo fromJson(const QJsonObject &json);
};

} // namespace keydesk
