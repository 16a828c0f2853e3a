#pragma once

#include <QDateTime>
#include <QJsonValue>
#include <QString>

namespace keydesk {

// Wire times are RFC 3339 in UTC with a trailing Z and millisecond precision.
QString toRfc3339(const QDateTime &instant);
// Null QDateTime when the text is not an RFC 3339 instant with an offset or Z.
QDateTime fromRfc3339(const QString &text);

// JSON helpers for optional instants: null <-> null QDateTime.
QJsonValue instantToJson(const QDateTime &instant);
QDateTime instantFromJson(const QJsonValue &value);

} // namespace keydesk
