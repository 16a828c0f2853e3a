#include "Names.h"

namespace keydesk {

namespace {

// Code points that show as nothing: white space and Unicode's Default_Ignorable_Code_Point
// (DerivedCoreProperties.txt; zero-width spaces and joiners, BOM, soft hyphen, variation
// selectors, Hangul fillers, tags …), which QChar does not expose.
bool isInvisible(char32_t c)
{
    return QChar::isSpace(c) || c == 0x00AD || c == 0x034F || c == 0x061C
        || (c >= 0x115F && c <= 0x1160) || (c >= 0x17B4 && c <= 0x17B5)
        || (c >= 0x180B && c <= 0x180F) || (c >= 0x200B && c <= 0x200F)
        || (c >= 0x202A && c <= 0x202E) || (c >= 0x2060 && c <= 0x206F) || c == 0x3164
        || (c >= 0xFE00 && c <= 0xFE0F) || c == 0xFEFF || c == 0xFFA0
        || (c >= 0xFFF0 && c <= 0xFFF8) || (c >= 0x1BCA0 && c <= 0x1BCA3)
        || (c >= 0x1D173 && c <= 0x1D17A) || (c >= 0xE0000 && c <= 0xE0FFF);
}

} // namespace

NameCheck checkName(const QString &raw)
{
    NameCheck check;
    check.normalized = raw.trimmed();
    int codePoints = 0;
    bool allInvisible = true;
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
        allInvisible = allInvisible && isInvisible(codePoint);
        ++codePoints;
    }
    if (codePoints > maxNameLength)
        check.problem = NameProblem::TooLong;
    // DESIGN §3b: a name made only of invisible characters counts as empty. Kept, it would be a
    // key (or organization) that every list shows with a blank name, indistinguishable from
    // another such one; trimmed() only removes white space, not "\u200b".
    else if (allInvisible)
        check.normalized.clear();
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
