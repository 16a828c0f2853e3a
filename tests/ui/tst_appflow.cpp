// The desktop app driven the way a person drives it — widgets found by objectName, clicks and
// keys — against a real keydesk-server on a free port (DESIGN §5, issue 3).

#include "ApiClient.h"
#include "ApiKeyTableModel.h"
#include "ApiKeysPage.h"
#include "AppController.h"
#include "ClipboardGuard.h"
#include "KeyDeskServer.h"
#include "KeyFormat.h"
#include "LoginDialog.h"
#include "MainWindow.h"
#include "Settings.h"
#include "TestServer.h"
#include "ToastHost.h"
#include "WidgetLookup.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QContextMenuEvent>
#include <QJsonArray>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QMimeData>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace keydesk;
using namespace keydesk::test;

class TestAppFlow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void signUpThenLogIn();
    void wrongPasswordStaysOnLogin();
    void navigatesToOrganizationApiKeys();
    void createsKeyWithEachExpiration_data();
    void createsKeyWithEachExpiration();
    void clipboardIsClearedAfterTimeout();
    void closingBeforeCopyingAsks();
    void renamesThroughTheRowMenu();
    void revokesThroughTheContextMenu();
    void everyCancelChangesNothing();
    void keyboardShortcuts();
    void memberSeesDisabledActions();
    void emptyList();
    void listLargerThanOnePage();
    void serverGoingAwayShowsAnError();
    void expiredSessionReturnsToLogin();
    void switchesOrganization();
    void refusesAnInvalidNameBeforeSending();
    void warnsAboutPlainHttpToAnotherHost();

private:
    void startApp();
    MainWindow *logIn(const QString &email, const QString &password = testPassword);
    ApiKeysPage *openKeysPage(MainWindow *window);
    QString createKeyThroughUi(ApiKeysPage *page, const QString &name, int expirationIndex,
                               QByteArray *secret = nullptr);
    QJsonArray serverKeys(const QString &status = QStringLiteral("current"));

    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<HttpClient> m_http;
    Owner m_owner;
    QTemporaryDir m_settingsDir;
    std::unique_ptr<Settings> m_settings;
    std::unique_ptr<AppController> m_app;
};

void TestAppFlow::init()
{
    m_server = std::make_unique<TestServer>();
    m_http = std::make_unique<HttpClient>(*m_server);
    m_owner = signUp(*m_http, QStringLiteral("Acme"));
    m_http->token = m_owner.token;
    m_settings = std::make_unique<Settings>(m_settingsDir.filePath(QStringLiteral("keydesk.ini")));
}

void TestAppFlow::cleanup()
{
    m_app.reset();
    QApplication::clipboard()->clear();
    m_http.reset();
    m_server.reset();
}

