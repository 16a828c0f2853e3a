#include "ServiceError.h"

#include <QStringList>

namespace keydesk {

ServiceError ServiceError::invalidField(const QString &field, const QString &message)
{
    return ServiceError(ErrorCode::validationFailed,
                        QStringLiteral("The request is not valid: %1 %2.").arg(field, message),
                        {{field, message}});
}

void FieldErrors::throwIfAny() const
{
    if (m_errors.isEmpty())
        return;
    QStringList parts;
    for (const FieldError &error : m_errors)
        parts.append(QStringLiteral("%1 %2").arg(error.field, error.message));
    throw ServiceError(
        ErrorCode::validationFailed,
        QStringLiteral("The request is not valid: %1.").arg(parts.join(QStringLiteral("; "))),
        m_errors);
}

} // namespace keydesk
