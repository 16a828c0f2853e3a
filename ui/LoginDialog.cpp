#include "LoginDialog.h"

#include "ApiClient.h"

#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace keydesk {

namespace {

QLineEdit *field(const QString &objectName, const QString &accessibleName, QWidget *parent)
{
    auto *edit = new QLineEdit(parent);
    edit->setObjectName(objectName);
    edit->setAccessibleName(accessibleName);
    edit->setMinimumWidth(280);
    return edit;
}

QPushButton *button(const QString &text, const QString &objectName, QWidget *parent)
{
    auto *push = new QPushButton(text, parent);
    push->setObjectName(objectName);
    push->setAccessibleName(QString(text).remove(u'&'));
    return push;
}

} // namespace

LoginDialog::LoginDialog(ApiClient &client, const QUrl &serverUrl, QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_server(field(QStringLiteral("serverField"), tr("Server"), this))
    , m_serverStatus(new QLabel(this))
    , m_insecureWarning(new QLabel(this))
    , m_notice(new QLabel(this))
    , m_error(new QLabel(this))
    , m_forms(new QStackedWidget(this))
{
    setObjectName(QStringLiteral("loginDialog"));
    setWindowTitle(tr("Sign in to KeyDesk"));
    setWindowIcon(QIcon(QStringLiteral(":/keydesk.svg")));

    auto *logo = new QLabel(this);
    logo->setPixmap(QIcon(QStringLiteral(":/keydesk.svg")).pixmap(48, 48));
    auto *title = new QLabel(tr("KeyDesk"), this);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.6);
    titleFont.setBold(true);
    title->setFont(titleFont);
    auto *subtitle = new QLabel(tr("Your organization's API keys"), this);
    subtitle->setForegroundRole(QPalette::PlaceholderText);
    auto *header = new QHBoxLayout;
    header->addWidget(logo);
    auto *titles = new QVBoxLayout;
    titles->addWidget(title);
    titles->addWidget(subtitle);
    header->addLayout(titles, 1);

    m_notice->setObjectName(QStringLiteral("noticeLabel"));
    m_notice->setWordWrap(true);
    m_notice->setStyleSheet(QStringLiteral(
        "QLabel { background: #e8f0fe; color: #174ea6; padding: 8px; border-radius: 4px; }"));
    m_notice->hide();
    m_error->setObjectName(QStringLiteral("errorLabel"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("QLabel { color: #b3261e; }"));
    m_error->setAccessibleName(tr("Error"));
    m_error->hide();

    m_server->setText(serverUrl.toString());
    m_server->setPlaceholderText(QStringLiteral("http://127.0.0.1:8787"));
    m_serverStatus->setObjectName(QStringLiteral("serverStatus"));
    m_serverStatus->setWordWrap(true);
    m_serverStatus->setForegroundRole(QPalette::PlaceholderText);
    m_insecureWarning->setObjectName(QStringLiteral("insecureWarning"));
    m_insecureWarning->setWordWrap(true);
    m_insecureWarning->setText(
        tr("Warning: this server is reached over plain HTTP. Your password and keys "
           "would cross the network unencrypted. Use an https:// address."));
    m_insecureWarning->setStyleSheet(QStringLiteral(
        "QLabel { background: #fef7e0; color: #8a4b00; padding: 8px; border-radius: 4px; }"));
    m_insecureWarning->hide();
    connect(m_server, &QLineEdit::textChanged, this, &LoginDialog::serverChanged);
    connect(m_server, &QLineEdit::editingFinished, this, &LoginDialog::checkServer);

    auto *serverForm = new QFormLayout;
    serverForm->addRow(tr("&Server"), m_server);
    auto *statusSpacer = new QLabel(this); // keeps the status under the field, in the label column
    serverForm->addRow(statusSpacer, m_serverStatus);

    // Sign in
    auto *signInPage = new QWidget(m_forms);
    m_email = field(QStringLiteral("emailField"), tr("Email"), signInPage);
    m_password = field(QStringLiteral("passwordField"), tr("Password"), signInPage);
    m_password->setEchoMode(QLineEdit::Password);
    m_signIn = button(tr("Sign in"), QStringLiteral("signInButton"), signInPage);
    m_signIn->setDefault(true);
    m_createOrganization =
        button(tr("Create organization…"), QStringLiteral("createOrganizationButton"), signInPage);
    m_createOrganization->setFlat(true);
    m_createOrganization->hide();
    auto *signInForm = new QFormLayout;
    signInForm->addRow(tr("&Email"), m_email);
    signInForm->addRow(tr("&Password"), m_password);
    auto *signInButtons = new QHBoxLayout;
    signInButtons->addWidget(m_createOrganization);
    signInButtons->addStretch();
    signInButtons->addWidget(m_signIn);
    auto *signInLayout = new QVBoxLayout(signInPage);
    signInLayout->setContentsMargins(0, 0, 0, 0);
    signInLayout->addLayout(signInForm);
    signInLayout->addLayout(signInButtons);
    connect(m_signIn, &QPushButton::clicked, this, &LoginDialog::signIn);
    connect(m_password, &QLineEdit::returnPressed, this, &LoginDialog::signIn);
    connect(m_createOrganization, &QPushButton::clicked, this, [this] { showSignUp(true); });

    // Create organization
    auto *signUpPage = new QWidget(m_forms);
    m_organizationName =
        field(QStringLiteral("organizationNameField"), tr("Organization name"), signUpPage);
    m_name = field(QStringLiteral("nameField"), tr("Your name"), signUpPage);
    m_signUpEmail = field(QStringLiteral("signUpEmailField"), tr("Email"), signUpPage);
    m_signUpPassword = field(QStringLiteral("signUpPasswordField"), tr("Password"), signUpPage);
    m_signUpPassword->setEchoMode(QLineEdit::Password);
    m_signUpPassword->setPlaceholderText(tr("At least 12 characters"));
    m_signUp = button(tr("Create organization"), QStringLiteral("signUpButton"), signUpPage);
    m_backToSignIn =
        button(tr("Back to sign in"), QStringLiteral("backToSignInButton"), signUpPage);
    m_backToSignIn->setFlat(true);
    auto *signUpForm = new QFormLayout;
    signUpForm->addRow(tr("&Organization"), m_organizationName);
    signUpForm->addRow(tr("Your &name"), m_name);
    signUpForm->addRow(tr("E&mail"), m_signUpEmail);
    signUpForm->addRow(tr("Pass&word"), m_signUpPassword);
    auto *signUpButtons = new QHBoxLayout;
    signUpButtons->addWidget(m_backToSignIn);
    signUpButtons->addStretch();
    signUpButtons->addWidget(m_signUp);
    auto *signUpLayout = new QVBoxLayout(signUpPage);
    signUpLayout->setContentsMargins(0, 0, 0, 0);
    signUpLayout->addLayout(signUpForm);
    signUpLayout->addLayout(signUpButtons);
    connect(m_signUp, &QPushButton::clicked, this, &LoginDialog::signUp);
    connect(m_signUpPassword, &QLineEdit::returnPressed, this, &LoginDialog::signUp);
    connect(m_backToSignIn, &QPushButton::clicked, this, [this] { showSignUp(false); });

    m_forms->addWidget(signInPage);
    m_forms->addWidget(signUpPage);
    // One label column for all three forms, so that the fields line up whichever page shows.
    int labelWidth = 0;
    for (QFormLayout *form : {serverForm, signInForm, signUpForm}) {
        for (int row = 0; row < form->rowCount(); ++row) {
            if (QLayoutItem *item = form->itemAt(row, QFormLayout::LabelRole);
                item && item->widget())
                labelWidth = qMax(labelWidth, item->widget()->sizeHint().width());
        }
    }
    for (QFormLayout *form : {serverForm, signInForm, signUpForm}) {
        for (int row = 0; row < form->rowCount(); ++row) {
            if (QLayoutItem *item = form->itemAt(row, QFormLayout::LabelRole);
                item && item->widget())
                item->widget()->setMinimumWidth(labelWidth);
        }
    }

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 20, 24, 20);
    layout->addLayout(header);
    layout->addSpacing(8);
    layout->addWidget(m_notice);
    layout->addLayout(serverForm);
    layout->addWidget(m_insecureWarning);
    layout->addWidget(m_forms);
    layout->addWidget(m_error);
    layout->setSizeConstraint(QLayout::SetFixedSize);

    serverChanged();
    showSignUp(false);
    checkServer();
}

