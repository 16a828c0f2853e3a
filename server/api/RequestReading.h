#pragma once

#include "http/Http.h"
#include "service/ServiceContext.h"
#include "service/ServiceError.h"

#include <QJsonObject>

namespace keydesk {
class Services;
}

// Reading requests for the routes: JSON bodies, headers and query parameters, with the rule of
// DESIGN §3b that ambiguous input is refused, never guessed (a repeated header or query
// parameter, an empty Idempotency-Key, a JSON object with a repeated member). Every problem is
// a ServiceError validation_failed naming the field.
namespace keydesk::api {

// The signed-in caller: "Authorization: Bearer <token>" sent once. Throws unauthenticated when
// it is missing or not a session, validation_failed when it is repeated.
Caller requireCaller(Services &services, const http::Request &request);

// A header that must not be repeated: its value (null when absent). Throws validation_failed
// naming the header when it was sent more than once.
QByteArray singleHeader(const http::Request &request, const char *name);

// A query parameter that must not be repeated: its decoded value (null when absent).
QString queryValue(const http::Request &request, const char *name, FieldErrors &errors);

// Reads a JSON object body and collects per-field type errors, so that one 400 lists them all.
class JsonBody
{
public:
    // Throws validation_failed for malformed JSON (strict: StrictJson.h), invalid UTF-8, a
    // repeated member or a non-object body.
    explicit JsonBody(const http::Request &request);

    bool has(const QString &field) const { return m_object.contains(field); }
    // Absent or null: null QString. Another type: recorded as an error.
    QString optionalString(const QString &field);
    // Absent, null or another type: recorded as an error.
    QString requiredString(const QString &field);
    FieldErrors &errors() { return m_errors; }
    // Throws validation_failed with every recorded error, if any.
    void finish() const { m_errors.throwIfAny(); }

private:
    QJsonObject m_object;
    FieldErrors m_errors;
};

} // namespace keydesk::api
