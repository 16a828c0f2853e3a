// keydesk-server: the command line around KeyDeskServer (serve, user add, org add, migrate).

#include "KeyDeskServer.h"
#include "service/ServiceError.h"
#include "service/Services.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QSocketNotifier>
#include <QStandardPaths>
#include <QTextStream>
#include <QThread>
#include <QTimer>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <thread>

#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

using namespace keydesk;

namespace {

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

QTextStream &err()
{
    static QTextStream stream(stderr);
    return stream;
}

// "2026-11-26T21:07:27.008Z info keydesk.http: GET /v1/info 200 0.1 ms", written with one
// fwrite, so that lines of several threads never interleave (stdio locks the stream per call).
void writeLogLine(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    static const char *const types[] = {"debug", "warning", "critical", "fatal", "info"};
    // The date and time to the second change once a second: format them then, not per line.
    thread_local qint64 cachedSecond = -1;
    thread_local QByteArray cachedStamp;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now / 1000 != cachedSecond) {
        cachedSecond = now / 1000;
        cachedStamp = QDateTime::fromSecsSinceEpoch(cachedSecond, Qt::UTC)
                          .toString(QStringLiteral("yyyy-MM-ddThh:mm:ss"))
                          .toLatin1();
    }
    char millis[8];
    std::snprintf(millis, sizeof millis, ".%03dZ ", int(now % 1000));
    QByteArray line;
    line.reserve(64 + message.size());
    line += cachedStamp;
    line += millis;
    line += types[qBound(0, int(type), 4)];
    line += ' ';
    line += context.category ? context.category : "default";
    line += ": ";
    line += message.toUtf8();
    line += '\n';
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    // Request lines (info) wait in stderr's buffer for the next flush (flushLogEvery); anything
    // an operator must see at once, and anything before a fatal end, goes out now.
    if (type != QtInfoMsg && type != QtDebugMsg)
        std::fflush(stderr);
    if (type == QtFatalMsg)
        std::abort();
}

// Standard error is unbuffered, so every log line used to cost a write(2) of its own: an eighth
// of a verify's time at 70 000 a second (bench/verify). Buffered, and flushed this often on the
// main thread, a request line reaches the log at most this late; a SIGKILL can lose that much.
constexpr int logFlushIntervalMs = 100;
constexpr int logBufferBytes = 64 * 1024;

// Buffering itself is set at the top of main(): setvbuf() works only before a stream's first
// output (C11 7.21.5.6); this starts the flushes.
void flushLogPeriodically(QCoreApplication &app)
{
    auto *timer = new QTimer(&app);
    QObject::connect(timer, &QTimer::timeout, &app, [] { std::fflush(stderr); });
    timer->start(logFlushIntervalMs);
}

// DESIGN §4: a stop ends within 5 s. Normally it takes the grace for in-flight requests (3 s)
// and a last write; but a database that stopped answering holds the threads waiting in it, and
// the last write, for as long as it stays silent. Then this ends the process, with exit status 1
// and a line that says why: the uses still pending are lost, and so are the answers in flight.
constexpr std::chrono::milliseconds stopDeadline {4500};

void endProcessIfStopTakesTooLong()
{
    std::thread([] {
        std::this_thread::sleep_for(stopDeadline);
        static constexpr char line[] =
            "keydesk-server: the stop did not finish within 4.5 s (is the database answering?); "
            "exiting without waiting for it\n";
        std::fwrite(line, 1, sizeof line - 1, stderr);
        std::fflush(stderr);
        std::_Exit(1);
    }).detach();
}

int fail(const QString &message)
{
    err() << "keydesk-server: " << message << Qt::endl;
    return 1;
}

QString defaultDatabaseUrl()
{
    const QString directory = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    return QStringLiteral("sqlite:") + QDir(directory).filePath(QStringLiteral("keydesk.db"));
}

QCommandLineOption databaseOption()
{
    return {
        QStringLiteral("database"),
        QStringLiteral("Where the data lives: sqlite:PATH or postgresql://user:pass@host:port/db. "
                       "Default: %1")
            .arg(defaultDatabaseUrl()),
        QStringLiteral("url"), defaultDatabaseUrl()};
}

