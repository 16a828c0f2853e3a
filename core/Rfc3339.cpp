#include "Rfc3339.h"

#include <QTimeZone>

namespace keydesk {

QString toRfc3339(const QDateTime &instant)
{
    return instant.toUTC().toString(Qt::ISODateWithMs);
}

QDateTime fromRfc3339(const QString &text)
{
    // Qt accepts a date without a time or an offset; RFC 3339 demands both, and an instant
    // without an offset would silently become local time.
    if (text.size() < 20 || text.at(10) != u'T')
        return {};
    const QChar last = text.back();
    const bool hasOffset = last == u'Z' || last == u'z' || text.at(text.size() - 6) == u'+'
        || text.at(text.size() - 6) == u'-';
    if (!hasOffset)
        return {};
    QDateTime parsed = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!parsed.isValid())
        return {};
    return parsed.toUTC();
}

QJsonValue instantToJson(const QDateTime &instant)
{
    return instant.isValid() ? QJsonValue(toRfc3339(instant)) : QJsonValue(QJsonValue::Null);
}

QDateTime instantFromJson(const QJsonValue &value)
{
    return value.isString() ? fromRfc3339(value.toString()) : QDateTime();
}

} // namespace keydesk
