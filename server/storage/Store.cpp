#include "Store.h"

#include "KeyFormat.h"
#include "Migrations.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>

namespace keydesk {

namespace {

QAtomicInteger<quint64> connectionCounter;

QString newId(const char *prefix)
{
    return QString::fromLatin1(prefix + KeyFormat::randomBase62(20));
}

QVariant textOrNull(const QString &text)
{
    return text.isNull() ? QVariant(QMetaType::fromType<QString>()) : QVariant(text);
}

QVariant msOrNull(const QDateTime &instant)
{
    return instant.isValid() ? QVariant(instant.toMSecsSinceEpoch())
                             : QVariant(QMetaType::fromType<qint64>());
}

// name_folded is NOT NULL: an unnamed key searches as the empty string.
QString folded(const QString &name)
{
    return name.isNull() ? QStringLiteral("") : name.toCaseFolded();
}

QDateTime instantFrom(const QVariant &value)
{
    return value.isNull() ? QDateTime() : QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
}

// Columns of keySelect, in order, as read by keyFromRow.
const QString keySelect = QStringLiteral(
        "SELECT k.id, k.name, k.hint, k.access, k.expiration, k.created_at, k.created_by, u.name,"
        " k.expires_at, k.last_used_at, k.revoked_at"
        " FROM api_keys k JOIN users u ON u.id = k.created_by ");

} // namespace

class Store::Query
{
public:
    Query(const QSqlDatabase &db, const QString &sql)
        : m_query(db)
    {
        m_query.setForwardOnly(true);
        if (!m_query.prepare(sql))
            fail("prepare");
    }
    Query &bind(const QVariant &value)
    {
        m_query.addBindValue(value);
        return *this;
    }
    Query &exec()
    {
        if (!m_query.exec())
            fail("execute");
        return *this;
    }
    bool next() { return m_query.next(); }
    QVariant value(int column) const { return m_query.value(column); }
    int rowsAffected() const { return m_query.numRowsAffected(); }

