#pragma once

#include <QDateTime>

#include <atomic>

namespace keydesk {

// Where "now" comes from. The server and the app ask a Clock instead of QDateTime directly so
// that tests can put expiry instants, session lifetimes and throttling windows where they want.
class Clock
{
public:
    virtual ~Clock() = default;
    // Always UTC, millisecond precision.
    virtual QDateTime now() const = 0;

    static const Clock &system();
};

// A clock that only moves when told to. Thread-safe: tests move it while a server thread reads it.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(const QDateTime &start);
    QDateTime now() const override;
    void set(const QDateTime &instant);
    void advance(qint64 milliseconds);

private:
    std::atomic<qint64> m_msecsSinceEpoch;
};

} // namespace keydesk
