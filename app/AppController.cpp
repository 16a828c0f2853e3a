#include "AppController.h"

#include "ApiClient.h"
#include "ClipboardGuard.h"
#include "LoginDialog.h"
#include "MainWindow.h"
#include "Settings.h"
#include "ToastHost.h"

namespace keydesk {

AppController::AppController(Settings &settings, const QUrl &serverUrl, const Clock &clock,
                             QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_clock(clock)
    , m_initialServer(serverUrl.isEmpty() ? settings.lastServer() : serverUrl)
    , m_client(std::make_unique<ApiClient>(m_initialServer))
    , m_clipboard(std::make_unique<ClipboardGuard>())
    , m_lastEmail(settings.lastEmail())
{
    connect(m_client.get(), &ApiClient::sessionExpired, this, &AppController::sessionExpired);
}

AppController::~AppController()
{
    delete m_login;
    if (m_main)
        m_settings.setWindowGeometry(m_main->saveGeometry());
    delete m_main;
}

void AppController::start()
{
    showLogin(QString());
}

void AppController::showLogin(const QString &notice)
{
    if (m_main) {
        m_settings.setWindowGeometry(m_main->saveGeometry());
        m_main->hide();
        m_main->deleteLater(); // its pages hold no secret, but nothing of a session outlives it
    }
    if (!m_login) {
        m_login = new LoginDialog(*m_client, m_client->baseUrl());
        m_login->setAttribute(Qt::WA_DeleteOnClose);
        connect(m_login, &LoginDialog::signedIn, this, &AppController::signedIn);
    }
    m_login->setEmail(m_lastEmail);
    m_login->setNotice(notice);
    m_login->show();
    m_login->raise();
    m_login->activateWindow();
}

void AppController::signedIn(const SessionGrant &session, const QUrl &serverUrl)
{
    m_settings.setLastServer(serverUrl);
    m_settings.setLastEmail(session.account.user.email);
    m_lastEmail = session.account.user.email;
    m_main = new MainWindow(*m_client, *m_clipboard, m_clock);
    m_main->setAttribute(Qt::WA_DeleteOnClose);
    connect(m_main, &MainWindow::logOutRequested, this, &AppController::logOut);
    connect(m_main, &MainWindow::aboutToClose, this,
            [this] { m_settings.setWindowGeometry(m_main->saveGeometry()); });
    if (!m_settings.windowGeometry().isEmpty())
        m_main->restoreGeometry(m_settings.windowGeometry());
    m_main->setAccount(session.account, serverUrl);
    if (session.account.organizations.isEmpty())
        m_main->toasts().showError(
            tr("You are not a member of any organization yet. Ask an owner to add you."));
    m_main->show();
    if (m_login) {
        m_login->hide();
        m_login->deleteLater();
    }
}

void AppController::logOut()
{
    m_client->logOut(this, [](const Result<void> &) {
        // The token is forgotten at once either way; a failed call only means the server
        // lets it expire by itself.
    });
    showLogin(tr("You have logged out."));
}

void AppController::sessionExpired()
{
    if (m_login && m_login->isVisible())
        return;
    showLogin(tr("Your session has expired. Sign in again to continue."));
}

} // namespace keydesk
