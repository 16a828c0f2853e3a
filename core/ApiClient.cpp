#include "ApiClient.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QLocale>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QUuid>

#if QT_CONFIG(ssl)
#include <QSslError>
#endif

#include <memory>

namespace keydesk {

namespace {

QString encodeSegment(const QString &segment)
{
    // Ids are opaque: whatever they hold must stay one path segment.
    return QString::fromLatin1(QUrl::toPercentEncoding(segment));
}

QString keysPath(const QString &organizationId)
{
    return QStringLiteral("/v1/organizations/%1/api-keys").arg(encodeSegment(organizationId));
}

QString keyPath(const QString &organizationId, const QString &keyId)
{
    return keysPath(organizationId) + u'/' + encodeSegment(keyId);
}

QString toWire(ApiClient::KeyFilter filter)
{
    switch (filter) {
    case ApiClient::KeyFilter::Current:
        return QStringLiteral("current");
    case ApiClient::KeyFilter::Active:
        return QStringLiteral("active");
    case ApiClient::KeyFilter::Expired:
        return QStringLiteral("expired");
    case ApiClient::KeyFilter::Revoked:
        return QStringLiteral("revoked");
    case ApiClient::KeyFilter::All:
        return QStringLiteral("all");
    }
    Q_UNREACHABLE();
    return QString();
}

bool isConnectionLevel(QNetworkReply::NetworkError error)
{
    // Qt numbers its errors by family: 1–99 connection, 100–199 proxy. From 200 on they describe
    // an HTTP answer that did arrive, which the status code tells better.
    return error != QNetworkReply::NoError && int(error) < 200;
}

// "HTTP 502 Bad Gateway": the phrase the server sent, else ours, else the number alone.
QString statusText(QNetworkReply *reply, int status)
{
    QString phrase = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
    if (phrase.isEmpty()) // HTTP/2 has no reason phrases
        phrase = reasonPhrase(status);
    if (phrase.isEmpty() || phrase == u"Error")
        return QStringLiteral("HTTP %1").arg(status);
    return QStringLiteral("HTTP %1 %2").arg(status).arg(phrase);
}

} // namespace

QString ApiError::fieldMessage(QStringView field) const
{
    for (const FieldError &error : fieldErrors) {
        if (error.field == field)
            return error.message;
    }
    return QString();
}

ApiClient::ApiClient(const QUrl &baseUrl, QObject *parent)
    : QObject(parent)
    , m_network(new QNetworkAccessManager(this))
    , m_baseUrl(baseUrl)
{ }

ApiClient::~ApiClient() = default;

void ApiClient::setBaseUrl(const QUrl &baseUrl)
{
    if (baseUrl == m_baseUrl)
        return;
    // A token belongs to the server that issued it; never offer it to another one.
    clearToken();
    m_baseUrl = baseUrl;
}

void ApiClient::setToken(const QByteArray &token)
{
    m_token = token;
    ++m_tokenGeneration;
}

void ApiClient::clearToken()
{
    m_token.clear();
    ++m_tokenGeneration;
}

void ApiClient::setTimeout(int milliseconds)
{
    m_timeoutMs = qMax(1, milliseconds);
}

QString ApiClient::newIdempotencyKey()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces);
}

bool ApiClient::isInsecureRemote(const QUrl &url)
{
    if (url.scheme().compare(u"http", Qt::CaseInsensitive) != 0)
        return false;
    const QString host = url.host();
    if (host.compare(u"localhost", Qt::CaseInsensitive) == 0
        || host.compare(u"localhost.", Qt::CaseInsensitive) == 0)
        return false;
    // QUrl::host() gives IPv6 literals without brackets, as QHostAddress wants them.
    const QHostAddress address(host);
    return address.isNull() || !address.isLoopback();
}

QString ApiClient::serverName() const
{
    return m_baseUrl.toDisplayString(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash);
}

ApiError ApiClient::badResponse(int status, const QString &why) const
{
    ApiError error;
    error.kind = ApiError::BadResponse;
    error.status = status;
    error.message = tr("The server at %1 sent an answer KeyDesk cannot read: %2 It may not be a "
                       "KeyDesk server, or something between you and it changed the answer.")
                        .arg(serverName(), why);
    return error;
}

