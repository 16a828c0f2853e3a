#include "ApiKeysPage.h"

#include "ActionsDelegate.h"
#include "ApiKeyFilterModel.h"
#include "ApiKeyTableModel.h"
#include "ClipboardGuard.h"
#include "Clock.h"
#include "ConfirmDialog.h"
#include "EditNameDialog.h"
#include "NewKeyDialog.h"
#include "ShowSecretDialog.h"
#include "ToastHost.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace keydesk {

namespace {

constexpr int pageSize = 100;

QLabel *centeredLabel(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setAlignment(Qt::AlignCenter);
    label->setWordWrap(true);
    return label;
}

// The table's key handling that a QTableView does not do by itself: Enter on the ⋮ cell and
// the Menu key open the row menu.
class TableKeys final : public QObject
{
public:
    TableKeys(QTableView *table, ApiKeysPage *page)
        : QObject(table)
        , m_page(page)
    {
        table->installEventFilter(this);
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() != QEvent::KeyPress)
            return QObject::eventFilter(watched, event);
        const auto *key = static_cast<QKeyEvent *>(event);
        auto *table = static_cast<QTableView *>(watched);
        const bool onActions = table->currentIndex().column() == ApiKeyTableModel::Actions;
        if (key->key() == Qt::Key_Menu
            || ((key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter) && onActions)) {
            m_page->openMenuForCurrent();
            return true;
        }
        return QObject::eventFilter(watched, event);
    }

private:
    ApiKeysPage *m_page;
};

} // namespace

