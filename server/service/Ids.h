#pragma once

#include "KeyFormat.h"

#include <QString>

// Ids are minted here, by the services, and nowhere else: a type prefix and 20 base62
// characters from the CSPRNG (DESIGN §3: opaque strings with a type prefix).
namespace keydesk {

namespace IdPrefix {
inline constexpr auto organization = "org_";
inline constexpr auto user = "usr_";
inline constexpr auto apiKey = "key_";
inline constexpr auto auditEvent = "evt_";
} // namespace IdPrefix

inline constexpr qsizetype idRandomLength = 20;

inline QString newId(const char *prefix)
{
    return QString::fromLatin1(prefix + KeyFormat::randomBase62(idRandomLength));
}

} // namespace keydesk