ApiError ApiClient::networkError(QNetworkReply *reply, const QString &tlsReason) const
{
    ApiError error;
    const QNetworkReply::NetworkError code = reply->error();
    const QString server = serverName();
    switch (code) {
    case QNetworkReply::OperationCanceledError:
    case QNetworkReply::TimeoutError: {
        // We never abort a request ourselves, so a cancelled one is one the transfer timeout
        // ended (Qt 6.4 reports that as OperationCanceledError).
        error.kind = ApiError::Timeout;
        if (m_timeoutMs == 1000)
            error.message = tr("The server did not answer within 1 second.");
        else
            error.message = tr("The server did not answer within %1 seconds.")
                                .arg(QLocale().toString(m_timeoutMs / 1000.0, 'g', 3));
        return error;
    }
    case QNetworkReply::SslHandshakeFailedError:
        error.kind = ApiError::Tls;
        error.message = tr("The secure connection to %1 could not be established: %2")
                            .arg(server, tlsReason.isEmpty() ? reply->errorString() : tlsReason);
        return error;
    case QNetworkReply::ConnectionRefusedError:
        error.message = tr("Could not connect to the server at %1: the connection was refused. "
                           "Check that the server is running and that the address is right.")
                            .arg(server);
        break;
    case QNetworkReply::HostNotFoundError:
        error.message = tr("Could not find the server %1. Check the address and your network "
                           "connection.")
                            .arg(server);
        break;
    case QNetworkReply::RemoteHostClosedError:
        error.message =
            tr("The server at %1 closed the connection before it answered.").arg(server);
        break;
    case QNetworkReply::ProtocolUnknownError:
        error.message = tr("“%1” is not a server address KeyDesk can use: it must start with "
                           "https:// (or http:// for a server on this computer).")
                            .arg(server);
        break;
    case QNetworkReply::TemporaryNetworkFailureError:
    case QNetworkReply::NetworkSessionFailedError:
        error.message =
            tr("The network is not available, so the server at %1 cannot be reached.").arg(server);
        break;
    default:
        if (!tlsReason.isEmpty()) {
            error.kind = ApiError::Tls;
            error.message = tr("The secure connection to %1 could not be established: %2")
                                .arg(server, tlsReason);
            return error;
        }
        error.message =
            tr("Could not reach the server at %1: %2.").arg(server, reply->errorString());
        break;
    }
    error.kind = ApiError::Network;
    return error;
}

Result<QJsonObject> ApiClient::interpret(QNetworkReply *reply, const QString &tlsReason) const
{
    const QVariant statusAttribute = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const int status = statusAttribute.isValid() ? statusAttribute.toInt() : 0;
    if (status == 0 || isConnectionLevel(reply->error()))
        return networkError(reply, tlsReason);

    const QByteArray body = reply->readAll();
    if (status >= 300 && status < 400) {
        // Redirects are not followed: one could take the password or the token somewhere else.
        const QString target = QString::fromUtf8(reply->rawHeader("Location"));
        return badResponse(status,
                           target.isEmpty()
                               ? tr("it redirects elsewhere (HTTP %1).").arg(status)
                               : tr("it redirects to %1. If that is the server, use that "
                                    "address instead.")
                                     .arg(target));
    }

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (status >= 200 && status < 300) {
        if (status == 204)
            return QJsonObject();
        if (parseError.error != QJsonParseError::NoError)
            return badResponse(
                status, tr("the answer is not valid JSON (%1).").arg(parseError.errorString()));
        if (!document.isObject())
            return badResponse(status, tr("the answer is not a JSON object."));
        return document.object();
    }

    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        ApiError error;
        error.kind = ApiError::BadResponse;
        error.status = status;
        error.message = tr("The server at %1 answered with an error (%2) that KeyDesk cannot "
                           "read. It may not be a KeyDesk server, or a proxy between you and it "
                           "failed.")
                            .arg(serverName(), statusText(reply, status));
        return error;
    }
    const Problem problem = Problem::fromJson(document.object(), status);
    ApiError error;
    error.kind = ApiError::Http;
    error.status = status;
    error.code = problem.code;
    error.fieldErrors = problem.errors;
    if (!problem.detail.isEmpty())
        error.message = problem.detail;
    else if (!problem.title.isEmpty())
        error.message = tr("The server answered “%1” (HTTP %2).").arg(problem.title).arg(status);
    else
        error.message =
            tr("The server answered with an error (%1).").arg(statusText(reply, status));
    return error;
}

