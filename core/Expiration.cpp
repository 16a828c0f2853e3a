#include "Expiration.h"

namespace keydesk {

QString toWire(Expiration expiration)
{
    switch (expiration) {
    case Expiration::TwoWeeks:
        return QStringLiteral("two_weeks");
    case Expiration::OneMonth:
        return QStringLiteral("one_month");
    case Expiration::ThreeMonths:
        return QStringLiteral("three_months");
    case Expiration::SixMonths:
        return QStringLiteral("six_months");
    case Expiration::OneYear:
        return QStringLiteral("one_year");
    case Expiration::Never:
        return QStringLiteral("never");
    }
    Q_UNREACHABLE();
    return QString();
}

std::optional<Expiration> expirationFromWire(QStringView text)
{
    for (Expiration expiration : allExpirations) {
        if (text == toWire(expiration))
            return expiration;
    }
    return std::nullopt;
}

QDateTime expiresAt(const QDateTime &createdAt, Expiration expiration)
{
    // QDateTime::addMonths/addYears clamp to the last valid day of the target month, which is
    // exactly the rule of the contract; converting to UTC first keeps the arithmetic free of
    // daylight-saving jumps.
    const QDateTime start = createdAt.toUTC();
    switch (expiration) {
    case Expiration::TwoWeeks:
        return start.addDays(14);
    case Expiration::OneMonth:
        return start.addMonths(1);
    case Expiration::ThreeMonths:
        return start.addMonths(3);
    case Expiration::SixMonths:
        return start.addMonths(6);
    case Expiration::OneYear:
        return start.addYears(1);
    case Expiration::Never:
        return {};
    }
    Q_UNREACHABLE();
    return QDateTime();
}

} // namespace keydesk