// Ctrl+C and SIGTERM end the event loop through a socket pair (a signal handler may only
// write()), so that pending key usage is written and connections close cleanly.
int signalPipe[2];

// More serving threads than this only adds database connections and contention.
constexpr int maxThreads = 256;

void forwardSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(signalPipe[0], &byte, 1);
}

void quitOnSignals(QCoreApplication &app)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, signalPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(signalPipe[1], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, &QCoreApplication::quit);
    struct sigaction action
    {
    };
    action.sa_handler = forwardSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

bool parseListen(const QString &text, QHostAddress *address, quint16 *port)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon < 0)
        return false;
    QString host = text.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    if (host == u"localhost")
        host = QStringLiteral("127.0.0.1");
    bool ok = false;
    const uint number = text.mid(colon + 1).toUInt(&ok);
    if (!ok || number > 65535 || !address->setAddress(host))
        return false;
    *port = quint16(number);
    return true;
}

// The password comes from standard input: typed at a prompt without echo, or piped in.
QString readPassword()
{
    const bool interactive = ::isatty(STDIN_FILENO);
    termios saved {};
    if (interactive) {
        err() << "Password (12 characters or more): " << Qt::flush;
        tcgetattr(STDIN_FILENO, &saved);
        termios silent = saved;
        silent.c_lflag &= ~tcflag_t(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &silent);
    }
    QTextStream in(stdin);
    const QString password = in.readLine();
    if (interactive) {
        tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        err() << Qt::endl;
    }
    return password;
}

int serve(QCoreApplication &app, const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Serve the KeyDesk REST API: organizations' API keys, their verification, and the admin "
        "sessions of the desktop app. Logs one line per request to standard error."));
    parser.addHelpOption();
    const QCommandLineOption listen(
        QStringLiteral("listen"),
        QStringLiteral("Address and port to listen on, e.g. 127.0.0.1:8787 or [::]:443 "
                       "(port 0 picks a free one)."),
        QStringLiteral("host:port"), QStringLiteral("127.0.0.1:8787"));
    const QCommandLineOption database = databaseOption();
    const QCommandLineOption signup(
        QStringLiteral("allow-signup"),
        QStringLiteral("Let anyone create an organization through POST /v1/signup."));
    const QCommandLineOption tlsCert(QStringLiteral("tls-cert"),
                                     QStringLiteral("PEM certificate (chain) to serve HTTPS with."),
                                     QStringLiteral("file"));
    const QCommandLineOption tlsKey(QStringLiteral("tls-key"),
                                    QStringLiteral("PEM private key of --tls-cert."),
                                    QStringLiteral("file"));
    const QCommandLineOption threads(
        QStringLiteral("threads"),
        QStringLiteral("Serving threads, each with its own database connection (default: one "
                       "per core, here %1).")
            .arg(QThread::idealThreadCount()),
        QStringLiteral("n"));
    parser.addOptions({listen, database, signup, tlsCert, tlsKey, threads});
    parser.process(arguments);
    if (!parser.positionalArguments().isEmpty())
        return fail(QStringLiteral("serve takes no arguments (see serve --help)"));

    ServerConfig config;
    if (!parseListen(parser.value(listen), &config.address, &config.port))
        return fail(QStringLiteral("--listen expects host:port, e.g. 127.0.0.1:8787"));
    config.databaseUrl = parser.value(database);
    config.allowSignup = parser.isSet(signup);
    config.tlsCertificatePath = parser.value(tlsCert);
    config.tlsKeyPath = parser.value(tlsKey);
    if (parser.isSet(threads)) {
        bool ok = false;
        config.servingThreads = parser.value(threads).toInt(&ok);
        if (!ok || config.servingThreads < 1 || config.servingThreads > maxThreads)
            return fail(
                QStringLiteral("--threads expects a whole number from 1 to %1").arg(maxThreads));
    }

    try {
        KeyDeskServer server(config);
        QString error;
        const quint16 port = server.listen(&error);
        if (port == 0)
            return fail(QStringLiteral("cannot listen on %1: %2").arg(parser.value(listen), error));
        const bool tls = !config.tlsCertificatePath.isEmpty();
        const QString host = config.address.protocol() == QAbstractSocket::IPv6Protocol
            ? QStringLiteral("[%1]").arg(config.address.toString())
            : config.address.toString();
        err() << "keydesk-server " << KEYDESK_VERSION << ": "
              << server.services().store().description()
              << (config.allowSignup ? ", sign-up enabled" : ", sign-up disabled") << Qt::endl;
        err() << "listening on " << (tls ? "https" : "http") << "://" << host << ':' << port
              << Qt::endl;
        if (!tls && !config.address.isLoopback())
            err() << "warning: serving plain HTTP on a non-loopback address; use "
                     "--tls-cert/--tls-key "
                     "or a TLS-terminating proxy"
                  << Qt::endl;
        quitOnSignals(app);
        flushLogPeriodically(app);
        const int code = QCoreApplication::exec();
        endProcessIfStopTakesTooLong();
        server.shutdown(); // finishes in-flight requests, writes pending last_used_at
        err() << "keydesk-server: stopped" << Qt::endl;
        return code;
    } catch (const StoreError &error) {
        return fail(QString::fromStdString(error.what()));
    }
}

