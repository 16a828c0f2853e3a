#include "ShowSecretDialog.h"

#include "ClipboardGuard.h"
#include "ConfirmDialog.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace keydesk {

ShowSecretDialog::ShowSecretDialog(const QByteArray &secret, const QString &keyName,
                                   ClipboardGuard &clipboard, QWidget *parent)
    : QDialog(parent)
    , m_clipboard(clipboard)
    , m_secret(secret)
    , m_field(new QLineEdit(this))
    , m_copyButton(new QPushButton(tr("Copy"), this))
{
    setObjectName(QStringLiteral("showSecretDialog"));
    setWindowTitle(tr("New API key"));
    setWindowModality(Qt::WindowModal);
    setAttribute(Qt::WA_DeleteOnClose);

    auto *heading = new QLabel(keyName.isEmpty() ? tr("Your new API key")
                                                 : tr("Your new API key “%1”").arg(keyName),
                               this);
    QFont headingFont = heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.2);
    headingFont.setBold(true);
    heading->setFont(headingFont);
    heading->setWordWrap(true);
    auto *warning = new QLabel(tr("Copy this key now. You won't be able to see it again."), this);
    warning->setObjectName(QStringLiteral("showOnceWarning"));
    warning->setWordWrap(true);

    m_field->setObjectName(QStringLiteral("secretField"));
    m_field->setReadOnly(true);
    m_field->setText(QString::fromLatin1(m_secret));
    m_field->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_field->setAccessibleName(tr("API key"));
    m_field->setMinimumWidth(m_field->fontMetrics().horizontalAdvance(m_field->text()) + 24);
    // No context menu: "Copy" there would bypass the clipboard guard.
    m_field->setContextMenuPolicy(Qt::NoContextMenu);

    m_copyButton->setObjectName(QStringLiteral("copyButton"));
    m_copyButton->setAccessibleName(tr("Copy"));
    m_copyButton->setIcon(QIcon(QStringLiteral(":/icons/copy.svg")));
    m_copyButton->setDefault(true);
    connect(m_copyButton, &QPushButton::clicked, this, &ShowSecretDialog::copy);

    auto *fieldRow = new QHBoxLayout;
    fieldRow->addWidget(m_field, 1);
    fieldRow->addWidget(m_copyButton);

    auto *buttons = new QDialogButtonBox(this);
    QPushButton *done = buttons->addButton(tr("Done"), QDialogButtonBox::AcceptRole);
    done->setObjectName(QStringLiteral("doneButton"));
    done->setAccessibleName(tr("Done"));
    done->setAutoDefault(false);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(heading);
    layout->addWidget(warning);
    layout->addSpacing(4);
    layout->addLayout(fieldRow);
    layout->addSpacing(8);
    layout->addWidget(buttons);
    m_copyButton->setFocus();
}

ShowSecretDialog::~ShowSecretDialog()
{
    wipe();
}

void ShowSecretDialog::copy()
{
    m_clipboard.copySecret(m_secret);
    m_copied = true;
    m_copyButton->setText(tr("Copied"));
    Q_EMIT copied();
}

void ShowSecretDialog::done(int result)
{
    if (m_copied || m_confirmed) {
        wipe();
        QDialog::done(result);
        return;
    }
    auto *confirm = new ConfirmDialog(
        tr("Close without copying?"),
        tr("You have not copied the key. Once this window closes, nobody can show it "
           "again: you would have to create a new key."),
        tr("Close without copying"), ConfirmDialog::Style::Destructive, this);
    confirm->setObjectName(QStringLiteral("confirmCloseDialog"));
    connect(confirm, &QDialog::accepted, this, [this, result] {
        m_confirmed = true;
        done(result);
    });
    confirm->open();
}

void ShowSecretDialog::wipe()
{
    // Overwrite our copy and the field's text; QLineEdit keeps an undo history, hence clear().
    m_secret.fill('\0');
    m_secret.clear();
    m_field->clear();
}

} // namespace keydesk
