// Every interactive widget a person reaches has an accessible name that matches what it shows
// (DESIGN §2: Qt 6.4 does not expose objectName to assistive technology), and everything is
// reachable by keyboard.

#include "ApiKeyTableModel.h"
#include "ApiKeysPage.h"
#include "AppController.h"
#include "LoginDialog.h"
#include "MainWindow.h"
#include "Settings.h"
#include "TestServer.h"
#include "WidgetLookup.h"

#include <QAbstractButton>
#include <QAccessible>
#include <QApplication>
#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace keydesk;
using namespace keydesk::test;

namespace {

// Names every visible interactive widget under `root` lacks, or gets wrong.
QStringList unnamedWidgets(QWidget *root)
{
    QStringList problems;
    const QList<QWidget *> widgets = root->findChildren<QWidget *>();
    for (QWidget *widget : widgets) {
        if (!widget->isVisibleTo(root) || !widget->isEnabled())
            continue;
        const bool interactive = qobject_cast<QAbstractButton *>(widget)
            || qobject_cast<QLineEdit *>(widget) || qobject_cast<QComboBox *>(widget)
            || qobject_cast<QAbstractItemView *>(widget);
        if (!interactive || widget->focusPolicy() == Qt::NoFocus)
            continue;
        QAccessibleInterface *accessible = QAccessible::queryAccessibleInterface(widget);
        const QString name = accessible ? accessible->text(QAccessible::Name) : QString();
        const QString label = widget->objectName().isEmpty()
            ? QString::fromLatin1(widget->metaObject()->className())
            : widget->objectName();
        if (name.trimmed().isEmpty()) {
            problems.append(label + QStringLiteral(": no accessible name"));
            continue;
        }
        if (auto *button = qobject_cast<QAbstractButton *>(widget);
            button && !button->text().isEmpty()) {
            // Mnemonic markers and decorative arrows ("‹ Account") are not part of the label.
            QString visible = button->text().remove(u'&');
            while (!visible.isEmpty() && !visible.front().isLetterOrNumber())
                visible.remove(0, 1);
            if (!name.contains(visible, Qt::CaseInsensitive)
                && !visible.contains(name, Qt::CaseInsensitive))
                problems.append(
                    QStringLiteral("%1: says \"%2\" but shows \"%3\"").arg(label, name, visible));
        }
    }
    return problems;
}

} // namespace

class TestAccessibility : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void everyScreenNamesItsControls();
    void tabReachesTheControls();
};

void TestAccessibility::everyScreenNamesItsControls()
{
    QAccessible::setActive(true);
    TestServer server;
    HttpClient http(server);
    const Owner owner = signUp(http);
    QTemporaryDir directory;
    Settings settings(directory.filePath(QStringLiteral("keydesk.ini")));
    AppController app(settings, server.url(), server.clock());
    app.start();
    LoginDialog *login = app.loginDialog();
    QTRY_VERIFY(
        login->findChild<QPushButton *>(QStringLiteral("createOrganizationButton"))->isVisible());
    QStringList problems = unnamedWidgets(login);

    login->findChild<QLineEdit *>(QStringLiteral("emailField"))->setText(owner.email);
    login->findChild<QLineEdit *>(QStringLiteral("passwordField"))->setText(testPassword);
    QTest::mouseClick(login->findChild<QPushButton *>(QStringLiteral("signInButton")),
                      Qt::LeftButton);
    QTRY_VERIFY(app.mainWindow() && app.mainWindow()->isVisible());
    MainWindow *window = app.mainWindow();
    for (MainWindow::Page page :
         {MainWindow::Page::Configuration, MainWindow::Page::Account, MainWindow::Page::ApiKeys}) {
        window->showPage(page);
        problems += unnamedWidgets(window);
    }

    ApiKeysPage *keys = window->apiKeysPage();
    QTest::mouseClick(keys->findChild<QPushButton *>(QStringLiteral("newKeyButton")),
                      Qt::LeftButton);
    QWidget *dialog = visibleDialog("newKeyDialog");
    QVERIFY(dialog);
    problems += unnamedWidgets(dialog);
    QTest::mouseClick(dialog->findChild<QPushButton *>(QStringLiteral("createButton")),
                      Qt::LeftButton);
    QWidget *secret = nullptr;
    QTRY_VERIFY((secret = visibleDialog("showSecretDialog")));
    problems += unnamedWidgets(secret);
    QTest::mouseClick(secret->findChild<QPushButton *>(QStringLiteral("copyButton")),
                      Qt::LeftButton);
    QTest::mouseClick(secret->findChild<QPushButton *>(QStringLiteral("doneButton")),
                      Qt::LeftButton);
    QTRY_VERIFY(!visibleDialog("showSecretDialog"));

    // The ⋮ cell is announced with the row's name.
    const QModelIndex actions = keys->table()->model()->index(0, ApiKeyTableModel::Actions);
    QCOMPARE(actions.data(Qt::AccessibleTextRole).toString(),
             QStringLiteral("Actions for Unnamed key"));

    keys->table()->setCurrentIndex(keys->table()->model()->index(0, 0));
    keys->editSelectedName();
    QTRY_VERIFY((dialog = visibleDialog("editNameDialog")));
    problems += unnamedWidgets(dialog);
    dialog->close();
    keys->revokeSelected();
    QTRY_VERIFY((dialog = visibleDialog("revokeDialog")));
    problems += unnamedWidgets(dialog);
    dialog->close();

    QVERIFY2(problems.isEmpty(), qPrintable(problems.join(u'\n')));
}

void TestAccessibility::tabReachesTheControls()
{
    TestServer server;
    HttpClient http(server);
    signUp(http);
    QTemporaryDir directory;
    Settings settings(directory.filePath(QStringLiteral("keydesk.ini")));
    AppController app(settings, server.url(), server.clock());
    app.start();
    LoginDialog *login = app.loginDialog();
    QApplication::setActiveWindow(login);
    QVERIFY(QTest::qWaitForWindowActive(login));
    // From the email field, Tab reaches the password field and then the sign-in button.
    auto *email = login->findChild<QLineEdit *>(QStringLiteral("emailField"));
    email->setFocus();
    QStringList order;
    for (int i = 0; i < 6; ++i) {
        QTest::keyClick(QApplication::focusWidget(), Qt::Key_Tab);
        order.append(QApplication::focusWidget()->objectName());
    }
    QVERIFY2(order.contains(QStringLiteral("passwordField")), qPrintable(order.join(u',')));
    QVERIFY2(order.contains(QStringLiteral("signInButton")), qPrintable(order.join(u',')));
    QVERIFY(order.indexOf(QStringLiteral("passwordField"))
            < order.indexOf(QStringLiteral("signInButton")));
}

QTEST_MAIN(TestAccessibility)
#include "tst_accessibility.moc"