int migrate(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Bring the database schema to this version's and exit. "
                       "(serve does this too at start.)"));
    parser.addHelpOption();
    const QCommandLineOption database = databaseOption();
    parser.addOption(database);
    parser.process(arguments);
    try {
        Store store(parser.value(database));
        const QList<int> applied = store.migrate(QDateTime::currentDateTimeUtc());
        if (applied.isEmpty())
            out() << "schema already at version " << store.schemaVersion() << Qt::endl;
        else
            out() << "schema migrated to version " << applied.constLast() << Qt::endl;
        return 0;
    } catch (const StoreError &error) {
        return fail(QString::fromStdString(error.what()));
    }
}

// The CLI's own services: the same rules and transactions as the server's routes.
struct CliServices
{
    explicit CliServices(const QString &databaseUrl)
        : config([&] {
            ServerConfig c;
            c.databaseUrl = databaseUrl;
            return c;
        }())
        , services(config, keyCache, usage)
    {
        services.store().migrate(config.clock->now());
    }
    ServerConfig config;
    KeyCache keyCache;
    UsageRecorder usage;
    Services services;
};

// A service's refusal in the CLI's words: a field's problem names the option ("--email must be
// an email address such as ada@example.com"; the password comes from standard input).
int failWith(const ServiceError &error)
{
    if (error.fields().isEmpty())
        return fail(error.detail());
    QStringList problems;
    for (const FieldError &field : error.fields()) {
        problems.append(field.field == u"password"
                            ? QStringLiteral("the password %1").arg(field.message)
                            : QStringLiteral("--%1 %2").arg(field.field, field.message));
    }
    return fail(problems.join(QStringLiteral("; ")));
}

// Where CLI changes come from in the audit trail.
const QString cliAddress = QStringLiteral("cli");

int orgAdd(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Create an organization and print its id."));
    parser.addHelpOption();
    const QCommandLineOption name(
        QStringLiteral("name"), QStringLiteral("The organization's name."), QStringLiteral("name"));
    const QCommandLineOption database = databaseOption();
    parser.addOptions({name, database});
    parser.process(arguments);
    try {
        CliServices cli(parser.value(database));
        const Organization organization =
            cli.services.organizations.create(parser.value(name), cliAddress);
        out() << organization.id << Qt::endl;
        return 0;
    } catch (const ServiceError &error) {
        return failWith(error);
    } catch (const StoreError &error) {
        return fail(QString::fromStdString(error.what()));
    }
}

