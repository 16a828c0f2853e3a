#pragma once

#include <QString>
#include <QStringList>
#include <QUrl>

namespace keydesk {

// `keydesk [--server URL] [--lang CODE] [--version] [--help]`
struct CommandLine
{
    QUrl server; // empty: the last one used
    QString language; // empty: the system's
    bool showVersion = false;
    bool showHelp = false;
    QString helpText;
    QString error; // a message for the user when the arguments make no sense

    static CommandLine parse(const QStringList &arguments);
};

// Installs the app's translation for `language` (or the system locale) and Qt's own, if found.
// Returns the language actually used ("en" when none matched).
QString installTranslations(const QString &language);

} // namespace keydesk
