#include "ChangeListener.h"

#include "Store.h"

#include <QElapsedTimer>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcChanges, "keydesk.changes")

namespace keydesk {

namespace {
qint64 monotonicMs()
{
    static const QElapsedTimer clock = [] {
        QElapsedTimer timer;
        timer.start();
        return timer;
    }();
    return clock.elapsed();
}
} // namespace

ChangeListener::ChangeListener(QString databaseUrl, QObject *parent)
    : QObject(parent)
    , m_databaseUrl(std::move(databaseUrl))
{
    m_timer.setInterval(checkIntervalMs);
    connect(&m_timer, &QTimer::timeout, this, &ChangeListener::check);
}

ChangeListener::~ChangeListener() = default;

void ChangeListener::start()
{
    connectAndListen();
    m_timer.start();
}

void ChangeListener::check()
{
    const qint64 now = monotonicMs();
    if (m_up) {
        bool alive = m_store->connectionAlive();
        if (alive && now - m_lastPingMs >= pingIntervalMs) {
            m_lastPingMs = now;
            alive = m_store->ping();
        }
        if (!alive) {
            qCWarning(lcChanges, "lost the change notifications of other instances; verifying "
                                 "against the database until they are back");
            m_store.reset();
            setUp(false);
        }
        return;
    }
    if (now - m_lastAttemptMs >= reconnectIntervalMs)
        connectAndListen();
}

void ChangeListener::connectAndListen()
{
    m_lastAttemptMs = monotonicMs();
    try {
        m_store = std::make_unique<Store>(m_databaseUrl);
    } catch (const StoreError &error) {
        qCDebug(lcChanges, "cannot connect to listen for changes: %s", error.what());
        return;
    }
    if (!m_store->subscribeToChanges([this](const QString &payload) { received(payload); })) {
        m_store.reset();
        return;
    }
    m_lastPingMs = m_lastAttemptMs;
    if (!m_up)
        qCInfo(lcChanges, "listening for changes made by other instances");
    setUp(true);
}

void ChangeListener::setUp(bool up)
{
    if (m_up == up)
        return;
    m_up = up;
    Q_EMIT channelUp(up);
}

void ChangeListener::received(const QString &payload)
{
    if (payload.startsWith(QLatin1String(Store::keyChangePrefix)))
        Q_EMIT keyChanged(payload.mid(qsizetype(qstrlen(Store::keyChangePrefix))));
    else if (payload.startsWith(QLatin1String(Store::organizationChangePrefix)))
        Q_EMIT organizationChanged(payload.mid(qsizetype(qstrlen(Store::organizationChangePrefix))));
}

} // namespace keydesk
