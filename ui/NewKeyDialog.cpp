#include "NewKeyDialog.h"

#include "Clock.h"
#include "Names.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPushButton>
#include <QVBoxLayout>

namespace keydesk {

NewKeyDialog::NewKeyDialog(ApiClient &client, const QString &organizationId, const Clock &clock,
                           QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_organizationId(organizationId)
    , m_clock(clock)
    , m_idempotencyKey(ApiClient::newIdempotencyKey())
    , m_name(new QLineEdit(this))
    , m_expiration(new QComboBox(this))
    , m_expiry(new QLabel(this))
    , m_access(new QComboBox(this))
    , m_error(new QLabel(this))
{
    setObjectName(QStringLiteral("newKeyDialog"));
    setWindowTitle(tr("New API key"));
    setWindowModality(Qt::WindowModal);
    setAttribute(Qt::WA_DeleteOnClose);

    m_name->setObjectName(QStringLiteral("keyNameField"));
    m_name->setAccessibleName(tr("API Key Name (optional)"));
    m_name->setPlaceholderText(tr("e.g. Production deploys"));
    m_name->setMaxLength(maxNameLength * 2); // the code-point limit is checked below
    m_name->setMinimumWidth(320);

    m_expiration->setObjectName(QStringLiteral("expirationCombo"));
    m_expiration->setAccessibleName(tr("Expiration"));
    for (Expiration expiration : allExpirations)
        m_expiration->addItem(expirationLabel(expiration), QVariant::fromValue(int(expiration)));
    m_expiration->setCurrentIndex(1); // one month: a sensible default that still expires
    m_expiry->setObjectName(QStringLiteral("expiryLabel"));
    m_expiry->setForegroundRole(QPalette::PlaceholderText);

    m_access->setObjectName(QStringLiteral("accessCombo"));
    m_access->setAccessibleName(tr("Access"));
    m_access->addItem(tr("Full access"), QVariant::fromValue(int(Access::Full)));
    m_access->addItem(tr("Read only"), QVariant::fromValue(int(Access::ReadOnly)));

    m_error->setObjectName(QStringLiteral("errorLabel"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("QLabel { color: #b3261e; }"));
    m_error->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("API Key &Name (optional)"), m_name);
    form->addRow(tr("&Expiration"), m_expiration);
    form->addRow(QString(), m_expiry);
    form->addRow(tr("&Access"), m_access);

    auto *buttons = new QDialogButtonBox(this);
    QPushButton *cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setObjectName(QStringLiteral("cancelButton"));
    cancel->setAccessibleName(tr("Cancel"));
    m_create = buttons->addButton(tr("Create"), QDialogButtonBox::AcceptRole);
    m_create->setObjectName(QStringLiteral("createButton"));
    m_create->setAccessibleName(tr("Create"));
    m_create->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &NewKeyDialog::create);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_expiration, &QComboBox::currentIndexChanged, this, &NewKeyDialog::updateExpiry);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addSpacing(8);
    layout->addWidget(buttons);
    updateExpiry();
    m_name->setFocus();
}

QString NewKeyDialog::expirationLabel(Expiration expiration)
{
    switch (expiration) {
    case Expiration::TwoWeeks:
        return tr("Two weeks");
    case Expiration::OneMonth:
        return tr("One month");
    case Expiration::ThreeMonths:
        return tr("Three months");
    case Expiration::SixMonths:
        return tr("Six months");
    case Expiration::OneYear:
        return tr("One year");
    case Expiration::Never:
        return tr("Never");
    }
    return {};
}

QString NewKeyDialog::nameProblemText(NameProblem problem)
{
    // The same rules the server applies (core/Names), said before a round trip.
    if (problem == NameProblem::TooLong)
        return tr("The name can have at most %1 characters.").arg(maxNameLength);
    return tr("The name cannot contain line breaks, tabs or other invisible control characters.");
}

QString NewKeyDialog::expiryText(const QDateTime &createdAt, Expiration expiration)
{
    const QDateTime expiry = expiresAt(createdAt, expiration);
    if (!expiry.isValid())
        return tr("This key never expires");
    //: %1 is a date such as "26 Dec 2026"
    return tr("Expires on %1")
        .arg(QLocale().toString(expiry.toLocalTime().date(), QStringLiteral("d MMM yyyy")));
}

Expiration NewKeyDialog::selectedExpiration() const
{
    return static_cast<Expiration>(m_expiration->currentData().toInt());
}

void NewKeyDialog::updateExpiry()
{
    m_expiry->setText(expiryText(m_clock.now(), selectedExpiration()));
}

void NewKeyDialog::create()
{
    const NameCheck check = checkName(m_name->text());
    if (!check.ok()) {
        m_error->setText(nameProblemText(check.problem));
        m_error->show();
        m_name->setFocus();
        return;
    }
    m_create->setEnabled(false);
    m_create->setText(tr("Creating…"));
    m_error->hide();
    const auto access = static_cast<Access>(m_access->currentData().toInt());
    m_client.createKey(m_organizationId, check.normalized, selectedExpiration(), access,
                       m_idempotencyKey, this, [this](const Result<ApiClient::CreatedKey> &result) {
                           m_create->setEnabled(true);
                           m_create->setText(tr("Create"));
                           if (!result) {
                               m_error->setText(result.error().message);
                               m_error->show();
                               return;
                           }
                           Q_EMIT created(*result);
                           accept();
                       });
}

} // namespace keydesk
