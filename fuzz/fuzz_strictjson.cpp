// Fuzzes the strict JSON syntax check (server/api/StrictJson) against Qt's parser, which the
// handlers run right after it: whatever StrictJson accepts (in valid UTF-8, which JsonBody
// checks first) must parse in QJsonDocument, or a body the contract calls valid would be
// refused. Also: whatever Qt writes back out is strict JSON again, and the check never reads
// past its input (AddressSanitizer: the input is an exact-size copy).

#include "api/StrictJson.h"

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonParseError>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>

using namespace keydesk;

namespace {

[[noreturn]] void violation(const char *what, QByteArrayView text, const QString &detail)
{
    std::fprintf(stderr, "\n=== StrictJson property violated: %s ===\ninput: %s\ndetail: %s\n",
                 what, text.toByteArray().toPercentEncoding(" {}[]\":,").constData(),
                 qUtf8Printable(detail));
    std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // An exact-size heap copy without a terminating NUL, so that reading one byte too far is
    // caught (QByteArray would add a NUL after the data).
    std::unique_ptr<char[]> copy(new char[size ? size : 1]);
    std::copy(data, data + size, copy.get());
    const QByteArrayView text(copy.get(), qsizetype(size));

    const QString strictError = strictJsonError(text);
    if (!strictError.isEmpty() || !text.isValidUtf8())
        return 0;

    // Qt parses documents only (an object or an array at the top); a bare scalar is refused by
    // both paths alike (400), so only documents are compared.
    const QByteArrayView trimmed = text.trimmed();
    if (!trimmed.startsWith('{') && !trimmed.startsWith('['))
        return 0;

    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError)
        violation("StrictJson accepted what Qt rejects", text,
                  QStringLiteral("%1 at offset %2").arg(error.errorString()).arg(error.offset));

    const QByteArray written = document.toJson(QJsonDocument::Compact);
    const QString rewrittenError = strictJsonError(written);
    if (!rewrittenError.isEmpty())
        violation("what Qt writes back is not strict JSON", written, rewrittenError);
    return 0;
}
