#pragma once

#include <QByteArrayView>
#include <QString>

namespace keydesk {

// RFC 8259 syntax check, run before QJsonDocument: Qt's parser also accepts unknown escapes
// ("\x41" becomes "x41") and raw control characters inside strings, which the contract calls
// malformed JSON. Also bounds nesting, so a hostile body cannot recurse deeply, and refuses an
// object with a repeated member name, which Qt would resolve silently to the last value
// (DESIGN §3b: ambiguous input is refused).
// Returns an empty string when `text` is one valid JSON value, otherwise what is wrong and where.
QString strictJsonError(QByteArrayView text, int maxDepth = 32);

} // namespace keydesk
