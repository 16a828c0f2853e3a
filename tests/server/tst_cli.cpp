// The keydesk-server command line (DESIGN §4), run as the real executable: help and version,
// migrate, org add, user add (password from standard input), argument errors, and a whole
// serve session that ends with SIGTERM and leaves no secret in the output.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

namespace {

const QString serverExecutable = QStringLiteral(KEYDESK_SERVER_EXECUTABLE);
const QString adminPassword = QStringLiteral("a long admin password for the CLI test");
const QString ownerPassword = QStringLiteral("the sign-up owner's password");
const QString wrongPassword = QStringLiteral("not the admin password at all");

struct Finished
{
    int exitCode = -1;
    QProcess::ExitStatus exitStatus = QProcess::CrashExit;
    QString out;
    QString err;
};

struct Reply
{
    int status = 0;
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

using Headers = QList<QPair<QByteArray, QByteArray>>;

} // namespace

class TestCli final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();

    void helpListsTheCommands_data();
    void helpListsTheCommands();
    void commandHelp_data();
    void commandHelp();
    void version_data();
    void version();
    void migratePrintsTheSchemaVersionAndIsIdempotent();
    void orgAddPrintsAnId();
    void userAddReadsThePasswordFromStandardInput();
    void userAddRejectsAShortPassword_data();
    void userAddRejectsAShortPassword();
    void badArgumentsFailClearly_data();
    void badArgumentsFailClearly();
    void serveSignUpLoginCreateVerifyAndStop();

private:
    Finished run(const QStringList &arguments, const QByteArray &input = {});
    QString database(const QString &name) const
    {
        return QStringLiteral("sqlite:") + m_directory.filePath(name);
    }
    QString orgAdd(const QString &databaseUrl, const QString &name);
    Reply send(const QByteArray &method, const QString &path, const QJsonObject &body = {},
               const Headers &headers = {});

    QTemporaryDir m_directory;
    QProcessEnvironment m_environment;
    QTcpServer m_occupied; // holds a port, for "address in use"
    QNetworkAccessManager m_network;
    quint16 m_port = 0;
};

void TestCli::initTestCase()
{
    QVERIFY(m_directory.isValid());
    QVERIFY2(QFileInfo(serverExecutable).isExecutable(), qPrintable(serverExecutable));
    // Whatever a command falls back to (the default database lives in the data directory) stays
    // inside the temporary directory.
    m_environment = QProcessEnvironment::systemEnvironment();
    m_environment.insert(QStringLiteral("HOME"), m_directory.path());
    m_environment.insert(QStringLiteral("XDG_DATA_HOME"),
                         m_directory.filePath(QStringLiteral("data")));
    // The request lines the serve test looks for are info messages of keydesk.http.
    m_environment.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("qt.*.debug=false"));
    m_environment.remove(QStringLiteral("QT_MESSAGE_PATTERN"));
    QVERIFY(m_occupied.listen(QHostAddress::LocalHost, 0));
}

