#pragma once

#include <QByteArray>
#include <QByteArrayView>

// The server's secret handling, in one place: hashing of keys and session tokens, password
// hashing with scrypt, and constant-time comparison. Everything goes through OpenSSL 3.
namespace keydesk::crypto {

// Lowercase hex SHA-256: how API keys and session tokens are stored and looked up.
QByteArray sha256Hex(QByteArrayView data);

// CRYPTO_memcmp: the time taken does not depend on where the inputs differ.
bool constantTimeEquals(QByteArrayView a, QByteArrayView b);

// scrypt cost. N = 2^log2N; memory ≈ 128 · r · N bytes. The defaults (2^15, 8, 1) cost ~32 MiB
// and some tens of milliseconds, as OWASP suggests; tests lower log2N to stay fast.
struct ScryptCost
{
    int log2N = 15;
    int r = 8;
    int p = 1;
};

// "scrypt$<log2N>$<r>$<p>$<salt base64>$<hash base64>", with a fresh 16-byte salt.
QByteArray hashPassword(QByteArrayView password, const ScryptCost &cost);
// False for a wrong password and for a malformed or unsupported encoding.
bool verifyPassword(QByteArrayView password, QByteArrayView encoded);

} // namespace keydesk::crypto
