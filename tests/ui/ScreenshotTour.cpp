// keydesk-screenshot-tour: walks the real app through the help article's flow against a real
// keydesk-server and saves what the screen shows at each step. Run under Xvfb by
// scripts/screenshots.sh (it grabs the X screen, so menus and popups are in the pictures).

#include "ApiKeyTableModel.h"
#include "ApiKeysPage.h"
#include "AppController.h"
#include "CommandLine.h"
#include "LoginDialog.h"
#include "MainWindow.h"
#include "Settings.h"
#include "TestServer.h"
#include "WidgetLookup.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QLineEdit>
#include <QPushButton>
#include <QScreen>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace keydesk;
using namespace keydesk::test;

namespace {

QString outputDir;

void settle(int ms = 400)
{
    QTest::qWait(ms);
}

void shoot(const QString &name, QWidget *window)
{
    settle();
    QScreen *screen = QGuiApplication::primaryScreen();
    const QRect area =
        window->frameGeometry().adjusted(-12, -12, 12, 12).intersected(screen->geometry());
    const QPixmap shot = screen->grabWindow(0, area.x(), area.y(), area.width(), area.height());
    const QString path = QDir(outputDir).filePath(name + QStringLiteral(".png"));
    if (!shot.save(path))
        qFatal("cannot write %s", qPrintable(path));
    qInfo("saved %s", qPrintable(path));
}

bool waitFor(const std::function<bool()> &condition)
{
    return QTest::qWaitFor(condition, 10'000);
}

} // namespace

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    outputDir = argc > 1 ? QString::fromLocal8Bit(argv[1]) : QStringLiteral("docs/screenshots");
    const QString language = argc > 2 ? QString::fromLocal8Bit(argv[2]) : QString();
    QDir().mkpath(outputDir);
    installTranslations(language.isEmpty() ? QStringLiteral("en") : language);
    QApplication::setFont(QFont(QStringLiteral("DejaVu Sans"), 10));

    TestServer server;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    HttpClient http(server);
    server.clock().set(now.addDays(-40));
    const Owner owner =
        signUp(http, QStringLiteral("Acme Robotics"), QStringLiteral("ada@acme.example"));
    http.token = owner.token;
    // Keys of different ages: the session is renewed at each step, as it lasts 12 hours.
    const auto at = [&](const QDateTime &instant) {
        server.clock().set(instant);
        http.token = http.post(QStringLiteral("/v1/sessions"),
                               {{QStringLiteral("email"), owner.email},
                                {QStringLiteral("password"), testPassword}})
                         .json()
                         .value(QStringLiteral("token"))
                         .toString()
                         .toLatin1();
    };
    const auto create = [&](const QString &name, const QString &expiration,
                            const QString &access = QStringLiteral("full")) {
        return http.post(QStringLiteral("/v1/organizations/%1/api-keys").arg(owner.organizationId),
                         {{QStringLiteral("name"), name},
                          {QStringLiteral("expiration"), expiration},
                          {QStringLiteral("access"), access}});
    };
    create(QStringLiteral("Legacy importer"), QStringLiteral("two_weeks"));
    at(now.addDays(-21));
    const HttpResult deploy =
        create(QStringLiteral("Production deploys"), QStringLiteral("six_months"));
    at(now.addDays(-9));
    create(QStringLiteral("Analytics (read only)"), QStringLiteral("one_year"),
           QStringLiteral("read_only"));
    at(now.addDays(-2));
    create(QStringLiteral("CI pipeline"), QStringLiteral("three_months"));
    at(now.addSecs(-3600));
    create(QString(), QStringLiteral("never"));
    at(now.addSecs(-600));
    http.get(QStringLiteral("/v1/verify"),
             {{"x-api-key", deploy.json().value(QStringLiteral("secret")).toString().toLatin1()},
              {"x-organization-id", owner.organizationId.toLatin1()}});
    server.flushUsage();
    server.clock().set(now);

    QTemporaryDir settingsDir;
    Settings settings(settingsDir.filePath(QStringLiteral("keydesk.ini")));
    AppController controller(settings, server.url(), server.clock());
    controller.start();
    LoginDialog *login = controller.loginDialog();
    find<QLineEdit>(login, "emailField")->setText(owner.email);
    find<QLineEdit>(login, "passwordField")->setText(testPassword);
    waitFor([&] { return find<QPushButton>(login, "createOrganizationButton")->isVisible(); });
    shoot(QStringLiteral("login"), login);
    QTest::mouseClick(find<QPushButton>(login, "signInButton"), Qt::LeftButton);
    waitFor([&] { return controller.mainWindow() && controller.mainWindow()->isVisible(); });
    MainWindow *window = controller.mainWindow();
    window->move(40, 30);
    window->resize(1180, 700);
    shoot(QStringLiteral("configuration"), window);

    window->showPage(MainWindow::Page::Account);
    shoot(QStringLiteral("account"), window);
    QTest::mouseClick(find<QPushButton>(window, "organizationApiKeysButton"), Qt::LeftButton);
    ApiKeysPage *page = window->apiKeysPage();
    waitFor([&] { return page->model()->rowCount() == 5; });
    page->table()->setCurrentIndex(page->table()->model()->index(1, 0));
    shoot(QStringLiteral("keys-page"), window);

    // The ⋮ menu of a row.
    QTableView *table = page->table();
    const QModelIndex actions = table->model()->index(1, ApiKeyTableModel::Actions);
    QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, table->visualRect(actions).center());
    shoot(QStringLiteral("row-menu"), window);
    QTest::keyClick(QApplication::activePopupWidget() ? QApplication::activePopupWidget() : table,
                    Qt::Key_Escape);

    // New API key with the expiration list open.
    QTest::mouseClick(find<QPushButton>(page, "newKeyButton"), Qt::LeftButton);
    QWidget *dialog = visibleDialog("newKeyDialog");
    find<QLineEdit>(dialog, "keyNameField")->setText(QStringLiteral("Billing webhook"));
    auto *combo = find<QComboBox>(dialog, "expirationCombo");
    shoot(QStringLiteral("new-key-dialog-closed"), window);
    combo->showPopup();
    shoot(QStringLiteral("new-key-dialog"), window);
    combo->hidePopup();
    settle(200);
    QTest::mouseClick(find<QPushButton>(dialog, "createButton"), Qt::LeftButton);
    waitFor([] { return visibleDialog("showSecretDialog") != nullptr; });
    shoot(QStringLiteral("show-once-dialog"), window);
    QWidget *secret = visibleDialog("showSecretDialog");
    QTest::mouseClick(find<QPushButton>(secret, "copyButton"), Qt::LeftButton);
    QTest::mouseClick(find<QPushButton>(secret, "doneButton"), Qt::LeftButton);
    waitFor([] { return visibleDialog("showSecretDialog") == nullptr; });
    shoot(QStringLiteral("toast"), window);

    // Revoke confirmation.
    table->setCurrentIndex(table->model()->index(2, 0));
    page->revokeSelected();
    waitFor([] { return visibleDialog("revokeDialog") != nullptr; });
    shoot(QStringLiteral("revoke-confirmation"), window);
    if (QWidget *revoke = visibleDialog("revokeDialog"))
        QTest::mouseClick(find<QPushButton>(revoke, "confirmButton"), Qt::LeftButton);
    settle(300);
    shoot(QStringLiteral("revoked-toast"), window);
    return 0;
}
