#include "MainWindow.h"

#include "ApiClient.h"
#include "ApiKeysPage.h"
#include "ToastHost.h"

#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QFormLayout>
#include <QFrame>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QStackedWidget>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace keydesk {

namespace {

QLabel *heading(const QString &text, QWidget *parent, qreal scale = 1.5)
{
    auto *label = new QLabel(text, parent);
    label->setObjectName(QStringLiteral("pageTitle"));
    QFont font = label->font();
    font.setPointSizeF(font.pointSizeF() * scale);
    font.setBold(true);
    label->setFont(font);
    return label;
}

QLabel *value(const QString &objectName, QWidget *parent)
{
    auto *label = new QLabel(parent);
    label->setObjectName(objectName);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    return label;
}

QString roleText(Role role)
{
    switch (role) {
    case Role::Owner:
        return MainWindow::tr("Owner");
    case Role::Admin:
        return MainWindow::tr("Admin");
    case Role::Member:
        return MainWindow::tr("Member (read only)");
    }
    return {};
}

// A card-like button of the Account page that leads to one of its sections.
QPushButton *sectionButton(const QString &title, const QString &description,
                           const QString &objectName, QWidget *parent)
{
    auto *button = new QPushButton(parent);
    button->setObjectName(objectName);
    button->setAccessibleName(title);
    button->setAccessibleDescription(description);
    button->setCursor(Qt::PointingHandCursor);
    button->setMinimumHeight(64);
    button->setStyleSheet(QStringLiteral(
        "QPushButton { text-align: left; padding: 10px 14px; border: 1px solid #dadce0;"
        " border-radius: 6px; background: palette(base); }"
        "QPushButton:hover { border-color: #1a56db; }"
        "QPushButton:focus { border: 2px solid #1a56db; }"));
    auto *layout = new QVBoxLayout(button);
    auto *titleLabel = new QLabel(title, button);
    QFont font = titleLabel->font();
    font.setBold(true);
    titleLabel->setFont(font);
    auto *descriptionLabel = new QLabel(description, button);
    descriptionLabel->setForegroundRole(QPalette::PlaceholderText);
    layout->addWidget(titleLabel);
    layout->addWidget(descriptionLabel);
    for (QLabel *label : {titleLabel, descriptionLabel})
        label->setAttribute(Qt::WA_TransparentForMouseEvents);
    return button;
}

} // namespace

MainWindow::MainWindow(ApiClient &client, ClipboardGuard &clipboard, const Clock &clock,
                       QWidget *parent)
    : QMainWindow(parent)
    , m_client(client)
    , m_clipboard(clipboard)
    , m_clock(clock)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("KeyDesk"));
    setWindowIcon(QIcon(QStringLiteral(":/keydesk.svg")));
    m_toasts = new ToastHost(this);

    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_pages = new QStackedWidget(central);
    m_pages->setObjectName(QStringLiteral("pages"));
    m_keysPage = new ApiKeysPage(m_client, m_clipboard, *m_toasts, m_clock, m_pages);
    m_pages->addWidget(buildConfigurationPage());
    m_pages->addWidget(buildAccountPage());
    m_pages->addWidget(m_keysPage);
    connect(m_keysPage, &ApiKeysPage::backRequested, this, [this] { showPage(Page::Account); });
    layout->addWidget(buildSidebar());
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);
    resize(1100, 680);
}

