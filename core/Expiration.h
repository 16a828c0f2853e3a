#pragma once

#include <QDateTime>
#include <QString>

#include <array>
#include <optional>

namespace keydesk {

// The six choices of the "Expiration" dropdown, in the order the user sees them.
enum class Expiration { TwoWeeks, OneMonth, ThreeMonths, SixMonths, OneYear, Never };

inline constexpr std::array<Expiration, 6> allExpirations {
    Expiration::TwoWeeks,  Expiration::OneMonth, Expiration::ThreeMonths,
    Expiration::SixMonths, Expiration::OneYear,  Expiration::Never,
};

// "two_weeks", "one_month", … as in the REST contract.
QString toWire(Expiration expiration);
std::optional<Expiration> expirationFromWire(QStringView text);

// The instant a key created at `createdAt` stops working, or a null QDateTime for Never.
// Calendar arithmetic in UTC; months clamp to the month's last day (31 Jan + 1 month = 28/29 Feb).
QDateTime expiresAt(const QDateTime &createdAt, Expiration expiration);

// A key is expired from its expiry instant on: the instant itself counts as expired.
inline bool isExpiredAt(const QDateTime &expiresAt, const QDateTime &now)
{
    return expiresAt.isValid() && now >= expiresAt;
}

} // namespace keydesk