    ApiKey keyFromRow() const
    {
        ApiKey key;
        key.id = value(0).toString();
        key.name = value(1).isNull() ? QString() : value(1).toString();
        key.hint = value(2).toString();
        key.access = accessFromWire(value(3).toString()).value_or(Access::ReadOnly);
        key.expiration = expirationFromWire(value(4).toString()).value_or(Expiration::Never);
        key.createdAt = instantFrom(value(5));
        key.createdBy = {value(6).toString(), value(7).toString()};
        key.expiresAt = instantFrom(value(8));
        key.lastUsedAt = instantFrom(value(9));
        key.revokedAt = instantFrom(value(10));
        return key;
    }

private:
    [[noreturn]] void fail(const char *step)
    {
        throw StoreError(QStringLiteral("could not %1 a statement: %2")
                                 .arg(QLatin1String(step), m_query.lastError().text())
                                 .toStdString());
    }
    QSqlQuery m_query;
};

QString ListCursor::encode() const
{
    return QString::fromLatin1((QByteArray::number(createdAtMs) + ':' + id.toUtf8())
                                       .toBase64(QByteArray::Base64UrlEncoding
                                                 | QByteArray::OmitTrailingEquals));
}

std::optional<ListCursor> ListCursor::decode(const QString &text)
{
    const auto decoded = QByteArray::fromBase64Encoding(
            text.toLatin1(), QByteArray::Base64UrlEncoding | QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || text.size() > 200)
        return std::nullopt;
    const QByteArray &bytes = *decoded;
    const qsizetype colon = bytes.indexOf(':');
    if (colon <= 0)
        return std::nullopt;
    bool ok = false;
    ListCursor cursor {bytes.first(colon).toLongLong(&ok), QString::fromUtf8(bytes.sliced(colon + 1))};
    if (!ok || !cursor.id.startsWith(u"key_"))
        return std::nullopt;
    return cursor;
}

Store::Store(const QString &url)
    : m_connectionName(QStringLiteral("keydesk-store-%1").arg(connectionCounter.fetchAndAddRelaxed(1)))
{
    if (url.startsWith(u"sqlite:")) {
        const QString path = url.mid(7);
        if (path.isEmpty())
            throw StoreError("the SQLite database path is empty (use sqlite:PATH)");
        if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QSQLITE")))
            throw StoreError("Qt's SQLite driver is not installed (Debian: libqt6sql6-sqlite)");
        if (path != u":memory:")
            QDir().mkpath(QFileInfo(path).absolutePath());
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_connectionName);
        m_db.setDatabaseName(path);
        // Wait rather than fail when another connection (a `keydesk-server user add` while the
        // server runs) holds the write lock for a moment.
        m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=5000"));
        m_description = QStringLiteral("SQLite at %1").arg(QFileInfo(path).absoluteFilePath());
    } else if (url.startsWith(u"postgresql://") || url.startsWith(u"postgres://")) {
        if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
            throw StoreError("Qt's PostgreSQL driver is not installed (Debian: libqt6sql6-psql)");
        const QUrl parsed(url);
        if (!parsed.isValid() || parsed.host().isEmpty() || parsed.path().size() < 2)
            throw StoreError("expected postgresql://user:password@host:port/database");
        m_dialect = Dialect::PostgreSQL;
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connectionName);
        m_db.setHostName(parsed.host());
        m_db.setPort(parsed.port(5432));
        m_db.setUserName(parsed.userName());
        m_db.setPassword(parsed.password());
        m_db.setDatabaseName(parsed.path().mid(1));
        m_description = QStringLiteral("PostgreSQL database %1 on %2:%3")
                                .arg(parsed.path().mid(1), parsed.host())
                                .arg(parsed.port(5432));
    } else {
        throw StoreError("unknown database URL: expected sqlite:PATH or "
                         "postgresql://user:password@host:port/database");
    }

    if (!m_db.open()) {
        const QString reason = m_db.lastError().text();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_connectionName);
        throw StoreError(QStringLiteral("cannot open %1: %2").arg(m_description, reason).toStdString());
    }
    if (m_dialect == Dialect::SQLite) {
        // WAL lets readers run beside the writer; synchronous=FULL makes every acknowledged
        // commit durable even across a power cut, which a key service owes its admins.
        for (const char *pragma : {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL",
                                   "PRAGMA foreign_keys=ON"}) {
            QSqlQuery query(m_db);
            if (!query.exec(QString::fromLatin1(pragma)))
                throw StoreError(QStringLiteral("cannot set up SQLite (%1): %2")
                                         .arg(QLatin1String(pragma), query.lastError().text())
                                         .toStdString());
        }
    }
}

Store::~Store()
{
    m_db.close();
    m_db = QSqlDatabase();
    QSqlDatabase::removeDatabase(m_connectionName);
}

QString Store::description() const
{
    return m_description;
}

Store::Query Store::prepare(const QString &sql)
{
    return Query(m_db, sql);
}

void Store::begin()
{
    if (!m_db.transaction())
        throw StoreError("cannot begin a transaction: " + m_db.lastError().text().toStdString());
}

void Store::commit()
{
    if (!m_db.commit())
        throw StoreError("cannot commit: " + m_db.lastError().text().toStdString());
}

void Store::rollback()
{
    m_db.rollback();
}

int Store::schemaVersion()
{
    if (!m_db.tables().contains(QStringLiteral("schema_migrations")))
        return 0;
    Query query = prepare(QStringLiteral("SELECT MAX(version) FROM schema_migrations"));
    query.exec();
    return query.next() ? query.value(0).toInt() : 0;
}

