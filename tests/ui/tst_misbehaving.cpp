// The app under a broken network (issue 4, item 7): the app starts against a real server, then
// its client is pointed at a tiny misbehaving peer inside this test — one that drops the
// connection mid-request or mid-response, stalls past the timeout, answers 200 with malformed
// JSON, or answers an HTML 502 page. The peer stands for a broken network or a failing proxy,
// not for the real server. Each time the app must say what happened in a sentence, keep what is
// on screen (the rows, the open dialog), and not crash.

#include "ApiClient.h"
#include "ApiKeyTableModel.h"
#include "ApiKeysPage.h"
#include "AppController.h"
#include "LoginDialog.h"
#include "MainWindow.h"
#include "Settings.h"
#include "TestServer.h"
#include "ToastHost.h"
#include "WidgetLookup.h"

#include <QApplication>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QPushButton>
#include <QRegularExpression>
#include <QSet>
#include <QStackedWidget>
#include <QTableView>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>

using namespace keydesk;
using namespace keydesk::test;

namespace {

constexpr int clientTimeoutMs = 300;

// A peer on loopback that speaks just enough HTTP to fail in one particular way.
class MisbehavingPeer final : public QTcpServer
{
public:
    enum class Mode {
        CloseMidRequest, // reads the first bytes, then resets the connection
        CloseMidResponse, // answers the status line, headers and part of the body, then closes
        Stall, // reads the request and never answers
        StallMidResponse, // sends the headers and part of the body, then nothing
        MalformedJson, // 200 with a body that is not JSON
        HtmlBadGateway, // what a proxy answers when the server behind it is down
    };

    explicit MisbehavingPeer(Mode mode)
        : m_mode(mode)
    {
        listen(QHostAddress::LocalHost);
    }

    QUrl url() const { return QUrl(QStringLiteral("http://127.0.0.1:%1").arg(serverPort())); }
    // The request heads it has seen ("POST /v1/sessions HTTP/1.1\r\nHost: …").
    QList<QByteArray> requests() const { return m_requests; }
    bool saw(const QByteArray &requestLine) const
    {
        return std::any_of(m_requests.begin(), m_requests.end(),
                           [&](const QByteArray &head) { return head.startsWith(requestLine); });
    }

protected:
    void incomingConnection(qintptr descriptor) override
    {
        auto *socket = new QTcpSocket(this); // closed at the latest when the peer goes
        socket->setSocketDescriptor(descriptor);
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { received(socket); });
    }

private:
    void received(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        if (m_mode == Mode::CloseMidRequest) {
            m_requests.append(buffer.left(buffer.indexOf("\r\n\r\n")));
            socket->abort();
            return;
        }
        const qsizetype headEnd = buffer.indexOf("\r\n\r\n");
        if (headEnd < 0)
            return;
        const QByteArray head = buffer.first(headEnd);
        static const QRegularExpression lengthHeader(
            QStringLiteral("(?i)\r\ncontent-length:\\s*(\\d+)"));
        const QRegularExpressionMatch match = lengthHeader.match(QString::fromLatin1(head));
        const qsizetype length = match.hasMatch() ? match.captured(1).toLongLong() : 0;
        if (buffer.size() < headEnd + 4 + length)
            return; // the body is still coming
        m_requests.append(head);
        buffer.remove(0, headEnd + 4 + length);

        const auto answer = [socket](const QByteArray &statusLine, const QByteArray &contentType,
                                     const QByteArray &body) {
            socket->write("HTTP/1.1 " + statusLine + "\r\nContent-Type: " + contentType
                          + "\r\nContent-Length: " + QByteArray::number(body.size())
                          + "\r\nConnection: close\r\n\r\n" + body);
            socket->disconnectFromHost();
        };
        const QByteArray partial = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                   "Content-Length: 4096\r\n\r\n{\"items\":[{\"id\":\"key_";
        switch (m_mode) {
        case Mode::CloseMidRequest:
        case Mode::Stall:
            return;
        case Mode::CloseMidResponse:
            socket->write(partial);
            socket->disconnectFromHost();
            return;
        case Mode::StallMidResponse:
            socket->write(partial);
            return;
        case Mode::MalformedJson:
            answer("200 OK", "application/json", "{\"items\": [{\"id\": \"key_1\", \"name\": ");
            return;
        case Mode::HtmlBadGateway:
            answer("502 Bad Gateway", "text/html",
                   "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
                   "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
                   "</body>\r\n</html>\r\n");
            return;
        }
    }

