// keydesk: the desktop app. Thin on purpose: everything it wires lives in keydesk_app/ui.

#include "AppController.h"
#include "Clock.h"
#include "CommandLine.h"
#include "LoginDialog.h"
#include "Settings.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QIcon>
#include <QTextStream>
#include <QTimer>

#include <optional>

namespace {

// KEYDESK_PRINT_STARTUP=1 prints when the login window has first been painted (for
// bench/startup, which times the whole process start); =quit also exits right after.
class StartupProbe final : public QObject
{
public:
    explicit StartupProbe(const QElapsedTimer &sinceMain)
        : m_sinceMain(sinceMain)
    { }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Paint && !m_done) {
            m_done = true;
            QTextStream(stderr) << "keydesk: login window painted " << m_sinceMain.elapsed()
                                << " ms after main()" << Qt::endl;
            if (qEnvironmentVariable("KEYDESK_PRINT_STARTUP") == u"quit")
                QTimer::singleShot(0, qApp, &QCoreApplication::quit);
        }
        return QObject::eventFilter(watched, event);
    }

private:
    const QElapsedTimer &m_sinceMain;
    bool m_done = false;
};

// --help, --version and mistakes on the command line need no window, so they are answered before
// a QApplication exists: without a display QApplication aborts ("could not connect to display",
// exit 134), which left `keydesk --version` unusable over SSH or in a package's checks. A
// QCoreApplication of its own, gone before the QApplication is made, gives the parser the
// program's name and arguments. Returns the exit status when the process should end now.
std::optional<int> answerWithoutWindow(int argc, char *argv[], keydesk::CommandLine *options)
{
    QCoreApplication console(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("keydesk"));
    QCoreApplication::setApplicationVersion(QStringLiteral(KEYDESK_VERSION));
    *options = keydesk::CommandLine::parse(QCoreApplication::arguments());
    QTextStream out(stdout);
    QTextStream err(stderr);
    if (!options->error.isEmpty()) {
        err << "keydesk: " << options->error << "\n\n" << options->helpText;
        return 2;
    }
    if (options->showHelp) {
        out << options->helpText;
        return 0;
    }
    if (options->showVersion) {
        out << "keydesk " << KEYDESK_VERSION << Qt::endl;
        return 0;
    }
    return std::nullopt;
}

} // namespace

int main(int argc, char *argv[])
{
    QElapsedTimer sinceMain;
    sinceMain.start();
    keydesk::CommandLine options;
    if (const std::optional<int> status = answerWithoutWindow(argc, argv, &options))
        return *status;

    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("keydesk"));
    QApplication::setApplicationDisplayName(QStringLiteral("KeyDesk"));
    QApplication::setApplicationVersion(QStringLiteral(KEYDESK_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("keydesk"));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/keydesk.svg")));
    keydesk::installTranslations(options.language);

    keydesk::Settings settings;
    keydesk::AppController controller(settings, options.server, keydesk::Clock::system());
    controller.start();
    StartupProbe probe(sinceMain);
    if (qEnvironmentVariableIsSet("KEYDESK_PRINT_STARTUP"))
        controller.loginDialog()->installEventFilter(&probe);
    return QApplication::exec();
}
