#include "UsageRecorder.h"

#include "storage/Store.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcUsage, "keydesk.usage")

namespace keydesk {

void UsageRecorder::record(const QString &keyId, const QDateTime &usedAt)
{
    std::lock_guard lock(m_mutex);
    QDateTime &latest = m_pending[keyId];
    if (!latest.isValid() || usedAt > latest)
        latest = usedAt;
}

bool UsageRecorder::hasPending() const
{
    std::lock_guard lock(m_mutex);
    return !m_pending.isEmpty();
}

bool UsageRecorder::flushTo(Store &store)
{
    QHash<QString, QDateTime> batch;
    {
        std::lock_guard lock(m_mutex);
        batch.swap(m_pending);
    }
    if (batch.isEmpty())
        return true;
    try {
        store.recordKeyUse(batch);
        return true;
    } catch (const StoreError &error) {
        // Put the instants back (keeping the later of each) and try again at the next flush:
        // usage is worth a retry, not a crash.
        qCWarning(lcUsage, "could not record key use (will retry): %s", error.what());
        for (auto it = batch.cbegin(); it != batch.cend(); ++it)
            record(it.key(), it.value());
        return false;
    }
}

} // namespace keydesk
