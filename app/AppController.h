#pragma once

#include "Account.h"
#include "LoginDialog.h"
#include "MainWindow.h"

#include <QObject>
#include <QPointer>
#include <QUrl>

#include <memory>

namespace keydesk {

class ApiClient;
class ClipboardGuard;
class Clock;
class Settings;

// Wires the app together: the login dialog, then the main window; back to the login dialog on
// log out or when the session expires (DESIGN §2.9). Owns the app's services and hands them to
// the windows through their constructors.
class AppController final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(AppController)
public:
    AppController(Settings &settings, const QUrl &serverUrl, const Clock &clock,
                  QObject *parent = nullptr);
    ~AppController() override;

    void start();

    ApiClient &client() { return *m_client; }
    ClipboardGuard &clipboard() { return *m_clipboard; }
    LoginDialog *loginDialog() const { return m_login; }
    MainWindow *mainWindow() const { return m_main; }

private:
    void showLogin(const QString &notice);
    void signedIn(const SessionGrant &session, const QUrl &serverUrl);
    void logOut();
    void sessionExpired();

    Settings &m_settings;
    const Clock &m_clock;
    QUrl m_initialServer;
    std::unique_ptr<ApiClient> m_client;
    std::unique_ptr<ClipboardGuard> m_clipboard;
    QPointer<LoginDialog> m_login;
    QPointer<MainWindow> m_main;
    QString m_lastEmail;
};

} // namespace keydesk
