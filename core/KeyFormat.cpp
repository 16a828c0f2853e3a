#include "KeyFormat.h"

#include <openssl/rand.h>
#include <zlib.h>

#include <cstdlib>

namespace keydesk::KeyFormat {

namespace {
constexpr char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
constexpr int base = 62;

bool isBase62(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
} // namespace

QByteArray randomBase62(qsizetype length)
{
    QByteArray out;
    out.reserve(length);
    unsigned char buffer[64];
    while (out.size() < length) {
        if (RAND_bytes(buffer, sizeof buffer) != 1) {
            qFatal("OpenSSL RAND_bytes failed: refusing to issue a predictable secret");
        }
        for (unsigned char byte : buffer) {
            // Rejection sampling: 248 = 4 * 62, so every accepted byte maps uniformly.
            if (byte >= 248)
                continue;
            out.append(alphabet[byte % base]);
            if (out.size() == length)
                break;
        }
    }
    OPENSSL_cleanse(buffer, sizeof buffer);
    return out;
}

QByteArray checksum(QByteArrayView randomPart)
{
    quint32 crc = static_cast<quint32>(crc32(0L, reinterpret_cast<const Bytef *>(randomPart.data()),
                                             static_cast<uInt>(randomPart.size())));
    QByteArray digits(checksumLength, '0');
    for (qsizetype i = checksumLength - 1; i >= 0 && crc != 0; --i) {
        digits[i] = alphabet[crc % base];
        crc /= base;
    }
    return digits;
}

QByteArray generate()
{
    const QByteArray random = randomBase62(randomLength);
    return prefix.toByteArray() + random + checksum(random);
}

bool isWellFormed(QByteArrayView key)
{
    if (key.size() != keyLength || !key.startsWith(prefix))
        return false;
    const QByteArrayView body = key.sliced(prefix.size());
    for (char c : body) {
        if (!isBase62(c))
            return false;
    }
    // The checksum is public information (it is computed from the key itself), so an ordinary
    // comparison leaks nothing an attacker does not already have.
    return checksum(body.first(randomLength)) == body.sliced(randomLength);
}

QString hint(QByteArrayView key)
{
    return QStringLiteral("kd_\u2026")
        + QString::fromLatin1(key.last(qMin<qsizetype>(4, key.size())));
}

} // namespace keydesk::KeyFormat
