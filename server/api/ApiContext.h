#pragma once

#include "ServerConfig.h"
#include "http/Http.h"
#include "storage/Store.h"

#include <QJsonObject>

#include <optional>

namespace keydesk {

class UsageRecorder;

// Who is calling, once their session token checked out.
struct Caller
{
    User user;
    QByteArray tokenHash;
};

// What every handler shares, and the checks they all make. The require* helpers throw
// http::ApiError, so a handler reads as the list of its checks followed by its work.
class ApiContext
{
public:
    ApiContext(const ServerConfig &serverConfig, Store &serverStore, UsageRecorder &usageRecorder)
        : config(serverConfig)
        , store(serverStore)
        , usage(usageRecorder)
    { }

    QDateTime now() const { return config.clock->now(); }

    Caller requireSession(const http::Request &request) const;
    // The caller's role in the organization; 404 when they are not a member, so that other
    // organizations' ids do not leak.
    Role requireMember(const Caller &caller, const QString &organizationId) const;
    static void requireKeyManager(Role role);

    void audit(const http::Request &request, const QString &action, const QString &actorId,
               const QString &organizationId, const QString &targetId,
               const QString &outcome = QStringLiteral("success")) const;

    const ServerConfig &config;
    Store &store;
    UsageRecorder &usage;
};

// Reads a JSON object body and collects per-field errors, so that one 400 lists them all.
class JsonBody
{
public:
    // Throws 400 validation_failed for malformed JSON, invalid UTF-8 or a non-object body.
    explicit JsonBody(const http::Request &request);

    bool has(const QString &field) const { return m_object.contains(field); }
    // Absent or null: null QString. Another type: recorded as an error.
    QString optionalString(const QString &field);
    // Absent, null or another type: recorded as an error.
    QString requiredString(const QString &field);
    void fail(const QString &field, const QString &message);
    // Throws 400 validation_failed with every recorded error, if any.
    void finish() const;

private:
    QJsonObject m_object;
    QList<FieldError> m_errors;
};

} // namespace keydesk
