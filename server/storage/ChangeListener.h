#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

#include <chrono>
#include <memory>

namespace keydesk {

class Store;

// Hears what other instances changed (DESIGN §4): a PostgreSQL connection of its own that
// LISTENs on Store::changeChannel, on the thread that made it (KeyDeskServer's main thread).
//
// Two ways the channel can fail, and what the listener does about each:
// - Lost (the connection dropped; it may say nothing until used): the connection's state is
//   looked at every tick (no round trip), and no heartbeat back for `staleAfter` counts as lost
//   too (a silent drop, or a connection that came back without its LISTEN). While lost it says
//   channelUp(false) and reconnects; once listening again, channelUp(true).
// - Late (the database or this thread stalled): every tick it NOTIFYs a heartbeat channel of its
//   own with the send time, from a second connection, so that the heartbeat reaches the
//   listening connection the way other instances' changes do. PostgreSQL delivers notifications
//   in commit order, so when the heartbeat sent at T arrives, every change committed before T
//   has arrived before it: confirmed(T). KeyCache serves from memory only while such a
//   confirmation is recent.
//   (Qt 6.4 trap: a NOTIFY sent on the listening connection itself arrives inside the answer to
//   that statement; libpq queues it, and QPSQL, which looks only when the socket becomes
//   readable after a prepared statement, does not see it until other traffic comes.)
class ChangeListener final : public QObject
{
    Q_OBJECT
public:
    using SteadyClock = std::chrono::steady_clock;
    static constexpr std::chrono::milliseconds tickInterval {15};
    static constexpr std::chrono::milliseconds staleAfter {1000};
    static constexpr std::chrono::milliseconds reconnectInterval {250};

    explicit ChangeListener(QString databaseUrl, QObject *parent = nullptr);
    ~ChangeListener() override;

    // Connects and subscribes; channelUp(true) when that worked, else retries.
    void start();
    bool isUp() const { return m_up; }

Q_SIGNALS:
    void keyChanged(const QString &keyId);
    void organizationChanged(const QString &organizationId);
    void channelUp(bool up);
    // Every change committed before `sentAt` has been signalled.
    void confirmed(std::chrono::steady_clock::time_point sentAt);

private:
    void tick();
    void connectAndListen();
    void setUp(bool up);
    void received(const QString &channel, const QString &payload);
    void lose();

    const QString m_databaseUrl;
    const QString m_heartbeatChannel; // "keydesk_heartbeat_<random>": this listener's own
    std::unique_ptr<Store> m_store; // LISTENs
    std::unique_ptr<Store> m_sender; // sends the heartbeats
    QTimer m_timer;
    SteadyClock::time_point m_lastConfirmed;
    SteadyClock::time_point m_lastAttempt;
    bool m_up = false;
};

} // namespace keydesk