void TestAppFlow::startApp()
{
    m_app = std::make_unique<AppController>(*m_settings, m_server->url(), m_server->clock());
    m_app->clipboard().setClearAfterMs(60'000);
    m_app->start();
    QTRY_VERIFY(m_app->loginDialog() && m_app->loginDialog()->isVisible());
}

MainWindow *TestAppFlow::logIn(const QString &email, const QString &password)
{
    if (!m_app)
        startApp();
    LoginDialog *login = m_app->loginDialog();
    find<QLineEdit>(login, "emailField")->setText(email);
    find<QLineEdit>(login, "passwordField")->setText(password);
    QTest::mouseClick(find<QPushButton>(login, "signInButton"), Qt::LeftButton);
    [&] {
        QTRY_VERIFY_WITH_TIMEOUT(m_app->mainWindow() && m_app->mainWindow()->isVisible(), 5000);
    }();
    return m_app->mainWindow();
}

ApiKeysPage *TestAppFlow::openKeysPage(MainWindow *window)
{
    window->showPage(MainWindow::Page::Account);
    QTest::mouseClick(find<QPushButton>(window, "organizationApiKeysButton"), Qt::LeftButton);
    ApiKeysPage *page = window->apiKeysPage();
    [&] { QTRY_VERIFY(!page->model()->loading()); }();
    return page;
}

QString TestAppFlow::createKeyThroughUi(ApiKeysPage *page, const QString &name, int expirationIndex,
                                        QByteArray *secret)
{
    QTest::mouseClick(find<QPushButton>(page, "newKeyButton"), Qt::LeftButton);
    QWidget *dialog = visibleDialog("newKeyDialog");
    if (!dialog)
        return {};
    find<QLineEdit>(dialog, "keyNameField")->setText(name);
    find<QComboBox>(dialog, "expirationCombo")->setCurrentIndex(expirationIndex);
    QTest::mouseClick(find<QPushButton>(dialog, "createButton"), Qt::LeftButton);
    QWidget *show = nullptr;
    [&] { QTRY_VERIFY((show = visibleDialog("showSecretDialog"))); }();
    if (!show)
        return {};
    const QString text = find<QLineEdit>(show, "secretField")->text();
    if (secret)
        *secret = text.toLatin1();
    QTest::mouseClick(find<QPushButton>(show, "copyButton"), Qt::LeftButton);
    QTest::mouseClick(find<QPushButton>(show, "doneButton"), Qt::LeftButton);
    [&] { QTRY_VERIFY(!visibleDialog("showSecretDialog")); }();
    return text;
}

QJsonArray TestAppFlow::serverKeys(const QString &status)
{
    return m_http
        ->get(QStringLiteral("/v1/organizations/%1/api-keys?status=%2")
                  .arg(m_owner.organizationId, status))
        .json()
        .value(QStringLiteral("items"))
        .toArray();
}

void TestAppFlow::signUpThenLogIn()
{
    startApp();
    LoginDialog *login = m_app->loginDialog();
    auto *create = find<QPushButton>(login, "createOrganizationButton");
    QTRY_VERIFY(create->isVisible()); // the server said sign-up is enabled
    QTest::mouseClick(create, Qt::LeftButton);
    find<QLineEdit>(login, "organizationNameField")->setText(QStringLiteral("Globex"));
    find<QLineEdit>(login, "nameField")->setText(QStringLiteral("Hank Scorpio"));
    find<QLineEdit>(login, "signUpEmailField")->setText(QStringLiteral("hank@globex.example"));
    find<QLineEdit>(login, "signUpPasswordField")->setText(testPassword);
    QTest::mouseClick(find<QPushButton>(login, "signUpButton"), Qt::LeftButton);
    QTRY_VERIFY(m_app->mainWindow() && m_app->mainWindow()->isVisible());
    MainWindow *window = m_app->mainWindow();
    QCOMPARE(find<QToolButton>(window, "userButton")->text(), QStringLiteral("Hank Scorpio"));
    QCOMPARE(window->currentOrganization().name, QStringLiteral("Globex"));
    QVERIFY(find<QLabel>(window, "organizationIdLabel")->text().startsWith(u"org_"));

    // Log out, then log in with the new account.
    find<QMenu>(window, "userMenu")->findChild<QAction *>(QStringLiteral("logOutAction"));
    for (QAction *action : find<QToolButton>(window, "userButton")->menu()->actions()) {
        if (action->objectName() == u"logOutAction")
            action->trigger();
    }
    QTRY_VERIFY(m_app->loginDialog() && m_app->loginDialog()->isVisible());
    QTRY_VERIFY(!m_app->mainWindow());
    QCOMPARE(find<QLineEdit>(m_app->loginDialog(), "emailField")->text(),
             QStringLiteral("hank@globex.example"));
    MainWindow *again = logIn(QStringLiteral("hank@globex.example"));
    QCOMPARE(again->currentOrganization().role, Role::Owner);
    QCOMPARE(m_settings->lastServer(), m_server->url());
}

void TestAppFlow::wrongPasswordStaysOnLogin()
{
    startApp();
    LoginDialog *login = m_app->loginDialog();
    find<QLineEdit>(login, "emailField")->setText(m_owner.email);
    find<QLineEdit>(login, "passwordField")->setText(QStringLiteral("definitely wrong"));
    QTest::mouseClick(find<QPushButton>(login, "signInButton"), Qt::LeftButton);
    auto *error = find<QLabel>(login, "errorLabel");
    QTRY_VERIFY(error->isVisible());
    QCOMPARE(error->text(), QStringLiteral("The email address or the password is not correct."));
    QVERIFY(!m_app->mainWindow());
    QVERIFY(login->isVisible());
    QCOMPARE(find<QLineEdit>(login, "emailField")->text(), m_owner.email); // nothing else changed
}

void TestAppFlow::navigatesToOrganizationApiKeys()
{
    MainWindow *window = logIn(m_owner.email);
    // Configuration tab, as the help article starts.
    QCOMPARE(window->currentPage(), MainWindow::Page::Configuration);
    auto *navigation = find<QListWidget>(window, "navigation");
    QCOMPARE(navigation->currentItem()->text(), QStringLiteral("Configuration"));
    QCOMPARE(find<QLabel>(window, "configOrganizationId")->text(), m_owner.organizationId);
    // Your name at the bottom → Account.
    auto *user = find<QToolButton>(window, "userButton");
    QCOMPARE(user->text(), QStringLiteral("Ada Lovelace"));
    QAction *account = nullptr;
    for (QAction *action : user->menu()->actions()) {
        if (action->objectName() == u"accountAction")
            account = action;
    }
    QVERIFY(account);
    account->trigger();
    QCOMPARE(window->currentPage(), MainWindow::Page::Account);
    // → Organization API Keys.
    QTest::mouseClick(find<QPushButton>(window, "organizationApiKeysButton"), Qt::LeftButton);
    QCOMPARE(window->currentPage(), MainWindow::Page::ApiKeys);
    // The Organization ID copy button puts the id on the clipboard and says so.
    QTest::mouseClick(find<QToolButton>(window, "copyOrganizationIdButton"), Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text(), m_owner.organizationId);
    QCOMPARE(window->toasts().visibleToasts().constLast()->text(),
             QStringLiteral("Organization ID copied"));
}

void TestAppFlow::createsKeyWithEachExpiration_data()
{
    QTest::addColumn<int>("index");
    QTest::addColumn<QString>("expiryLine");
    QTest::addColumn<QString>("expiresColumn");
    // The test clock starts at 2026-01-31T12:00Z: months clamp to the month's end.
    const QString never = QStringLiteral("Never");
    QTest::newRow("two weeks") << 0 << QStringLiteral("Expires on 14 Feb 2026")
                               << QStringLiteral("2026-02-14");
    QTest::newRow("one month") << 1 << QStringLiteral("Expires on 28 Feb 2026")
                               << QStringLiteral("2026-02-28");
    QTest::newRow("three months") << 2 << QStringLiteral("Expires on 30 Apr 2026")
                                  << QStringLiteral("2026-04-30");
    QTest::newRow("six months") << 3 << QStringLiteral("Expires on 31 Jul 2026")
                                << QStringLiteral("2026-07-31");
    QTest::newRow("one year") << 4 << QStringLiteral("Expires on 31 Jan 2027")
                              << QStringLiteral("2027-01-31");
    QTest::newRow("never") << 5 << QStringLiteral("This key never expires") << never;
}

void TestAppFlow::createsKeyWithEachExpiration()
{
    QFETCH(int, index);
    QFETCH(QString, expiryLine);
    QFETCH(QString, expiresColumn);
    ApiKeysPage *page = openKeysPage(logIn(m_owner.email));

    QTest::mouseClick(find<QPushButton>(page, "newKeyButton"), Qt::LeftButton);
    QWidget *dialog = visibleDialog("newKeyDialog");
    QVERIFY(dialog);
    auto *expiration = find<QComboBox>(dialog, "expirationCombo");
    QCOMPARE(expiration->count(), 6);
    QStringList labels;
    for (int i = 0; i < expiration->count(); ++i)
        labels.append(expiration->itemText(i));
    QCOMPARE(labels,
             (QStringList {QStringLiteral("Two weeks"), QStringLiteral("One month"),
                           QStringLiteral("Three months"), QStringLiteral("Six months"),
                           QStringLiteral("One year"), QStringLiteral("Never")}));
    find<QLineEdit>(dialog, "keyNameField")->setText(QStringLiteral("Deploy %1").arg(index));
    expiration->setCurrentIndex(index);
    QCOMPARE(find<QLabel>(dialog, "expiryLabel")->text(), expiryLine);
    QTest::mouseClick(find<QPushButton>(dialog, "createButton"), Qt::LeftButton);

    QWidget *show = nullptr;
    QTRY_VERIFY((show = visibleDialog("showSecretDialog")));
    QVERIFY(!visibleDialog("newKeyDialog"));
    const QByteArray secret = find<QLineEdit>(show, "secretField")->text().toLatin1();
    QVERIFY(KeyFormat::isWellFormed(secret));
    QTest::mouseClick(find<QPushButton>(show, "copyButton"), Qt::LeftButton);
    QCOMPARE(QApplication::clipboard()->text().toLatin1(), secret);
    QVERIFY(QApplication::clipboard()->mimeData()->hasFormat(
        QStringLiteral("x-kde-passwordManagerHint")));
    QCOMPARE(
        QApplication::clipboard()->mimeData()->data(QStringLiteral("x-kde-passwordManagerHint")),
        QByteArray("secret"));

    // The key on the clipboard is what services present, and the server accepts it.
    HttpClient service(*m_server);
    const HttpResult verify =
        service.get(QStringLiteral("/v1/verify"),
                    {{"x-api-key", QApplication::clipboard()->text().toLatin1()},
                     {"x-organization-id", m_owner.organizationId.toLatin1()}});
    QCOMPARE(verify.status, 200);

    QTest::mouseClick(find<QPushButton>(show, "doneButton"), Qt::LeftButton);
    QTRY_VERIFY(!visibleDialog("showSecretDialog"));

    // The row is there, with its Expires text.
    ApiKeyTableModel *model = page->model();
    const int row = model->rowOfKey(verify.json().value(QStringLiteral("key_id")).toString());
    QVERIFY(row >= 0);
    QCOMPARE(model->index(row, ApiKeyTableModel::Name).data().toString(),
             QStringLiteral("Deploy %1").arg(index));
    const QString expires = model->index(row, ApiKeyTableModel::Expires).data().toString();
    if (expiresColumn == u"Never")
        QCOMPARE(expires, QStringLiteral("Never"));
    else
        QCOMPARE(expires,
                 ApiKeyTableModel::dateText(QDateTime(QDate::fromString(expiresColumn, Qt::ISODate),
                                                      QTime(12, 0), Qt::UTC)));
    QVERIFY(model->index(row, ApiKeyTableModel::Key)
                .data()
                .toString()
                .endsWith(QString::fromLatin1(secret.right(4))));
}

void TestAppFlow::clipboardIsClearedAfterTimeout()
{
    ApiKeysPage *page = openKeysPage(logIn(m_owner.email));
    m_app->clipboard().setClearAfterMs(300);
    QByteArray secret;
    createKeyThroughUi(page, QStringLiteral("short-lived clipboard"), 1, &secret);
    QCOMPARE(QApplication::clipboard()->text().toLatin1(), secret);
    QTRY_VERIFY_WITH_TIMEOUT(QApplication::clipboard()->text().isEmpty(), 3000);

    // Something the user copied afterwards is not ours to clear.
    createKeyThroughUi(page, QStringLiteral("second"), 1, &secret);
    QApplication::clipboard()->setText(QStringLiteral("my own text"));
    QTest::qWait(600);
    QCOMPARE(QApplication::clipboard()->text(), QStringLiteral("my own text"));
}

void TestAppFlow::closingBeforeCopyingAsks()
{
    ApiKeysPage *page = openKeysPage(logIn(m_owner.email));
    QTest::mouseClick(find<QPushButton>(page, "newKeyButton"), Qt::LeftButton);
    QWidget *dialog = visibleDialog("newKeyDialog");
    QTest::mouseClick(find<QPushButton>(dialog, "createButton"), Qt::LeftButton);
    QWidget *show = nullptr;
    QTRY_VERIFY((show = visibleDialog("showSecretDialog")));
    QTest::mouseClick(find<QPushButton>(show, "doneButton"), Qt::LeftButton);
    QWidget *confirm = nullptr;
    QTRY_VERIFY((confirm = visibleDialog("confirmCloseDialog")));
    QVERIFY(show->isVisible());
    // "Cancel" keeps the key on screen …
    QTest::mouseClick(find<QPushButton>(confirm, "cancelButton"), Qt::LeftButton);
    QTRY_VERIFY(!visibleDialog("confirmCloseDialog"));
    QVERIFY(show->isVisible());
    // … "Close without copying" closes it, and the secret went nowhere.
    QTest::keyClick(show, Qt::Key_Escape);
    QTRY_VERIFY((confirm = visibleDialog("confirmCloseDialog")));
    QTest::mouseClick(find<QPushButton>(confirm, "confirmButton"), Qt::LeftButton);
    QTRY_VERIFY(!visibleDialog("showSecretDialog"));
    QVERIFY(QApplication::clipboard()->text().isEmpty());
}

void TestAppFlow::renamesThroughTheRowMenu()
{
    ApiKeysPage *page = openKeysPage(logIn(m_owner.email));
    createKeyThroughUi(page, QStringLiteral("old name"), 1);
    QTableView *table = page->table();
    const QModelIndex actions = table->model()->index(0, ApiKeyTableModel::Actions);
    QCOMPARE(actions.data(Qt::AccessibleTextRole).toString(),
             QStringLiteral("Actions for old name"));
    table->scrollTo(actions);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(actions).center());
    QMenu *menu = nullptr;
    QTRY_VERIFY((menu = visibleMenu("keyMenu")));
    actionNamed(menu, "editNameAction")->trigger();
    menu->close();
    QWidget *dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog("editNameDialog")));
    auto *name = find<QLineEdit>(dialog, "keyNameField");
    QCOMPARE(name->text(), QStringLiteral("old name")); // prefilled
    name->setText(QStringLiteral("new name"));
    QTest::mouseClick(find<QPushButton>(dialog, "saveButton"), Qt::LeftButton);
    QTRY_VERIFY(!visibleDialog("editNameDialog"));

    ToastHost &toasts = m_app->mainWindow()->toasts();
    QTRY_VERIFY(!toasts.visibleToasts().isEmpty());
    QCOMPARE(toasts.visibleToasts().constLast()->text(), QStringLiteral("API key name updated"));
    QCOMPARE(toasts.visibleToasts().constLast()->kind(), Toast::Kind::Success);
    // Bottom-right of the window.
    const QRect toast = toasts.visibleToasts().constLast()->geometry();
    QVERIFY(toast.right() > m_app->mainWindow()->width() * 3 / 4);
    QVERIFY(toast.bottom() > m_app->mainWindow()->height() * 3 / 4);
    QCOMPARE(table->model()->index(0, ApiKeyTableModel::Name).data().toString(),
             QStringLiteral("new name"));
    QCOMPARE(serverKeys().first().toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("new name"));
}

