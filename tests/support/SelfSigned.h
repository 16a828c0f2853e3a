#pragma once

#include <QByteArray>
#include <QSslCertificate>
#include <QSslKey>

namespace keydesk::test {

// A self-signed certificate for 127.0.0.1 (also as a subjectAltName, which is what TLS clients
// match), made on the spot with OpenSSL so that no key material lives in the repository.
struct SelfSigned
{
    QByteArray certificatePem;
    QByteArray keyPem;
    QSslCertificate certificate() const { return QSslCertificate(certificatePem); }
    QSslKey key() const;
};

// `algorithm`: "EC" (P-256) or "RSA" (2048 bits).
SelfSigned makeSelfSigned(const QByteArray &algorithm = "EC");

} // namespace keydesk::test
