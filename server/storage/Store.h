#pragma once

#include "Account.h"
#include "ApiKey.h"

#include <QDateTime>
#include <QHash>
#include <QSqlDatabase>
#include <QString>
#include <QVariant>

#include <memory>
#include <optional>
#include <stdexcept>

namespace keydesk {

// A database failure the caller cannot fix by changing its input (disk full, server gone, …).
// The router answers 503 and logs it.
class StoreError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

enum class KeyFilter { Current, Active, Expired, Revoked, All };

struct ListCursor
{
    qint64 createdAtMs = 0;
    QString id;
    QString encode() const;
    static std::optional<ListCursor> decode(const QString &text);
};

struct KeyPage
{
    QList<ApiKey> items;
    std::optional<ListCursor> next;
};

// What verification needs of a key, found by the hash of the presented secret.
struct KeyCredentials
{
    QString id;
    QString organizationId;
    QByteArray keyHash;
    Access access = Access::Full;
    QDateTime expiresAt;
    QDateTime revokedAt;
};

struct StoredUser
{
    User user;
    QByteArray passwordHash;
};

struct IdempotencyRecord
{
    QString fingerprint;
    QString apiKeyId;
    QDateTime createdAt;
};

struct AuditEvent
{
    QString action; // "api_key.create", "session.create", …
    QString actorUserId;
    QString organizationId;
    QString targetId;
    QString clientAddress;
    QString outcome = QStringLiteral("success");
};

// Everything the server keeps, behind prepared statements on one named Qt SQL connection.
// SQLite (WAL) by default; the SQL is kept to what SQLite and PostgreSQL share, with the few
// differences switched on `dialect()`. Not thread-safe: one Store per thread.
class Store final
{
    Q_DISABLE_COPY_MOVE(Store)
public:
    enum class Dialect { SQLite, PostgreSQL };

    // `url` is "sqlite:PATH" or "postgresql://user:pass@host:port/db". Throws StoreError with a
    // message fit for an operator when the database cannot be opened.
    explicit Store(const QString &url);
    ~Store();

    Dialect dialect() const { return m_dialect; }
    QString description() const; // for the log: never includes a password

    // Brings the schema to the newest version; returns the versions applied.
    QList<int> migrate(const QDateTime &now);
    int schemaVersion();

    // Organizations, users, memberships
    Organization createOrganization(const QString &name, const QDateTime &now);
    std::optional<Organization> organization(const QString &id);
    bool deleteOrganization(const QString &id);
    // nullopt when the email is taken.
    std::optional<User> createUser(const QString &email, const QString &name,
                                   const QByteArray &passwordHash, const QDateTime &now);
    std::optional<StoredUser> userByEmail(const QString &email);
    void addMembership(const QString &organizationId, const QString &userId, Role role,
                       const QDateTime &now);
    std::optional<Role> role(const QString &userId, const QString &organizationId);
    QList<Membership> memberships(const QString &userId);

    // Sessions (stored by token hash)
    void createSession(const QByteArray &tokenHash, const QString &userId, const QDateTime &now,
                       const QDateTime &expiresAt);
    std::optional<User> sessionUser(const QByteArray &tokenHash, const QDateTime &now);
    void deleteSession(const QByteArray &tokenHash);

    // API keys
    void insertKey(const QString &organizationId, const ApiKey &key, const QByteArray &keyHash);
    std::optional<ApiKey> key(const QString &organizationId, const QString &keyId);
    KeyPage listKeys(const QString &organizationId, KeyFilter filter, const QString &search,
                     int limit, const std::optional<ListCursor> &after, const QDateTime &now);
    void renameKey(const QString &keyId, const QString &name);
    void revokeKey(const QString &keyId, const QDateTime &now);
    void replaceKeySecret(const QString &keyId, const QByteArray &keyHash, const QString &hint);
    std::optional<KeyCredentials> credentials(const QByteArray &keyHash);
    void recordKeyUse(const QHash<QString, QDateTime> &lastUsed);

    // Idempotent create
    std::optional<IdempotencyRecord> idempotencyRecord(const QString &userId,
                                                       const QString &organizationId,
                                                       const QString &idempotencyKey);
    void putIdempotencyRecord(const QString &userId, const QString &organizationId,
                              const QString &idempotencyKey, const IdempotencyRecord &record);

    // Login throttling: failure instants (ms) within the window, oldest first.
    void recordLoginFailure(const QString &emailKey, const QString &clientAddress,
                            const QDateTime &now, qint64 windowMs);
    QList<qint64> loginFailuresForEmail(const QString &emailKey, qint64 sinceMs);
    QList<qint64> loginFailuresForAddress(const QString &clientAddress, qint64 sinceMs);
    void clearLoginFailures(const QString &emailKey);

    void audit(const AuditEvent &event, const QDateTime &now);
    qint64 auditCount(const QString &action);

    // Runs `work` in a transaction: committed when it returns, rolled back when it throws.
    template<typename Work>
    auto inTransaction(Work &&work)
    {
        begin();
        try {
            if constexpr (std::is_void_v<decltype(work())>) {
                work();
                commit();
            } else {
                auto result = work();
                commit();
                return result;
            }
        } catch (...) {
            rollback();
            throw;
        }
    }

    static QString emailKey(const QString &email) { return email.trimmed().toCaseFolded(); }

private:
    class Query;
    Query prepare(const QString &sql);
    void begin();
    void commit();
    void rollback();
    QString searchCondition() const;

    QString m_connectionName;
    QSqlDatabase m_db;
    Dialect m_dialect = Dialect::SQLite;
    QString m_description;
};

} // namespace keydesk
