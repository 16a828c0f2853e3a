#pragma once

#include "Account.h"
#include "ApiClient.h"

#include <QWidget>

class QAction;
class QLabel;
class QLineEdit;
class QMenu;
class QPushButton;
class QStackedWidget;
class QTableView;

namespace keydesk {

class ApiKeyFilterModel;
class ApiKeyTableModel;
class ClipboardGuard;
class Clock;
class ToastHost;

// Organization API Keys (DESIGN §2.4, §2.7): search, "+ New API key", the table with a ⋮ per
// row, and the loading, empty and error states. Everything that changes a key goes through a
// dialog and ends in a toast.
class ApiKeysPage final : public QWidget
{
    Q_OBJECT
public:
    ApiKeysPage(ApiClient &client, ClipboardGuard &clipboard, ToastHost &toasts, const Clock &clock,
                QWidget *parent = nullptr);

    void setOrganization(const Membership &organization);
    void reload();

    ApiKeyTableModel *model() const { return m_model; }
    QTableView *table() const { return m_table; }

public Q_SLOTS:
    void newKey();
    void editSelectedName();
    void revokeSelected();
    void openMenuForCurrent();

Q_SIGNALS:
    void backRequested();

private:
    enum class State { Loading, Empty, Error, Table };
    void setState(State state);
    // `keepRows`: a refresh of a list on screen, which stays there if the request fails.
    void loadPage(const QString &cursor, bool keepRows = false);
    ApiKey currentKey(bool *ok) const;
    void openMenu(const QModelIndex &index, const QPoint &globalPosition);
    void editName(const ApiKey &key);
    void revoke(const ApiKey &key);
    void updateEmptyState();
    bool canManage() const;

    ApiClient &m_client;
    ClipboardGuard &m_clipboard;
    ToastHost &m_toasts;
    const Clock &m_clock;
    Membership m_organization;
    quint64 m_generation = 0; // answers for an older organization or reload are dropped

    ApiKeyTableModel *m_model;
    ApiKeyFilterModel *m_proxy;
    QLabel *m_subtitle;
    QLineEdit *m_search;
    QPushButton *m_newKey;
    QPushButton *m_refresh;
    QStackedWidget *m_states;
    QTableView *m_table;
    QLabel *m_emptyText;
    QPushButton *m_emptyNewKey;
    QLabel *m_errorText;
    QPushButton *m_retry;
    QMenu *m_menu;
    QAction *m_editAction;
    QAction *m_revokeAction;
};

} // namespace keydesk
