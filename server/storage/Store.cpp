#include "Store.h"

#include "KeyFormat.h"
#include "Migrations.h"

#include <QAtomicInteger>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QUrl>
#include <QUrlQuery>

#include <algorithm>

#include <sys/stat.h>
#include <unistd.h>

Q_LOGGING_CATEGORY(lcStore, "keydesk.store")

namespace keydesk {

namespace {

QAtomicInteger<quint64> connectionCounter;

// pg_advisory_xact_lock keys. The single-bigint and the two-int forms are separate key spaces.
constexpr qint64 migrationLock = 0x4b65794465736b; // "KeyDesk"
constexpr int idempotencyLockSpace = 0x4b44; // "KD"

// libpq connection options for every PostgreSQL connection; the URL's query items come after
// them and so win. Without connect_timeout, libpq waits for the operating system's TCP timeout
// (minutes) on an unreachable host, and each request would hang that long; keepalives find a
// connection that a firewall or a failover dropped silently. libpq prints the server's notices
// on standard error, bypassing Qt's logging: "relation already exists, skipping" at every start
// is not worth a line.
const QStringList defaultPostgresOptions {
    QStringLiteral("connect_timeout=5"),
    QStringLiteral("application_name=keydesk-server"),
    QStringLiteral("keepalives=1"),
    QStringLiteral("keepalives_idle=30"),
    QStringLiteral("keepalives_interval=10"),
    QStringLiteral("keepalives_count=3"),
    QStringLiteral("options='-c client_min_messages=warning'"),
};

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
    return value.isNull() ? QDateTime()
                          : QDateTime::fromMSecsSinceEpoch(value.toLongLong(), Qt::UTC);
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
    Query(Store &store, const QString &sql)
        : m_store(store)
    {
        // Statements are prepared once per connection and reused: preparing costs more than
        // running most of them (a third of a /v1/verify call's instructions; bench/verify).
        // A statement already in use (a query run while another of the same text is still
        // being read) gets a fresh one.
        if (auto cached = m_store.m_statements.find(sql);
            cached != m_store.m_statements.end() && !m_store.m_statementsInUse.contains(sql)) {
            m_query = cached->second.get();
            m_cacheKey = sql;
            m_store.m_statementsInUse.insert(sql);
            return;
        }
        if (prepareFresh(sql))
            return;
        // QPSQL prepares on the server (PREPARE), so a connection that died while idle (the
        // database restarted, or dropped us) shows here first. PREPARE has no effects, so
        // reconnecting and preparing again is safe, unless a transaction was open: its work
        // went with the connection, and only the caller can start it over.
        if (!m_store.connectionLost() || m_store.m_inTransaction)
            fail("prepare");
        m_store.reconnect();
        if (!prepareFresh(sql))
            fail("prepare");
    }
    ~Query()
    {
        if (m_cacheKey.isNull())
            return;
        // Resets the statement: a SQLite statement left mid-result would hold its read snapshot
        // (and block WAL checkpoints) until its next use.
        m_query->finish();
        m_store.m_statementsInUse.remove(m_cacheKey);
    }
    Q_DISABLE_COPY_MOVE(Query)
    Query &bind(const QVariant &value)
    {
        // PostgreSQL text cannot hold U+0000, and QPSQL (6.4) sends bound values as literals in
        // the text of an EXECUTE statement that libpq takes as a C string: a NUL would cut the
        // statement short and fail it (a 503 for a hostile id or email). Ids are base62, and
        // names and emails are stored without control characters, so such a lookup found
        // nothing on SQLite and, with U+FFFD in place of the NUL, finds nothing here either.
        if (m_store.m_dialect == Dialect::PostgreSQL
            && value.metaType() == QMetaType::fromType<QString>()) {
            const QString text = value.toString();
            if (text.contains(QChar(0))) {
                m_values.append(QString(text).replace(QChar(0), QChar::ReplacementCharacter));
                m_query->bindValue(int(m_values.size() - 1), m_values.constLast());
                return *this;
            }
        }
        // By position, not addBindValue: a reused statement still holds its last values.
        m_values.append(value);
        m_query->bindValue(int(m_values.size() - 1), value);
        return *this;
    }
    Query &exec()
    {
        if (m_query->exec())
            return *this;
        // A cached statement is not prepared again, so a connection that died while idle shows
        // here instead of in prepare(): outside a transaction, reconnect, prepare, bind and run
        // it once more (nothing of it ran on the dead connection).
        if (!m_cacheKey.isNull() && !m_store.m_inTransaction && m_store.connectionDead()) {
            const QString sql = m_cacheKey;
            m_store.m_statementsInUse.remove(sql);
            m_cacheKey.clear();
            m_store.reconnect(); // forgets every statement prepared on the old connection
            if (!prepareFresh(sql))
                fail("prepare");
            for (qsizetype i = 0; i < m_values.size(); ++i)
                m_query->bindValue(int(i), m_values.at(i));
            if (m_query->exec())
                return *this;
        }
        fail("execute");
    }
    bool next()
    {
        if (m_query->next())
            return true;
        // Forward-only QPSQL queries fetch row by row (libpq's single-row mode): an error can
        // arrive after exec() succeeded. Without this check it would read as "no more rows".
        if (m_query->lastError().isValid())
            fail("read the result of");
        return false;
    }
    QVariant value(int column) const { return m_query->value(column); }
    int rowsAffected() const { return m_query->numRowsAffected(); }

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
        const QString reason = m_query->lastError().text();
        if (m_store.connectionLost()) {
            throw StoreError(
                QStringLiteral("lost the connection to the database (will reconnect at "
                               "the next request): %1")
                    .arg(reason)
                    .toStdString());
        }
        throw StoreError(QStringLiteral("could not %1 a statement: %2")
                             .arg(QLatin1String(step), reason)
                             .toStdString());
    }
    // A new statement on the current connection; once prepared, it goes to the store's cache.
    bool prepareFresh(const QString &sql)
    {
        m_own = std::make_unique<QSqlQuery>(m_store.m_db);
        m_query = m_own.get();
        m_query->setForwardOnly(true);
        if (!m_query->prepare(sql))
            return false;
        remember(sql);
        return true;
    }
    // Hands the statement to the store's cache, which keeps it for the next Query of this text.
    void remember(const QString &sql)
    {
        m_store.m_statements[sql] = std::move(m_own);
        m_store.m_statementsInUse.insert(sql);
        m_cacheKey = sql;
    }

