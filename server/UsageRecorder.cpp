#include "UsageRecorder.h"

#include "storage/Store.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcUsage, "keydesk.usage")

namespace keydesk {

UsageRecorder::UsageRecorder(Store &store, int flushIntervalMs, QObject *parent)
    : QObject(parent)
    , m_store(store)
{
    m_timer.setInterval(flushIntervalMs);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &UsageRecorder::flush);
}

UsageRecorder::~UsageRecorder()
{
    flush();
}

void UsageRecorder::record(const QString &keyId, const QDateTime &usedAt)
{
    QDateTime &latest = m_pending[keyId];
    if (!latest.isValid() || usedAt > latest)
        latest = usedAt;
    if (!m_timer.isActive())
        m_timer.start();
}

void UsageRecorder::flush()
{
    if (m_pending.isEmpty())
        return;
    try {
        m_store.recordKeyUse(m_pending);
        m_pending.clear();
    } catch (const StoreError &error) {
        // Keep the instants and try again at the next tick: usage is worth a retry, not a crash.
        qCWarning(lcUsage, "could not record key use (will retry): %s", error.what());
        m_timer.start();
    }
}

} // namespace keydesk
