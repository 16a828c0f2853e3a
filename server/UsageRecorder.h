#pragma once

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QTimer>

namespace keydesk {

class Store;

// Batches `last_used_at`: a verification only notes the instant in memory, and a timer writes
// all of them in one transaction. The hot path never waits on a write per request, and the
// contract's "visible within 2 seconds" holds with the default one-second interval.
class UsageRecorder final : public QObject
{
    Q_OBJECT
public:
    UsageRecorder(Store &store, int flushIntervalMs, QObject *parent = nullptr);
    ~UsageRecorder() override;

    void record(const QString &keyId, const QDateTime &usedAt);
    void flush();

private:
    Store &m_store;
    QHash<QString, QDateTime> m_pending;
    QTimer m_timer;
};

} // namespace keydesk