void LoginDialog::setNotice(const QString &notice)
{
    m_notice->setText(notice);
    m_notice->setVisible(!notice.isEmpty());
}

void LoginDialog::setEmail(const QString &email)
{
    m_email->setText(email);
    if (!email.isEmpty())
        m_password->setFocus();
}

QUrl LoginDialog::serverUrl() const
{
    return QUrl::fromUserInput(m_server->text().trimmed());
}

void LoginDialog::serverChanged()
{
    const QUrl url = serverUrl();
    m_insecureWarning->setVisible(url.isValid() && ApiClient::isInsecureRemote(url));
}

bool LoginDialog::applyServerUrl()
{
    const QUrl url = serverUrl();
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != u"http" && url.scheme() != u"https")) {
        showError(tr("Enter the server's address, for example https://keys.example.com."));
        return false;
    }
    m_client.setBaseUrl(url);
    return true;
}

void LoginDialog::checkServer()
{
    const QString text = m_server->text().trimmed();
    if (text.isEmpty() || text == m_checkedServer)
        return;
    if (!applyServerUrl())
        return;
    m_checkedServer = text;
    m_serverStatus->setText(tr("Connecting…"));
    m_client.info(this, [this, text](const Result<ServerInfo> &result) {
        if (text != m_checkedServer)
            return; // the user has typed another address since
        if (!result) {
            m_serverStatus->setText(result.error().message);
            m_signupEnabled = false;
            m_checkedServer.clear(); // try again on the next edit or submit
        } else {
            m_serverStatus->setText(tr("Connected to %1 %2").arg(result->name, result->version));
            m_signupEnabled = result->signupEnabled;
        }
        m_createOrganization->setVisible(m_signupEnabled);
        if (!m_signupEnabled && m_forms->currentIndex() == 1)
            showSignUp(false);
    });
}

