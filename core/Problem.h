#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>

namespace keydesk {

// Machine-readable error codes of the REST contract (the "code" member of a problem).
namespace ErrorCode {
inline constexpr auto validationFailed = "validation_failed";
inline constexpr auto unauthenticated = "unauthenticated";
inline constexpr auto invalidCredentials = "invalid_credentials";
inline constexpr auto tooManyAttempts = "too_many_attempts";
inline constexpr auto forbidden = "forbidden";
inline constexpr auto notFound = "not_found";
inline constexpr auto methodNotAllowed = "method_not_allowed";
inline constexpr auto payloadTooLarge = "payload_too_large";
inline constexpr auto signupDisabled = "signup_disabled";
inline constexpr auto emailTaken = "email_taken";
inline constexpr auto keyRevoked = "key_revoked";
inline constexpr auto conflict = "conflict";
inline constexpr auto idempotencyMismatch = "idempotency_mismatch";
inline constexpr auto missingKey = "missing_key";
inline constexpr auto invalidKey = "invalid_key";
inline constexpr auto expiredKey = "expired_key";
inline constexpr auto revokedKey = "revoked_key";
inline constexpr auto internalError = "internal_error";
inline constexpr auto notImplemented = "not_implemented";
inline constexpr auto notReady = "not_ready";
} // namespace ErrorCode

struct FieldError
{
    QString field;
    QString message;
    bool operator==(const FieldError &) const = default;
};

// An RFC 9457 problem document as the server sends it (application/problem+json).
struct Problem
{
    int status = 0;
    QString code;
    QString title;
    QString detail;
    QList<FieldError> errors;

    QJsonObject toJson() const;
    // Tolerant: whatever the members hold, the result is usable (status falls back to
    // `httpStatus`, texts to empty strings).
    static Problem fromJson(const QJsonObject &json, int httpStatus);
};

// The reason phrase for a status code ("Not Found"), used as a problem's title.
QString reasonPhrase(int status);

} // namespace keydesk