void TestAppFlow::revokesThroughTheContextMenu()
{
    ApiKeysPage *page = openKeysPage(logIn(m_owner.email));
    QByteArray secret;
    createKeyThroughUi(page, QStringLiteral("to revoke"), 5, &secret);
    createKeyThroughUi(page, QStringLiteral("to keep"), 5);
    QTableView *table = page->table();
    QCOMPARE(table->model()->rowCount(), 2);
    int row = -1;
    for (int i = 0; i < 2; ++i) {
        if (table->model()->index(i, ApiKeyTableModel::Name).data().toString() == u"to revoke")
            row = i;
    }
    const QPoint position =
        table->visualRect(table->model()->index(row, ApiKeyTableModel::Name)).center();
    QContextMenuEvent event(QContextMenuEvent::Mouse, position,
                            table->viewport()->mapToGlobal(position));
    QApplication::sendEvent(table->viewport(), &event);
    QMenu *menu = nullptr;
    QTRY_VERIFY((menu = visibleMenu("keyMenu")));
    actionNamed(menu, "revokeAction")->trigger();
    menu->close();
    QWidget *confirm = nullptr;
    QTRY_VERIFY((confirm = visibleDialog("revokeDialog")));
    QCOMPARE(
        find<QLabel>(confirm, "confirmText")->text(),
        QStringLiteral(
            "This cannot be undone. Applications that use this key stop working immediately."));
    QCOMPARE(find<QPushButton>(confirm, "confirmButton")->text(), QStringLiteral("Revoke key"));
    QTest::mouseClick(find<QPushButton>(confirm, "confirmButton"), Qt::LeftButton);

    ToastHost &toasts = m_app->mainWindow()->toasts();
    QTRY_VERIFY(!toasts.visibleToasts().isEmpty()
                && toasts.visibleToasts().constLast()->text() == u"API key revoked");
    QCOMPARE(table->model()->rowCount(), 1);
    QCOMPARE(table->model()->index(0, ApiKeyTableModel::Name).data().toString(),
             QStringLiteral("to keep"));
    HttpClient service(*m_server);
    const HttpResult verify = service.get(
        QStringLiteral("/v1/verify"),
        {{"x-api-key", secret}, {"x-organization-id", m_owner.organizationId.toLatin1()}});
    QCOMPARE(verify.code(), QStringLiteral("revoked_key"));
}