ApiKeysPage::ApiKeysPage(ApiClient &client, ClipboardGuard &clipboard, ToastHost &toasts,
                         const Clock &clock, QWidget *parent)
    : QWidget(parent)
    , m_client(client)
    , m_clipboard(clipboard)
    , m_toasts(toasts)
    , m_clock(clock)
    , m_model(new ApiKeyTableModel(clock, this))
    , m_proxy(new ApiKeyFilterModel(this))
    , m_subtitle(new QLabel(this))
    , m_search(new QLineEdit(this))
    , m_newKey(
          new QPushButton(QIcon(QStringLiteral(":/icons/plus-white.svg")), tr("New API key"), this))
    , m_refresh(new QPushButton(QIcon(QStringLiteral(":/icons/refresh.svg")), QString(), this))
    , m_states(new QStackedWidget(this))
    , m_table(new QTableView(m_states))
    , m_menu(new QMenu(this))
{
    setObjectName(QStringLiteral("apiKeysPage"));

    auto *back = new QPushButton(tr("‹ Account"), this);
    back->setObjectName(QStringLiteral("backToAccountButton"));
    back->setAccessibleName(tr("Back to Account"));
    back->setFlat(true);
    back->setCursor(Qt::PointingHandCursor);
    connect(back, &QPushButton::clicked, this, &ApiKeysPage::backRequested);

    auto *title = new QLabel(tr("Organization API Keys"), this);
    title->setObjectName(QStringLiteral("pageTitle"));
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.5);
    titleFont.setBold(true);
    title->setFont(titleFont);
    m_subtitle->setWordWrap(true);
    m_subtitle->setForegroundRole(QPalette::PlaceholderText);

    m_search->setObjectName(QStringLiteral("searchField"));
    m_search->setAccessibleName(tr("Search API keys"));
    m_search->setPlaceholderText(tr("Search by name or key"));
    m_search->setClearButtonEnabled(true);
    m_search->addAction(QIcon(QStringLiteral(":/icons/search.svg")), QLineEdit::LeadingPosition);
    m_search->setMaximumWidth(320);
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_proxy->setFilterText(text);
        updateEmptyState();
    });

    // "+ New API key": the plus is the icon, so a screen reader says the words only.
    m_newKey->setObjectName(QStringLiteral("newKeyButton"));
    m_newKey->setAccessibleName(tr("New API key"));
    m_newKey->setToolTip(tr("Create a new API key (Ctrl+N)"));
    m_newKey->setStyleSheet(QStringLiteral(
        "QPushButton { background: #1a56db; color: white; border: none; border-radius: 4px;"
        " padding: 6px 14px; font-weight: 600; }"
        "QPushButton:disabled { background: #9db5ea; }"
        "QPushButton:focus { outline: 2px solid #0b3a9e; }"));
    connect(m_newKey, &QPushButton::clicked, this, &ApiKeysPage::newKey);
    m_refresh->setObjectName(QStringLiteral("refreshButton"));
    m_refresh->setAccessibleName(tr("Refresh"));
    m_refresh->setToolTip(tr("Refresh (F5)"));
    connect(m_refresh, &QPushButton::clicked, this, &ApiKeysPage::reload);

    auto *toolbar = new QHBoxLayout;
    toolbar->addWidget(m_search, 1);
    toolbar->addStretch();
    toolbar->addWidget(m_refresh);
    toolbar->addWidget(m_newKey);

    // The table
    m_proxy->setSourceModel(m_model);
    m_table->setObjectName(QStringLiteral("keysTable"));
    m_table->setAccessibleName(tr("API keys"));
    m_table->setModel(m_proxy);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(ApiKeyTableModel::Created, Qt::DescendingOrder);
    m_table->setShowGrid(false);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->setMouseTracking(true);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 16);
    m_table->horizontalHeader()->setHighlightSections(false);
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    m_table->horizontalHeader()->setSectionResizeMode(ApiKeyTableModel::Name, QHeaderView::Stretch);
    m_table->horizontalHeader()->setSectionResizeMode(ApiKeyTableModel::Actions,
                                                      QHeaderView::Fixed);
    m_table->setColumnWidth(ApiKeyTableModel::Key, 110);
    m_table->setColumnWidth(ApiKeyTableModel::Access, 100);
    m_table->setColumnWidth(ApiKeyTableModel::Created, 110);
    m_table->setColumnWidth(ApiKeyTableModel::Expires, 110);
    m_table->setColumnWidth(ApiKeyTableModel::LastUsed, 120);
    m_table->setColumnWidth(ApiKeyTableModel::CreatedBy, 130);
    m_table->setColumnWidth(ApiKeyTableModel::Actions, 44);
    auto *actions = new ActionsDelegate(m_table);
    m_table->setItemDelegateForColumn(ApiKeyTableModel::Actions, actions);
    connect(actions, &ActionsDelegate::menuRequested, this,
            [this](const QModelIndex &index, const QPoint &corner) {
                openMenu(index, corner - QPoint(m_menu->sizeHint().width(), 0));
            });
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table, &QWidget::customContextMenuRequested, this, [this](const QPoint &position) {
        const QModelIndex index = m_table->indexAt(position);
        if (index.isValid())
            openMenu(index, m_table->viewport()->mapToGlobal(position));
    });
    new TableKeys(m_table, this);

    // The row menu
    m_menu->setObjectName(QStringLiteral("keyMenu"));
    m_editAction = m_menu->addAction(QIcon(QStringLiteral(":/icons/edit.svg")), tr("Edit name"));
    m_editAction->setObjectName(QStringLiteral("editNameAction"));
    m_revokeAction =
        m_menu->addAction(QIcon(QStringLiteral(":/icons/revoke.svg")), tr("Revoke API key"));
    m_revokeAction->setObjectName(QStringLiteral("revokeAction"));

    // Keyboard: these work anywhere on the page.
    // Explicit keys: the platform's standard sequences differ (GNOME's Refresh is Ctrl+R only).
    const auto shortcut = [this](const QKeySequence &keys, const QString &name, auto slot) {
        auto *action = new QAction(this);
        action->setObjectName(name);
        action->setShortcut(keys);
        action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        connect(action, &QAction::triggered, this, slot);
        addAction(action);
        return action;
    };
    shortcut(QKeySequence(Qt::CTRL | Qt::Key_N), QStringLiteral("newKeyShortcut"),
             &ApiKeysPage::newKey);
    shortcut(QKeySequence(Qt::Key_F2), QStringLiteral("editNameShortcut"),
             &ApiKeysPage::editSelectedName);
    shortcut(QKeySequence(Qt::Key_Delete), QStringLiteral("revokeShortcut"),
             &ApiKeysPage::revokeSelected);
    shortcut(QKeySequence(Qt::Key_F5), QStringLiteral("refreshShortcut"), &ApiKeysPage::reload);

    // States
    auto *loading = centeredLabel(QStringLiteral("loadingState"), m_states);
    loading->setText(tr("Loading API keys…"));
    auto *empty = new QWidget(m_states);
    empty->setObjectName(QStringLiteral("emptyState"));
    m_emptyText = centeredLabel(QStringLiteral("emptyText"), empty);
    m_emptyNewKey = new QPushButton(QIcon(QStringLiteral(":/icons/plus.svg")),
                                    tr("Create your first API key"), empty);
    m_emptyNewKey->setObjectName(QStringLiteral("emptyNewKeyButton"));
    connect(m_emptyNewKey, &QPushButton::clicked, this, &ApiKeysPage::newKey);
    auto *emptyLayout = new QVBoxLayout(empty);
    emptyLayout->addStretch();
    emptyLayout->addWidget(m_emptyText);
    emptyLayout->addWidget(m_emptyNewKey, 0, Qt::AlignHCenter);
    emptyLayout->addStretch();
    auto *error = new QWidget(m_states);
    error->setObjectName(QStringLiteral("errorState"));
    m_errorText = centeredLabel(QStringLiteral("errorText"), error);
    m_retry = new QPushButton(tr("Retry"), error);
    m_retry->setObjectName(QStringLiteral("retryButton"));
    connect(m_retry, &QPushButton::clicked, this, &ApiKeysPage::reload);
    auto *errorLayout = new QVBoxLayout(error);
    errorLayout->addStretch();
    errorLayout->addWidget(m_errorText);
    errorLayout->addWidget(m_retry, 0, Qt::AlignHCenter);
    errorLayout->addStretch();
    m_states->addWidget(loading);
    m_states->addWidget(empty);
    m_states->addWidget(error);
    m_states->addWidget(m_table);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 12, 24, 16);
    layout->addWidget(back, 0, Qt::AlignLeft);
    layout->addWidget(title);
    layout->addWidget(m_subtitle);
    layout->addSpacing(8);
    layout->addLayout(toolbar);
    layout->addWidget(m_states, 1);

    m_model->setPageLoader([this](const QString &cursor) { loadPage(cursor); });
    // "5 minutes ago" and "Expired" follow the clock without a reload.
    auto *ticker = new QTimer(this);
    ticker->setInterval(30'000);
    connect(ticker, &QTimer::timeout, m_model, &ApiKeyTableModel::refreshTimes);
    ticker->start();
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &ApiKeysPage::updateEmptyState);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &ApiKeysPage::updateEmptyState);
    connect(m_model, &QAbstractItemModel::modelReset, this, &ApiKeysPage::updateEmptyState);
    setState(State::Loading);
}

