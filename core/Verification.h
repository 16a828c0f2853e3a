#pragma once

#include "ApiKey.h"

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace keydesk {

// The answer of GET /v1/verify for a valid key (DESIGN §3):
// {"access", "expires_at" (RFC 3339 or null), "key_id", "organization_id", "valid": true}.
struct Verification
{
    QString keyId;
    QString organizationId;
    Access access = Access::Full;
    QDateTime expiresAt; // null: never expires

    QJsonObject toJson() const;
    // Compact JSON, byte for byte what QJsonDocument(toJson()).toJson(Compact) gives. Verify is
    // the hot path, and Qt's JSON classes spend ~33 000 instructions on these five members (40%
    // of a verify; bench/verify, docs/performance.md). When every value is plain (ids of
    // [A-Za-z0-9_], as the server mints them), the bytes are written directly; anything else
    // goes through QJsonDocument, so the output is always valid JSON. tst_wiretypes checks both
    // paths agree.
    QByteArray toCompactJson() const;
    static std::optional<Verification> fromJson(const QJsonObject &json);
};

} // namespace keydesk