void TestAppFlow::everyCancelChangesNothing()
{
    ApiKeysPage *page = openKeysPage(logIn(m_owner.email));
    createKeyThroughUi(page, QStringLiteral("steady"), 5);
    QCOMPARE(serverKeys().size(), 1);

    // New key → Cancel
    QTest::mouseClick(find<QPushButton>(page, "newKeyButton"), Qt::LeftButton);
    QWidget *dialog = visibleDialog("newKeyDialog");
    find<QLineEdit>(dialog, "keyNameField")->setText(QStringLiteral("never created"));
    QTest::mouseClick(find<QPushButton>(dialog, "cancelButton"), Qt::LeftButton);
    QTRY_VERIFY(!visibleDialog("newKeyDialog"));

    // Edit name → Cancel
    page->table()->setCurrentIndex(page->table()->model()->index(0, 0));
    page->editSelectedName();
    QTRY_VERIFY((dialog = visibleDialog("editNameDialog")));
    find<QLineEdit>(dialog, "keyNameField")->setText(QStringLiteral("not saved"));
    QTest::mouseClick(find<QPushButton>(dialog, "cancelButton"), Qt::LeftButton);
    QTRY_VERIFY(!visibleDialog("editNameDialog"));

    // Revoke → Cancel
    page->revokeSelected();
    QTRY_VERIFY((dialog = visibleDialog("revokeDialog")));
    QTest::mouseClick(find<QPushButton>(dialog, "cancelButton"), Qt::LeftButton);
    QTRY_VERIFY(!visibleDialog("revokeDialog"));

    QTest::qWait(200); // room for a request that should not have been sent
    const QJsonArray keys = serverKeys(QStringLiteral("all"));
    QCOMPARE(keys.size(), 1);
    QCOMPARE(keys.first().toObject().value(QStringLiteral("name")).toString(),
             QStringLiteral("steady"));
    QCOMPARE(keys.first().toObject().value(QStringLiteral("status")).toString(),
             QStringLiteral("active"));
    QCOMPARE(page->model()->rowCount(), 1);
    QCOMPARE(page->model()->index(0, ApiKeyTableModel::Name).data().toString(),
             QStringLiteral("steady"));
}