bool ApiKeysPage::canManage() const
{
    return canManageKeys(m_organization.role);
}

void ApiKeysPage::setOrganization(const Membership &organization)
{
    const bool organizationChanged = organization.id != m_organization.id;
    m_organization = organization;
    m_subtitle->setText(
        tr("Keys let your services call the API on behalf of %1. They stay valid until you revoke "
           "them or the organization is deleted. Services send them in the x-api-key header.")
            .arg(organization.name));
    const QString why = tr("Only owners and admins of %1 can create, rename or revoke keys.")
                            .arg(organization.name);
    for (QWidget *widget :
         {static_cast<QWidget *>(m_newKey), static_cast<QWidget *>(m_emptyNewKey)}) {
        widget->setEnabled(canManage());
        widget->setToolTip(canManage() ? tr("Create a new API key (Ctrl+N)") : why);
    }
    m_editAction->setEnabled(canManage());
    m_revokeAction->setEnabled(canManage());
    m_editAction->setToolTip(canManage() ? QString() : why);
    m_revokeAction->setToolTip(canManage() ? QString() : why);
    m_menu->setToolTipsVisible(!canManage());
    if (organizationChanged) {
        // Another organization's keys never stay on screen, not even while these load.
        m_model->resetKeys({}, QString());
        setState(State::Loading);
    }
    reload();
}

void ApiKeysPage::reload()
{
    if (m_organization.id.isEmpty())
        return;
    ++m_generation;
    // A refresh keeps the rows on screen until the new list is in, so that a refresh that fails
    // (a dropped connection, a timeout, a proxy's error page) leaves them there with a toast
    // instead of replacing them with the error state (tst_misbehaving). Only a page with no
    // rows to show goes through the loading state.
    const bool keepRows = m_states->currentIndex() == int(State::Table) && m_model->rowCount() > 0;
    if (!keepRows) {
        setState(State::Loading);
        m_model->resetKeys({}, QString());
    }
    m_model->setLoading(true);
    loadPage(QString(), keepRows);
}

void ApiKeysPage::loadPage(const QString &cursor, bool keepRows)
{
    const quint64 generation = m_generation;
    const bool first = cursor.isEmpty();
    ApiClient::KeyQuery query;
    query.limit = pageSize;
    query.cursor = cursor;
    m_client.listKeys(
        m_organization.id, query, this,
        [this, generation, first, keepRows](const Result<ApiClient::KeyPage> &result) {
            if (generation != m_generation)
                return;
            if (!result) {
                m_model->pageFailed();
                if (first && keepRows) {
                    m_toasts.showError(
                        tr("Could not refresh the API keys: %1").arg(result.error().message));
                } else if (first) {
                    m_errorText->setText(
                        tr("Could not load the API keys.\n%1").arg(result.error().message));
                    setState(State::Error);
                } else {
                    m_toasts.showError(
                        tr("Could not load more API keys: %1").arg(result.error().message));
                }
                return;
            }
            if (first)
                m_model->resetKeys(result->items, result->nextCursor);
            else
                m_model->appendPage(result->items, result->nextCursor);
            updateEmptyState();
        });
}

