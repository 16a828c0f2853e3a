#pragma once

#include "Account.h"

#include <QDialog>
#include <QUrl>

class QLabel;
class QLineEdit;
class QPushButton;
class QStackedWidget;

namespace keydesk {

class ApiClient;

// The first window (DESIGN §2.1): server URL, email and password; "Create organization" when
// the server allows sign-up. Errors stay inline and nothing else changes. Emits the session.
class LoginDialog final : public QDialog
{
    Q_OBJECT
public:
    LoginDialog(ApiClient &client, const QUrl &serverUrl, QWidget *parent = nullptr);

    // A message shown above the form, e.g. "Your session has expired. Sign in again."
    void setNotice(const QString &notice);
    void setEmail(const QString &email);
    QUrl serverUrl() const;

Q_SIGNALS:
    void signedIn(const keydesk::SessionGrant &session, const QUrl &serverUrl);

private:
    void serverChanged();
    void checkServer();
    void signIn();
    void signUp();
    void showSignUp(bool signUp);
    void setBusy(bool busy);
    void showError(const QString &message);
    bool applyServerUrl();

    ApiClient &m_client;
    QLineEdit *m_server;
    QLabel *m_serverStatus;
    QLabel *m_insecureWarning;
    QLabel *m_notice;
    QLabel *m_error;
    QStackedWidget *m_forms;
    QLineEdit *m_email;
    QLineEdit *m_password;
    QPushButton *m_signIn;
    QPushButton *m_createOrganization;
    QLineEdit *m_organizationName;
    QLineEdit *m_name;
    QLineEdit *m_signUpEmail;
    QLineEdit *m_signUpPassword;
    QPushButton *m_signUp;
    QPushButton *m_backToSignIn;
    QString m_checkedServer;
    bool m_signupEnabled = false;
    bool m_busy = false;
};

} // namespace keydesk