void TestAppFlow::keyboardShortcuts()
{
    ApiKeysPage *page = openKeysPage(logIn(m_owner.email));
    createKeyThroughUi(page, QStringLiteral("keyboard"), 5);
    QTableView *table = page->table();
    // Shortcuts only reach an active window.
    QApplication::setActiveWindow(m_app->mainWindow());
    QVERIFY(QTest::qWaitForWindowActive(m_app->mainWindow()));
    table->setFocus();
    table->setCurrentIndex(table->model()->index(0, ApiKeyTableModel::Name));

    QTest::keyClick(table, Qt::Key_N, Qt::ControlModifier);
    QWidget *dialog = nullptr;
    QTRY_VERIFY((dialog = visibleDialog("newKeyDialog")));
    QTest::keyClick(dialog, Qt::Key_Escape);
    QTRY_VERIFY(!visibleDialog("newKeyDialog"));

    table->setFocus();
    QTest::keyClick(table, Qt::Key_F2);
    QTRY_VERIFY((dialog = visibleDialog("editNameDialog")));
    QTest::keyClick(dialog, Qt::Key_Escape);
    QTRY_VERIFY(!visibleDialog("editNameDialog"));

    table->setFocus();
    QTest::keyClick(table, Qt::Key_Delete);
    QTRY_VERIFY((dialog = visibleDialog("revokeDialog")));
    QTest::keyClick(dialog, Qt::Key_Escape);
    QTRY_VERIFY(!visibleDialog("revokeDialog"));

    table->setFocus();
    QTest::keyClick(table, Qt::Key_Menu);
    QMenu *menu = nullptr;
    QTRY_VERIFY((menu = visibleMenu("keyMenu")));
    menu->close();

    // Enter on the ⋮ cell opens the same menu.
    table->setCurrentIndex(table->model()->index(0, ApiKeyTableModel::Actions));
    QTest::keyClick(table, Qt::Key_Return);
    QTRY_VERIFY((menu = visibleMenu("keyMenu")));
    menu->close();

    // F5 reloads from the server.
    m_http->post(QStringLiteral("/v1/organizations/%1/api-keys").arg(m_owner.organizationId),
                 {{QStringLiteral("name"), QStringLiteral("made elsewhere")},
                  {QStringLiteral("expiration"), QStringLiteral("never")}});
    QCOMPARE(m_http
                 ->post(QStringLiteral("/v1/organizations/%1/api-keys").arg(m_owner.organizationId),
                        {{QStringLiteral("expiration"), QStringLiteral("never")}})
                 .status,
             201);
    QApplication::setActiveWindow(m_app->mainWindow()); // the menu had taken it
    table->setFocus();
    QTest::keyClick(table, Qt::Key_F5);
    QTRY_COMPARE(page->model()->rowCount(), 3);
}

