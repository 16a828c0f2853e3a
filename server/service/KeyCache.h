#pragma once

#include "storage/Store.h"

#include <QByteArray>
#include <QHash>
#include <QString>

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>

namespace keydesk {

// The verify path's memory of keys (DESIGN §4): by the SHA-256 of the secret, what verification
// needs (KeyCredentials). Shared by every thread of one process; thread-safe.
//
// It is only as good as its invalidation, so the rules are strict:
// - A change that can make a key stop verifying (revoke, secret re-issue, organization deletion,
//   later suspend and rotate) calls invalidateKey()/invalidateOrganization() after its commit and
//   before its answer is sent; other instances do the same when their ChangeListener hears of it.
// - A lookup that raced with such a change must not put the old row back: callers read epoch()
//   before asking the database and hand it to insert(), which drops the entry when any
//   invalidation happened in between.
// - While changes from other instances could be missed (the notification channel is down),
//   setTrusted(false) turns the cache off: every verify asks the database. Turning it on again
//   clears it, since notifications sent meanwhile are lost.
// - A channel can also be connected but late (the database or the listening thread stalled).
//   With requireConfirmation(window), entries are served only while a confirmation is fresh:
//   confirm(sentAt) says "every change committed before sentAt has been applied here" (the
//   ChangeListener's heartbeat), and an entry is served at time t only if some confirmation's
//   sentAt ≥ t − window. A revocation committed before its answer R is then never served past
//   R + window. Lapses do not clear the cache: late notifications are still applied in order.
// Expiry needs none of this: the entry keeps expires_at and verification compares it with now.
// Entries also age out after `maxAge` as a last line of defence, and the cache never holds more
// than `capacity` keys (it is cleared when full: simple, and a full reload costs one lookup per
// key).
class KeyCache final
{
    Q_DISABLE_COPY_MOVE(KeyCache)
public:
    static constexpr qsizetype defaultCapacity = 200'000;
    static constexpr std::chrono::seconds defaultMaxAge {300};

    explicit KeyCache(qsizetype capacity = defaultCapacity,
                      std::chrono::milliseconds maxAge = defaultMaxAge);

    // The entry, when it may be served now (servable()).
    std::optional<KeyCredentials> find(const QByteArray &keyHash) const;
    // Whether an entry is held, servable now or not (tests, diagnostics).
    bool contains(const QByteArray &keyHash) const;
    quint64 epoch() const { return m_epoch.load(std::memory_order_acquire); }
    // Keeps `credentials` unless an invalidation happened since `epochBeforeLookup`, or the
    // cache is not trusted.
    void insert(const KeyCredentials &credentials, quint64 epochBeforeLookup);

    void invalidateKey(const QString &keyId);
    void invalidateOrganization(const QString &organizationId);

    void setTrusted(bool trusted);
    bool trusted() const { return m_trusted.load(std::memory_order_acquire); }
    // See above. Without it (SQLite: one process) entries need no confirmation.
    void requireConfirmation(std::chrono::milliseconds window);
    void confirm(std::chrono::steady_clock::time_point sentAt);
    // Trusted, and confirmed recently enough: find() may answer from memory.
    bool servable() const;

    qsizetype size() const;

private:
    using SteadyClock = std::chrono::steady_clock;
    struct Entry
    {
        KeyCredentials credentials;
        SteadyClock::time_point cachedAt;
    };
    void bumpEpoch() { m_epoch.fetch_add(1, std::memory_order_acq_rel); }

    const qsizetype m_capacity;
    const std::chrono::milliseconds m_maxAge;
    mutable std::mutex m_mutex;
    QHash<QByteArray, Entry> m_byHash; // guarded by m_mutex
    QHash<QString, QByteArray> m_hashById; // guarded by m_mutex
    std::atomic<quint64> m_epoch {0};
    std::atomic<bool> m_trusted {true};
    // 0: no confirmation needed. Else the window, and the newest confirmed instant, both as
    // steady_clock nanoseconds.
    std::atomic<qint64> m_confirmationWindowNs {0};
    std::atomic<qint64> m_confirmedAtNs {0};
};

} // namespace keydesk
