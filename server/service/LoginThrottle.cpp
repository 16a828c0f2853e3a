#include "LoginThrottle.h"

#include "ServiceError.h"

namespace keydesk {

namespace {

// Seconds until the oldest failure that keeps the count at its limit leaves the window.
qint64 retryAfterSeconds(const QList<qint64> &failures, int limit, qint64 nowMs)
{
    const qint64 freedAt = failures.at(failures.size() - limit) + LoginThrottle::windowMs;
    return qMax<qint64>(1, (freedAt - nowMs + 999) / 1000);
}

} // namespace

void LoginThrottle::check(const QString &emailKey, const QString &address)
{
    Store &store = m_context.store;
    const qint64 nowMs = m_context.now().toMSecsSinceEpoch();
    const qint64 since = nowMs - windowMs;
    // Failures from the future (a clock stepped back) become failures of now; without this one
    // recorded an hour "ahead" would keep the account locked for an hour and fifteen minutes.
    store.clampLoginFailures(emailKey, address, nowMs);
    const QList<qint64> byEmail = store.loginFailuresForEmail(emailKey, since);
    const QList<qint64> byAddress = store.loginFailuresForAddress(address, since);
    qint64 wait = 0;
    if (byEmail.size() >= maxFailuresPerEmail)
        wait = retryAfterSeconds(byEmail, maxFailuresPerEmail, nowMs);
    if (byAddress.size() >= maxFailuresPerAddress)
        wait = qMax(wait, retryAfterSeconds(byAddress, maxFailuresPerAddress, nowMs));
    if (wait > 0) {
        throw ServiceError(
            ErrorCode::tooManyAttempts,
            QStringLiteral("Too many failed sign-in attempts. Try again in %1 seconds.").arg(wait))
            .withRetryAfter(wait);
    }
}

void LoginThrottle::recordFailure(const QString &emailKey, const QString &address)
{
    m_context.store.recordLoginFailure(emailKey, address, m_context.now(), windowMs);
}

void LoginThrottle::clear(const QString &emailKey)
{
    m_context.store.clearLoginFailures(emailKey);
}

} // namespace keydesk