void TestAppFlow::memberSeesDisabledActions()
{
    createKeyThroughUi(openKeysPage(logIn(m_owner.email)), QStringLiteral("owner's key"), 5);
    m_app.reset();
    m_server->addUser(m_owner.organizationId, QStringLiteral("mel@example.com"),
                      QStringLiteral("Mel Member"), Role::Member, testPassword);
    ApiKeysPage *page = openKeysPage(logIn(QStringLiteral("mel@example.com")));
    auto *newKey = find<QPushButton>(page, "newKeyButton");
    QVERIFY(!newKey->isEnabled());
    QVERIFY(newKey->toolTip().contains(QStringLiteral("Only owners and admins")));
    QTRY_COMPARE(page->model()->rowCount(), 1); // members still see the list
    QTableView *table = page->table();
    table->setCurrentIndex(table->model()->index(0, ApiKeyTableModel::Actions));
    page->openMenuForCurrent();
    QMenu *menu = nullptr;
    QTRY_VERIFY((menu = visibleMenu("keyMenu")));
    QVERIFY(!actionNamed(menu, "editNameAction")->isEnabled());
    QVERIFY(!actionNamed(menu, "revokeAction")->isEnabled());
    QVERIFY(actionNamed(menu, "revokeAction")
                ->toolTip()
                .contains(QStringLiteral("Only owners and admins")));
    menu->close();
    // Shortcuts do nothing either.
    QApplication::setActiveWindow(m_app->mainWindow());
    table->setFocus();
    QTest::keyClick(table, Qt::Key_Delete);
    QTest::keyClick(table, Qt::Key_N, Qt::ControlModifier);
    QTest::qWait(100);
    QVERIFY(!visibleDialog("revokeDialog"));
    QVERIFY(!visibleDialog("newKeyDialog"));
}

