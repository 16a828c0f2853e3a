#include "Clock.h"

namespace keydesk {

namespace {
class SystemClock final : public Clock
{
public:
    QDateTime now() const override { return QDateTime::currentDateTimeUtc(); }
};
} // namespace

const Clock &Clock::system()
{
    static const SystemClock clock;
    return clock;
}

ManualClock::ManualClock(const QDateTime &start)
    : m_msecsSinceEpoch(start.toMSecsSinceEpoch())
{ }

QDateTime ManualClock::now() const
{
    return QDateTime::fromMSecsSinceEpoch(m_msecsSinceEpoch.load(), Qt::UTC);
}

void ManualClock::set(const QDateTime &instant)
{
    m_msecsSinceEpoch.store(instant.toMSecsSinceEpoch());
}

void ManualClock::advance(qint64 milliseconds)
{
    m_msecsSinceEpoch.fetch_add(milliseconds);
}

} // namespace keydesk
