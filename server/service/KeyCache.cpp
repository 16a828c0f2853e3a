#include "KeyCache.h"

namespace keydesk {

KeyCache::KeyCache(qsizetype capacity, std::chrono::milliseconds maxAge)
    : m_capacity(capacity)
    , m_maxAge(maxAge)
{ }

std::optional<KeyCredentials> KeyCache::find(const QByteArray &keyHash) const
{
    if (!servable())
        return std::nullopt;
    std::lock_guard lock(m_mutex);
    const auto it = m_byHash.constFind(keyHash);
    if (it == m_byHash.cend() || SteadyClock::now() - it->cachedAt > m_maxAge)
        return std::nullopt;
    return it->credentials;
}

bool KeyCache::contains(const QByteArray &keyHash) const
{
    std::lock_guard lock(m_mutex);
    return m_byHash.contains(keyHash);
}

void KeyCache::insert(const KeyCredentials &credentials, quint64 epochBeforeLookup)
{
    std::lock_guard lock(m_mutex);
    // Checked under the lock: invalidations bump the epoch under it too, so an invalidation
    // either happened before this check (the entry is dropped) or comes after the insert (and
    // removes it).
    if (!trusted() || epoch() != epochBeforeLookup)
        return;
    if (m_byHash.size() >= m_capacity) {
        m_byHash.clear();
        m_hashById.clear();
    }
    if (const auto old = m_hashById.constFind(credentials.id); old != m_hashById.cend())
        m_byHash.remove(*old); // the key got a new secret: the old one must not stay
    m_byHash.insert(credentials.keyHash, {credentials, SteadyClock::now()});
    m_hashById.insert(credentials.id, credentials.keyHash);
}

void KeyCache::invalidateKey(const QString &keyId)
{
    std::lock_guard lock(m_mutex);
    bumpEpoch();
    if (const auto it = m_hashById.constFind(keyId); it != m_hashById.cend()) {
        m_byHash.remove(*it);
        m_hashById.erase(it);
    }
}

void KeyCache::invalidateOrganization(const QString &organizationId)
{
    std::lock_guard lock(m_mutex);
    bumpEpoch();
    for (auto it = m_byHash.begin(); it != m_byHash.end();) {
        if (it->credentials.organizationId == organizationId) {
            m_hashById.remove(it->credentials.id);
            it = m_byHash.erase(it);
        } else {
            ++it;
        }
    }
}

void KeyCache::setTrusted(bool trusted)
{
    std::lock_guard lock(m_mutex);
    bumpEpoch();
    m_byHash.clear();
    m_hashById.clear();
    m_trusted.store(trusted, std::memory_order_release);
}

void KeyCache::requireConfirmation(std::chrono::milliseconds window)
{
    m_confirmationWindowNs.store(std::chrono::nanoseconds(window).count(),
                                 std::memory_order_release);
}

void KeyCache::confirm(SteadyClock::time_point sentAt)
{
    const qint64 ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(sentAt.time_since_epoch()).count();
    qint64 previous = m_confirmedAtNs.load(std::memory_order_relaxed);
    // Monotonic: a late, older confirmation must not move the instant back.
    while (ns > previous
           && !m_confirmedAtNs.compare_exchange_weak(previous, ns, std::memory_order_release)) { }
}

bool KeyCache::servable() const
{
    if (!trusted())
        return false;
    const qint64 window = m_confirmationWindowNs.load(std::memory_order_acquire);
    if (window == 0)
        return true;
    const qint64 now =
        std::chrono::duration_cast<std::chrono::nanoseconds>(SteadyClock::now().time_since_epoch())
            .count();
    return now - m_confirmedAtNs.load(std::memory_order_acquire) <= window;
}

qsizetype KeyCache::size() const
{
    std::lock_guard lock(m_mutex);
    return m_byHash.size();
}

} // namespace keydesk
