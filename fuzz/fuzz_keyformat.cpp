// Fuzzes the API key format (core/KeyFormat): isWellFormed, checksum and hint on any bytes,
// checked against an independent implementation of DESIGN §3's rule, plus properties:
//   - a key built from any 40 base62 characters and their checksum is well-formed, and its hint
//     is "kd_…" + its last four characters;
//   - changing any one character of a well-formed key to another base62 character makes it
//     malformed (CRC-32 catches every single-character change, and base62 of a 32-bit value in
//     6 digits is one-to-one).

#include "KeyFormat.h"

#include <QString>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

using namespace keydesk;

namespace {

constexpr char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

[[noreturn]] void violation(const char *what, QByteArrayView key)
{
    std::fprintf(stderr, "\n=== key format property violated: %s ===\nkey: %s\n", what,
                 key.toByteArray().toPercentEncoding().constData());
    std::abort();
}

// Bitwise CRC-32 (IEEE 802.3, reflected, as zlib computes it): no table, no zlib.
quint32 referenceCrc32(QByteArrayView data)
{
    quint32 crc = 0xFFFFFFFFu;
    for (char c : data) {
        crc ^= static_cast<unsigned char>(c);
        for (int bit = 0; bit < 8; ++bit)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

QByteArray referenceChecksum(QByteArrayView randomPart)
{
    quint64 value = referenceCrc32(randomPart);
    QByteArray digits(6, '0');
    for (int i = 5; i >= 0; --i) {
        digits[i] = alphabet[value % 62];
        value /= 62;
    }
    if (value != 0)
        violation("a CRC-32 does not fit 6 base62 digits", randomPart);
    return digits;
}

bool isBase62(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

bool referenceWellFormed(QByteArrayView key)
{
    if (key.size() != 49 || !key.startsWith("kd_"))
        return false;
    for (char c : key.sliced(3)) {
        if (!isBase62(c))
            return false;
    }
    return referenceChecksum(key.sliced(3, 40)) == key.sliced(43);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(reinterpret_cast<const char *>(data), qsizetype(size));

    // Any bytes: no crash, and the same verdict as the reference.
    if (KeyFormat::isWellFormed(input) != referenceWellFormed(input))
        violation("isWellFormed disagrees with the reference", input);
    const QString hint = KeyFormat::hint(input);
    if (!hint.startsWith(QStringLiteral("kd_\u2026"))
        || hint.size() != 4 + qMin<qsizetype>(4, input.size()))
        violation("hint has the wrong shape", input);
    const QByteArray checksum = KeyFormat::checksum(input);
    if (checksum != referenceChecksum(input))
        violation("checksum disagrees with the reference", input);

    // Round trip: 40 base62 characters made from the input, and their checksum.
    if (size < 42)
        return 0;
    QByteArray random(40, '0');
    for (int i = 0; i < 40; ++i)
        random[i] = alphabet[data[i] % 62];
    const QByteArray key = KeyFormat::prefix.toByteArray() + random + KeyFormat::checksum(random);
    if (key.size() != KeyFormat::keyLength || !KeyFormat::isWellFormed(key))
        violation("a key built by the rule is not well-formed", key);
    if (KeyFormat::hint(key) != QStringLiteral("kd_\u2026") + QString::fromLatin1(key.right(4)))
        violation("hint is not kd_… + the last four characters", key);

    // One substitution anywhere after the prefix, to another base62 character.
    const qsizetype position = 3 + data[40] % (KeyFormat::keyLength - 3);
    const char replacement = alphabet[data[41] % 62];
    if (replacement != key[position]) {
        QByteArray changed = key;
        changed[position] = replacement;
        if (KeyFormat::isWellFormed(changed))
            violation("a one-character change went unnoticed", changed);
    }
    // Anything appended or cut off is malformed too.
    if (KeyFormat::isWellFormed(key + alphabet[data[41] % 62])
        || KeyFormat::isWellFormed(key.chopped(1)))
        violation("a key of the wrong length is well-formed", key);
    return 0;
}