QList<int> Store::migrate(const QDateTime &now)
{
    return inTransaction([&] {
        prepare(QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                               " version INTEGER PRIMARY KEY, description TEXT NOT NULL,"
                               " applied_at BIGINT NOT NULL)"))
                .exec();
        const int current = schemaVersion();
        QList<int> applied;
        for (const Migration &migration : migrations()) {
            if (migration.version <= current)
                continue;
            for (const QString &statement : migration.statements)
                prepare(statement).exec();
            prepare(QStringLiteral("INSERT INTO schema_migrations (version, description, applied_at)"
                                   " VALUES (?, ?, ?)"))
                    .bind(migration.version)
                    .bind(QString::fromLatin1(migration.description))
                    .bind(now.toMSecsSinceEpoch())
                    .exec();
            applied.append(migration.version);
        }
        return applied;
    });
}

Organization Store::createOrganization(const QString &name, const QDateTime &now)
{
    Organization organization {newId("org_"), name, now};
    prepare(QStringLiteral("INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)"))
            .bind(organization.id)
            .bind(name)
            .bind(now.toMSecsSinceEpoch())
            .exec();
    return organization;
}

std::optional<Organization> Store::organization(const QString &id)
{
    Query query = prepare(QStringLiteral("SELECT id, name, created_at FROM organizations WHERE id = ?"));
    query.bind(id).exec();
    if (!query.next())
        return std::nullopt;
    return Organization {query.value(0).toString(), query.value(1).toString(),
                         instantFrom(query.value(2))};
}

bool Store::deleteOrganization(const QString &id)
{
    // Keys, memberships and idempotency records go with it (ON DELETE CASCADE); the audit
    // trail stays.
    Query query = prepare(QStringLiteral("DELETE FROM organizations WHERE id = ?"));
    query.bind(id).exec();
    return query.rowsAffected() > 0;
}

std::optional<User> Store::createUser(const QString &email, const QString &name,
                                      const QByteArray &passwordHash, const QDateTime &now)
{
    Query exists = prepare(QStringLiteral("SELECT 1 FROM users WHERE email_key = ?"));
    exists.bind(emailKey(email)).exec();
    if (exists.next())
        return std::nullopt;
    User user {newId("usr_"), name, email.trimmed()};
    prepare(QStringLiteral("INSERT INTO users (id, email, email_key, name, password_hash, created_at)"
                           " VALUES (?, ?, ?, ?, ?, ?)"))
            .bind(user.id)
            .bind(user.email)
            .bind(emailKey(email))
            .bind(name)
            .bind(QString::fromLatin1(passwordHash))
            .bind(now.toMSecsSinceEpoch())
            .exec();
    return user;
}

std::optional<StoredUser> Store::userByEmail(const QString &email)
{
    Query query = prepare(QStringLiteral(
            "SELECT id, name, email, password_hash FROM users WHERE email_key = ?"));
    query.bind(emailKey(email)).exec();
    if (!query.next())
        return std::nullopt;
    return StoredUser {{query.value(0).toString(), query.value(1).toString(),
                        query.value(2).toString()},
                       query.value(3).toString().toLatin1()};
}

void Store::addMembership(const QString &organizationId, const QString &userId, Role role,
                          const QDateTime &now)
{
    // Adding someone again changes their role rather than failing.
    prepare(QStringLiteral("INSERT INTO memberships (organization_id, user_id, role, created_at)"
                           " VALUES (?, ?, ?, ?)"
                           " ON CONFLICT (organization_id, user_id) DO UPDATE SET role = excluded.role"))
            .bind(organizationId)
            .bind(userId)
            .bind(toWire(role))
            .bind(now.toMSecsSinceEpoch())
            .exec();
}

std::optional<Role> Store::role(const QString &userId, const QString &organizationId)
{
    Query query = prepare(QStringLiteral(
            "SELECT role FROM memberships WHERE user_id = ? AND organization_id = ?"));
    query.bind(userId).bind(organizationId).exec();
    if (!query.next())
        return std::nullopt;
    return roleFromWire(query.value(0).toString());
}

