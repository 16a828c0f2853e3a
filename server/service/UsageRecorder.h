#pragma once

#include <QDateTime>
#include <QHash>
#include <QString>

#include <mutex>

namespace keydesk {

class Store;

// Batches `last_used_at` (DESIGN §3: visible within 2 s, without a write per verify). Every
// serving thread notes uses here (thread-safe, a short critical section); the server's
// background thread writes them all in one transaction every second (flushTo), and once more
// when the server stops.
class UsageRecorder final
{
    Q_DISABLE_COPY_MOVE(UsageRecorder)
public:
    UsageRecorder() = default;

    void record(const QString &keyId, const QDateTime &usedAt);
    // Writes what is pending through `store` (the caller's thread's connection). On a database
    // failure the uses are kept for the next flush and false is returned.
    bool flushTo(Store &store);
    bool hasPending() const;

private:
    mutable std::mutex m_mutex;
    QHash<QString, QDateTime> m_pending; // guarded by m_mutex
};

} // namespace keydesk