    Store &m_store;
    std::unique_ptr<QSqlQuery> m_own; // a statement not (yet) in the cache
    QSqlQuery *m_query = nullptr;
    QString m_cacheKey; // null: not a cached statement
    QVariantList m_values; // as bound, for running the statement again on a new connection
};

QString ListCursor::encode() const
{
    return QString::fromLatin1(
        (QByteArray::number(createdAtMs) + ':' + id.toUtf8())
            .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
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
    ListCursor cursor {bytes.first(colon).toLongLong(&ok),
                       QString::fromUtf8(bytes.sliced(colon + 1))};
    if (!ok || !cursor.id.startsWith(u"key_"))
        return std::nullopt;
    return cursor;
}

Store::Store(const QString &url)
    : m_connectionName(
        QStringLiteral("keydesk-store-%1").arg(connectionCounter.fetchAndAddRelaxed(1)))
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
        // Wait rather than fail when another connection (another thread, or a `keydesk-server
        // user add` while the server runs) holds the write lock for a moment.
        m_db.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(busyTimeoutMs));
        m_description = QStringLiteral("SQLite at %1").arg(QFileInfo(path).absoluteFilePath());
        if (path != u":memory:")
            m_sqlitePath = QFileInfo(path).absoluteFilePath();
    } else if (url.startsWith(u"postgresql://") || url.startsWith(u"postgres://")) {
        if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
            throw StoreError("Qt's PostgreSQL driver is not installed (Debian: libqt6sql6-psql)");
        const QUrl parsed(url);
        if (!parsed.isValid() || parsed.host().isEmpty() || parsed.path().size() < 2)
            throw StoreError("expected postgresql://user:password@host:port/database");
        // QPSQL joins the options with spaces after turning every ';' into one, so values are
        // quoted for libpq and may not contain ';'.
        QStringList options = defaultPostgresOptions;
        static const QRegularExpression optionName(QStringLiteral("^[a-z_]+$"));
        for (const auto &[name, value] : QUrlQuery(parsed).queryItems(QUrl::FullyDecoded)) {
            if (!optionName.match(name).hasMatch() || value.contains(u';')) {
                throw StoreError(
                    QStringLiteral("unusable PostgreSQL option '%1' in the database URL "
                                   "(expected libpq options such as ?sslmode=require)")
                        .arg(name)
                        .toStdString());
            }
            options.append(
                QStringLiteral("%1='%2'").arg(name,
                                              QString(value)
                                                  .replace(u'\\', QStringLiteral("\\\\"))
                                                  .replace(u'\'', QStringLiteral("\\'"))));
        }
        m_dialect = Dialect::PostgreSQL;
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_connectionName);
        m_db.setHostName(parsed.host());
        m_db.setPort(parsed.port(5432));
        m_db.setUserName(parsed.userName());
        m_db.setPassword(parsed.password());
        m_db.setDatabaseName(parsed.path().mid(1));
        m_db.setConnectOptions(options.join(u';'));
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
        throw StoreError(
            QStringLiteral("cannot open %1: %2").arg(m_description, reason).toStdString());
    }
    if (!m_sqlitePath.isEmpty()) {
        struct stat opened
        {
        };
        if (::stat(QFile::encodeName(m_sqlitePath).constData(), &opened) == 0)
            m_sqliteFile = std::pair(opened.st_dev, opened.st_ino);
    }
    if (m_dialect == Dialect::SQLite) {
        // WAL lets readers run beside the writer; synchronous=FULL makes every acknowledged
        // commit durable even across a power cut, which a key service owes its admins.
        for (const char *pragma :
             {"PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL", "PRAGMA foreign_keys=ON"}) {
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
    m_statements.clear();
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
    ensureConnected();
    return Query(*this, sql);
}

// QPSQL's isOpen() is libpq's PQstatus() == CONNECTION_OK, which turns false once libpq has seen
// the connection fail. SQLite has no connection to lose.
bool Store::connectionLost() const
{
    return m_dialect == Dialect::PostgreSQL && !m_db.isOpen();
}

// After a failed EXECUTE libpq may still report the connection as fine (it has read the
// server's FATAL message but not yet the end of the stream); a trivial query settles it.
bool Store::connectionDead()
{
    if (m_dialect != Dialect::PostgreSQL)
        return false;
    if (!m_db.isOpen())
        return true;
    QSqlQuery ping(m_db);
    return !ping.exec(QStringLiteral("SELECT 1"));
}

void Store::ensureConnected()
{
    if (!connectionLost())
        return;
    if (m_inTransaction)
        throw StoreError("lost the connection to the database during a transaction");
    reconnect();
}

void Store::reconnect()
{
    qCWarning(lcStore, "the connection to the %s was lost; reconnecting",
              qUtf8Printable(m_description));
    m_statements.clear(); // prepared on the connection that is gone
    m_db.close();
    m_inTransaction = false;
    if (!m_db.open()) {
        throw StoreError(QStringLiteral("the database is unreachable (%1): %2")
                             .arg(m_description, m_db.lastError().text())
                             .toStdString());
    }
    qCInfo(lcStore, "reconnected to the %s", qUtf8Printable(m_description));
}

bool Store::beginOnce()
{
    if (m_dialect == Dialect::PostgreSQL)
        return m_db.transaction();
    // SQLite's plain BEGIN is deferred: a transaction that reads before it writes asks for the
    // write lock only at its first write, and when another connection wrote meanwhile SQLite
    // refuses the upgrade at once (SQLITE_BUSY, "database is locked") without waiting for the
    // busy timeout. A revoke failing that way left a key valid. IMMEDIATE takes the write lock
    // up front, so the transaction waits for its turn instead. (Every transaction here writes.)
    QSqlQuery query(m_db);
    return query.exec(QStringLiteral("BEGIN IMMEDIATE"));
}

void Store::begin()
{
    ensureConnected();
    bool begun = beginOnce();
    // BEGIN is the first statement of a request's transaction and changes nothing: when it finds
    // the connection dead, starting over on a new one is safe.
    if (!begun && connectionLost()) {
        reconnect();
        begun = beginOnce();
    }
    if (!begun)
        throw StoreError("cannot begin a transaction: " + m_db.lastError().text().toStdString());
    m_inTransaction = true;
}

void Store::commit()
{
    // On failure the transaction stays marked as open: inTransaction() rolls it back, which
    // SQLite needs after a failed COMMIT (SQLITE_BUSY leaves the transaction open).
    if (m_dialect == Dialect::SQLite) {
        // Begun with a statement of our own (beginOnce), so ended with one: QSqlDatabase's
        // commit() only works for transactions it began itself.
        QSqlQuery query(m_db);
        if (!query.exec(QStringLiteral("COMMIT")))
            throw StoreError("cannot commit: " + query.lastError().text().toStdString());
    } else if (!m_db.commit()) {
        throw StoreError("cannot commit: " + m_db.lastError().text().toStdString());
    }
    m_inTransaction = false;
}

void Store::rollback()
{
    m_inTransaction = false;
    if (m_dialect == Dialect::SQLite) {
        QSqlQuery query(m_db);
        query.exec(QStringLiteral("ROLLBACK"));
        return;
    }
    // On a lost connection the server has rolled back already; QPSQL would only warn.
    if (!connectionLost())
        m_db.rollback();
}

void Store::executeSchemaStatement(const QString &sql)
{
    // Not prepared: QPSQL prepares with PREPARE, which PostgreSQL accepts only for SELECT,
    // INSERT, UPDATE, DELETE and VALUES ("syntax error at or near CREATE"). Schema statements
    // are constant text from Migrations.cpp and carry no values.
    ensureConnected();
    QSqlQuery query(m_db);
    if (!query.exec(sql)) {
        throw StoreError(QStringLiteral("could not change the schema (%1): %2")
                             .arg(sql.left(60), query.lastError().text())
                             .toStdString());
    }
}

int Store::schemaVersion()
{
    // Looked up through the search path (PostgreSQL) rather than QSqlDatabase::tables(), which
    // lists every schema's tables and would find another application's schema_migrations.
    Query exists =
        prepare(m_dialect == Dialect::PostgreSQL
                    ? QStringLiteral("SELECT to_regclass('schema_migrations') IS NOT NULL")
                    : QStringLiteral("SELECT COUNT(*) > 0 FROM sqlite_master"
                                     " WHERE type = 'table' AND name = 'schema_migrations'"));
    exists.exec();
    if (!exists.next() || !exists.value(0).toBool())
        return 0;
    Query query = prepare(QStringLiteral("SELECT MAX(version) FROM schema_migrations"));
    query.exec();
    return query.next() ? query.value(0).toInt() : 0;
}

QString Store::sqliteFileProblem() const
{
    if (m_sqlitePath.isEmpty())
        return {};
    // The file this connection has open must still be the one at the path (a deleted or replaced
    // file takes every later write with it, silently), and must take writes.
    struct stat atPath
    {
    };
    if (::stat(QFile::encodeName(m_sqlitePath).constData(), &atPath) != 0)
        return QStringLiteral("the database file %1 is gone").arg(m_sqlitePath);
    if (m_sqliteFile
        && (atPath.st_dev != m_sqliteFile->first || atPath.st_ino != m_sqliteFile->second))
        return QStringLiteral("the database file %1 was replaced by another file")
            .arg(m_sqlitePath);
    if (::access(QFile::encodeName(m_sqlitePath).constData(), W_OK) != 0)
        return QStringLiteral("the database file %1 is not writable").arg(m_sqlitePath);
    return {};
}

int Store::latestSchemaVersion()
{
    return migrations().back().version;
}

QString Store::notReadyReason()
{
    if (const QString problem = sqliteFileProblem(); !problem.isEmpty())
        return problem;
    try {
        const int version = schemaVersion();
        if (version != latestSchemaVersion()) {
            return QStringLiteral("the database schema is at version %1, this server's is %2")
                .arg(version)
                .arg(latestSchemaVersion());
        }
        return {};
    } catch (const StoreError &error) {
        return QString::fromUtf8(error.what());
    }
}

QList<int> Store::migrate(const QDateTime &now)
{
    return inTransaction([&] {
        if (m_dialect == Dialect::PostgreSQL) {
            // Instances starting at the same moment would all find the schema missing and all
            // create it; all but one would then fail ("relation already exists", or a duplicate
            // key in pg_type for CREATE TABLE IF NOT EXISTS). The lock lasts until this
            // transaction ends: the others wait, then see the new version and do nothing.
            prepare(QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(migrationLock)).exec();
        }
        executeSchemaStatement(
            QStringLiteral("CREATE TABLE IF NOT EXISTS schema_migrations ("
                           " version INTEGER PRIMARY KEY, description TEXT NOT NULL,"
                           " applied_at BIGINT NOT NULL)"));
        const int current = schemaVersion();
        if (current > latestSchemaVersion()) {
            throw StoreError(
                QStringLiteral("the database schema is at version %1, newer than this "
                               "keydesk-server's (%2): a newer keydesk-server has used this "
                               "database. Run that version (or newer), or restore a backup made "
                               "for this one; nothing was changed.")
                    .arg(current)
                    .arg(latestSchemaVersion())
                    .toStdString());
        }
        QList<int> applied;
        for (const Migration &migration : migrations()) {
            if (migration.version <= current)
                continue;
            for (const QString &statement : migration.statements)
                executeSchemaStatement(statement);
            if (m_dialect == Dialect::PostgreSQL) {
                for (const QString &statement : migration.postgresqlStatements)
                    executeSchemaStatement(statement);
            }
            prepare(
                QStringLiteral("INSERT INTO schema_migrations (version, description, applied_at)"
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

void Store::insertOrganization(const Organization &organization)
{
    prepare(QStringLiteral("INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)"))
        .bind(organization.id)
        .bind(organization.name)
        .bind(organization.createdAt.toMSecsSinceEpoch())
        .exec();
}

bool Store::listen(
    const QStringList &channels,
    std::function<void(const QString &channel, const QString &payload)> onNotification)
{
    QSqlDriver *driver = m_db.driver();
    if (m_dialect != Dialect::PostgreSQL || !driver->hasFeature(QSqlDriver::EventNotifications))
        return false;
    for (const QString &channel : channels) {
        if (!driver->subscribeToNotification(channel)) {
            qCWarning(lcStore, "cannot LISTEN on %s: %s", qUtf8Printable(channel),
                      qUtf8Printable(driver->lastError().text()));
            return false;
        }
    }
    QObject::connect(driver, &QSqlDriver::notification, driver,
                     [onNotification = std::move(onNotification)](
                         const QString &channel, QSqlDriver::NotificationSource,
                         const QVariant &payload) { onNotification(channel, payload.toString()); });
    return true;
}

void Store::notify(const QString &channel, const QString &payload)
{
    // pg_notify() rather than NOTIFY: NOTIFY takes no bound values.
    if (m_dialect == Dialect::PostgreSQL)
        prepare(QStringLiteral("SELECT pg_notify(?, ?)")).bind(channel).bind(payload).exec();
}

void Store::publishKeyChange(const QString &keyId)
{
    publishChange(QLatin1String(keyChangePrefix) + keyId);
}

void Store::publishOrganizationChange(const QString &organizationId)
{
    publishChange(QLatin1String(organizationChangePrefix) + organizationId);
}

void Store::publishChange(const QString &payload)
{
    // SQLite has no other instances to tell (several instances need PostgreSQL). Inside the
    // change's transaction: delivered on commit, and not at all on rollback, so listeners never
    // hear of a change that did not happen.
    notify(QString::fromLatin1(changeChannel), payload);
}

std::optional<Organization> Store::organization(const QString &id)
{
    Query query =
        prepare(QStringLiteral("SELECT id, name, created_at FROM organizations WHERE id = ?"));
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
    // The cascade locks the keys in whatever order its scan finds them, while a usage flush
    // (recordKeyUse, any instance) locks them in id order: with two keys of the organization in
    // a flush the two could deadlock, and PostgreSQL then aborts one of them (the deletion
    // answered 503; tst_multiinstance found it). Taking the keys in id order first makes both
    // wait in the same order. (SQLite has one writer at a time.)
    if (m_dialect == Dialect::PostgreSQL) {
        Query lock = prepare(QStringLiteral(
            "SELECT id FROM api_keys WHERE organization_id = ? ORDER BY id FOR UPDATE"));
        lock.bind(id).exec();
        while (lock.next()) { } // every row read: each is locked by the time the DELETE runs
    }
    Query query = prepare(QStringLiteral("DELETE FROM organizations WHERE id = ?"));
    query.bind(id).exec();
    return query.rowsAffected() > 0;
}

bool Store::insertUser(const User &user, const QByteArray &passwordHash, const QDateTime &now)
{
    // One statement rather than a check and an insert: with several instances two sign-ups for
    // one address can run at once, and the second must see "taken", not a unique violation.
    // (PostgreSQL makes it wait for the first transaction and then skip the row.)
    Query insert = prepare(
        QStringLiteral("INSERT INTO users (id, email, email_key, name, password_hash, created_at)"
                       " VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (email_key) DO NOTHING"));
    insert.bind(user.id)
        .bind(user.email)
        .bind(emailKey(user.email))
        .bind(user.name)
        .bind(QString::fromLatin1(passwordHash))
        .bind(now.toMSecsSinceEpoch())
        .exec();
    return insert.rowsAffected() == 1;
}

std::optional<StoredUser> Store::userByEmail(const QString &email)
{
    Query query = prepare(
        QStringLiteral("SELECT id, name, email, password_hash FROM users WHERE email_key = ?"));
    query.bind(emailKey(email)).exec();
    if (!query.next())
        return std::nullopt;
    return StoredUser {
        {query.value(0).toString(), query.value(1).toString(), query.value(2).toString()},
        query.value(3).toString().toLatin1()};
}

void Store::addMembership(const QString &organizationId, const QString &userId, Role role,
                          const QDateTime &now)
{
    // Adding someone again changes their role rather than failing.
    prepare(QStringLiteral(
                "INSERT INTO memberships (organization_id, user_id, role, created_at)"
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
    Query query = prepare(
        QStringLiteral("SELECT role FROM memberships WHERE user_id = ? AND organization_id = ?"));
    query.bind(userId).bind(organizationId).exec();
    if (!query.next())
        return std::nullopt;
    return roleFromWire(query.value(0).toString());
}

QList<Membership> Store::memberships(const QString &userId)
{
    Query query = prepare(QStringLiteral("SELECT o.id, o.name, m.role FROM memberships m"
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
    return findKey(organizationId, keyId, false);
}

std::optional<ApiKey> Store::keyForUpdate(const QString &organizationId, const QString &keyId)
{
    return findKey(organizationId, keyId, true);
}

std::optional<ApiKey> Store::findKey(const QString &organizationId, const QString &keyId,
                                     bool forUpdate)
{
    // SQLite has no row locks, and needs none: its write transactions take turns anyway.
    const bool lock = forUpdate && m_dialect == Dialect::PostgreSQL;
    Query query = prepare(keySelect + QStringLiteral("WHERE k.id = ? AND k.organization_id = ?")
                          + (lock ? QStringLiteral(" FOR UPDATE OF k") : QString()));
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
    // No name or hint contains U+0000 (names reject control characters), and PostgreSQL could
    // not even be asked.
    if (search.contains(QChar(0)))
        return {};
    QString sql = keySelect + QStringLiteral("WHERE k.organization_id = ?");
    switch (filter) {
    case KeyFilter::Current:
        sql += QStringLiteral(" AND k.revoked_at IS NULL");
        break;
    case KeyFilter::Active:
        sql += QStringLiteral(
            " AND k.revoked_at IS NULL AND (k.expires_at IS NULL OR k.expires_at > ?)");
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
    // A row-value comparison, not "a < x OR (a = x AND b < y)": both databases turn it into a
    // range on the (organization_id, created_at, id) index, where the OR made SQLite walk the
    // index from the top (11 ms for a page 50 000 keys deep; bench/list).
    if (after)
        sql += QStringLiteral(" AND (k.created_at, k.id) < (?, ?)");
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
        query.bind(after->createdAtMs).bind(after->id);
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
    prepare(
        QStringLiteral("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL"))
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
    Query query = prepare(
        QStringLiteral("SELECT id, organization_id, key_hash, access, expires_at, revoked_at"
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
    // In id order: two instances flushing overlapping batches then lock the rows in the same
    // order and cannot deadlock (QHash's order differs from process to process).
    QStringList ids = lastUsed.keys();
    std::sort(ids.begin(), ids.end());
    inTransaction([&] {
        for (const QString &id : std::as_const(ids)) {
            const qint64 ms = lastUsed.value(id).toMSecsSinceEpoch();
            // Never move last_used_at backwards when another instance wrote a later use.
            prepare(QStringLiteral("UPDATE api_keys SET last_used_at = ?"
                                   " WHERE id = ? AND (last_used_at IS NULL OR last_used_at < ?)"))
                .bind(ms)
                .bind(id)
                .bind(ms)
                .exec();
        }
    });
}

std::optional<IdempotencyRecord> Store::idempotencyRecord(const QString &userId,
                                                          const QString &organizationId,
                                                          const QString &idempotencyKey)
{
    if (m_inTransaction && m_dialect == Dialect::PostgreSQL) {
        prepare(QStringLiteral("SELECT pg_advisory_xact_lock(%1, hashtext(?))")
                    .arg(idempotencyLockSpace))
            .bind(userId + u'\n' + organizationId + u'\n' + idempotencyKey)
            .exec();
    }
    Query query = prepare(
        QStringLiteral("SELECT fingerprint, api_key_id, created_at FROM idempotency_keys"
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
    prepare(
        QStringLiteral("INSERT INTO idempotency_keys (user_id, organization_id, idempotency_key,"
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
    prepare(
        QStringLiteral(
            "INSERT INTO login_failures (email_key, client_address, occurred_at) VALUES (?, ?, ?)"))
        .bind(emailKey)
        .bind(clientAddress)
        .bind(nowMs)
        .exec();
}

QList<qint64> Store::loginFailuresForEmail(const QString &emailKey, qint64 sinceMs)
{
    return loginFailures(QStringLiteral("email_key"), emailKey, sinceMs);
}

QList<qint64> Store::loginFailuresForAddress(const QString &clientAddress, qint64 sinceMs)
{
    return loginFailures(QStringLiteral("client_address"), clientAddress, sinceMs);
}

// `column` is one of the two above, never input.
QList<qint64> Store::loginFailures(const QString &column, const QString &value, qint64 sinceMs)
{
    Query query = prepare(QStringLiteral("SELECT occurred_at FROM login_failures WHERE %1 = ?"
                                         " AND occurred_at > ? ORDER BY occurred_at")
                              .arg(column));
    query.bind(value).bind(sinceMs).exec();
    QList<qint64> instants;
    while (query.next())
        instants.append(query.value(0).toLongLong());
    return instants;
}

void Store::clearLoginFailures(const QString &emailKey)
{
    prepare(QStringLiteral("DELETE FROM login_failures WHERE email_key = ?")).bind(emailKey).exec();
}

void Store::clampLoginFailures(const QString &emailKey, const QString &clientAddress, qint64 nowMs)
{
    prepare(QStringLiteral("UPDATE login_failures SET occurred_at = ?"
                           " WHERE (email_key = ? OR client_address = ?) AND occurred_at > ?"))
        .bind(nowMs)
        .bind(emailKey)
        .bind(clientAddress)
        .bind(nowMs)
        .exec();
}

void Store::audit(const AuditEvent &event, const QDateTime &now)
{
    prepare(QStringLiteral(
                "INSERT INTO audit_events (id, occurred_at, action, outcome, actor_user_id,"
                " organization_id, target_id, client_address) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"))
        .bind(event.id)
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