Finished TestCli::run(const QStringList &arguments, const QByteArray &input)
{
    QProcess process;
    process.setProcessEnvironment(m_environment);
    process.start(serverExecutable, arguments);
    Finished finished;
    if (!process.waitForStarted(10'000))
        return finished;
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(60'000)) {
        process.kill();
        process.waitForFinished();
        return finished;
    }
    finished.exitCode = process.exitCode();
    finished.exitStatus = process.exitStatus();
    finished.out = QString::fromUtf8(process.readAllStandardOutput());
    finished.err = QString::fromUtf8(process.readAllStandardError());
    return finished;
}

QString TestCli::orgAdd(const QString &databaseUrl, const QString &name)
{
    const Finished added =
        run({QStringLiteral("org"), QStringLiteral("add"), QStringLiteral("--name"), name,
             QStringLiteral("--database"), databaseUrl});
    if (added.exitStatus != QProcess::NormalExit || added.exitCode != 0)
        return {};
    return added.out.trimmed();
}

Reply TestCli::send(const QByteArray &method, const QString &path, const QJsonObject &body,
                    const Headers &headers)
{
    QNetworkRequest request(QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path)));
    request.setTransferTimeout(15'000);
    QByteArray payload;
    if (!body.isEmpty()) {
        payload = QJsonDocument(body).toJson(QJsonDocument::Compact);
        request.setHeader(QNetworkRequest::ContentTypeHeader,
                          QByteArrayLiteral("application/json"));
    }
    for (const auto &header : headers)
        request.setRawHeader(header.first, header.second);
    QNetworkReply *reply = m_network.sendCustomRequest(request, method, payload);
    QSignalSpy finished(reply, &QNetworkReply::finished);
    if (!reply->isFinished())
        finished.wait(20'000);
    Reply result;
    result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    result.body = reply->readAll();
    reply->deleteLater();
    return result;
}

void TestCli::helpListsTheCommands_data()
{
    QTest::addColumn<QString>("option");
    QTest::newRow("--help") << QStringLiteral("--help");
    QTest::newRow("-h") << QStringLiteral("-h");
    QTest::newRow("help") << QStringLiteral("help");
}

void TestCli::helpListsTheCommands()
{
    QFETCH(QString, option);
    const Finished help = run({option});
    QCOMPARE(help.exitStatus, QProcess::NormalExit);
    QCOMPARE(help.exitCode, 0);
    for (const QString &command : {QStringLiteral("serve"), QStringLiteral("user add"),
                                   QStringLiteral("org add"), QStringLiteral("migrate")}) {
        const QRegularExpression line(
            QStringLiteral("^\\s+%1\\s+\\S").arg(QRegularExpression::escape(command)),
            QRegularExpression::MultilineOption);
        QVERIFY2(line.match(help.out).hasMatch(),
                 qPrintable(command + QStringLiteral(" missing from:\n") + help.out));
    }
}

void TestCli::commandHelp_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QStringList>("options");
    QTest::newRow("serve") << QStringList {QStringLiteral("serve"), QStringLiteral("--help")}
                           << QStringList {QStringLiteral("--listen"), QStringLiteral("--database"),
                                           QStringLiteral("--allow-signup"),
                                           QStringLiteral("--tls-cert"),
                                           QStringLiteral("--tls-key")};
    QTest::newRow("user add") << QStringList {QStringLiteral("user"), QStringLiteral("add"),
                                              QStringLiteral("--help")}
                              << QStringList {QStringLiteral("--org"), QStringLiteral("--email"),
                                              QStringLiteral("--name"), QStringLiteral("--role"),
                                              QStringLiteral("--database")};
    QTest::newRow("org add") << QStringList {QStringLiteral("org"), QStringLiteral("add"),
                                             QStringLiteral("--help")}
                             << QStringList {QStringLiteral("--name"),
                                             QStringLiteral("--database")};
    QTest::newRow("migrate") << QStringList {QStringLiteral("migrate"), QStringLiteral("--help")}
                             << QStringList {QStringLiteral("--database")};
}

void TestCli::commandHelp()
{
    QFETCH(QStringList, arguments);
    QFETCH(QStringList, options);
    const Finished help = run(arguments);
    QCOMPARE(help.exitStatus, QProcess::NormalExit);
    QCOMPARE(help.exitCode, 0);
    for (const QString &option : options)
        QVERIFY2(help.out.contains(option),
                 qPrintable(option + QStringLiteral(" missing from:\n") + help.out));
}

void TestCli::version_data()
{
    QTest::addColumn<QString>("option");
    QTest::newRow("--version") << QStringLiteral("--version");
    QTest::newRow("-v") << QStringLiteral("-v");
}

void TestCli::version()
{
    QFETCH(QString, option);
    const Finished version = run({option});
    QCOMPARE(version.exitStatus, QProcess::NormalExit);
    QCOMPARE(version.exitCode, 0);
    QCOMPARE(version.out, QStringLiteral("keydesk-server " KEYDESK_VERSION "\n"));
}

void TestCli::migratePrintsTheSchemaVersionAndIsIdempotent()
{
    const QString url = database(QStringLiteral("migrate.db"));
    const QStringList arguments {QStringLiteral("migrate"), QStringLiteral("--database"), url};

    const Finished first = run(arguments);
    QCOMPARE(first.exitStatus, QProcess::NormalExit);
    QCOMPARE(first.exitCode, 0);
    const QRegularExpressionMatch migrated =
        QRegularExpression(QStringLiteral("^schema migrated to version (\\d+)\n$"))
            .match(first.out);
    QVERIFY2(migrated.hasMatch(), qPrintable(first.out + first.err));
    const int version = migrated.captured(1).toInt();
    QVERIFY(version >= 1);
    QVERIFY(QFileInfo::exists(m_directory.filePath(QStringLiteral("migrate.db"))));

    for (int i = 0; i < 2; ++i) {
        const Finished again = run(arguments);
        QCOMPARE(again.exitStatus, QProcess::NormalExit);
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(again.out, QStringLiteral("schema already at version %1\n").arg(version));
    }
}

void TestCli::orgAddPrintsAnId()
{
    const QString url = database(QStringLiteral("org.db"));
    const Finished added =
        run({QStringLiteral("org"), QStringLiteral("add"), QStringLiteral("--name"),
             QStringLiteral("Acme"), QStringLiteral("--database"), url});
    QCOMPARE(added.exitStatus, QProcess::NormalExit);
    QCOMPARE(added.exitCode, 0);
    QVERIFY2(QRegularExpression(QStringLiteral("^org_[0-9A-Za-z]+\n$")).match(added.out).hasMatch(),
             qPrintable(added.out + added.err));

    // Two organizations may share a name; each gets its own id.
    const QString second = orgAdd(url, QStringLiteral("Acme"));
    QVERIFY(second.startsWith(QStringLiteral("org_")));
    QVERIFY(second != added.out.trimmed());
}

void TestCli::userAddReadsThePasswordFromStandardInput()
{
    const QString url = database(QStringLiteral("user.db"));
    const QString organization = orgAdd(url, QStringLiteral("Acme"));
    QVERIFY(organization.startsWith(QStringLiteral("org_")));
    const Finished added =
        run({QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("--org"), organization,
             QStringLiteral("--email"), QStringLiteral("ada@example.com"), QStringLiteral("--name"),
             QStringLiteral("Ada Admin"), QStringLiteral("--role"), QStringLiteral("admin"),
             QStringLiteral("--database"), url},
            adminPassword.toUtf8() + '\n');
    QCOMPARE(added.exitStatus, QProcess::NormalExit);
    QCOMPARE(added.exitCode, 0);
    QVERIFY2(QRegularExpression(QStringLiteral("^usr_[0-9A-Za-z]+\n$")).match(added.out).hasMatch(),
             qPrintable(added.out + added.err));
    QVERIFY(!added.out.contains(adminPassword));
    QVERIFY(!added.err.contains(adminPassword));
}

void TestCli::userAddRejectsAShortPassword_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::newRow("11 characters") << QByteArray("elevenchars\n");
    QTest::newRow("empty line") << QByteArray("\n");
    QTest::newRow("nothing at all") << QByteArray();
    QTest::newRow("1025 characters") << QByteArray(1025, 'p') + '\n';
}

