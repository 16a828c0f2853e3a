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

Response ApiError::response() const
{
    Response response = problemResponse(m_problem);
    response.headers += m_headers;
    return response;
}

} // namespace keydesk::http
