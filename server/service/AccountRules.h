#pragma once

#include <QString>

// The rules for account credentials (DESIGN §3, "Sign-up"), in one place for sign-up, sign-in,
// the CLI's `user add` and the tests. Each returns an empty string when the value is fine, else
// the problem as a sentence's end ("must be …") for a field error.
namespace keydesk::AccountRules {

inline constexpr int maxEmailLength = 254;
inline constexpr int minPasswordLength = 12;
inline constexpr int maxPasswordLength = 1024;

// One '@' with text on both sides, no white space or control characters, at most 254
// characters after trimming.
QString emailProblem(const QString &email);
// 12 to 1024 characters (UTF-16 code units, as the app counts them).
QString passwordProblem(const QString &password);

} // namespace keydesk::AccountRules
