#include "SelfSigned.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <functional>

namespace keydesk::test {

namespace {
QByteArray toPem(const std::function<int(BIO *)> &write)
{
    BIO *bio = BIO_new(BIO_s_mem());
    write(bio);
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    QByteArray pem(data, qsizetype(size));
    BIO_free(bio);
    return pem;
}

} // namespace

SelfSigned makeSelfSigned(const QByteArray &algorithm)
{
    SelfSigned result;
    EVP_PKEY *pkey = algorithm == "RSA" ? EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t(2048))
                                        : EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
    X509 *x509 = X509_new();
    if (!pkey || !x509)
        return result;
    X509_set_version(x509, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x509), 1);
    X509_gmtime_adj(X509_getm_notBefore(x509), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x509), 24 * 3600);
    X509_set_pubkey(x509, pkey);
    X509_NAME *subject = X509_get_subject_name(x509);
    X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char *>("127.0.0.1"), -1, -1, 0);
    X509_set_issuer_name(x509, subject);
    X509V3_CTX context;
    X509V3_set_ctx_nodb(&context);
    X509V3_set_ctx(&context, x509, x509, nullptr, nullptr, 0);
    X509_EXTENSION *alternativeNames =
        X509V3_EXT_conf_nid(nullptr, &context, NID_subject_alt_name, "IP:127.0.0.1,DNS:localhost");
    X509_add_ext(x509, alternativeNames, -1);
    X509_EXTENSION_free(alternativeNames);
    X509_sign(x509, pkey, EVP_sha256());
    result.certificatePem = toPem([x509](BIO *bio) { return PEM_write_bio_X509(bio, x509); });
    result.keyPem = toPem([pkey](BIO *bio) {
        return PEM_write_bio_PrivateKey(bio, pkey, nullptr, nullptr, 0, nullptr, nullptr);
    });
    X509_free(x509);
    EVP_PKEY_free(pkey);
    return result;
}

QSslKey SelfSigned::key() const
{
    const QSslKey ec(keyPem, QSsl::Ec);
    return ec.isNull() ? QSslKey(keyPem, QSsl::Rsa) : ec;
}

} // namespace keydesk::test
