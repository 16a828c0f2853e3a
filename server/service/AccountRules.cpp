#include "AccountRules.h"

#include <algorithm>

namespace keydesk::AccountRules {

QString emailProblem(const QString &email)
{
    const QString trimmed = email.trimmed();
    if (trimmed.size() > maxEmailLength)
        return QStringLiteral("must be at most %1 characters").arg(maxEmailLength);
    const qsizetype at = trimmed.indexOf(u'@');
    const bool oneAt = at > 0 && at == trimmed.lastIndexOf(u'@') && at < trimmed.size() - 1;
    const bool plain = std::none_of(trimmed.begin(), trimmed.end(), [](QChar c) {
        return c.isSpace() || c.category() == QChar::Other_Control;
    });
    if (!oneAt || !plain)
        return QStringLiteral("must be an email address such as ada@example.com");
    return {};
}

QString passwordProblem(const QString &password)
{
    if (password.size() < minPasswordLength || password.size() > maxPasswordLength) {
        return QStringLiteral("must be %1 to %2 characters long")
            .arg(minPasswordLength)
            .arg(maxPasswordLength);
    }
    return {};
}

} // namespace keydesk::AccountRules
