#pragma once

#include "ServiceContext.h"

namespace keydesk {

// Login throttling (DESIGN §3): after 5 failed attempts for one email within 15 minutes, or 20
// from one client address, further attempts, the right password included, are refused until
// the window has passed. Failures live in the database, so every instance counts them.
// Time (DESIGN §3b): a failure dated after "now" (recorded before the clock was stepped back)
// counts as happening now, and is rewritten so; it never makes the window longer than 15
// minutes from the moment the server notices.
class LoginThrottle final
{
public:
    static constexpr qint64 windowMs = 15 * 60 * 1000;
    static constexpr int maxFailuresPerEmail = 5;
    static constexpr int maxFailuresPerAddress = 20;

    explicit LoginThrottle(ServiceContext &context)
        : m_context(context)
    { }

    // Throws ServiceError too_many_attempts, with the seconds to wait, when either limit is met.
    void check(const QString &emailKey, const QString &address);
    void recordFailure(const QString &emailKey, const QString &address);
    void clear(const QString &emailKey);

private:
    ServiceContext &m_context;
};

} // namespace keydesk