void ApiClient::send(const Call &call, QObject *context, Finish finish)
{
    Q_ASSERT_X(!context || context->thread() == thread(), "ApiClient",
               "the context object must live in the client's thread");

    QUrl url = m_baseUrl;
    QString basePath = url.path(QUrl::FullyEncoded);
    while (basePath.endsWith(u'/'))
        basePath.chop(1);
    url.setPath(basePath + call.path, QUrl::TolerantMode);
    QString query;
    for (const auto &[key, value] : call.query) {
        if (!query.isEmpty())
            query += u'&';
        query += key + u'=' + QString::fromLatin1(QUrl::toPercentEncoding(value));
    }
    url.setQuery(query, QUrl::TolerantMode); // a null QString: no "?" at all
    url.setFragment(QString());

    QNetworkRequest request(url);
    request.setTransferTimeout(m_timeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                         QNetworkRequest::ManualRedirectPolicy);
    request.setHeader(QNetworkRequest::UserAgentHeader,
                      QByteArrayLiteral("KeyDesk/" KEYDESK_VERSION));
    request.setRawHeader("Accept", "application/json, application/problem+json");
    const bool carriesToken = call.authenticated && !m_token.isEmpty();
    if (carriesToken)
        request.setRawHeader("Authorization", "Bearer " + m_token);
    for (const auto &[name, value] : call.headers)
        request.setRawHeader(name, value);

    QNetworkReply *reply = nullptr;
    if (call.body) {
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
        reply = m_network->sendCustomRequest(
            request, call.method, QJsonDocument(*call.body).toJson(QJsonDocument::Compact));
    } else {
        reply = m_network->sendCustomRequest(request, call.method);
    }

    // sslErrors arrives before finished; finished only says "handshake failed".
    auto tlsReason = std::make_shared<QString>();
#if QT_CONFIG(ssl)
    connect(reply, &QNetworkReply::sslErrors, this, [tlsReason](const QList<QSslError> &errors) {
        QStringList reasons;
        for (const QSslError &error : errors)
            reasons.append(error.errorString());
        *tlsReason = reasons.join(QStringLiteral("; "));
    });
#endif

    const QPointer<QObject> guard(context);
    const bool guarded = context != nullptr;
    const quint64 generation = m_tokenGeneration;
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, tlsReason, guard, guarded, generation, carriesToken,
             finish = std::move(finish)] {
                reply->deleteLater();
                const Result<QJsonObject> outcome = interpret(reply, *tlsReason);
                const int status =
                    reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
                // Only the token in use ends: a late answer for a replaced one changes nothing.
                const bool expired = carriesToken && !outcome
                    && outcome.error().is(ErrorCode::unauthenticated)
                    && generation == m_tokenGeneration;
                if (expired)
                    clearToken();
                const QPointer<ApiClient> self(this);
                if (!guarded || guard)
                    finish(outcome, status);
                if (expired && self)
                    Q_EMIT sessionExpired();
            });
}

template<typename T, typename Parse>
ApiClient::Finish ApiClient::typed(Callback<T> callback, Parse parse) const
{
    return [this, callback = std::move(callback),
            parse = std::move(parse)](const Result<QJsonObject> &outcome, int status) {
        if (!outcome) {
            callback(outcome.error());
            return;
        }
        std::optional<T> value = parse(*outcome);
        if (!value) {
            callback(
                badResponse(status, tr("expected members are missing or have the wrong type.")));
            return;
        }
        callback(std::move(*value));
    };
}

void ApiClient::info(QObject *context, Callback<ServerInfo> callback)
{
    Call call {"GET", QStringLiteral("/v1/info"), {}, {}, false, {}};
    send(call, context,
         typed<ServerInfo>(std::move(callback),
                           [](const QJsonObject &json) -> std::optional<ServerInfo> {
                               if (!json.value(QStringLiteral("name")).isString()
                                   || !json.value(QStringLiteral("signup_enabled")).isBool())
                                   return std::nullopt;
                               return ServerInfo::fromJson(json);
                           }));
}

void ApiClient::signUp(const QString &organizationName, const QString &name, const QString &email,
                       const QString &password, QObject *context, Callback<SessionGrant> callback)
{
    Call call {"POST",
               QStringLiteral("/v1/signup"),
               {},
               QJsonObject {{QStringLiteral("organization_name"), organizationName},
                            {QStringLiteral("name"), name},
                            {QStringLiteral("email"), email},
                            {QStringLiteral("password"), password}},
               false,
               {}};
    send(call, context, adoptingSession(std::move(callback)));
}

// Sign-up and log-in both answer a session: the client keeps its token before the caller hears.
ApiClient::Finish ApiClient::adoptingSession(Callback<SessionGrant> callback)
{
    QPointer<ApiClient> self(this);
    return typed<SessionGrant>(
        [self, callback = std::move(callback)](const Result<SessionGrant> &result) {
            if (result && self)
                self->setToken(result->token);
            callback(result);
        },
        &SessionGrant::fromJson);
}

void ApiClient::logIn(const QString &email, const QString &password, QObject *context,
                      Callback<SessionGrant> callback)
{
    Call call {
        "POST",
        QStringLiteral("/v1/sessions"),
        {},
        QJsonObject {{QStringLiteral("email"), email}, {QStringLiteral("password"), password}},
        false,
        {}};
    send(call, context, adoptingSession(std::move(callback)));
}

