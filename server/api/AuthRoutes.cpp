// GET /v1/info, POST /v1/signup, POST /v1/sessions, DELETE /v1/sessions/current, GET /v1/me

#include "ApiContext.h"
#include "Names.h"
#include "Routes.h"

#include "KeyFormat.h"
#include "crypto/Crypto.h"
#include "http/Router.h"

#include <QJsonArray>

namespace keydesk {

using http::ApiError;
using http::Request;
using http::Response;

namespace {

constexpr qint64 throttleWindowMs = 15 * 60 * 1000;
constexpr int maxFailuresPerEmail = 5;
constexpr int maxFailuresPerAddress = 20;
constexpr int minPasswordLength = 12;
constexpr int maxPasswordLength = 1024;
constexpr int maxEmailLength = 254;

void checkEmail(JsonBody &body, const QString &email)
{
    if (email.isNull())
        return; // already reported
    const QString trimmed = email.trimmed();
    const qsizetype at = trimmed.indexOf(u'@');
    const bool oneAt = at > 0 && at == trimmed.lastIndexOf(u'@') && at < trimmed.size() - 1;
    const bool plain = std::none_of(trimmed.begin(), trimmed.end(), [](QChar c) {
        return c.isSpace() || c.category() == QChar::Other_Control;
    });
    if (trimmed.size() > maxEmailLength)
        body.fail(QStringLiteral("email"),
                  QStringLiteral("must be at most %1 characters").arg(maxEmailLength));
    else if (!oneAt || !plain)
        body.fail(QStringLiteral("email"),
                  QStringLiteral("must be an email address such as ada@example.com"));
}

// A name that must be present: the display name and the organization name at sign-up.
QString checkRequiredName(JsonBody &body, const QString &field, const QString &raw)
{
    if (raw.isNull())
        return {};
    const NameCheck check = checkName(raw);
    if (!check.ok())
        body.fail(field, describe(check.problem));
    else if (check.normalized.isEmpty())
        body.fail(field, QStringLiteral("must not be empty"));
    return check.normalized;
}

void checkPassword(JsonBody &body, const QString &password)
{
    if (password.isNull())
        return;
    if (password.size() < minPasswordLength || password.size() > maxPasswordLength) {
        body.fail(QStringLiteral("password"),
                  QStringLiteral("must be %1 to %2 characters long")
                      .arg(minPasswordLength)
                      .arg(maxPasswordLength));
    }
}

Response sessionResponse(ApiContext &context, const User &user)
{
    const QByteArray token = "kds_" + KeyFormat::randomBase62(43);
    const QDateTime now = context.now();
    const QDateTime expiresAt = now.addMSecs(context.config.sessionLifetimeMs);
    context.store.createSession(crypto::sha256Hex(token), user.id, now, expiresAt);
    const SessionGrant grant {token, expiresAt, {user, context.store.memberships(user.id)}};
    return http::jsonResponse(201, grant.toJson());
}

// Seconds until the oldest failure that keeps the count at its limit leaves the window.
qint64 retryAfterSeconds(const QList<qint64> &failures, int limit, qint64 nowMs)
{
    const qint64 freedAt = failures.at(failures.size() - limit) + throttleWindowMs;
    return qMax<qint64>(1, (freedAt - nowMs + 999) / 1000);
}

} // namespace

void addAuthRoutes(http::Router &router, ApiContext &context)
{
    router.add("GET", QStringLiteral("/v1/info"), [&context](const Request &, const QStringList &) {
        const ServerInfo info {QStringLiteral("KeyDesk"), QStringLiteral(KEYDESK_VERSION),
                               context.config.allowSignup};
        return http::jsonResponse(200, info.toJson());
    });

    router.add(
        "POST", QStringLiteral("/v1/signup"),
        [&context](const Request &request, const QStringList &) {
            if (!context.config.allowSignup) {
                throw ApiError(
                    403, ErrorCode::signupDisabled,
                    QStringLiteral(
                        "Sign-up is disabled on this server. Ask its operator for an account."));
            }
            JsonBody body(request);
            const QString organizationName =
                checkRequiredName(body, QStringLiteral("organization_name"),
                                  body.requiredString(QStringLiteral("organization_name")));
            const QString name = checkRequiredName(body, QStringLiteral("name"),
                                                   body.requiredString(QStringLiteral("name")));
            const QString email = body.requiredString(QStringLiteral("email"));
            checkEmail(body, email);
            const QString password = body.requiredString(QStringLiteral("password"));
            checkPassword(body, password);
            body.finish();

            const QByteArray passwordHash =
                crypto::hashPassword(password.toUtf8(), context.config.passwordCost);
            const QDateTime now = context.now();
            const User user = context.store.inTransaction([&] {
                const std::optional<User> created =
                    context.store.createUser(email, name, passwordHash, now);
                if (!created) {
                    throw ApiError(
                        409, ErrorCode::emailTaken,
                        QStringLiteral(
                            "An account with this email address exists already. Sign in instead."));
                }
                const Organization organization =
                    context.store.createOrganization(organizationName, now);
                context.store.addMembership(organization.id, created->id, Role::Owner, now);
                context.audit(request, QStringLiteral("signup"), created->id, organization.id,
                              created->id);
                return *created;
            });
            return sessionResponse(context, user);
        });

    // Computed once: unknown emails are checked against it so that they cost as much time as a
    // wrong password, and do not reveal which addresses have accounts.
    const auto decoyHash = std::make_shared<QByteArray>(
        crypto::hashPassword("decoy password for unknown accounts", context.config.passwordCost));

    router.add(
        "POST", QStringLiteral("/v1/sessions"),
        [&context, decoyHash](const Request &request, const QStringList &) {
            JsonBody body(request);
            const QString email = body.requiredString(QStringLiteral("email"));
            const QString password = body.requiredString(QStringLiteral("password"));
            if (email.size() > maxEmailLength)
                body.fail(QStringLiteral("email"),
                          QStringLiteral("must be at most %1 characters").arg(maxEmailLength));
            if (password.size() > maxPasswordLength)
                body.fail(QStringLiteral("password"),
                          QStringLiteral("must be at most %1 characters").arg(maxPasswordLength));
            body.finish();

            const QString emailKey = Store::emailKey(email);
            const QString address = request.peer.toString();
            const qint64 nowMs = context.now().toMSecsSinceEpoch();
            const QList<qint64> byEmail =
                context.store.loginFailuresForEmail(emailKey, nowMs - throttleWindowMs);
            const QList<qint64> byAddress =
                context.store.loginFailuresForAddress(address, nowMs - throttleWindowMs);
            if (byEmail.size() >= maxFailuresPerEmail
                || byAddress.size() >= maxFailuresPerAddress) {
                qint64 wait = 0;
                if (byEmail.size() >= maxFailuresPerEmail)
                    wait = retryAfterSeconds(byEmail, maxFailuresPerEmail, nowMs);
                if (byAddress.size() >= maxFailuresPerAddress)
                    wait = qMax(wait, retryAfterSeconds(byAddress, maxFailuresPerAddress, nowMs));
                context.audit(request, QStringLiteral("session.create"), {}, {}, {},
                              QStringLiteral("throttled"));
                throw ApiError(
                    429, ErrorCode::tooManyAttempts,
                    QStringLiteral("Too many failed sign-in attempts. Try again in %1 seconds.")
                        .arg(wait))
                    .withHeader("Retry-After", QByteArray::number(wait));
            }

            const std::optional<StoredUser> stored = context.store.userByEmail(email);
            const bool passwordOk = crypto::verifyPassword(
                password.toUtf8(), stored ? stored->passwordHash : *decoyHash);
            if (!stored || !passwordOk) {
                context.store.recordLoginFailure(emailKey, address, context.now(),
                                                 throttleWindowMs);
                context.audit(request, QStringLiteral("session.create"),
                              stored ? stored->user.id : QString(), {}, {},
                              QStringLiteral("invalid_credentials"));
                throw ApiError(401, ErrorCode::invalidCredentials,
                               QStringLiteral("The email address or the password is not correct."));
            }
            context.store.clearLoginFailures(emailKey);
            context.audit(request, QStringLiteral("session.create"), stored->user.id, {}, {});
            return sessionResponse(context, stored->user);
        });

    router.add("DELETE", QStringLiteral("/v1/sessions/current"),
               [&context](const Request &request, const QStringList &) {
                   const Caller caller = context.requireSession(request);
                   context.store.deleteSession(caller.tokenHash);
                   context.audit(request, QStringLiteral("session.delete"), caller.user.id, {}, {});
                   return http::noContent();
               });

    router.add("GET", QStringLiteral("/v1/me"),
               [&context](const Request &request, const QStringList &) {
                   const Caller caller = context.requireSession(request);
                   const Account account {caller.user, context.store.memberships(caller.user.id)};
                   return http::jsonResponse(200, account.toJson());
               });
}

} // namespace keydesk
