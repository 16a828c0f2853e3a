#pragma once

#include "Problem.h"

#include <QByteArray>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <QUrlQuery>

namespace keydesk::http {

using Header = QPair<QByteArray, QByteArray>;

// A request as the handlers see it: independent of Qt HttpServer, so that the router and the
// handlers can be driven directly (fuzzing, unit tests) without a socket.
struct Request
{
    QByteArray method; // upper-case token: "GET", "PATCH", …
    QString path; // as sent, still percent-encoded, without the query
    QUrlQuery query;
    QList<Header> headers;
    QByteArray body;
    QHostAddress peer;

    // Case-insensitive, as HTTP header names are. Null when absent.
    QByteArray header(QByteArrayView name) const;
};

struct Response
{
    int status = 200;
    QByteArray contentType;
    QByteArray body;
    QList<Header> headers;
};

Response jsonResponse(int status, const QJsonObject &body);
Response noContent();
Response problemResponse(const Problem &problem);
Response problemResponse(int status, const char *code, const QString &detail,
                         const QList<FieldError> &errors = {});

// Thrown by handlers and their helpers to answer with a problem right away; the router turns it
// into the response. Keeps every handler a straight line of "check, check, do".
class ApiError
{
public:
    ApiError(int status, const char *code, QString detail, QList<FieldError> errors = {})
        : m_problem {status, QString::fromLatin1(code), {}, std::move(detail), std::move(errors)}
    { }
    ApiError &withHeader(QByteArray name, QByteArray value)
    {
        m_headers.append({std::move(name), std::move(value)});
        return *this;
    }
    Response response() const;
    const Problem &problem() const { return m_problem; }

private:
    Problem m_problem;
    QList<Header> m_headers;
};

} // namespace keydesk::http