QList<Membership> Store::memberships(const QString &userId)
{
    Query query = prepare(QStringLiteral(
            "SELECT o.id, o.name, m.role FROM memberships m"
            " JOIN organizations o ON o.id = m.organization_id"
            " WHERE m.user_id = ? ORDER BY o.name, o.id"));
    query.bind(userId).exec();
    QList<Membership> list;
    while (query.next()) {
        list.append({query.value(0).toString(), query.value(1).toString(),
                     roleFromWire(query.value(2).toString()).value_or(Role::Member)});
    }
    return list;
}

void Store::createSession(const QByteArray &tokenHash, const QString &userId, const QDateTime &now,
                          const QDateTime &expiresAt)
{
    prepare(QStringLiteral("DELETE FROM sessions WHERE expires_at <= ?"))
            .bind(now.toMSecsSinceEpoch())
            .exec();
    prepare(QStringLiteral("INSERT INTO sessions (token_hash, user_id, created_at, expires_at)"
                           " VALUES (?, ?, ?, ?)"))
            .bind(QString::fromLatin1(tokenHash))
            .bind(userId)
            .bind(now.toMSecsSinceEpoch())
            .bind(expiresAt.toMSecsSinceEpoch())
            .exec();
}

std::optional<User> Store::sessionUser(const QByteArray &tokenHash, const QDateTime &now)
{
    Query query = prepare(QStringLiteral(
            "SELECT u.id, u.name, u.email FROM sessions s JOIN users u ON u.id = s.user_id"
            " WHERE s.token_hash = ? AND s.expires_at > ?"));
    query.bind(QString::fromLatin1(tokenHash)).bind(now.toMSecsSinceEpoch()).exec();
    if (!query.next())
        return std::nullopt;
    return User {query.value(0).toString(), query.value(1).toString(), query.value(2).toString()};
}

void Store::deleteSession(const QByteArray &tokenHash)
{
    prepare(QStringLiteral("DELETE FROM sessions WHERE token_hash = ?"))
            .bind(QString::fromLatin1(tokenHash))
            .exec();
}

void Store::insertKey(const QString &organizationId, const ApiKey &key, const QByteArray &keyHash)
{
    prepare(QStringLiteral(
                    "INSERT INTO api_keys (id, organization_id, key_hash, hint, name, name_folded,"
                    " access, expiration, created_at, created_by, expires_at, last_used_at, revoked_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL)"))
            .bind(key.id)
            .bind(organizationId)
            .bind(QString::fromLatin1(keyHash))
            .bind(key.hint)
            .bind(textOrNull(key.name))
            .bind(folded(key.name))
            .bind(toWire(key.access))
            .bind(toWire(key.expiration))
            .bind(key.createdAt.toMSecsSinceEpoch())
            .bind(key.createdBy.id)
            .bind(msOrNull(key.expiresAt))
            .exec();
}

std::optional<ApiKey> Store::key(const QString &organizationId, const QString &keyId)
{
    Query query = prepare(keySelect + QStringLiteral("WHERE k.id = ? AND k.organization_id = ?"));
    query.bind(keyId).bind(organizationId).exec();
    if (!query.next())
        return std::nullopt;
    return query.keyFromRow();
}

QString Store::searchCondition() const
{
    // A plain substring test on case-folded text: no LIKE, so '%' and '_' are literal.
    return m_dialect == Dialect::PostgreSQL
            ? QStringLiteral(" AND (strpos(k.name_folded, ?) > 0 OR strpos(lower(k.hint), ?) > 0)")
            : QStringLiteral(" AND (instr(k.name_folded, ?) > 0 OR instr(lower(k.hint), ?) > 0)");
}

