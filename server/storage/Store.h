#pragma once

#include "Account.h"
#include "ApiKey.h"

#include <QDateTime>
#include <QHash>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>

#include <QString>
#include <QVariant>
#include <unordered_map>

#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>

namespace keydesk {

// A database failure the caller cannot fix by changing its input (disk full, server gone, …).
// The router answers 503 and logs it. After a lost PostgreSQL connection the Store reconnects
// by itself on its next use, so the failure lasts only as long as the outage.
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
    QString id; // evt_…, minted by the AuditLog
    QString action; // "key.create", "session.create", … (service/AuditLog.h)
    QString actorUserId;
    QString organizationId;
    QString targetId;
    QString clientAddress;
    QString outcome = QStringLiteral("success");
};

// Everything the server keeps, behind prepared statements on one named Qt SQL connection.
// SQLite (WAL) by default; the SQL is kept to what SQLite and PostgreSQL share, with the few
// differences switched on `dialect()`. Not thread-safe: one Store per thread, made on it.
// Nothing is cached here; changes that other instances must hear of at once (a revocation) are
// announced with publish*Change() inside the transaction, delivered on commit (PostgreSQL
// NOTIFY on `changeChannel`; storage/ChangeListener hears them).
// Transactions take the write lock first (SQLite: BEGIN IMMEDIATE), so that a concurrent writer
// (another thread, the CLI) makes them wait, up to busyTimeoutMs, instead of failing.
class Store final
{
    Q_DISABLE_COPY_MOVE(Store)
public:
    enum class Dialect { SQLite, PostgreSQL };

    // PostgreSQL NOTIFY channel and payloads ("key:key_…", "organization:org_…").
    static constexpr auto changeChannel = "keydesk_changes";
    static constexpr auto keyChangePrefix = "key:";
    static constexpr auto organizationChangePrefix = "organization:";
    // How long a SQLite write waits for another connection's write lock before giving up.
    static constexpr int busyTimeoutMs = 30'000;

    // `url` is "sqlite:PATH" or "postgresql://user:pass@host:port/db[?libpq-option=value&…]"
    // (e.g. ?sslmode=verify-full). Throws StoreError with a message fit for an operator when the
    // database cannot be opened.
    explicit Store(const QString &url);
    ~Store();

    Dialect dialect() const { return m_dialect; }
    QString description() const; // for the log: never includes a password

    // Brings the schema to the newest version; returns the versions applied. Safe when several
    // instances start at once on one PostgreSQL database: one migrates, the others wait for it
    // and find nothing left to do. Throws StoreError, saying what to do, when the database's
    // schema is newer than this binary's (DESIGN §4: an older binary never touches it).
    QList<int> migrate(const QDateTime &now);
    int schemaVersion();
    // The newest schema version this binary knows (Migrations.cpp).
    static int latestSchemaVersion();
    // GET /v1/ready: empty when the database answers and its schema is this binary's (and, on
    // SQLite, the file opened is still the one at its path and writable), else why not (for the
    // operator). Never throws.
    QString notReadyReason();

    // PostgreSQL: LISTEN on each of `channels` (lowercase names); `onNotification` gets each
    // notification's channel and payload, on this thread's event loop, in the order their
    // transactions committed (PostgreSQL's guarantee, across channels). False (with the reason
    // in the log) when it could not subscribe.
    bool listen(const QStringList &channels,
                std::function<void(const QString &channel, const QString &payload)> onNotification);
    // PostgreSQL: NOTIFY `channel` now (outside any transaction: delivered at once).
    void notify(const QString &channel, const QString &payload);
    // Cheap (no round trip): false once the connection is known to be lost.
    bool connectionAlive() const { return !connectionLost(); }

    // Announces, on commit, that a key's or an organization's keys may have stopped verifying.
    void publishKeyChange(const QString &keyId);
    void publishOrganizationChange(const QString &organizationId);

    // Organizations, users, memberships
    void insertOrganization(const Organization &organization);
    std::optional<Organization> organization(const QString &id);
    bool deleteOrganization(const QString &id);
    // False when the email is taken (also when another instance takes it at the same moment).
    bool insertUser(const User &user, const QByteArray &passwordHash, const QDateTime &now);
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
    // The same, and inside a transaction the row stays locked until it ends (PostgreSQL), so that
    // a check such as "not revoked yet" still holds when the change that depends on it is written,
    // whichever instance tries to change the key at the same moment.
    std::optional<ApiKey> keyForUpdate(const QString &organizationId, const QString &keyId);
    KeyPage listKeys(const QString &organizationId, KeyFilter filter, const QString &search,
                     int limit, const std::optional<ListCursor> &after, const QDateTime &now);
    void renameKey(const QString &keyId, const QString &name);
    void revokeKey(const QString &keyId, const QDateTime &now);
    void replaceKeySecret(const QString &keyId, const QByteArray &keyHash, const QString &hint);
    std::optional<KeyCredentials> credentials(const QByteArray &keyHash);
    void recordKeyUse(const QHash<QString, QDateTime> &lastUsed);

    // Idempotent create. Inside a transaction on PostgreSQL, looking a record up also takes a lock
    // on (user, organization, key) until the transaction ends: a retry that reaches another
    // instance while the first attempt is still running waits for it and then finds its record,
    // instead of creating a second key.
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
    // Failures of this email or address dated after `nowMs` are moved to `nowMs`.
    void clampLoginFailures(const QString &emailKey, const QString &clientAddress, qint64 nowMs);

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
    QList<qint64> loginFailures(const QString &column, const QString &value, qint64 sinceMs);
    bool connectionDead();
    bool beginOnce();
    QString sqliteFileProblem() const;
    void publishChange(const QString &payload);
    void executeSchemaStatement(const QString &sql);
    void begin();
    void commit();
    void rollback();
    bool connectionLost() const;
    void ensureConnected();
    void reconnect();
    QString searchCondition() const;
    std::optional<ApiKey> findKey(const QString &organizationId, const QString &keyId,
                                  bool forUpdate);

    QString m_connectionName;
    QSqlDatabase m_db;
    Dialect m_dialect = Dialect::SQLite;
    QString m_description;
    QString m_sqlitePath; // absolute; empty for PostgreSQL and :memory:
    std::optional<std::pair<quint64, quint64>> m_sqliteFile; // (device, inode) as opened
    bool m_inTransaction = false;
    std::unordered_map<QString, std::unique_ptr<QSqlQuery>> m_statements; // by SQL text (see Query)
    QSet<QString> m_statementsInUse;
};

} // namespace keydesk
