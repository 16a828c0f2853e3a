#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

// The API key format of DESIGN §3:
//   "kd_" + 40 base62 characters from OpenSSL's CSPRNG + 6 base62 characters of CRC-32.
// The checksum lets scanners and the server reject a mistyped or made-up key without a
// database lookup; it adds no secrecy.
namespace keydesk::KeyFormat {

inline constexpr QByteArrayView prefix = "kd_";
inline constexpr qsizetype randomLength = 40;
inline constexpr qsizetype checksumLength = 6;
inline constexpr qsizetype keyLength = 3 + randomLength + checksumLength;

// A fresh key. Aborts the process if the CSPRNG fails: issuing a predictable key is worse.
QByteArray generate();
// `length` uniformly random base62 characters from RAND_bytes (used for ids and tokens too).
QByteArray randomBase62(qsizetype length);
// CRC-32 of the 40 random characters, big-endian base62, left-padded with '0' to 6 characters.
QByteArray checksum(QByteArrayView randomPart);
// Prefix, length, alphabet and checksum all hold.
bool isWellFormed(QByteArrayView key);
// "kd_…" + the last four characters: safe to show and to store.
QString hint(QByteArrayView key);

} // namespace keydesk::KeyFormat