void TestAppFlow::emptyList()
{
    ApiKeysPage *page = openKeysPage(logIn(m_owner.email));
    auto *states = page->findChild<QStackedWidget *>();
    QVERIFY(states);
    QTRY_COMPARE(states->currentWidget()->objectName(), QStringLiteral("emptyState"));
    QVERIFY(find<QLabel>(page, "emptyText")->text().startsWith(QStringLiteral("No API keys yet.")));
    QTest::mouseClick(find<QPushButton>(page, "emptyNewKeyButton"), Qt::LeftButton);
    QVERIFY(visibleDialog("newKeyDialog"));
}

void TestAppFlow::listLargerThanOnePage()
{
    for (int i = 0; i < 130; ++i) {
        m_http->post(
            QStringLiteral("/v1/organizations/%1/api-keys").arg(m_owner.organizationId),
            {{QStringLiteral("name"), QStringLiteral("bulk %1").arg(i, 3, 10, QLatin1Char('0'))},
             {QStringLiteral("expiration"), QStringLiteral("never")}});
        m_server->clock().advance(1);
    }
    ApiKeysPage *page = openKeysPage(logIn(m_owner.email));
    QTRY_COMPARE(page->model()->rowCount(), 100); // the first page
    QVERIFY(page->model()->canFetchMore(QModelIndex()));
    page->table()->scrollToBottom(); // the view asks for more as a person scrolls
    QTRY_COMPARE(page->model()->rowCount(), 130);
    QVERIFY(!page->model()->canFetchMore(QModelIndex()));
    QCOMPARE(page->model()->index(0, ApiKeyTableModel::Name).data().toString(),
             QStringLiteral("bulk 129"));
}

void TestAppFlow::serverGoingAwayShowsAnError()
{
    ApiKeysPage *page = openKeysPage(logIn(m_owner.email));
    createKeyThroughUi(page, QStringLiteral("still shown"), 5);
    m_server->stop(); // the server is gone
    QTest::mouseClick(find<QPushButton>(page, "newKeyButton"), Qt::LeftButton);
    QWidget *dialog = visibleDialog("newKeyDialog");
    QTest::mouseClick(find<QPushButton>(dialog, "createButton"), Qt::LeftButton);
    auto *error = find<QLabel>(dialog, "errorLabel");
    QTRY_VERIFY(error->isVisible());
    QVERIFY2(error->text().contains(QStringLiteral("Could not connect")),
             qPrintable(error->text()));
    QVERIFY(dialog->isVisible()); // the dialog stays open with the error
    QTest::mouseClick(find<QPushButton>(dialog, "cancelButton"), Qt::LeftButton);

    // A refresh that fails keeps the rows on screen and says why in a toast (the error state
    // with Retry is for a page with nothing to show: tst_misbehaving).
    QTest::mouseClick(find<QPushButton>(page, "refreshButton"), Qt::LeftButton);
    ToastHost &toasts = m_app->mainWindow()->toasts();
    QTRY_VERIFY(!toasts.visibleToasts().isEmpty()
                && toasts.visibleToasts().constLast()->kind() == Toast::Kind::Error);
    const QString toast = toasts.visibleToasts().constLast()->text();
    QVERIFY2(toast.startsWith(QStringLiteral("Could not refresh the API keys: Could not connect")),
             qPrintable(toast));
    auto *states = page->findChild<QStackedWidget *>();
    QCOMPARE(states->currentWidget()->objectName(), QStringLiteral("keysTable"));
    QCOMPARE(page->model()->rowCount(), 1);
    QCOMPARE(page->model()->index(0, ApiKeyTableModel::Name).data().toString(),
             QStringLiteral("still shown"));
}