QWidget *MainWindow::buildSidebar()
{
    auto *sidebar = new QFrame(this);
    sidebar->setObjectName(QStringLiteral("sidebar"));
    sidebar->setFixedWidth(230);
    sidebar->setAutoFillBackground(true);
    sidebar->setStyleSheet(QStringLiteral(
        "#sidebar { background: #f1f3f4; border-right: 1px solid #dadce0; }"
        "#sidebar QListWidget { background: transparent; border: none; }"
        "#sidebar QListWidget::item { padding: 8px 10px; border-radius: 4px; }"
        "#sidebar QListWidget::item:selected { background: #d2e3fc; color: #174ea6; }"));

    auto *brand = new QLabel(sidebar);
    brand->setText(QStringLiteral("<b>KeyDesk</b>"));
    QFont brandFont = brand->font();
    brandFont.setPointSizeF(brandFont.pointSizeF() * 1.3);
    brand->setFont(brandFont);
    auto *logo = new QLabel(sidebar);
    logo->setPixmap(QIcon(QStringLiteral(":/keydesk.svg")).pixmap(28, 28));
    auto *brandRow = new QHBoxLayout;
    brandRow->addWidget(logo);
    brandRow->addWidget(brand, 1);

    m_navigation = new QListWidget(sidebar);
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setAccessibleName(tr("Navigation"));
    m_navigation->setIconSize(QSize(18, 18));
    auto *configuration = new QListWidgetItem(QIcon(QStringLiteral(":/icons/settings.svg")),
                                              tr("Configuration"), m_navigation);
    configuration->setData(Qt::UserRole, int(Page::Configuration));
    auto *account =
        new QListWidgetItem(QIcon(QStringLiteral(":/icons/user.svg")), tr("Account"), m_navigation);
    account->setData(Qt::UserRole, int(Page::Account));
    connect(m_navigation, &QListWidget::itemActivated, this, [this](QListWidgetItem *item) {
        showPage(static_cast<Page>(item->data(Qt::UserRole).toInt()));
    });
    connect(m_navigation, &QListWidget::itemClicked, this, [this](QListWidgetItem *item) {
        showPage(static_cast<Page>(item->data(Qt::UserRole).toInt()));
    });

    auto *organizationCaption = new QLabel(tr("Organization"), sidebar);
    organizationCaption->setForegroundRole(QPalette::PlaceholderText);
    m_organizations = new QComboBox(sidebar);
    m_organizations->setObjectName(QStringLiteral("organizationSwitcher"));
    m_organizations->setAccessibleName(tr("Organization"));
    connect(m_organizations, &QComboBox::activated, this, &MainWindow::selectOrganization);
    m_organizationName = new QLabel(sidebar);
    m_organizationName->setObjectName(QStringLiteral("organizationName"));
    QFont organizationFont = m_organizationName->font();
    organizationFont.setBold(true);
    m_organizationName->setFont(organizationFont);

    auto *idCaption = new QLabel(tr("Organization ID"), sidebar);
    idCaption->setForegroundRole(QPalette::PlaceholderText);
    m_organizationId = value(QStringLiteral("organizationIdLabel"), sidebar);
    QFont mono = QFont(QStringLiteral("DejaVu Sans Mono"));
    mono.setStyleHint(QFont::Monospace);
    mono.setPointSizeF(m_organizationId->font().pointSizeF() * 0.85);
    m_organizationId->setFont(mono);
    auto *copyId = new QToolButton(sidebar);
    copyId->setObjectName(QStringLiteral("copyOrganizationIdButton"));
    copyId->setIcon(QIcon(QStringLiteral(":/icons/copy.svg")));
    copyId->setAccessibleName(tr("Copy Organization ID"));
    copyId->setToolTip(tr("Copy the Organization ID (services send it in x-organization-id)"));
    copyId->setAutoRaise(true);
    connect(copyId, &QToolButton::clicked, this, &MainWindow::copyOrganizationId);
    auto *idRow = new QHBoxLayout;
    idRow->addWidget(m_organizationId, 1);
    idRow->addWidget(copyId);

    m_userButton = new QToolButton(sidebar);
    m_userButton->setObjectName(QStringLiteral("userButton"));
    m_userButton->setIcon(QIcon(QStringLiteral(":/icons/user.svg")));
    m_userButton->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_userButton->setPopupMode(QToolButton::InstantPopup);
    m_userButton->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    m_userButton->setStyleSheet(
        QStringLiteral("QToolButton { text-align: left; padding: 6px; border-radius: 4px; }"
                       "QToolButton:hover { background: #e2e6ea; }"));
    auto *userMenu = new QMenu(m_userButton);
    userMenu->setObjectName(QStringLiteral("userMenu"));
    QAction *accountAction =
        userMenu->addAction(QIcon(QStringLiteral(":/icons/user.svg")), tr("Account"));
    accountAction->setObjectName(QStringLiteral("accountAction"));
    QAction *logOut =
        userMenu->addAction(QIcon(QStringLiteral(":/icons/logout.svg")), tr("Log out"));
    logOut->setObjectName(QStringLiteral("logOutAction"));
    connect(accountAction, &QAction::triggered, this, [this] { showPage(Page::Account); });
    connect(logOut, &QAction::triggered, this, &MainWindow::logOutRequested);
    m_userButton->setMenu(userMenu);

    auto *layout = new QVBoxLayout(sidebar);
    layout->setContentsMargins(12, 14, 12, 12);
    layout->addLayout(brandRow);
    layout->addSpacing(10);
    layout->addWidget(m_navigation, 1);
    layout->addWidget(organizationCaption);
    layout->addWidget(m_organizations);
    layout->addWidget(m_organizationName);
    layout->addSpacing(6);
    layout->addWidget(idCaption);
    layout->addLayout(idRow);
    layout->addSpacing(6);
    auto *line = new QFrame(sidebar);
    line->setFrameShape(QFrame::HLine);
    line->setForegroundRole(QPalette::Mid);
    layout->addWidget(line);
    layout->addWidget(m_userButton);
    return sidebar;
}

