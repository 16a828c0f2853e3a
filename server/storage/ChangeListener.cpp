#include "ChangeListener.h"

#include "KeyFormat.h"
#include "Store.h"

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcChanges, "keydesk.changes")

namespace keydesk {

ChangeListener::ChangeListener(QString databaseUrl, QObject *parent)
    : QObject(parent)
    , m_databaseUrl(std::move(databaseUrl))
    // Lowercase: PostgreSQL folds unquoted channel names.
    , m_heartbeatChannel(QStringLiteral("keydesk_heartbeat_")
                         + QString::fromLatin1(KeyFormat::randomBase62(16)).toLower())
{
    m_timer.setInterval(tickInterval);
    connect(&m_timer, &QTimer::timeout, this, &ChangeListener::tick);
}

ChangeListener::~ChangeListener() = default;

void ChangeListener::start()
{
    connectAndListen();
    m_timer.start();
}

void ChangeListener::tick()
{
    const SteadyClock::time_point now = SteadyClock::now();
    if (!m_up) {
        if (now - m_lastAttempt >= reconnectInterval)
            connectAndListen();
        return;
    }
    if (m_store->connectionAlive() && now - m_lastConfirmed <= staleAfter) {
        try {
            m_sender->notify(m_heartbeatChannel, QString::number(now.time_since_epoch().count()));
            return;
        } catch (const StoreError &) {
            // the connection failed under us: lost, below
        }
    }
    lose();
}

void ChangeListener::lose()
{
    qCWarning(lcChanges,
              "lost the change notifications of other instances; verifying against "
              "the database until they are back");
    m_store.reset();
    m_sender.reset();
    setUp(false);
}

void ChangeListener::connectAndListen()
{
    m_lastAttempt = SteadyClock::now();
    try {
        m_store = std::make_unique<Store>(m_databaseUrl);
        m_sender = std::make_unique<Store>(m_databaseUrl);
    } catch (const StoreError &error) {
        m_store.reset();
        qCDebug(lcChanges, "cannot connect to listen for changes: %s", error.what());
        return;
    }
    const bool listening = m_store->listen(
        {QString::fromLatin1(Store::changeChannel), m_heartbeatChannel},
        [this](const QString &channel, const QString &payload) { received(channel, payload); });
    if (!listening) {
        m_store.reset();
        m_sender.reset();
        return;
    }
    m_lastConfirmed = m_lastAttempt;
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

void ChangeListener::received(const QString &channel, const QString &payload)
{
    if (channel == m_heartbeatChannel) {
        bool ok = false;
        const qint64 sent = payload.toLongLong(&ok);
        if (ok) {
            m_lastConfirmed = SteadyClock::now();
            Q_EMIT confirmed(SteadyClock::time_point(SteadyClock::duration(sent)));
        }
        return;
    }
    if (payload.startsWith(QLatin1String(Store::keyChangePrefix)))
        Q_EMIT keyChanged(payload.mid(qsizetype(qstrlen(Store::keyChangePrefix))));
    else if (payload.startsWith(QLatin1String(Store::organizationChangePrefix)))
        Q_EMIT organizationChanged(
            payload.mid(qsizetype(qstrlen(Store::organizationChangePrefix))));
}

} // namespace keydesk