void TestAppFlow::expiredSessionReturnsToLogin()
{
    ApiKeysPage *page = openKeysPage(logIn(m_owner.email));
    m_server->clock().advance(12LL * 3600 * 1000);
    QTest::mouseClick(find<QPushButton>(page, "refreshButton"), Qt::LeftButton);
    QTRY_VERIFY(m_app->loginDialog() && m_app->loginDialog()->isVisible());
    QTRY_VERIFY(!m_app->mainWindow());
    auto *notice = find<QLabel>(m_app->loginDialog(), "noticeLabel");
    QVERIFY(notice->isVisible());
    QCOMPARE(notice->text(),
             QStringLiteral("Your session has expired. Sign in again to continue."));
    // And signing in again works.
    logIn(m_owner.email);
}

void TestAppFlow::switchesOrganization()
{
    // Ada is also an admin of Beta, which has a key of its own.
    HttpClient betaClient(*m_server);
    const Owner beta = signUp(betaClient, QStringLiteral("Beta"));
    betaClient.token = beta.token;
    betaClient.post(QStringLiteral("/v1/organizations/%1/api-keys").arg(beta.organizationId),
                    {{QStringLiteral("name"), QStringLiteral("beta key")},
                     {QStringLiteral("expiration"), QStringLiteral("never")}});
    m_server->onServerThread([&](KeyDeskServer &s) {
        s.store().addMembership(beta.organizationId, m_owner.userId, Role::Admin,
                                m_server->clock().now());
    });

    MainWindow *window = logIn(m_owner.email);
    auto *switcher = find<QComboBox>(window, "organizationSwitcher");
    QVERIFY(switcher->isVisible());
    QCOMPARE(switcher->count(), 2);
    const int betaIndex = switcher->findData(beta.organizationId);
    QVERIFY(betaIndex >= 0);
    ApiKeysPage *page = openKeysPage(window);
    QCOMPARE(page->model()->rowCount(), 0); // Acme has none
    switcher->setCurrentIndex(betaIndex);
    Q_EMIT switcher->activated(betaIndex);
    QCOMPARE(window->currentOrganization().id, beta.organizationId);
    QCOMPARE(window->currentOrganization().role, Role::Admin);
    QCOMPARE(find<QLabel>(window, "organizationIdLabel")->text(), beta.organizationId);
    QTRY_COMPARE(page->model()->rowCount(), 1);
    QCOMPARE(page->model()->index(0, ApiKeyTableModel::Name).data().toString(),
             QStringLiteral("beta key"));
}

void TestAppFlow::refusesAnInvalidNameBeforeSending()
{
    ApiKeysPage *page = openKeysPage(logIn(m_owner.email));
    QTest::mouseClick(find<QPushButton>(page, "newKeyButton"), Qt::LeftButton);
    QWidget *dialog = visibleDialog("newKeyDialog");
    find<QLineEdit>(dialog, "keyNameField")->setText(QString(101, u'x'));
    QTest::mouseClick(find<QPushButton>(dialog, "createButton"), Qt::LeftButton);
    auto *error = find<QLabel>(dialog, "errorLabel");
    QVERIFY(error->isVisible());
    QCOMPARE(error->text(), QStringLiteral("The name can have at most 100 characters."));
    find<QLineEdit>(dialog, "keyNameField")->setText(QStringLiteral("tab\there"));
    QTest::mouseClick(find<QPushButton>(dialog, "createButton"), Qt::LeftButton);
    QVERIFY(error->text().contains(QStringLiteral("control characters")));
    QTest::qWait(100);
    QCOMPARE(serverKeys(QStringLiteral("all")).size(), 0); // nothing was sent
    QVERIFY(dialog->isVisible());
}

void TestAppFlow::warnsAboutPlainHttpToAnotherHost()
{
    startApp();
    LoginDialog *login = m_app->loginDialog();
    auto *server = find<QLineEdit>(login, "serverField");
    auto *warning = find<QLabel>(login, "insecureWarning");
    QVERIFY(!warning->isVisible()); // the test server is on loopback
    server->setText(QStringLiteral("http://keys.example.com"));
    QVERIFY(warning->isVisible());
    QVERIFY(warning->text().contains(QStringLiteral("unencrypted")));
    server->setText(QStringLiteral("https://keys.example.com"));
    QVERIFY(!warning->isVisible());
    server->setText(QStringLiteral("http://localhost:8787"));
    QVERIFY(!warning->isVisible());
}

QTEST_MAIN(TestAppFlow)
#include "tst_appflow.moc"
