// Fuzzes what each endpoint reads from a request (its JSON body, its query string, its headers
// or its path ids) with valid credentials, so that the input reaches validation and the work
// behind it rather than stopping at 401.
//
// Input: byte 0 picks the endpoint, byte 1 the caller and the extras (see below), the rest is
// the endpoint's input. "{org}", "{key}", "{secret}", … in it become the fixture's values.

#include "FuzzFixture.h"

#include <QUrl>

#include <cstddef>
#include <cstdint>

using namespace keydesk;
using namespace keydesk::fuzz;

namespace {

enum class Reads { Body, Query, Path, Token, VerifyHeaders };

struct Endpoint
{
    const char *method;
    const char *path; // {org}, {key} from the fixture; {input} from the input
    Reads reads;
};

constexpr Endpoint endpoints[] = {
    {"GET", "/v1/info", Reads::Query},
    {"POST", "/v1/signup", Reads::Body},
    {"POST", "/v1/sessions", Reads::Body},
    {"DELETE", "/v1/sessions/current", Reads::Token},
    {"GET", "/v1/me", Reads::Token},
    {"GET", "/v1/organizations/{input}", Reads::Path},
    {"DELETE", "/v1/organizations/{input}", Reads::Path},
    {"GET", "/v1/organizations/{org}/api-keys", Reads::Query},
    {"POST", "/v1/organizations/{org}/api-keys", Reads::Body},
    {"GET", "/v1/organizations/{org}/api-keys/{input}", Reads::Path},
    {"PATCH", "/v1/organizations/{org}/api-keys/{key}", Reads::Body},
    {"DELETE", "/v1/organizations/{org}/api-keys/{input}", Reads::Path},
    {"GET", "/v1/verify", Reads::VerifyHeaders},
    // The same body endpoints once more against other targets: a revoked key, another
    // organization's key, the other organization.
    {"PATCH", "/v1/organizations/{org}/api-keys/{revoked-key}", Reads::Body},
    {"PATCH", "/v1/organizations/{other-org}/api-keys/{other-key}", Reads::Body},
    {"POST", "/v1/organizations/{other-org}/api-keys", Reads::Body},
};
constexpr size_t endpointCount = sizeof endpoints / sizeof endpoints[0];

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    initialize(argc, argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Input input(data, size);
    const Endpoint &endpoint = endpoints[input.byte() % endpointCount];
    const uint8_t flags = input.byte();
    const Fixture &f = fixture();

    http::Request request;
    request.method = endpoint.method;
    request.peer = QHostAddress(QStringLiteral("127.0.0.1"));

    // Bits 0-1: who calls.
    static const QByteArray none;
    const QByteArray *token = nullptr;
    switch (flags & 3) {
    case 0:
        token = &f.ownerToken;
        break;
    case 1:
        token = &f.memberToken;
        break;
    case 2:
        token = &f.otherOwnerToken;
        break;
    default:
        token = &none;
        break;
    }
    // Bits 2-3: Idempotency-Key (none, the fixture key's, a fresh one, the input's first line).
    switch ((flags >> 2) & 3) {
    case 1:
        request.headers.append(http::Header {"Idempotency-Key", f.idempotencyKey});
        break;
    case 2:
        request.headers.append(http::Header {"Idempotency-Key", "fresh-key-1"});
        break;
    case 3:
        request.headers.append(http::Header {"Idempotency-Key", substitute(input.line())});
        break;
    default:
        break;
    }
    // Bit 4: a JSON content type (the handlers must not depend on it either way).
    if (flags & 0x10)
        request.headers.append(http::Header {"Content-Type", "application/json"});

    QByteArray payload = substitute(input.rest());
    QByteArray path = endpoint.path;
    path.replace("{org}", f.organizationId.toLatin1());
    path.replace("{other-org}", f.otherOrganizationId.toLatin1());
    path.replace("{key}", f.keyId.toLatin1());
    path.replace("{revoked-key}", f.revokedKeyId.toLatin1());
    path.replace("{other-key}", f.otherKeyId.toLatin1());

    switch (endpoint.reads) {
    case Reads::Body:
        request.body = payload;
        break;
    case Reads::Query:
        request.query = QUrlQuery(QString::fromUtf8(payload));
        break;
    case Reads::Path:
        // As the front hands it over: one percent-encoded segment (bit 5: raw, slashes and all).
        path.replace("{input}",
                     (flags & 0x20) ? payload
                                    : QUrl::toPercentEncoding(QString::fromUtf8(payload)));
        break;
    case Reads::Token:
        if (flags & 0x20)
            token = &payload;
        break;
    case Reads::VerifyHeaders: {
        Input headers(reinterpret_cast<const uint8_t *>(payload.constData()),
                      size_t(payload.size()));
        const QByteArray key = headers.line();
        const QByteArray organization = headers.line();
        request.headers.append(http::Header {(flags & 0x20) ? "X-API-KEY" : "x-api-key", key});
        if (!(flags & 0x40))
            request.headers.append(http::Header {"x-organization-id", organization});
        break;
    }
    }
    if (!token->isEmpty())
        request.headers.append(http::Header {"Authorization", "Bearer " + *token});
    request.path = QString::fromUtf8(path);

    dispatch(request);
    return 0;
}
