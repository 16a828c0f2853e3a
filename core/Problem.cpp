#include "Problem.h"

#include <QJsonArray>

namespace keydesk {

QJsonObject Problem::toJson() const
{
    QJsonObject json {
        {QStringLiteral("type"), QStringLiteral("about:blank")},
        {QStringLiteral("title"), title.isEmpty() ? reasonPhrase(status) : title},
        {QStringLiteral("status"), status},
        {QStringLiteral("detail"), detail},
        {QStringLiteral("code"), code},
    };
    if (!errors.isEmpty()) {
        QJsonArray list;
        for (const FieldError &error : errors) {
            list.append(QJsonObject {{QStringLiteral("field"), error.field},
                                     {QStringLiteral("message"), error.message}});
        }
        json.insert(QStringLiteral("errors"), list);
    }
    return json;
}

Problem Problem::fromJson(const QJsonObject &json, int httpStatus)
{
    Problem problem;
    problem.status = json.value(QStringLiteral("status")).toInt(httpStatus);
    problem.code = json.value(QStringLiteral("code")).toString();
    problem.title = json.value(QStringLiteral("title")).toString();
    problem.detail = json.value(QStringLiteral("detail")).toString();
    const QJsonArray list = json.value(QStringLiteral("errors")).toArray();
    for (const QJsonValue &entry : list) {
        const QJsonObject object = entry.toObject();
        problem.errors.append({object.value(QStringLiteral("field")).toString(),
                               object.value(QStringLiteral("message")).toString()});
    }
    return problem;
}

QString reasonPhrase(int status)
{
    switch (status) {
    case 200:
        return QStringLiteral("OK");
    case 201:
        return QStringLiteral("Created");
    case 204:
        return QStringLiteral("No Content");
    case 400:
        return QStringLiteral("Bad Request");
    case 401:
        return QStringLiteral("Unauthorized");
    case 403:
        return QStringLiteral("Forbidden");
    case 404:
        return QStringLiteral("Not Found");
    case 405:
        return QStringLiteral("Method Not Allowed");
    case 408:
        return QStringLiteral("Request Timeout");
    case 409:
        return QStringLiteral("Conflict");
    case 413:
        return QStringLiteral("Content Too Large");
    case 422:
        return QStringLiteral("Unprocessable Content");
    case 429:
        return QStringLiteral("Too Many Requests");
    case 500:
        return QStringLiteral("Internal Server Error");
    case 501:
        return QStringLiteral("Not Implemented");
    case 503:
        return QStringLiteral("Service Unavailable");
    default:
        return QStringLiteral("Error");
    }
}

} // namespace keydesk