KeyPage Store::listKeys(const QString &organizationId, KeyFilter filter, const QString &search,
                        int limit, const std::optional<ListCursor> &after, const QDateTime &now)
{
    QString sql = keySelect + QStringLiteral("WHERE k.organization_id = ?");
    switch (filter) {
    case KeyFilter::Current:
        sql += QStringLiteral(" AND k.revoked_at IS NULL");
        break;
    case KeyFilter::Active:
        sql += QStringLiteral(" AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?)");
        break;
    case KeyFilter::Expired:
        sql += QStringLiteral(" AND k.revoked_at IS NULL AND k.expires_at <= ?");
        break;
    case KeyFilter::Revoked:
        sql += QStringLiteral(" AND k.revoked_at IS NOT NULL");
        break;
    case KeyFilter::All:
        break;
    }
    if (!search.isEmpty())
        sql += searchCondition();
    if (after)
        sql += QStringLiteral(" AND (k.created_at < ? OR (k.created_at = ? AND k.id < ?))");
    sql += QStringLiteral(" ORDER BY k.created_at DESC, k.id DESC LIMIT ?");

    Query query = prepare(sql);
    query.bind(organizationId);
    if (filter == KeyFilter::Active || filter == KeyFilter::Expired)
        query.bind(now.toMSecsSinceEpoch());
    if (!search.isEmpty()) {
        const QString folded = search.toCaseFolded();
        query.bind(folded).bind(folded);
    }
    if (after)
        query.bind(after->createdAtMs).bind(after->createdAtMs).bind(after->id);
    query.bind(limit + 1); // one more than asked tells whether another page exists
    query.exec();

    KeyPage page;
    while (query.next())
        page.items.append(query.keyFromRow());
    if (page.items.size() > limit) {
        page.items.removeLast();
        const ApiKey &last = page.items.constLast();
        page.next = ListCursor {last.createdAt.toMSecsSinceEpoch(), last.id};
    }
    return page;
}

void Store::renameKey(const QString &keyId, const QString &name)
{
    prepare(QStringLiteral("UPDATE api_keys SET name = ?, name_folded = ? WHERE id = ?"))
            .bind(textOrNull(name))
            .bind(folded(name))
            .bind(keyId)
            .exec();
}

void Store::revokeKey(const QString &keyId, const QDateTime &now)
{
    prepare(QStringLiteral("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"))
            .bind(now.toMSecsSinceEpoch())
            .bind(keyId)
            .exec();
}

void Store::replaceKeySecret(const QString &keyId, const QByteArray &keyHash, const QString &hint)
{
    prepare(QStringLiteral("UPDATE api_keys SET key_hash = ?, hint = ? WHERE id = ?"))
            .bind(QString::fromLatin1(keyHash))
            .bind(hint)
            .bind(keyId)
            .exec();
}

std::optional<KeyCredentials> Store::credentials(const QByteArray &keyHash)
{
    Query query = prepare(QStringLiteral(
            "SELECT id, organization_id, key_hash, access, expires_at, revoked_at"
            " FROM api_keys WHERE key_hash = ?"));
    query.bind(QString::fromLatin1(keyHash)).exec();
    if (!query.next())
        return std::nullopt;
    return KeyCredentials {query.value(0).toString(),
                           query.value(1).toString(),
                           query.value(2).toString().toLatin1(),
                           accessFromWire(query.value(3).toString()).value_or(Access::ReadOnly),
                           instantFrom(query.value(4)),
                           instantFrom(query.value(5))};
}

void Store::recordKeyUse(const QHash<QString, QDateTime> &lastUsed)
{
    if (lastUsed.isEmpty())
        return;
    inTransaction([&] {
        for (auto it = lastUsed.cbegin(); it != lastUsed.cend(); ++it) {
            const qint64 ms = it.value().toMSecsSinceEpoch();
            // Never move last_used_at backwards when another instance wrote a later use.
            prepare(QStringLiteral("UPDATE api_keys SET last_used_at = ?"
                                   " WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)"))
                    .bind(ms)
                    .bind(it.key())
                    .bind(ms)
                    .exec();
        }
    });
}

