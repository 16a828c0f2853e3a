#include "Crypto.h"

#include <QList>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

namespace keydesk::crypto {

namespace {
constexpr int saltBytes = 16;
constexpr int hashBytes = 32;
constexpr int maxLog2N = 22; // refuse encodings that would make one login cost gigabytes

bool scrypt(QByteArrayView password, QByteArrayView salt, const ScryptCost &cost, QByteArray *out)
{
    out->resize(hashBytes);
    const quint64 n = quint64(1) << cost.log2N;
    // maxmem must cover 128·r·N plus OpenSSL's bookkeeping.
    const quint64 maxMemory = 128 * quint64(cost.r) * n * quint64(cost.p) + 8 * 1024 * 1024;
    return EVP_PBE_scrypt(password.data(), size_t(password.size()),
                          reinterpret_cast<const unsigned char *>(salt.data()), size_t(salt.size()),
                          n, quint64(cost.r), quint64(cost.p), maxMemory,
                          reinterpret_cast<unsigned char *>(out->data()), size_t(out->size()))
        == 1;
}
} // namespace

QByteArray sha256Hex(QByteArrayView data)
{
    // Fetched once: with EVP_sha256() OpenSSL 3 looks the implementation up again on every call
    // (EVP_MD_fetch was a tenth of a verify's instructions; bench/verify). A fetched EVP_MD is
    // safe to share between threads.
    static EVP_MD *const sha256 = [] {
        EVP_MD *md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
        if (!md)
            qFatal("OpenSSL has no SHA-256 implementation");
        return md;
    }();
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(data.data(), size_t(data.size()), digest, &length, sha256, nullptr) != 1)
        qFatal("OpenSSL SHA-256 failed");
    return QByteArray(reinterpret_cast<const char *>(digest), int(length)).toHex();
}

bool constantTimeEquals(QByteArrayView a, QByteArrayView b)
{
    if (a.size() != b.size())
        return false;
    return CRYPTO_memcmp(a.data(), b.data(), size_t(a.size())) == 0;
}

QByteArray hashPassword(QByteArrayView password, const ScryptCost &cost)
{
    QByteArray salt(saltBytes, Qt::Uninitialized);
    if (RAND_bytes(reinterpret_cast<unsigned char *>(salt.data()), saltBytes) != 1)
        qFatal("OpenSSL RAND_bytes failed");
    QByteArray hash;
    if (!scrypt(password, salt, cost, &hash))
        qFatal("OpenSSL scrypt failed (cost %d/%d/%d)", cost.log2N, cost.r, cost.p);
    return "scrypt$" + QByteArray::number(cost.log2N) + '$' + QByteArray::number(cost.r) + '$'
        + QByteArray::number(cost.p) + '$' + salt.toBase64() + '$' + hash.toBase64();
}

bool verifyPassword(QByteArrayView password, QByteArrayView encoded)
{
    const QList<QByteArray> parts = encoded.toByteArray().split('$');
    if (parts.size() != 6 || parts.at(0) != "scrypt")
        return false;
    ScryptCost cost;
    bool okN = false, okR = false, okP = false;
    cost.log2N = parts.at(1).toInt(&okN);
    cost.r = parts.at(2).toInt(&okR);
    cost.p = parts.at(3).toInt(&okP);
    if (!okN || !okR || !okP || cost.log2N < 1 || cost.log2N > maxLog2N || cost.r < 1 || cost.r > 32
        || cost.p < 1 || cost.p > 16)
        return false;
    const QByteArray salt = QByteArray::fromBase64(parts.at(4));
    const QByteArray expected = QByteArray::fromBase64(parts.at(5));
    QByteArray actual;
    if (salt.isEmpty() || expected.size() != hashBytes || !scrypt(password, salt, cost, &actual))
        return false;
    return constantTimeEquals(actual, expected);
}

} // namespace keydesk::crypto
