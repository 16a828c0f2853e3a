#pragma once

#include <QString>

namespace keydesk {

// The rules for human-given names (API key names, organization names) of DESIGN §3. Shared so
// that the app can tell the user before the server does.
enum class NameProblem {
    None,
    TooLong, // more than maxNameLength code points after trimming
    ControlCharacter, // category Cc: tab, newline, DEL, C1 …
    BidiOverride, // U+202A–U+202E, U+2066–U+2069: can make a name read as something else
    InvalidText, // lone surrogates
};

inline constexpr int maxNameLength = 100;

struct NameCheck
{
    QString normalized; // trimmed; empty means "no name"
    NameProblem problem = NameProblem::None;
    bool ok() const { return problem == NameProblem::None; }
};

NameCheck checkName(const QString &raw);

// An English sentence for the server's problem details and logs (the app translates its own).
QString describe(NameProblem problem);

} // namespace keydesk
