#include "CommandLine.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace keydesk {

CommandLine CommandLine::parse(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QCoreApplication::translate(
        "CommandLine", "KeyDesk: create, rename and revoke your organization's API keys."));
    const QCommandLineOption help = parser.addHelpOption();
    const QCommandLineOption version = parser.addVersionOption();
    const QCommandLineOption server(
        QStringLiteral("server"),
        QCoreApplication::translate(
            "CommandLine", "The KeyDesk server to connect to, e.g. https://keys.example.com."),
        QStringLiteral("url"));
    const QCommandLineOption language(
        QStringLiteral("lang"),
        QCoreApplication::translate(
            "CommandLine", "The language of the interface, e.g. de or en (default: the system's)."),
        QStringLiteral("code"));
    parser.addOptions({server, language});

    CommandLine result;
    result.helpText = parser.helpText();
    if (!parser.parse(arguments)) {
        result.error = parser.errorText();
        return result;
    }
    result.showHelp = parser.isSet(help);
    result.showVersion = parser.isSet(version);
    if (parser.isSet(server)) {
        result.server = QUrl::fromUserInput(parser.value(server));
        if (!result.server.isValid() || result.server.host().isEmpty()
            || (result.server.scheme() != u"http" && result.server.scheme() != u"https")) {
            result.error =
                QCoreApplication::translate(
                    "CommandLine", "--server expects an http:// or https:// address, not “%1”.")
                    .arg(parser.value(server));
        }
    }
    result.language = parser.value(language);
    if (!parser.positionalArguments().isEmpty())
        result.error = QCoreApplication::translate("CommandLine", "Unexpected argument “%1”.")
                           .arg(parser.positionalArguments().first());
    return result;
}

QString installTranslations(const QString &language)
{
    const QLocale locale = language.isEmpty() ? QLocale() : QLocale(language);
    auto *app = new QTranslator(QCoreApplication::instance());
    // Embedded by qt_add_translations under :/i18n.
    if (!app->load(locale, QStringLiteral("keydesk"), QStringLiteral("_"),
                   QStringLiteral(":/i18n"))) {
        delete app;
        QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
        return QStringLiteral("en");
    }
    QCoreApplication::installTranslator(app);
    QLocale::setDefault(locale);
    // Qt's own strings (standard buttons such as Cancel), when the system has them.
    auto *qt = new QTranslator(QCoreApplication::instance());
    if (qt->load(locale, QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    else
        delete qt;
    return locale.name().section(u'_', 0, 0);
}

} // namespace keydesk