void TestCli::userAddRejectsAShortPassword()
{
    QFETCH(QByteArray, input);
    const QString url = database(QStringLiteral("short.db"));
    const QString organization = orgAdd(url, QStringLiteral("Acme"));
    QVERIFY(organization.startsWith(QStringLiteral("org_")));
    const QStringList arguments {QStringLiteral("user"),       QStringLiteral("add"),
                                 QStringLiteral("--org"),      organization,
                                 QStringLiteral("--email"),    QStringLiteral("short@example.com"),
                                 QStringLiteral("--name"),     QStringLiteral("Shorty"),
                                 QStringLiteral("--role"),     QStringLiteral("member"),
                                 QStringLiteral("--database"), url};
    const Finished refused = run(arguments, input);
    QCOMPARE(refused.exitStatus, QProcess::NormalExit);
    QVERIFY(refused.exitCode != 0);
    QVERIFY2(refused.err.contains(QStringLiteral("password must be 12 to 1024 characters")),
             qPrintable(refused.err));
    QVERIFY(!refused.out.contains(QStringLiteral("usr_")));
}

void TestCli::badArgumentsFailClearly_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");

    const QString url = database(QStringLiteral("bad.db"));
    const QString db = QStringLiteral("--database");
    const QString occupied = QStringLiteral("127.0.0.1:%1").arg(m_occupied.serverPort());
    const auto serve = [&](const QStringList &more) {
        return QStringList {QStringLiteral("serve"), db, url} + more;
    };
    const auto userAdd = [&](const QStringList &more) {
        return QStringList {QStringLiteral("user"), QStringLiteral("add"), db, url} + more;
    };
    const auto migrate = [&](const QString &databaseUrl) {
        return QStringList {QStringLiteral("migrate"), db, databaseUrl};
    };

    QTest::newRow("unknown command") << QStringList {QStringLiteral("frobnicate")}
                                     << QStringLiteral("unknown command 'frobnicate'");
    QTest::newRow("user without add")
        << QStringList {QStringLiteral("user")} << QStringLiteral("unknown command 'user'");
    QTest::newRow("user remove") << QStringList {QStringLiteral("user"), QStringLiteral("remove")}
                                 << QStringLiteral("unknown command 'user remove'");
    QTest::newRow("unknown option")
        << serve({QStringLiteral("--bogus")}) << QStringLiteral("Unknown option 'bogus'");
    QTest::newRow("serve with an argument")
        << serve({QStringLiteral("extra")}) << QStringLiteral("serve takes no arguments");
    QTest::newRow("bad role") << userAdd(
        {QStringLiteral("--org"), QStringLiteral("org_x"), QStringLiteral("--email"),
         QStringLiteral("a@example.com"), QStringLiteral("--name"), QStringLiteral("A"),
         QStringLiteral("--role"), QStringLiteral("superuser")})
                              << QStringLiteral("--role must be owner, admin or member");
    QTest::newRow("role in capitals") << userAdd(
        {QStringLiteral("--org"), QStringLiteral("org_x"), QStringLiteral("--email"),
         QStringLiteral("a@example.com"), QStringLiteral("--role"), QStringLiteral("ADMIN")})
                                      << QStringLiteral("--role must be owner, admin or member");
    QTest::newRow("user add without --email")
        << userAdd({QStringLiteral("--org"), QStringLiteral("org_x")})
        << QStringLiteral("--email must be an email address");
    QTest::newRow("user add without --org")
        << userAdd({QStringLiteral("--email"), QStringLiteral("a@example.com")})
        << QStringLiteral("--org is required");
    QTest::newRow("user add with a bad email")
        << userAdd({QStringLiteral("--org"), QStringLiteral("org_x"), QStringLiteral("--email"),
                    QStringLiteral("a@b@c")})
        << QStringLiteral("--email must be an email address");
    // The same e-mail rule as sign-up (AccountRules): the CLI used to accept these.
    QTest::newRow("user add with a space in the email")
        << userAdd({QStringLiteral("--org"), QStringLiteral("org_x"), QStringLiteral("--email"),
                    QStringLiteral("ada lovelace@example.com")})
        << QStringLiteral("--email must be an email address");
    QTest::newRow("user add with an email over 254 characters")
        << userAdd({QStringLiteral("--org"), QStringLiteral("org_x"), QStringLiteral("--email"),
                    QString(250, u'a') + QStringLiteral("@example.com")})
        << QStringLiteral("--email must be at most 254 characters");
    QTest::newRow("user add to an unknown organization")
        << userAdd({QStringLiteral("--org"), QStringLiteral("org_nope"), QStringLiteral("--email"),
                    QStringLiteral("a@example.com"), QStringLiteral("--name"), QStringLiteral("A")})
        << QStringLiteral("No organization with id org_nope");
    QTest::newRow("org add without --name")
        << QStringList {QStringLiteral("org"), QStringLiteral("add"), db, url}
        << QStringLiteral("--name must not be empty");
    QTest::newRow("org add with a control character")
        << QStringList {QStringLiteral("org"),
                        QStringLiteral("add"),
                        QStringLiteral("--name"),
                        QStringLiteral("Evil\tCorp"),
                        db,
                        url}
        << QStringLiteral("must not contain control characters");
    QTest::newRow("org add with a bidi override")
        << QStringList {QStringLiteral("org"),
                        QStringLiteral("add"),
                        QStringLiteral("--name"),
                        QStringLiteral("Evil\u202ECorp"),
                        db,
                        url}
        << QStringLiteral("must not contain bidirectional override characters");
    QTest::newRow("--listen without a port")
        << serve({QStringLiteral("--listen"), QStringLiteral("nonsense")})
        << QStringLiteral("--listen expects host:port");
    QTest::newRow("--listen with an empty port")
        << serve({QStringLiteral("--listen"), QStringLiteral("127.0.0.1:")})
        << QStringLiteral("--listen expects host:port");
    QTest::newRow("--listen port 70000")
        << serve({QStringLiteral("--listen"), QStringLiteral("127.0.0.1:70000")})
        << QStringLiteral("--listen expects host:port");
    QTest::newRow("--listen port -1")
        << serve({QStringLiteral("--listen"), QStringLiteral("127.0.0.1:-1")})
        << QStringLiteral("--listen expects host:port");
    QTest::newRow("--listen bad address")
        << serve({QStringLiteral("--listen"), QStringLiteral("999.1.1.1:8787")})
        << QStringLiteral("--listen expects host:port");
    QTest::newRow("--listen host name")
        << serve({QStringLiteral("--listen"), QStringLiteral("example.com:8787")})
        << QStringLiteral("--listen expects host:port");
    QTest::newRow("--listen address in use") << serve({QStringLiteral("--listen"), occupied})
                                             << QStringLiteral("cannot listen on ") + occupied;
    QTest::newRow("--tls-cert without --tls-key")
        << serve({QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                  QStringLiteral("--tls-cert"),
                  m_directory.filePath(QStringLiteral("missing.pem"))})
        << QStringLiteral("--tls-cert and --tls-key go together");
    QTest::newRow("missing TLS files")
        << serve({QStringLiteral("--listen"), QStringLiteral("127.0.0.1:0"),
                  QStringLiteral("--tls-cert"), m_directory.filePath(QStringLiteral("missing.pem")),
                  QStringLiteral("--tls-key"), m_directory.filePath(QStringLiteral("missing.key"))})
        << QStringLiteral("cannot read the TLS certificate or key");
    QTest::newRow("database URL of another kind") << migrate(QStringLiteral("mysql://user@host/db"))
                                                  << QStringLiteral("unknown database URL");
    QTest::newRow("database URL without a scheme")
        << migrate(m_directory.filePath(QStringLiteral("plain.db")))
        << QStringLiteral("unknown database URL");
    QTest::newRow("empty SQLite path")
        << migrate(QStringLiteral("sqlite:")) << QStringLiteral("database path is empty");
    QTest::newRow("SQLite path that cannot exist")
        << migrate(QStringLiteral("sqlite:/dev/null/keydesk.db"))
        << QStringLiteral("cannot open SQLite at /dev/null/keydesk.db");
    QTest::newRow("PostgreSQL URL without a host")
        << migrate(QStringLiteral("postgresql:///db")) << QStringLiteral("expected postgresql://");
    QTest::newRow("serve with a bad database")
        << QStringList {QStringLiteral("serve"), QStringLiteral("--listen"),
                        QStringLiteral("127.0.0.1:0"), db, QStringLiteral("sqlite:")}
        << QStringLiteral("database path is empty");
    QTest::newRow("org add with a bad database") << QStringList {QStringLiteral("org"),
                                                                 QStringLiteral("add"),
                                                                 QStringLiteral("--name"),
                                                                 QStringLiteral("Acme"),
                                                                 db,
                                                                 QStringLiteral("oracle:x")}
                                                 << QStringLiteral("unknown database URL");
}

