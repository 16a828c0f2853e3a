#include "Http.h"

#include <QJsonDocument>

namespace keydesk::http {

QByteArray Request::header(QByteArrayView name) const
{
    for (const Header &header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    }
    return {};
}

qsizetype Request::headerCount(QByteArrayView name) const
{
    return std::count_if(headers.cbegin(), headers.cend(), [name](const Header &header) {
        return header.first.compare(name, Qt::CaseInsensitive) == 0;
    });
}

Response jsonResponse(int status, const QJsonObject &body)
{
    return {status, "application/json", QJsonDocument(body).toJson(QJsonDocument::Compact), {}};
}

Response noContent()
{
    return {204, {}, {}, {}};
}

Response problemResponse(const Problem &problem)
{
    return {problem.status,
            "application/problem+json",
            QJsonDocument(problem.toJson()).toJson(QJsonDocument::Compact),
            {}};
}

Response problemResponse(int status, const char *code, const QString &detail,
                         const QList<FieldError> &errors)
{
    return problemResponse(Problem {status, QString::fromLatin1(code), {}, detail, errors});
}

QByteArray serialize(const Response &response, bool answersHead, bool closing)
{
    QByteArray bytes;
    bytes.reserve(256 + response.body.size());
    bytes += "HTTP/1.1 ";
    bytes += QByteArray::number(response.status);
    bytes += ' ';
    bytes += reasonPhrase(response.status).toLatin1();
    bytes += "\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\n";
    if (!response.contentType.isEmpty()) {
        bytes += "Content-Type: ";
        bytes += response.contentType;
        bytes += "\r\n";
    }
    for (const Header &header : response.headers) {
        bytes += header.first;
        bytes += ": ";
        bytes += header.second;
        bytes += "\r\n";
    }
    if (response.status != 204) {
        bytes += "Content-Length: ";
        bytes += QByteArray::number(response.body.size());
        bytes += "\r\n";
    }
    if (closing)
        bytes += "Connection: close\r\n";
    bytes += "\r\n";
    if (!answersHead && response.status != 204)
        bytes += response.body;
    return bytes;
}

} // namespace keydesk::http
