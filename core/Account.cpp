#include "Account.h"

#include "Rfc3339.h"

#include <QJsonArray>

namespace keydesk {

QString toWire(Role role)
{
    switch (role) {
    case Role::Owner:
        return QStringLiteral("owner");
    case Role::Admin:
        return QStringLiteral("admin");
    case Role::Member:
        return QStringLiteral("member");
    }
    Q_UNREACHABLE();
    return QString();
}

std::optional<Role> roleFromWire(QStringView text)
{
    for (Role role : {Role::Owner, Role::Admin, Role::Member}) {
        if (text == toWire(role))
            return role;
    }
    return std::nullopt;
}

QJsonObject User::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("email"), email}};
}

User User::fromJson(const QJsonObject &json)
{
    return {json.value(QStringLiteral("id")).toString(),
            json.value(QStringLiteral("name")).toString(),
            json.value(QStringLiteral("email")).toString()};
}

QJsonObject Membership::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("role"), toWire(role)}};
}

std::optional<Membership> Membership::fromJson(const QJsonObject &json)
{
    const auto role = roleFromWire(json.value(QStringLiteral("role")).toString());
    const QString id = json.value(QStringLiteral("id")).toString();
    if (!role || id.isEmpty())
        return std::nullopt;
    return Membership {id, json.value(QStringLiteral("name")).toString(), *role};
}

QJsonObject Organization::toJson() const
{
    return {{QStringLiteral("id"), id},
            {QStringLiteral("name"), name},
            {QStringLiteral("created_at"), instantToJson(createdAt)}};
}

Organization Organization::fromJson(const QJsonObject &json)
{
    return {json.value(QStringLiteral("id")).toString(),
            json.value(QStringLiteral("name")).toString(),
            instantFromJson(json.value(QStringLiteral("created_at")))};
}

QJsonObject Account::toJson() const
{
    QJsonArray list;
    for (const Membership &membership : organizations)
        list.append(membership.toJson());
    return {{QStringLiteral("user"), user.toJson()}, {QStringLiteral("organizations"), list}};
}

std::optional<Account> Account::fromJson(const QJsonObject &json)
{
    const QJsonValue user = json.value(QStringLiteral("user"));
    if (!user.isObject())
        return std::nullopt;
    Account account {User::fromJson(user.toObject()), {}};
    if (account.user.id.isEmpty())
        return std::nullopt;
    const QJsonArray list = json.value(QStringLiteral("organizations")).toArray();
    for (const QJsonValue &entry : list) {
        if (auto membership = Membership::fromJson(entry.toObject()))
            account.organizations.append(*membership);
    }
    return account;
}

QJsonObject SessionGrant::toJson() const
{
    QJsonObject json = account.toJson();
    json.insert(QStringLiteral("token"), QString::fromLatin1(token));
    json.insert(QStringLiteral("expires_at"), instantToJson(expiresAt));
    return json;
}

std::optional<SessionGrant> SessionGrant::fromJson(const QJsonObject &json)
{
    const auto account = Account::fromJson(json);
    const QString token = json.value(QStringLiteral("token")).toString();
    if (!account || token.isEmpty())
        return std::nullopt;
    return SessionGrant {token.toLatin1(),
                         instantFromJson(json.value(QStringLiteral("expires_at"))), *account};
}

QJsonObject ServerInfo::toJson() const
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("version"), version},
            {QStringLiteral("signup_enabled"), signupEnabled}};
}

ServerInfo ServerInfo::fromJson(const QJsonObject &json)
{
    return {json.value(QStringLiteral("name")).toString(),
            json.value(QStringLiteral("version")).toString(),
            json.value(QStringLiteral("signup_enabled")).toBool()};
}

} // namespace keydesk
