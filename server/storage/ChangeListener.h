#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>

namespace keydesk {

class Store;

// Hears what other instances changed (DESIGN §4): a PostgreSQL connection of its own that
// LISTENs on Store::changeChannel, on the thread that made it (which must run an event loop and
// never block for long: KeyDeskServer's main thread).
//
// The channel can fail silently (a dropped connection says nothing until used), so the
// listener checks the connection's state every `checkIntervalMs` (no round trip) and pings the
// database every `pingIntervalMs`. While the channel is down it says so (channelUp(false)) and
// reconnects; once it is listening again, channelUp(true). KeyDeskServer turns the verify cache
// off and on with it.
class ChangeListener final : public QObject
{
    Q_OBJECT
public:
    static constexpr int checkIntervalMs = 20;
    static constexpr int pingIntervalMs = 1000;
    static constexpr int reconnectIntervalMs = 250;

    explicit ChangeListener(QString databaseUrl, QObject *parent = nullptr);
    ~ChangeListener() override;

    // Connects and subscribes; channelUp(true) when that worked, else retries.
    void start();
    bool isUp() const { return m_up; }

Q_SIGNALS:
    void keyChanged(const QString &keyId);
    void organizationChanged(const QString &organizationId);
    void channelUp(bool up);

private:
    void check();
    void connectAndListen();
    void setUp(bool up);
    void received(const QString &payload);

    QString m_databaseUrl;
    std::unique_ptr<Store> m_store;
    QTimer m_timer;
    qint64 m_lastPingMs = 0;
    qint64 m_lastAttemptMs = 0;
    bool m_up = false;
};

} // namespace keydesk