    Mode m_mode;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QList<QByteArray> m_requests;
};

// A message a person can act on: a sentence (a capital first, a full stop last) that says
// what went wrong, and none of Qt's raw error texts or enum names.
QString unreadableBecause(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.size() < 20)
        return QStringLiteral("too short to explain anything");
    if (!trimmed.at(0).isUpper())
        return QStringLiteral("does not start as a sentence");
    if (!trimmed.endsWith(u'.'))
        return QStringLiteral("does not end as a sentence");
    static const QRegularExpression enumName(QStringLiteral("\\b[A-Z]\\w*(Error|Exception)\\b|::"));
    if (enumName.match(trimmed).hasMatch())
        return QStringLiteral("holds a code name");
    for (const char *raw : {"Connection closed", "Operation canceled", "Remote host closed",
                            "Error transferring", "server replied", "Socket operation",
                            "Unknown error", "error code", "QNetworkReply", "(null)"}) {
        if (trimmed.contains(QLatin1String(raw), Qt::CaseInsensitive))
            return QStringLiteral("holds Qt's raw text \"%1\"").arg(QLatin1String(raw));
    }
    return {};
}

#define VERIFY_READABLE(text)                                                                      \
    do {                                                                                           \
        const QString message_ = (text);                                                           \
        const QString why_ = unreadableBecause(message_);                                          \
        QVERIFY2(why_.isEmpty(), qPrintable(QStringLiteral("%1: %2").arg(why_, message_)));        \
    } while (false)

Toast *newErrorToast(ToastHost &toasts, const QList<QPointer<Toast>> &before)
{
    for (Toast *toast : toasts.visibleToasts()) {
        if (toast->kind() == Toast::Kind::Error && !before.contains(toast))
            return toast;
    }
    return nullptr;
}

QList<QPointer<Toast>> currentToasts(ToastHost &toasts)
{
    QList<QPointer<Toast>> list;
    for (Toast *toast : toasts.visibleToasts())
        list.append(toast);
    return list;
}

} // namespace

Q_DECLARE_METATYPE(MisbehavingPeer::Mode)

class TestMisbehaving : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void keysPageKeepsItsRows_data();
    void keysPageKeepsItsRows();
    void loginDialogExplains_data();
    void loginDialogExplains();
    void firstLoadFailureShowsRetry();

private:
    void addModes();

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<HttpClient> m_http;
    Owner m_owner;
    QTemporaryDir m_settingsDir;
    std::unique_ptr<Settings> m_settings;
    std::unique_ptr<AppController> m_app;
};

void TestMisbehaving::init()
{
    m_server = std::make_unique<TestServer>();
    m_http = std::make_unique<HttpClient>(*m_server);
    m_owner = signUp(*m_http, QStringLiteral("Acme"));
    m_http->token = m_owner.token;
    m_settings = std::make_unique<Settings>(m_settingsDir.filePath(QStringLiteral("keydesk.ini")));
}

void TestMisbehaving::cleanup()
{
    m_app.reset();
    m_http.reset();
    m_server.reset();
}

void TestMisbehaving::addModes()
{
    QTest::addColumn<MisbehavingPeer::Mode>("mode");
    QTest::newRow("connection reset mid-request") << MisbehavingPeer::Mode::CloseMidRequest;
    QTest::newRow("connection closed mid-response") << MisbehavingPeer::Mode::CloseMidResponse;
    QTest::newRow("no answer past the timeout") << MisbehavingPeer::Mode::Stall;
    QTest::newRow("answer stalls after the headers") << MisbehavingPeer::Mode::StallMidResponse;
    QTest::newRow("200 with malformed JSON") << MisbehavingPeer::Mode::MalformedJson;
    QTest::newRow("HTML 502 from a proxy") << MisbehavingPeer::Mode::HtmlBadGateway;
}

void TestMisbehaving::keysPageKeepsItsRows_data()
{
    addModes();
}