int userAdd(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Add a user to an organization. A new user's password is read from standard input "
        "(prompted without echo on a terminal). An existing user (same email) keeps their "
        "password and gets the role in this organization."));
    parser.addHelpOption();
    const QCommandLineOption org(QStringLiteral("org"), QStringLiteral("Organization id (org_…)."),
                                 QStringLiteral("id"));
    const QCommandLineOption email(QStringLiteral("email"),
                                   QStringLiteral("The user's email address."),
                                   QStringLiteral("email"));
    const QCommandLineOption name(
        QStringLiteral("name"), QStringLiteral("The user's display name."), QStringLiteral("name"));
    const QCommandLineOption role(QStringLiteral("role"),
                                  QStringLiteral("owner, admin or member (default member)."),
                                  QStringLiteral("role"), QStringLiteral("member"));
    const QCommandLineOption database = databaseOption();
    parser.addOptions({org, email, name, role, database});
    parser.process(arguments);

    const std::optional<Role> parsedRole = roleFromWire(parser.value(role));
    if (!parsedRole)
        return fail(QStringLiteral("--role must be owner, admin or member"));
    if (parser.value(org).isEmpty())
        return fail(QStringLiteral("--org is required (see user add --help)"));
    try {
        CliServices cli(parser.value(database));
        const AccountService::AddedMember added = cli.services.accounts.addMember(
            {parser.value(org), parser.value(email), parser.value(name), *parsedRole}, readPassword,
            cliAddress);
        out() << added.user.id << Qt::endl;
        return 0;
    } catch (const ServiceError &error) {
        return failWith(error);
    } catch (const StoreError &error) {
        return fail(QString::fromStdString(error.what()));
    }
}

void printUsage()
{
    out() << "Usage: keydesk-server [COMMAND] [OPTIONS]\n\n"
             "KeyDesk's REST backend: issues organizations' API keys, stores only their hashes,\n"
             "and verifies them for other services (GET /v1/verify).\n\n"
             "Commands:\n"
             "  serve      Serve the REST API (the default command).\n"
             "  user add   Add a user to an organization (password from standard input).\n"
             "  org add    Create an organization and print its id.\n"
             "  migrate    Bring the database schema up to date and exit.\n\n"
             "Run 'keydesk-server COMMAND --help' for a command's options.\n"
             "Options:\n"
             "  -h, --help     Show this help.\n"
             "  -v, --version  Show the version.\n";
    out().flush();
}

} // namespace

int main(int argc, char *argv[])
{
    // Qt's own event dispatcher (poll) rather than GLib's: the serving threads spend ~7% less per
    // request in the event loop (bench/verify). QT_NO_GLIB is Qt's documented switch; an
    // operator's own setting of it wins.
    if (!qEnvironmentVariableIsSet("QT_NO_GLIB"))
        qputenv("QT_NO_GLIB", "1");
    std::setvbuf(stderr, nullptr, _IOFBF, logBufferBytes);
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("keydesk-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(KEYDESK_VERSION));
    // One line per request is the hot path's only I/O: a handler of our own formats it in a few
    // hundred instructions (Qt's %{time} pattern costs ~10 000 per line; bench/verify).
    // QT_MESSAGE_PATTERN, when set, still wins.
    if (!qEnvironmentVariableIsSet("QT_MESSAGE_PATTERN"))
        qInstallMessageHandler(writeLogLine);

    QStringList arguments = QCoreApplication::arguments();
    const QString program = arguments.takeFirst();
    const QString command = arguments.value(0);
    if (command == u"--help" || command == u"-h" || command == u"help") {
        printUsage();
        return 0;
    }
    if (command == u"--version" || command == u"-v") {
        out() << "keydesk-server " << KEYDESK_VERSION << Qt::endl;
        return 0;
    }
    const auto rest = [&](int words) {
        return QStringList {program + u' ' + arguments.mid(0, words).join(u' ')}
        + arguments.mid(words);
    };
    if (command.isEmpty() || command.startsWith(u'-'))
        return serve(app, QStringList {program} + arguments);
    if (command == u"serve")
        return serve(app, rest(1));
    if (command == u"migrate")
        return migrate(rest(1));
    if (command == u"user" && arguments.value(1) == u"add")
        return userAdd(rest(2));
    if (command == u"org" && arguments.value(1) == u"add")
        return orgAdd(rest(2));
    return fail(QStringLiteral("unknown command '%1' (see --help)").arg(arguments.join(u' ')));
}
