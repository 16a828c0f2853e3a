#pragma once

#include "Account.h"
#include "ApiKey.h"
#include "Expiration.h"
#include "Problem.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>

#include <functional>
#include <optional>
#include <utility>
#include <variant>

class QNetworkAccessManager;
class QNetworkReply;

namespace keydesk {

// Why a call failed, in words a person can act on: `message` is always a full sentence (the
// server's problem `detail` when it sent one), never a bare Qt error code.
struct ApiError
{
    enum Kind {
        Network, // no answer: refused, host not found, connection dropped, …
        Timeout, // no complete answer within ApiClient::timeout()
        Tls, // the secure connection could not be established (certificate, protocol)
        Http, // the server answered with a problem document
        BadResponse, // an answer that is not what a KeyDesk server sends
    };

    Kind kind = Network;
    int status = 0; // HTTP status, 0 when there was no HTTP answer
    QString code; // the problem's machine-readable code (ErrorCode::…), empty otherwise
    QString message;
    QList<FieldError> fieldErrors;

    bool is(const char *errorCode) const
    {
        return kind == Http && code == QLatin1String(errorCode);
    }
    // The server's message for one request field ("name", "email", …), empty if it had none.
    QString fieldMessage(QStringView field) const;
};

// Either the value a call produced or the reason it failed.
template<typename T>
class Result
{
public:
    Result(T value)
        : m_state(std::in_place_index<0>, std::move(value))
    { }
    Result(ApiError error)
        : m_state(std::in_place_index<1>, std::move(error))
    { }

    bool isOk() const { return m_state.index() == 0; }
    explicit operator bool() const { return isOk(); }
    // std::bad_variant_access when asking a failure for its value or a success for its error.
    const T &value() const { return std::get<0>(m_state); }
    const T &operator*() const { return value(); }
    const T *operator->() const { return &value(); }
    const ApiError &error() const { return std::get<1>(m_state); }

private:
    std::variant<T, ApiError> m_state;
};

// The result of a call that answers nothing but success (log out).
template<>
class Result<void>
{
public:
    Result() = default;
    Result(ApiError error)
        : m_error(std::move(error))
    { }

    bool isOk() const { return !m_error.has_value(); }
    explicit operator bool() const { return isOk(); }
    const ApiError &error() const { return m_error.value(); }

private:
    std::optional<ApiError> m_error;
};

// The desktop app's client for the REST contract (DESIGN §3). One QNetworkAccessManager; every
// call is asynchronous and reports through a callback on the client's thread. The callback is
// skipped when its context object is destroyed before the answer arrives (the request itself
// is not cancelled: a create that reached the server has happened either way).
//
// Secrets (session token, passwords, key secrets) are kept in memory only and never logged.
class ApiClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiClient)

public:
    // The `status` filter of the key list. Named here rather than at namespace level because
    // the server's storage layer has a keydesk::KeyFilter/KeyPage of its own.
    enum class KeyFilter { Current, Active, Expired, Revoked, All };

    struct KeyQuery
    {
        KeyFilter status = KeyFilter::Current;
        QString q; // case-insensitive substring of name or hint; empty: everything
        int limit = 0; // 1–500; 0: the server's default page size
        QString cursor; // nextCursor of the previous page; empty: first page
    };

    struct KeyPage
    {
        QList<ApiKey> items;
        QString nextCursor; // empty on the last page
    };

    // A freshly created key and its secret, which the server shows this one time only.
    struct CreatedKey
    {
        ApiKey key;
        QByteArray secret;
    };

    template<typename T>
    using Callback = std::function<void(const Result<T> &)>;

    static constexpr int defaultTimeoutMs = 15'000;

    explicit ApiClient(const QUrl &baseUrl, QObject *parent = nullptr);
    ~ApiClient() override;

    // The server's root ("https://keys.example.com" or with a path prefix); /v1/… goes after it.
    void setBaseUrl(const QUrl &baseUrl);
    QUrl baseUrl() const { return m_baseUrl; }

    // The session token sent as Authorization: Bearer on the calls that need one. A successful
    // logIn() or signUp() sets it; logOut() and a 401 "unauthenticated" clear it.
    void setToken(const QByteArray &token);
    void clearToken();
    bool hasToken() const { return !m_token.isEmpty(); }

    // How long a request may go without progress before it fails with ApiError::Timeout.
    void setTimeout(int milliseconds);
    int timeout() const { return m_timeoutMs; }

    // A fresh Idempotency-Key: take one per user action and pass the same one to a retry.
    static QString newIdempotencyKey();
    // http:// to anything but loopback: credentials and secrets would cross the network in clear.
    static bool isInsecureRemote(const QUrl &url);

    void info(QObject *context, Callback<ServerInfo> callback);
    void signUp(const QString &organizationName, const QString &name, const QString &email,
                const QString &password, QObject *context, Callback<SessionGrant> callback);
    void logIn(const QString &email, const QString &password, QObject *context,
               Callback<SessionGrant> callback);
    // Ends the session on the server and forgets the token at once, whatever the answer.
    void logOut(QObject *context, Callback<void> callback);
    void me(QObject *context, Callback<Account> callback);
    void organization(const QString &organizationId, QObject *context,
                      Callback<Organization> callback);
    void listKeys(const QString &organizationId, const KeyQuery &query, QObject *context,
                  Callback<KeyPage> callback);
    // An empty `idempotencyKey` makes a fresh one (this attempt cannot be retried safely then).
    void createKey(const QString &organizationId, const QString &name, Expiration expiration,
                   Access access, const QString &idempotencyKey, QObject *context,
                   Callback<CreatedKey> callback);
    // An empty name removes the key's name.
    void renameKey(const QString &organizationId, const QString &keyId, const QString &name,
                   QObject *context, Callback<ApiKey> callback);
    // Revoking a revoked key is not an error: the key comes back unchanged.
    void revokeKey(const QString &organizationId, const QString &keyId, QObject *context,
                   Callback<ApiKey> callback);

Q_SIGNALS:
    // A call made with the current token was answered 401 "unauthenticated": the session is
    // over (expired or ended elsewhere) and the token has been cleared. Emitted once per token,
    // after that call's callback.
    void sessionExpired();

private:
    struct Call
    {
        QByteArray method;
        QString path; // already percent-encoded where it holds ids
        QList<std::pair<QString, QString>> query;
        std::optional<QJsonObject> body;
        bool authenticated = true;
        QList<std::pair<QByteArray, QByteArray>> headers;
    };
    // What a call hands to its parser: the JSON object of a 2xx answer (empty for 204), and
    // the HTTP status (0 without an answer).
    using Finish = std::function<void(const Result<QJsonObject> &, int status)>;

    void send(const Call &call, QObject *context, Finish finish);
    Result<QJsonObject> interpret(QNetworkReply *reply, const QString &tlsReason) const;
    ApiError networkError(QNetworkReply *reply, const QString &tlsReason) const;
    ApiError badResponse(int status, const QString &why) const;
    QString serverName() const;
    // Wraps a typed callback: a JSON object that `parse` rejects becomes BadResponse.
    template<typename T, typename Parse>
    Finish typed(Callback<T> callback, Parse parse) const;
    Finish adoptingSession(Callback<SessionGrant> callback);

    QNetworkAccessManager *m_network; // a child: destroyed after our connections are gone
    QUrl m_baseUrl;
    QByteArray m_token;
    // Bumped whenever the token changes, so a late 401 for an old token does not end a newer
    // session.
    quint64 m_tokenGeneration = 0;
    int m_timeoutMs = defaultTimeoutMs;
};

} // namespace keydesk
