#pragma once

#include "Account.h"

#include <QMainWindow>
#include <QUrl>

class QComboBox;
class QLabel;
class QListWidget;
class QStackedWidget;
class QToolButton;

namespace keydesk {

class ApiClient;
class ApiKeysPage;
class ClipboardGuard;
class Clock;
class ToastHost;

// The signed-in window (DESIGN §2.2–2.4): a sidebar with the navigation tabs (Configuration
// among them), the organization switcher, the Organization ID with a copy button and the user's
// name (menu: Account, Log out) at the bottom; the pages on the right.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    enum class Page { Configuration, Account, ApiKeys };

    MainWindow(ApiClient &client, ClipboardGuard &clipboard, const Clock &clock,
               QWidget *parent = nullptr);

    void setAccount(const Account &account, const QUrl &serverUrl);
    void showPage(Page page);
    Page currentPage() const;
    Membership currentOrganization() const { return m_organization; }

    ToastHost &toasts() { return *m_toasts; }
    ApiKeysPage *apiKeysPage() const { return m_keysPage; }

Q_SIGNALS:
    void logOutRequested();
    void aboutToClose();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    QWidget *buildSidebar();
    QWidget *buildConfigurationPage();
    QWidget *buildAccountPage();
    void selectOrganization(int index);
    void copyOrganizationId();

    ApiClient &m_client;
    ClipboardGuard &m_clipboard;
    const Clock &m_clock;
    ToastHost *m_toasts;
    Account m_account;
    Membership m_organization;
    QUrl m_serverUrl;

    QListWidget *m_navigation = nullptr;
    QComboBox *m_organizations = nullptr;
    QLabel *m_organizationName = nullptr; // instead of the switcher when there is one organization
    QLabel *m_organizationId = nullptr;
    QToolButton *m_userButton = nullptr;
    QStackedWidget *m_pages = nullptr;
    ApiKeysPage *m_keysPage = nullptr;
    // Configuration page
    QLabel *m_configOrganizationName = nullptr;
    QLabel *m_configOrganizationId = nullptr;
    QLabel *m_configServer = nullptr;
    QLabel *m_configRole = nullptr;
    // Account page
    QLabel *m_accountName = nullptr;
    QLabel *m_accountEmail = nullptr;
};

} // namespace keydesk