QWidget *MainWindow::buildConfigurationPage()
{
    auto *page = new QWidget(m_pages);
    page->setObjectName(QStringLiteral("configurationPage"));
    m_configOrganizationName = value(QStringLiteral("configOrganizationName"), page);
    m_configOrganizationId = value(QStringLiteral("configOrganizationId"), page);
    m_configServer = value(QStringLiteral("configServer"), page);
    m_configRole = value(QStringLiteral("configRole"), page);
    auto *copyId = new QPushButton(QIcon(QStringLiteral(":/icons/copy.svg")), tr("Copy"), page);
    copyId->setObjectName(QStringLiteral("configCopyIdButton"));
    copyId->setAccessibleName(tr("Copy Organization ID"));
    connect(copyId, &QPushButton::clicked, this, &MainWindow::copyOrganizationId);
    auto *idRow = new QHBoxLayout;
    idRow->addWidget(m_configOrganizationId);
    idRow->addWidget(copyId);
    idRow->addStretch();

    auto *form = new QFormLayout;
    form->setHorizontalSpacing(24);
    form->setVerticalSpacing(10);
    form->addRow(tr("Organization"), m_configOrganizationName);
    form->addRow(tr("Organization ID"), idRow);
    form->addRow(tr("Your role"), m_configRole);
    form->addRow(tr("Server"), m_configServer);

    auto *keys = sectionButton(tr("Organization API Keys"),
                               tr("Create, rename and revoke the keys your services use"),
                               QStringLiteral("configApiKeysButton"), page);
    connect(keys, &QPushButton::clicked, this, [this] { showPage(Page::ApiKeys); });
    auto *hint = new QLabel(
        tr("Tip: you also find the keys under your name at the bottom left → Account."), page);
    hint->setForegroundRole(QPalette::PlaceholderText);

    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(24, 20, 24, 16);
    layout->addWidget(heading(tr("Configuration"), page));
    layout->addSpacing(12);
    layout->addLayout(form);
    layout->addSpacing(20);
    layout->addWidget(keys);
    layout->addWidget(hint);
    layout->addStretch();
    return page;
}

QWidget *MainWindow::buildAccountPage()
{
    auto *page = new QWidget(m_pages);
    page->setObjectName(QStringLiteral("accountPage"));
    m_accountName = value(QStringLiteral("accountName"), page);
    m_accountEmail = value(QStringLiteral("accountEmail"), page);
    auto *form = new QFormLayout;
    form->setHorizontalSpacing(24);
    form->addRow(tr("Name"), m_accountName);
    form->addRow(tr("Email"), m_accountEmail);

    auto *keys = sectionButton(tr("Organization API Keys"),
                               tr("Create, rename and revoke the keys your services use"),
                               QStringLiteral("organizationApiKeysButton"), page);
    connect(keys, &QPushButton::clicked, this, [this] { showPage(Page::ApiKeys); });

    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(24, 20, 24, 16);
    layout->addWidget(heading(tr("Account"), page));
    layout->addSpacing(12);
    layout->addWidget(heading(tr("Profile"), page, 1.1));
    layout->addLayout(form);
    layout->addSpacing(20);
    layout->addWidget(heading(tr("Organization"), page, 1.1));
    layout->addWidget(keys);
    layout->addStretch();
    return page;
}

void MainWindow::setAccount(const Account &account, const QUrl &serverUrl)
{
    m_account = account;
    m_serverUrl = serverUrl;
    m_userButton->setText(account.user.name);
    m_userButton->setAccessibleName(tr("%1, account menu").arg(account.user.name));
    m_userButton->setToolTip(account.user.email);
    m_accountName->setText(account.user.name);
    m_accountEmail->setText(account.user.email);
    m_configServer->setText(serverUrl.toDisplayString());

    m_organizations->clear();
    for (const Membership &membership : account.organizations)
        m_organizations->addItem(membership.name, membership.id);
    // Switching only makes sense with a choice; one organization is shown, not offered.
    m_organizations->setVisible(account.organizations.size() > 1);
    m_organizationName->setVisible(account.organizations.size() <= 1);
    if (!account.organizations.isEmpty())
        selectOrganization(0);
    showPage(Page::Configuration);
}

void MainWindow::selectOrganization(int index)
{
    if (index < 0 || index >= m_account.organizations.size())
        return;
    m_organizations->setCurrentIndex(index);
    m_organization = m_account.organizations.at(index);
    m_organizationId->setText(m_organization.id);
    m_organizationName->setText(m_organization.name);
    m_configOrganizationName->setText(m_organization.name);
    m_configOrganizationId->setText(m_organization.id);
    m_configRole->setText(roleText(m_organization.role));
    setWindowTitle(tr("%1 – KeyDesk").arg(m_organization.name));
    m_keysPage->setOrganization(m_organization);
}

void MainWindow::showPage(Page page)
{
    m_pages->setCurrentIndex(int(page));
    // The keys page belongs to the Account tab, as in the help article's flow.
    m_navigation->setCurrentRow(page == Page::Configuration ? 0 : 1);
    if (page == Page::ApiKeys)
        m_keysPage->table()->setFocus();
}

MainWindow::Page MainWindow::currentPage() const
{
    return static_cast<Page>(m_pages->currentIndex());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    Q_EMIT aboutToClose();
    QMainWindow::closeEvent(event);
}

void MainWindow::copyOrganizationId()
{
    if (m_organization.id.isEmpty())
        return;
    // Not a secret: the plain clipboard, no clearing.
    QGuiApplication::clipboard()->setText(m_organization.id);
    m_toasts->showSuccess(tr("Organization ID copied"));
}

} // namespace keydesk
