#include "Migrations.h"

namespace keydesk {

const std::vector<Migration> &migrations()
{
    static const std::vector<Migration> list {
        {1,
         "organizations, users, sessions, API keys, idempotency, audit, login throttling",
         {
             QStringLiteral("CREATE TABLE organizations ("
                            " id TEXT PRIMARY KEY,"
                            " name TEXT NOT NULL,"
                            " created_at BIGINT NOT NULL)"),
             QStringLiteral("CREATE TABLE users ("
                            " id TEXT PRIMARY KEY,"
                            " email TEXT NOT NULL,"
                            " email_key TEXT NOT NULL UNIQUE,"
                            " name TEXT NOT NULL,"
                            " password_hash TEXT NOT NULL,"
                            " created_at BIGINT NOT NULL)"),
             QStringLiteral(
                 "CREATE TABLE memberships ("
                 " organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,"
                 " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                 " role TEXT NOT NULL,"
                 " created_at BIGINT NOT NULL,"
                 " PRIMARY KEY (organization_id, user_id))"),
             QStringLiteral("CREATE INDEX memberships_by_user ON memberships (user_id)"),
             QStringLiteral("CREATE TABLE sessions ("
                            " token_hash TEXT PRIMARY KEY,"
                            " user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
                            " created_at BIGINT NOT NULL,"
                            " expires_at BIGINT NOT NULL)"),
             QStringLiteral(
                 "CREATE TABLE api_keys ("
                 " id TEXT PRIMARY KEY,"
                 " organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,"
                 " key_hash TEXT NOT NULL UNIQUE,"
                 " hint TEXT NOT NULL,"
                 " name TEXT,"
                 " name_folded TEXT NOT NULL,"
                 " access TEXT NOT NULL,"
                 " expiration TEXT NOT NULL,"
                 " created_at BIGINT NOT NULL,"
                 " created_by TEXT NOT NULL REFERENCES users(id),"
                 " expires_at BIGINT,"
                 " last_used_at BIGINT,"
                 " revoked_at BIGINT)"),
             QStringLiteral("CREATE INDEX api_keys_listing ON api_keys (organization_id, "
                            "created_at DESC, id DESC)"),
             QStringLiteral(
                 "CREATE TABLE idempotency_keys ("
                 " user_id TEXT NOT NULL,"
                 " organization_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,"
                 " idempotency_key TEXT NOT NULL,"
                 " fingerprint TEXT NOT NULL,"
                 " api_key_id TEXT NOT NULL,"
                 " created_at BIGINT NOT NULL,"
                 " PRIMARY KEY (user_id, organization_id, idempotency_key))"),
             QStringLiteral("CREATE TABLE audit_events ("
                            " id TEXT PRIMARY KEY,"
                            " occurred_at BIGINT NOT NULL,"
                            " action TEXT NOT NULL,"
                            " outcome TEXT NOT NULL,"
                            " actor_user_id TEXT,"
                            " organization_id TEXT,"
                            " target_id TEXT,"
                            " client_address TEXT)"),
             QStringLiteral(
                 "CREATE INDEX audit_events_by_org ON audit_events (organization_id, occurred_at)"),
             QStringLiteral("CREATE TABLE login_failures ("
                            " email_key TEXT NOT NULL,"
                            " client_address TEXT NOT NULL,"
                            " occurred_at BIGINT NOT NULL)"),
             QStringLiteral(
                 "CREATE INDEX login_failures_by_email ON login_failures (email_key, occurred_at)"),
             QStringLiteral("CREATE INDEX login_failures_by_address ON login_failures "
                            "(client_address, occurred_at)"),
         },
         {}},
        // Lists are ordered, and paged, by (created_at, id). SQLite compares text byte by byte;
        // PostgreSQL by the database's locale, where "key_b" sorts before "key_C". Byte order on
        // both keeps one order whatever locale the operator's cluster has, and lets the listing
        // index serve the whole ORDER BY.
        {2,
         "byte-order collation for API key ids (PostgreSQL)",
         {},
         {
             QStringLiteral("ALTER TABLE api_keys ALTER COLUMN id TYPE TEXT COLLATE \"C\""),
         }},
        // DESIGN §3b names the key actions "key.*"; the first version wrote "api_key.*".
        {3,
         "audit actions of API keys named key.create, key.rename, key.revoke, key.reissue",
         {
             QStringLiteral("UPDATE audit_events SET action = 'key.' || substr(action, 9)"
                            " WHERE substr(action, 1, 8) = 'api_key.'"),
         },
         {}},
    };
    return list;
}

} // namespace keydesk