void ApiClient::logOut(QObject *context, Callback<void> callback)
{
    const Call call {"DELETE", QStringLiteral("/v1/sessions/current"), {}, {}, true, {}};
    // The request is built with the token; the client forgets it right away, so nothing sent
    // after this carries it and its 401 cannot be taken for an expired session.
    send(call, context, [callback = std::move(callback)](const Result<QJsonObject> &outcome, int) {
        // Already ended or expired: the session is gone, which is what was asked.
        if (outcome || outcome.error().is(ErrorCode::unauthenticated))
            callback(Result<void>());
        else
            callback(outcome.error());
    });
    clearToken();
}

void ApiClient::me(QObject *context, Callback<Account> callback)
{
    const Call call {"GET", QStringLiteral("/v1/me"), {}, {}, true, {}};
    send(call, context, typed<Account>(std::move(callback), &Account::fromJson));
}

void ApiClient::organization(const QString &organizationId, QObject *context,
                             Callback<Organization> callback)
{
    const Call call {"GET", QStringLiteral("/v1/organizations/") + encodeSegment(organizationId),
                     {},    {},
                     true,  {}};
    send(call, context,
         typed<Organization>(std::move(callback),
                             [](const QJsonObject &json) -> std::optional<Organization> {
                                 Organization parsed = Organization::fromJson(json);
                                 if (parsed.id.isEmpty())
                                     return std::nullopt;
                                 return parsed;
                             }));
}

void ApiClient::listKeys(const QString &organizationId, const KeyQuery &query, QObject *context,
                         Callback<KeyPage> callback)
{
    Call call {"GET", keysPath(organizationId), {}, {}, true, {}};
    call.query.append({QStringLiteral("status"), toWire(query.status)});
    if (!query.q.isEmpty())
        call.query.append({QStringLiteral("q"), query.q});
    if (query.limit > 0)
        call.query.append({QStringLiteral("limit"), QString::number(query.limit)});
    if (!query.cursor.isEmpty())
        call.query.append({QStringLiteral("cursor"), query.cursor});
    send(call, context,
         typed<KeyPage>(std::move(callback), [](const QJsonObject &json) -> std::optional<KeyPage> {
             const QJsonValue items = json.value(QStringLiteral("items"));
             const QJsonValue next = json.value(QStringLiteral("next_cursor"));
             if (!items.isArray() || !(next.isString() || next.isNull() || next.isUndefined()))
                 return std::nullopt;
             KeyPage page;
             const QJsonArray list = items.toArray();
             page.items.reserve(list.size());
             for (const QJsonValue &item : list) {
                 std::optional<ApiKey> key = ApiKey::fromJson(item.toObject());
                 if (!key)
                     return std::nullopt;
                 page.items.append(std::move(*key));
             }
             page.nextCursor = next.toString();
             return page;
         }));
}

void ApiClient::createKey(const QString &organizationId, const QString &name, Expiration expiration,
                          Access access, const QString &idempotencyKey, QObject *context,
                          Callback<CreatedKey> callback)
{
    QJsonObject body {{QStringLiteral("expiration"), toWire(expiration)},
                      {QStringLiteral("access"), keydesk::toWire(access)}};
    if (!name.isEmpty())
        body.insert(QStringLiteral("name"), name);
    const QString idempotency = idempotencyKey.isEmpty() ? newIdempotencyKey() : idempotencyKey;
    const Call call {"POST", keysPath(organizationId),
                     {},     body,
                     true,   {{QByteArrayLiteral("Idempotency-Key"), idempotency.toLatin1()}}};
    send(call, context,
         typed<CreatedKey>(
             std::move(callback), [](const QJsonObject &json) -> std::optional<CreatedKey> {
                 const QJsonValue secret = json.value(QStringLiteral("secret"));
                 std::optional<ApiKey> key =
                     ApiKey::fromJson(json.value(QStringLiteral("api_key")).toObject());
                 if (!key || !secret.isString() || secret.toString().isEmpty())
                     return std::nullopt;
                 return CreatedKey {std::move(*key), secret.toString().toLatin1()};
             }));
}

void ApiClient::renameKey(const QString &organizationId, const QString &keyId, const QString &name,
                          QObject *context, Callback<ApiKey> callback)
{
    const Call call {
        "PATCH",
        keyPath(organizationId, keyId),
        {},
        QJsonObject {{QStringLiteral("name"),
                      name.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(name)}},
        true,
        {}};
    send(call, context, typed<ApiKey>(std::move(callback), &ApiKey::fromJson));
}

void ApiClient::revokeKey(const QString &organizationId, const QString &keyId, QObject *context,
                          Callback<ApiKey> callback)
{
    const Call call {"DELETE", keyPath(organizationId, keyId), {}, {}, true, {}};
    send(call, context, typed<ApiKey>(std::move(callback), &ApiKey::fromJson));
}

} // namespace keydesk
