// keydesk: the desktop app. Thin on purpose: everything it wires lives in keydesk_app/ui.

#include "AppController.h"
#include "Clock.h"
#include "CommandLine.h"
#include "Settings.h"

#include <QApplication>
#include <QIcon>
#include <QTextStream>

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("keydesk"));
    QApplication::setApplicationDisplayName(QStringLiteral("KeyDesk"));
    QApplication::setApplicationVersion(QStringLiteral(KEYDESK_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("keydesk"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/keydesk.svg")));

    const keydesk::CommandLine options = keydesk::CommandLine::parse(QApplication::arguments());
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (!options.error.isEmpty()) {
        err << "keydesk: " << options.error << "\n\n" << options.helpText;
        return 2;
    }
    if (options.showHelp) {
        out << options.helpText;
        return 0;
    }
    if (options.showVersion) {
        out << "keydesk " << KEYDESK_VERSION << Qt::endl;
        return 0;
    }
    keydesk::installTranslations(options.language);

    keydesk::Settings settings;
    keydesk::AppController controller(settings, options.server, keydesk::Clock::system());
    controller.start();
    return QApplication::exec();
}