void LoginDialog::showSignUp(bool signUp)
{
    m_forms->setCurrentIndex(signUp ? 1 : 0);
    // A QStackedWidget is as tall as its tallest page; size it to the one that shows.
    for (int i = 0; i < m_forms->count(); ++i) {
        m_forms->widget(i)->setSizePolicy(
            i == m_forms->currentIndex() ? QSizePolicy::Preferred : QSizePolicy::Ignored,
            i == m_forms->currentIndex() ? QSizePolicy::Preferred : QSizePolicy::Ignored);
    }
    m_forms->adjustSize();
    m_error->hide();
    setWindowTitle(signUp ? tr("Create an organization") : tr("Sign in to KeyDesk"));
    if (signUp) {
        if (m_signUpEmail->text().isEmpty())
            m_signUpEmail->setText(m_email->text());
        m_organizationName->setFocus();
        m_signUp->setDefault(true);
    } else {
        m_email->setFocus();
        m_signIn->setDefault(true);
    }
}

void LoginDialog::setBusy(bool busy)
{
    m_busy = busy;
    m_signIn->setEnabled(!busy);
    m_signUp->setEnabled(!busy);
    m_server->setEnabled(!busy);
    if (busy)
        m_error->hide();
}

void LoginDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->show();
}

void LoginDialog::signIn()
{
    if (m_busy)
        return;
    if (m_email->text().trimmed().isEmpty() || m_password->text().isEmpty()) {
        showError(tr("Enter your email address and password."));
        return;
    }
    if (!applyServerUrl())
        return;
    setBusy(true);
    const QUrl server = serverUrl();
    m_client.logIn(m_email->text().trimmed(), m_password->text(), this,
                   [this, server](const Result<SessionGrant> &result) {
                       setBusy(false);
                       if (!result) {
                           showError(result.error().message);
                           m_password->selectAll();
                           m_password->setFocus();
                           return;
                       }
                       m_password->clear();
                       Q_EMIT signedIn(*result, server);
                   });
}

void LoginDialog::signUp()
{
    if (m_busy)
        return;
    if (!applyServerUrl())
        return;
    setBusy(true);
    const QUrl server = serverUrl();
    m_client.signUp(m_organizationName->text(), m_name->text(), m_signUpEmail->text().trimmed(),
                    m_signUpPassword->text(), this,
                    [this, server](const Result<SessionGrant> &result) {
                        setBusy(false);
                        if (!result) {
                            QStringList lines;
                            for (const FieldError &error : result.error().fieldErrors) {
                                static const QHash<QString, QString> labels {
                                    {QStringLiteral("organization_name"), tr("Organization")},
                                    {QStringLiteral("name"), tr("Your name")},
                                    {QStringLiteral("email"), tr("Email")},
                                    {QStringLiteral("password"), tr("Password")},
                                };
                                lines.append(tr("%1: %2").arg(
                                    labels.value(error.field, error.field), error.message));
                            }
                            showError(lines.isEmpty() ? result.error().message : lines.join(u'\n'));
                            return;
                        }
                        m_signUpPassword->clear();
                        Q_EMIT signedIn(*result, server);
                    });
}

} // namespace keydesk
