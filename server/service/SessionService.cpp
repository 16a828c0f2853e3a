#include "SessionService.h"

#include "AccountRules.h"
#include "KeyFormat.h"
#include "ServiceError.h"
#include "crypto/Crypto.h"

namespace keydesk {

namespace {

constexpr qsizetype tokenRandomLength = 43; // 256 bits of base62

// The hash unknown emails are checked against, so that they cost as much time as a wrong
// password and do not reveal which addresses have accounts. One per cost, computed once.
const QByteArray &decoyHash(const crypto::ScryptCost &cost)
{
    static std::mutex mutex;
    static QHash<QString, QByteArray> hashes;
    const QString costKey = QStringLiteral("%1/%2/%3").arg(cost.log2N).arg(cost.r).arg(cost.p);
    std::lock_guard lock(mutex);
    auto it = hashes.find(costKey);
    if (it == hashes.end())
        it = hashes.insert(costKey,
                           crypto::hashPassword("decoy password for unknown accounts", cost));
    return *it;
}

} // namespace

SessionService::SessionService(ServiceContext &context, AuditLog &audit)
    : m_context(context)
    , m_audit(audit)
    , m_throttle(context)
{ }

SessionGrant SessionService::signIn(const QString &email, const QString &password,
                                    const QString &address)
{
    FieldErrors errors;
    if (email.size() > AccountRules::maxEmailLength)
        errors.add(
            QStringLiteral("email"),
            QStringLiteral("must be at most %1 characters").arg(AccountRules::maxEmailLength));
    if (password.size() > AccountRules::maxPasswordLength)
        errors.add(
            QStringLiteral("password"),
            QStringLiteral("must be at most %1 characters").arg(AccountRules::maxPasswordLength));
    errors.throwIfAny();

    Store &store = m_context.store;
    const QString emailKey = Store::emailKey(email);
    try {
        m_throttle.check(emailKey, address);
    } catch (const ServiceError &) {
        m_audit.record(AuditAction::sessionCreate, {}, {}, {}, address, AuditOutcome::throttled);
        throw;
    }

    const std::optional<StoredUser> stored = store.userByEmail(email);
    const bool passwordOk = crypto::verifyPassword(
        password.toUtf8(),
        stored ? stored->passwordHash : decoyHash(m_context.config.passwordCost));
    if (!stored || !passwordOk) {
        store.inTransaction([&] {
            m_throttle.recordFailure(emailKey, address);
            m_audit.record(AuditAction::sessionCreate, stored ? stored->user.id : QString(), {}, {},
                           address, AuditOutcome::invalidCredentials);
        });
        throw ServiceError(ErrorCode::invalidCredentials,
                           QStringLiteral("The email address or the password is not correct."));
    }
    store.inTransaction([&] {
        m_throttle.clear(emailKey);
        m_audit.record(AuditAction::sessionCreate, stored->user.id, {}, {}, address);
    });
    return open(stored->user);
}

SessionGrant SessionService::open(const User &user)
{
    const QByteArray token = "kds_" + KeyFormat::randomBase62(tokenRandomLength);
    const QDateTime now = m_context.now();
    const QDateTime expiresAt = now.addMSecs(m_context.config.sessionLifetimeMs);
    m_context.store.createSession(crypto::sha256Hex(token), user.id, now, expiresAt);
    return {token, expiresAt, {user, m_context.store.memberships(user.id)}};
}

Caller SessionService::authenticate(const QByteArray &token, const QString &address)
{
    const QByteArray tokenHash = crypto::sha256Hex(token);
    const std::optional<User> user = m_context.store.sessionUser(tokenHash, m_context.now());
    if (!user) {
        throw ServiceError(ErrorCode::unauthenticated,
                           QStringLiteral("The session has expired or was ended. Sign in again."));
    }
    return {*user, tokenHash, address};
}

Account SessionService::account(const Caller &caller)
{
    return {caller.user, m_context.store.memberships(caller.user.id)};
}

void SessionService::signOut(const Caller &caller)
{
    m_context.store.inTransaction([&] {
        m_context.store.deleteSession(caller.tokenHash);
        m_audit.record(AuditAction::sessionDelete, caller.user.id, {}, {}, caller.address);
    });
}

} // namespace keydesk