void TestMisbehaving::keysPageKeepsItsRows()
{
    QFETCH(MisbehavingPeer::Mode, mode);
    const QString keysPath =
        QStringLiteral("/v1/organizations/%1/api-keys").arg(m_owner.organizationId);
    for (const char *name : {"alpha", "bravo", "charlie"}) {
        QCOMPARE(m_http
                     ->post(keysPath,
                            {{QStringLiteral("name"), QString::fromLatin1(name)},
                             {QStringLiteral("expiration"), QStringLiteral("never")}})
                     .status,
                 201);
        m_server->clock().advance(1000);
    }

    // The real flow first: log in, open Organization API Keys, three rows.
    m_app = std::make_unique<AppController>(*m_settings, m_server->url(), m_server->clock());
    m_app->start();
    QTRY_VERIFY(m_app->loginDialog() && m_app->loginDialog()->isVisible());
    LoginDialog *login = m_app->loginDialog();
    find<QLineEdit>(login, "emailField")->setText(m_owner.email);
    find<QLineEdit>(login, "passwordField")->setText(testPassword);
    QTest::mouseClick(find<QPushButton>(login, "signInButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_app->mainWindow() && m_app->mainWindow()->isVisible(), 5000);
    MainWindow *window = m_app->mainWindow();
    window->showPage(MainWindow::Page::Account);
    QTest::mouseClick(find<QPushButton>(window, "organizationApiKeysButton"), Qt::LeftButton);
    ApiKeysPage *page = window->apiKeysPage();
    ApiKeyTableModel *model = page->model();
    QTRY_COMPARE(model->rowCount(), 3);
    auto *states = page->findChild<QStackedWidget *>();
    QCOMPARE(states->currentWidget()->objectName(), QStringLiteral("keysTable"));
    const auto names = [model] {
        QStringList list;
        for (int row = 0; row < model->rowCount(); ++row)
            list.append(model->index(row, ApiKeyTableModel::Name).data().toString());
        return list;
    };
    const QStringList shown = names();
    const auto screenKept = [&] {
        return model->rowCount() == 3 && names() == shown
            && states->currentWidget()->objectName() == u"keysTable" && window->isVisible();
    };

    // Then the network breaks: the same client now reaches the misbehaving peer. A token for
    // another server is never sent to it (setBaseUrl drops it), so give it one to carry.
    MisbehavingPeer peer(mode);
    QVERIFY(peer.isListening());
    ApiClient &client = m_app->client();
    client.setTimeout(clientTimeoutMs);
    client.setBaseUrl(peer.url());
    client.setToken("kds_thisTokenIsOnlyForTheMisbehavingPeer0000000");
    ToastHost &toasts = window->toasts();
    // A connection reset mid-request may lose the request before the peer has read any of it.
    const bool peerReads = mode != MisbehavingPeer::Mode::CloseMidRequest;

    // Refresh: an error toast, and the rows stay.
    QList<QPointer<Toast>> before = currentToasts(toasts);
    QTest::mouseClick(find<QPushButton>(page, "refreshButton"), Qt::LeftButton);
    Toast *toast = nullptr;
    QTRY_VERIFY_WITH_TIMEOUT((toast = newErrorToast(toasts, before)), 10'000);
    VERIFY_READABLE(toast->text());
    QVERIFY2(screenKept(), qPrintable(names().join(u", ")));
    QVERIFY(!peerReads || peer.saw("GET " + keysPath.toLatin1()));

    // Create: the dialog stays open with the error, ready for a retry with the same
    // Idempotency-Key (a create that did reach a server must not make a second key).
    QTest::mouseClick(find<QPushButton>(page, "newKeyButton"), Qt::LeftButton);
    QWidget *dialog = visibleDialog("newKeyDialog");
    QVERIFY(dialog);
    find<QLineEdit>(dialog, "keyNameField")->setText(QStringLiteral("never created"));
    auto *create = find<QPushButton>(dialog, "createButton");
    auto *error = find<QLabel>(dialog, "errorLabel");
    for (int attempt = 0; attempt < 2; ++attempt) {
        QTest::mouseClick(create, Qt::LeftButton);
        QTRY_VERIFY_WITH_TIMEOUT(error->isVisible() && create->isEnabled(), 10'000);
        VERIFY_READABLE(error->text());
        QVERIFY(dialog->isVisible());
        QCOMPARE(find<QLineEdit>(dialog, "keyNameField")->text(), QStringLiteral("never created"));
        QVERIFY(screenKept());
    }
    QVERIFY(!peerReads || peer.saw("POST " + keysPath.toLatin1()));
    if (peerReads) {
        QSet<QByteArray> idempotencyKeys;
        for (const QByteArray &head : peer.requests()) {
            for (const QByteArray &line : head.split('\n')) {
                if (line.toLower().startsWith("idempotency-key:"))
                    idempotencyKeys.insert(line.trimmed());
            }
        }
        QCOMPARE(idempotencyKeys.size(), 1);
    }
    QTest::mouseClick(find<QPushButton>(dialog, "cancelButton"), Qt::LeftButton);
    QTRY_VERIFY(!visibleDialog("newKeyDialog"));

    // Rename: the same.
    QTableView *table = page->table();
    table->setCurrentIndex(table->model()->index(0, ApiKeyTableModel::Name));
    page->editSelectedName();
    QTRY_VERIFY((dialog = visibleDialog("editNameDialog")));
    find<QLineEdit>(dialog, "keyNameField")->setText(QStringLiteral("not renamed"));
    auto *save = find<QPushButton>(dialog, "saveButton");
    error = find<QLabel>(dialog, "errorLabel");
    QTest::mouseClick(save, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(error->isVisible() && save->isEnabled(), 10'000);
    VERIFY_READABLE(error->text());
    QVERIFY(dialog->isVisible());
    QVERIFY(screenKept());
    QVERIFY(!peerReads || peer.saw("PATCH " + keysPath.toLatin1() + '/'));
    QTest::mouseClick(find<QPushButton>(dialog, "cancelButton"), Qt::LeftButton);
    QTRY_VERIFY(!visibleDialog("editNameDialog"));

    // Revoke: the confirmation has closed by then, so the error is a toast; the row stays.
    page->revokeSelected();
    QTRY_VERIFY((dialog = visibleDialog("revokeDialog")));
    before = currentToasts(toasts);
    QTest::mouseClick(find<QPushButton>(dialog, "confirmButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT((toast = newErrorToast(toasts, before)), 10'000);
    VERIFY_READABLE(toast->text());
    QVERIFY2(toast->text().startsWith(QStringLiteral("The key was not revoked")),
             qPrintable(toast->text()));
    QVERIFY(screenKept());
    QVERIFY(!peerReads || peer.saw("DELETE " + keysPath.toLatin1() + '/'));

    // Nothing of it reached the real server …
    const QJsonArray stored = m_http->get(keysPath + QStringLiteral("?status=all"))
                                  .json()
                                  .value(QStringLiteral("items"))
                                  .toArray();
    QCOMPARE(stored.size(), 3);
    for (const QJsonValue &key : stored) {
        QCOMPARE(key.toObject().value(QStringLiteral("status")).toString(),
                 QStringLiteral("active"));
        QVERIFY(shown.contains(key.toObject().value(QStringLiteral("name")).toString()));
    }

    // … and once the network is back, the same window carries on.
    client.setBaseUrl(m_server->url());
    client.setToken(m_http
                        ->post(QStringLiteral("/v1/sessions"),
                               {{QStringLiteral("email"), m_owner.email},
                                {QStringLiteral("password"), testPassword}})
                        .json()
                        .value(QStringLiteral("token"))
                        .toString()
                        .toLatin1());
    before = currentToasts(toasts);
    QTest::mouseClick(find<QPushButton>(page, "refreshButton"), Qt::LeftButton);
    QTRY_VERIFY(!model->loading());
    QVERIFY(screenKept());
    QVERIFY(!newErrorToast(toasts, before));
    QVERIFY(!m_app->loginDialog() || !m_app->loginDialog()->isVisible());
}

void TestMisbehaving::loginDialogExplains_data()
{
    addModes();
}

void TestMisbehaving::loginDialogExplains()
{
    QFETCH(MisbehavingPeer::Mode, mode);
    MisbehavingPeer peer(mode);
    QVERIFY(peer.isListening());
    m_app = std::make_unique<AppController>(*m_settings, peer.url(), m_server->clock());
    m_app->client().setTimeout(clientTimeoutMs);
    m_app->start();
    LoginDialog *login = m_app->loginDialog();
    QVERIFY(login && login->isVisible());

    // The dialog asks the server for /v1/info as it opens: the status line says what is wrong.
    auto *status = find<QLabel>(login, "serverStatus");
    QTRY_VERIFY_WITH_TIMEOUT(status->text() != u"Connecting…", 10'000);
    VERIFY_READABLE(status->text());
    QVERIFY(!find<QPushButton>(login, "createOrganizationButton")->isVisible());

    find<QLineEdit>(login, "emailField")->setText(m_owner.email);
    find<QLineEdit>(login, "passwordField")->setText(testPassword);
    auto *signIn = find<QPushButton>(login, "signInButton");
    auto *error = find<QLabel>(login, "errorLabel");
    QTest::mouseClick(signIn, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(error->isVisible() && signIn->isEnabled(), 10'000);
    VERIFY_READABLE(error->text());
    // (A connection reset mid-request may lose the request before the peer has read any of it.)
    QVERIFY(mode == MisbehavingPeer::Mode::CloseMidRequest || peer.saw("POST /v1/sessions"));
    QVERIFY(login->isVisible());
    QVERIFY(!m_app->mainWindow());
    QVERIFY(find<QLineEdit>(login, "serverField")->isEnabled());
    QCOMPARE(find<QLineEdit>(login, "emailField")->text(), m_owner.email);
    QVERIFY(!m_app->client().hasToken());

    // Pointed at the real server, the same dialog signs in.
    find<QLineEdit>(login, "serverField")->setText(m_server->url().toString());
    QTest::mouseClick(signIn, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_app->mainWindow() && m_app->mainWindow()->isVisible(), 5000);
}

void TestMisbehaving::firstLoadFailureShowsRetry()
{
    // With nothing on screen yet, a failed first load shows the error state; Retry recovers.
    m_app = std::make_unique<AppController>(*m_settings, m_server->url(), m_server->clock());
    m_app->start();
    LoginDialog *login = m_app->loginDialog();
    find<QLineEdit>(login, "emailField")->setText(m_owner.email);
    find<QLineEdit>(login, "passwordField")->setText(testPassword);
    QTest::mouseClick(find<QPushButton>(login, "signInButton"), Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(m_app->mainWindow() && m_app->mainWindow()->isVisible(), 5000);
    m_app->mainWindow()->showPage(MainWindow::Page::ApiKeys);
    ApiKeysPage *page = m_app->mainWindow()->apiKeysPage();
    auto *states = page->findChild<QStackedWidget *>();
    QTRY_COMPARE(states->currentWidget()->objectName(), QStringLiteral("emptyState"));

    MisbehavingPeer peer(MisbehavingPeer::Mode::HtmlBadGateway);
    ApiClient &client = m_app->client();
    client.setBaseUrl(peer.url());
    client.setToken("kds_thisTokenIsOnlyForTheMisbehavingPeer0000000");
    QTest::mouseClick(find<QPushButton>(page, "refreshButton"), Qt::LeftButton);
    QTRY_COMPARE(states->currentWidget()->objectName(), QStringLiteral("errorState"));
    const QString text = find<QLabel>(page, "errorText")->text();
    QVERIFY(text.startsWith(QStringLiteral("Could not load the API keys.")));
    VERIFY_READABLE(text.section(u'\n', 1));
    QVERIFY(find<QPushButton>(page, "retryButton")->isVisible());

    const QString keysPath =
        QStringLiteral("/v1/organizations/%1/api-keys").arg(m_owner.organizationId);
    QCOMPARE(m_http
                 ->post(keysPath,
                        {{QStringLiteral("name"), QStringLiteral("made meanwhile")},
                         {QStringLiteral("expiration"), QStringLiteral("never")}})
                 .status,
             201);
    client.setBaseUrl(m_server->url());
    client.setToken(m_http
                        ->post(QStringLiteral("/v1/sessions"),
                               {{QStringLiteral("email"), m_owner.email},
                                {QStringLiteral("password"), testPassword}})
                        .json()
                        .value(QStringLiteral("token"))
                        .toString()
                        .toLatin1());
    QTest::mouseClick(find<QPushButton>(page, "retryButton"), Qt::LeftButton);
    QTRY_COMPARE(states->currentWidget()->objectName(), QStringLiteral("keysTable"));
    QCOMPARE(page->model()->rowCount(), 1);
}

QTEST_MAIN(TestMisbehaving)
#include "tst_misbehaving.moc"