void ApiKeysPage::setState(State state)
{
    m_states->setCurrentIndex(int(state));
    m_search->setEnabled(state == State::Table);
}

void ApiKeysPage::updateEmptyState()
{
    if (m_states->currentIndex() == int(State::Loading) && m_model->loading())
        return;
    if (m_states->currentIndex() == int(State::Error) && m_model->rowCount() == 0)
        return;
    if (m_model->rowCount() == 0) {
        m_emptyText->setText(
            canManage() ? tr("No API keys yet.\nCreate one for each service that calls the API.")
                        : tr("No API keys yet.\nOwners and admins can create them."));
        setState(State::Empty);
    } else {
        setState(State::Table);
    }
}

ApiKey ApiKeysPage::currentKey(bool *ok) const
{
    const QModelIndex index = m_proxy->mapToSource(m_table->currentIndex());
    *ok = index.isValid() && m_states->currentIndex() == int(State::Table);
    return *ok ? m_model->keyAt(index.row()) : ApiKey();
}

void ApiKeysPage::openMenuForCurrent()
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid())
        return;
    const QModelIndex actionsCell = current.siblingAtColumn(ApiKeyTableModel::Actions);
    const QRect cell = m_table->visualRect(actionsCell);
    openMenu(actionsCell,
             m_table->viewport()->mapToGlobal(cell.bottomRight())
                 - QPoint(m_menu->sizeHint().width(), 0));
}

void ApiKeysPage::openMenu(const QModelIndex &index, const QPoint &globalPosition)
{
    m_table->setCurrentIndex(index);
    const QModelIndex source = m_proxy->mapToSource(index);
    if (!source.isValid())
        return;
    const ApiKey key = m_model->keyAt(source.row());
    m_editAction->disconnect(this);
    m_revokeAction->disconnect(this);
    connect(m_editAction, &QAction::triggered, this, [this, key] { editName(key); });
    connect(m_revokeAction, &QAction::triggered, this, [this, key] { revoke(key); });
    m_menu->popup(globalPosition, m_editAction);
}

void ApiKeysPage::newKey()
{
    if (!canManage() || m_organization.id.isEmpty())
        return;
    auto *dialog = new NewKeyDialog(m_client, m_organization.id, m_clock, this);
    connect(dialog, &NewKeyDialog::created, this, [this](const ApiClient::CreatedKey &created) {
        m_model->upsertKey(created.key);
        updateEmptyState();
        auto *secret = new ShowSecretDialog(created.secret, created.key.name, m_clipboard, this);
        connect(secret, &ShowSecretDialog::copied, this, [this] {
            m_toasts.showSuccess(
                tr("API key copied. KeyDesk clears it from the clipboard shortly."));
        });
        secret->open();
    });
    dialog->open();
}

void ApiKeysPage::editSelectedName()
{
    bool ok = false;
    const ApiKey key = currentKey(&ok);
    if (ok)
        editName(key);
}

void ApiKeysPage::revokeSelected()
{
    bool ok = false;
    const ApiKey key = currentKey(&ok);
    if (ok)
        revoke(key);
}

void ApiKeysPage::editName(const ApiKey &key)
{
    if (!canManage())
        return;
    auto *dialog = new EditNameDialog(m_client, m_organization.id, key, this);
    connect(dialog, &EditNameDialog::renamed, this, [this](const ApiKey &renamed) {
        m_model->upsertKey(renamed);
        m_toasts.showSuccess(tr("API key name updated"));
    });
    dialog->open();
}

void ApiKeysPage::revoke(const ApiKey &key)
{
    if (!canManage())
        return;
    const QString name = key.name.isEmpty() ? key.hint : key.name;
    auto *confirm = new ConfirmDialog(
        tr("Revoke API key “%1”?").arg(name),
        tr("This cannot be undone. Applications that use this key stop working immediately."),
        tr("Revoke key"), ConfirmDialog::Style::Destructive, this);
    confirm->setObjectName(QStringLiteral("revokeDialog"));
    connect(confirm, &QDialog::accepted, this, [this, key] {
        const quint64 generation = m_generation;
        m_client.revokeKey(
            m_organization.id, key.id, this, [this, generation](const Result<ApiKey> &result) {
                if (!result) {
                    m_toasts.showError(
                        tr("The key was not revoked: %1").arg(result.error().message));
                    return;
                }
                if (generation == m_generation)
                    m_model->removeKey(result->id);
                m_toasts.showSuccess(tr("API key revoked"));
            });
    });
    confirm->open();
}

} // namespace keydesk
