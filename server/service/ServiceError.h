#pragma once

#include "Problem.h"

#include <QList>
#include <QString>

#include <optional>

namespace keydesk {

// The one error the services raise: a contract error code (Problem.h's ErrorCode, e.g.
// "not_found"), an English detail for the operator and the client, and the offending fields.
// It says nothing of HTTP: api/ProblemMapping.cpp turns it into a status and headers, in one
// place (DESIGN §1). Database failures are not ServiceErrors (StoreError: a 503).
class ServiceError
{
public:
    ServiceError(const char *code, QString detail, QList<FieldError> fields = {})
        : m_code(code)
        , m_detail(std::move(detail))
        , m_fields(std::move(fields))
    { }

    // One field's problem, as a 400 validation_failed.
    static ServiceError invalidField(const QString &field, const QString &message);

    // For too_many_attempts: how long the client should wait (seconds, ≥ 1).
    ServiceError &withRetryAfter(qint64 seconds)
    {
        m_retryAfterSeconds = seconds;
        return *this;
    }

    const char *code() const { return m_code; }
    const QString &detail() const { return m_detail; }
    const QList<FieldError> &fields() const { return m_fields; }
    std::optional<qint64> retryAfterSeconds() const { return m_retryAfterSeconds; }

private:
    const char *m_code; // one of ErrorCode's constants: static storage
    QString m_detail;
    QList<FieldError> m_fields;
    std::optional<qint64> m_retryAfterSeconds;
};

// Collects field problems so that one validation_failed names them all.
class FieldErrors
{
public:
    void add(const QString &field, const QString &message) { m_errors.append({field, message}); }
    bool isEmpty() const { return m_errors.isEmpty(); }
    // Throws validation_failed listing every problem, if there is any.
    void throwIfAny() const;

private:
    QList<FieldError> m_errors;
};

} // namespace keydesk
