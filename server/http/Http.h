#pragma once

#include "Problem.h"

#include <QByteArray>
#include <QHostAddress>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QUrlQuery>

namespace keydesk::http {

using Header = QPair<QByteArray, QByteArray>;

// A request as the handlers see it: independent of Qt HttpServer, so that the router and the
// handlers can be driven directly (fuzzing, unit tests) without a socket, and so that a request
// can travel to a worker thread (a QHttpServerRequest cannot be copied).
struct Request
{
    QByteArray method; // upper-case token: "GET", "PATCH", …
    QString path; // as sent, still percent-encoded, without the query
    QUrlQuery query;
    QList<Header> headers; // in order, repeated names kept
    QByteArray body;
    QHostAddress peer;

    // Case-insensitive, as HTTP header names are. The first value; null when absent.
    QByteArray header(QByteArrayView name) const;
    // How many times the header was sent (DESIGN §3b: a repeated credential is ambiguous).
    qsizetype headerCount(QByteArrayView name) const;
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

// The bytes of an HTTP/1.1 answer (RFC 9112 §4, §6): status line, our standard headers
// (Cache-Control: no-store, since answers may carry secrets; X-Content-Type-Options), the
// response's headers, Content-Length (none on 204), "Connection: close" when `closing`, and the
// body unless it answers a HEAD request (RFC 9110 §9.3.2).
QByteArray serialize(const Response &response, bool answersHead, bool closing);

} // namespace keydesk::http