std::optional<IdempotencyRecord> Store::idempotencyRecord(const QString &userId,
                                                          const QString &organizationId,
                                                          const QString &idempotencyKey)
{
    Query query = prepare(QStringLiteral(
            "SELECT fingerprint, api_key_id, created_at FROM idempotency_keys"
            " WHERE user_id = ? AND organization_id = ? AND idempotency_key = ?"));
    query.bind(userId).bind(organizationId).bind(idempotencyKey).exec();
    if (!query.next())
        return std::nullopt;
    return IdempotencyRecord {query.value(0).toString(), query.value(1).toString(),
                              instantFrom(query.value(2))};
}

void Store::putIdempotencyRecord(const QString &userId, const QString &organizationId,
                                 const QString &idempotencyKey, const IdempotencyRecord &record)
{
    prepare(QStringLiteral(
                    "INSERT INTO idempotency_keys (user_id, organization_id, idempotency_key,"
                    " fingerprint, api_key_id, created_at) VALUES (?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (user_id, organization_id, idempotency_key) DO UPDATE SET"
                    " fingerprint = excluded.fingerprint, api_key_id = excluded.api_key_id,"
                    " created_at = excluded.created_at"))
            .bind(userId)
            .bind(organizationId)
            .bind(idempotencyKey)
            .bind(record.fingerprint)
            .bind(record.apiKeyId)
            .bind(record.createdAt.toMSecsSinceEpoch())
            .exec();
}

void Store::recordLoginFailure(const QString &emailKey, const QString &clientAddress,
                               const QDateTime &now, qint64 windowMs)
{
    const qint64 nowMs = now.toMSecsSinceEpoch();
    prepare(QStringLiteral("DELETE FROM login_failures WHERE occurred_at <= ?"))
            .bind(nowMs - windowMs)
            .exec();
    prepare(QStringLiteral(
                    "INSERT INTO login_failures (email_key, client_address, occurred_at) VALUES (?, ?, ?)"))
            .bind(emailKey)
            .bind(clientAddress)
            .bind(nowMs)
            .exec();
}

QList<qint64> Store::loginFailuresForEmail(const QString &emailKey, qint64 sinceMs)
{
    Query query = prepare(QStringLiteral("SELECT occurred_at FROM login_failures"
                                         " WHERE email_key = ? AND occurred_at > ? ORDER BY occurred_at"));
    query.bind(emailKey).bind(sinceMs).exec();
    QList<qint64> instants;
    while (query.next())
        instants.append(query.value(0).toLongLong());
    return instants;
}

QList<qint64> Store::loginFailuresForAddress(const QString &clientAddress, qint64 sinceMs)
{
    Query query = prepare(QStringLiteral("SELECT occurred_at FROM login_failures"
                                         " WHERE client_address = ? AND occurred_at > ? ORDER BY occurred_at"));
    query.bind(clientAddress).bind(sinceMs).exec();
    QList<qint64> instants;
    while (query.next())
        instants.append(query.value(0).toLongLong());
    return instants;
}

void Store::clearLoginFailures(const QString &emailKey)
{
    prepare(QStringLiteral("DELETE FROM login_failures WHERE email_key = ?")).bind(emailKey).exec();
}

void Store::audit(const AuditEvent &event, const QDateTime &now)
{
    prepare(QStringLiteral(
                    "INSERT INTO audit_events (id, occurred_at, action, outcome, actor_user_id,"
                    " organization_id, target_id, client_address) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"))
            .bind(newId("evt_"))
            .bind(now.toMSecsSinceEpoch())
            .bind(event.action)
            .bind(event.outcome)
            .bind(textOrNull(event.actorUserId))
            .bind(textOrNull(event.organizationId))
            .bind(textOrNull(event.targetId))
            .bind(textOrNull(event.clientAddress))
            .exec();
}

qint64 Store::auditCount(const QString &action)
{
    Query query = prepare(QStringLiteral("SELECT COUNT(*) FROM audit_events WHERE action = ?"));
    query.bind(action).exec();
    return query.next() ? query.value(0).toLongLong() : 0;
}

} // namespace keydesk
