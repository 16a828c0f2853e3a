// Fuzzes the router with whole requests: any method token, any path, any query string, any
// headers, any body, as text:
//
//   METHOD\n
//   /path?query\n
//   Header-Name: value\n      (any number of them, up to an empty line)
//   \n
//   body
//
// "{org}", "{key}", "{token}", … become the fixture's values, so "Authorization: Bearer {token}"
// gets past authentication. Every answer must keep the invariants of FuzzFixture.cpp.

#include "FuzzFixture.h"

#include <cstddef>
#include <cstdint>

using namespace keydesk;
using namespace keydesk::fuzz;

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    initialize(argc, argv);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Input input(data, size);
    http::Request request;
    request.method = input.line();
    const QByteArray target = substitute(input.line());
    const qsizetype question = target.indexOf('?');
    request.path = QString::fromUtf8(question < 0 ? target : target.first(question));
    if (question >= 0)
        request.query = QUrlQuery(QString::fromUtf8(target.sliced(question + 1)));
    while (!input.atEnd()) {
        const QByteArray line = input.line();
        if (line.isEmpty())
            break;
        const qsizetype colon = line.indexOf(':');
        if (colon < 0)
            request.headers.append(http::Header {line, {}});
        else
            request.headers.append(
                http::Header {line.first(colon), substitute(line.sliced(colon + 1).trimmed())});
    }
    request.body = substitute(input.rest());
    request.peer = QHostAddress(QStringLiteral("::1"));
    dispatch(request);
    return 0;
}
