#include "Names.h"

namespace keydesk {

NameCheck checkName(const QString &raw)
{
    NameCheck check;
    check.normalized = raw.trimmed();
    int codePoints = 0;
    const QString &name = check.normalized;
    for (qsizetype i = 0; i < name.size(); ++i) {
        const QChar c = name.at(i);
        char32_t codePoint = c.unicode();
        if (c.isHighSurrogate() && i + 1 < name.size() && name.at(i + 1).isLowSurrogate()) {
            codePoint = QChar::surrogateToUcs4(c, name.at(i + 1));
            ++i;
        } else if (c.isSurrogate()) {
            check.problem = NameProblem::InvalidText;
            return check;
        }
        if (QChar::category(codePoint) == QChar::Other_Control) {
            check.problem = NameProblem::ControlCharacter;
            return check;
        }
        if ((codePoint >= 0x202A && codePoint <= 0x202E)
            || (codePoint >= 0x2066 && codePoint <= 0x2069)) {
            check.problem = NameProblem::BidiOverride;
            return check;
        }
        ++codePoints;
    }
    if (codePoints > maxNameLength)
        check.problem = NameProblem::TooLong;
    return check;
}

QString describe(NameProblem problem)
{
    switch (problem) {
    case NameProblem::None:
        return {};
    case NameProblem::TooLong:
        return QStringLiteral("must be at most %1 characters").arg(maxNameLength);
    case NameProblem::ControlCharacter:
        return QStringLiteral("must not contain control characters such as tabs or line breaks");
    case NameProblem::BidiOverride:
        return QStringLiteral("must not contain bidirectional override characters");
    case NameProblem::InvalidText:
        return QStringLiteral("is not valid Unicode text");
    }
    Q_UNREACHABLE();
    return QString();
}

} // namespace keydesk