void TestCli::badArgumentsFailClearly()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    // Whatever it is, nothing waits on standard input for long.
    const Finished failed = run(arguments, "\n");
    QCOMPARE(failed.exitStatus, QProcess::NormalExit); // not a crash
    QVERIFY2(failed.exitCode != 0, qPrintable(failed.out));
    QVERIFY2(failed.err.contains(message),
             qPrintable(QStringLiteral("expected \"%1\" in:\n%2").arg(message, failed.err)));
    QVERIFY(!failed.out.contains(QStringLiteral("usr_")));
    QVERIFY(!failed.out.contains(QStringLiteral("org_")));
    QVERIFY(!failed.err.contains(QStringLiteral("listening on")));
}

void TestCli::serveSignUpLoginCreateVerifyAndStop()
{
    const QString url = database(QStringLiteral("serve.db"));
    const QString organization = orgAdd(url, QStringLiteral("Acme CLI"));
    QVERIFY(organization.startsWith(QStringLiteral("org_")));
    const Finished added =
        run({QStringLiteral("user"), QStringLiteral("add"), QStringLiteral("--org"), organization,
             QStringLiteral("--email"), QStringLiteral("admin@example.com"),
             QStringLiteral("--name"), QStringLiteral("Ada Admin"), QStringLiteral("--role"),
             QStringLiteral("admin"), QStringLiteral("--database"), url},
            adminPassword.toUtf8() + '\n');
    QCOMPARE(added.exitCode, 0);
    const QString adminId = added.out.trimmed();
    QVERIFY(adminId.startsWith(QStringLiteral("usr_")));

    QProcess server;
    server.setProcessEnvironment(m_environment);
    QByteArray output; // stdout and stderr as they come
    QByteArray errors; // stderr alone
    connect(&server, &QProcess::readyReadStandardOutput, this,
            [&] { output += server.readAllStandardOutput(); });
    connect(&server, &QProcess::readyReadStandardError, this, [&] {
        const QByteArray chunk = server.readAllStandardError();
        output += chunk;
        errors += chunk;
    });
    server.start(serverExecutable,
                 {QStringLiteral("serve"), QStringLiteral("--listen"),
                  QStringLiteral("127.0.0.1:0"), QStringLiteral("--database"), url,
                  QStringLiteral("--allow-signup")});
    QVERIFY(server.waitForStarted(10'000));
    const auto stopServer = qScopeGuard([&server] {
        if (server.state() != QProcess::NotRunning) {
            server.kill();
            server.waitForFinished();
        }
    });

    const QRegularExpression listening(
        QStringLiteral("listening on http://127\\.0\\.0\\.1:(\\d+)\n"));
    QTRY_VERIFY2_WITH_TIMEOUT(listening.match(QString::fromUtf8(errors)).hasMatch()
                                  || server.state() == QProcess::NotRunning,
                              errors.constData(), 20'000);
    const QRegularExpressionMatch match = listening.match(QString::fromUtf8(errors));
    QVERIFY2(match.hasMatch(), errors.constData());
    m_port = quint16(match.captured(1).toUInt());
    QVERIFY(m_port != 0);

    Reply reply = send("GET", QStringLiteral("/v1/info"));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json().value(QStringLiteral("signup_enabled")).toBool(), true);

    // Sign-up works (--allow-signup) …
    reply = send("POST", QStringLiteral("/v1/signup"),
                 {{QStringLiteral("organization_name"), QStringLiteral("Owner Org")},
                  {QStringLiteral("name"), QStringLiteral("Olga Owner")},
                  {QStringLiteral("email"), QStringLiteral("owner@example.com")},
                  {QStringLiteral("password"), ownerPassword}});
    QCOMPARE(reply.status, 201);
    const QByteArray ownerToken = reply.json().value(QStringLiteral("token")).toString().toLatin1();
    QVERIFY(!ownerToken.isEmpty());

    // … a wrong password does not …
    reply = send("POST", QStringLiteral("/v1/sessions"),
                 {{QStringLiteral("email"), QStringLiteral("admin@example.com")},
                  {QStringLiteral("password"), wrongPassword}});
    QCOMPARE(reply.status, 401);

    // … and the password given to `user add` does, with the role given there.
    reply = send("POST", QStringLiteral("/v1/sessions"),
                 {{QStringLiteral("email"), QStringLiteral("admin@example.com")},
                  {QStringLiteral("password"), adminPassword}});
    QCOMPARE(reply.status, 201);
    const QByteArray token = reply.json().value(QStringLiteral("token")).toString().toLatin1();
    QVERIFY(!token.isEmpty());
    QCOMPARE(reply.json()
                 .value(QStringLiteral("user"))
                 .toObject()
                 .value(QStringLiteral("id"))
                 .toString(),
             adminId);
    const QJsonArray organizations = reply.json().value(QStringLiteral("organizations")).toArray();
    QCOMPARE(organizations.size(), 1);
    QCOMPARE(organizations.first().toObject().value(QStringLiteral("id")).toString(), organization);
    QCOMPARE(organizations.first().toObject().value(QStringLiteral("role")).toString(),
             QStringLiteral("admin"));

    reply = send("POST", QStringLiteral("/v1/organizations/%1/api-keys").arg(organization),
                 {{QStringLiteral("name"), QStringLiteral("CLI key")},
                  {QStringLiteral("expiration"), QStringLiteral("one_month")}},
                 {{"Authorization", "Bearer " + token}});
    QCOMPARE(reply.status, 201);
    const QByteArray secret = reply.json().value(QStringLiteral("secret")).toString().toLatin1();
    const QString keyId = reply.json()
                              .value(QStringLiteral("api_key"))
                              .toObject()
                              .value(QStringLiteral("id"))
                              .toString();
    QVERIFY(secret.startsWith("kd_"));

    reply = send("GET", QStringLiteral("/v1/verify"), {},
                 {{"x-api-key", secret}, {"x-organization-id", organization.toUtf8()}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json().value(QStringLiteral("valid")).toBool(), true);
    QCOMPARE(reply.json().value(QStringLiteral("key_id")).toString(), keyId);

    // SIGTERM: a clean stop with exit code 0.
    QSignalSpy finished(&server, &QProcess::finished);
    server.terminate();
    QVERIFY(finished.wait(15'000) || server.state() == QProcess::NotRunning);
    QCOMPARE(server.exitStatus(), QProcess::NormalExit);
    QCOMPARE(server.exitCode(), 0);
    output += server.readAllStandardOutput();
    output += server.readAllStandardError();

    const QString log = QString::fromUtf8(output);
    QVERIFY2(log.contains(QStringLiteral("POST /v1/sessions 201")), output.constData());
    QVERIFY2(log.contains(QStringLiteral("GET /v1/verify 200")), output.constData());
    QVERIFY2(log.contains(QStringLiteral("keydesk-server: stopped")), output.constData());
    QVERIFY2(!log.contains(adminPassword), "the admin's password was logged");
    QVERIFY2(!log.contains(ownerPassword), "the owner's password was logged");
    QVERIFY2(!log.contains(wrongPassword), "a wrong password was logged");
    QVERIFY2(!output.contains(token), "the session token was logged");
    QVERIFY2(!output.contains(ownerToken), "the sign-up session token was logged");
    QVERIFY2(!output.contains(secret), "the key secret was logged");
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
