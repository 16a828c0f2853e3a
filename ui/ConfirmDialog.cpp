#include "ConfirmDialog.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace keydesk {

ConfirmDialog::ConfirmDialog(const QString &title, const QString &text, const QString &confirmLabel,
                             Style style, QWidget *parent)
    : QDialog(parent)
{
    setObjectName(QStringLiteral("confirmDialog"));
    setWindowTitle(title);
    setWindowModality(Qt::WindowModal);
    setAttribute(Qt::WA_DeleteOnClose);

    auto *heading = new QLabel(title, this);
    heading->setObjectName(QStringLiteral("confirmTitle"));
    QFont headingFont = heading->font();
    headingFont.setPointSizeF(headingFont.pointSizeF() * 1.2);
    headingFont.setBold(true);
    heading->setFont(headingFont);
    auto *message = new QLabel(text, this);
    message->setObjectName(QStringLiteral("confirmText"));
    message->setWordWrap(true);
    message->setMinimumWidth(360);

    auto *buttons = new QDialogButtonBox(this);
    m_cancel = buttons->addButton(QDialogButtonBox::Cancel);
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_confirm = buttons->addButton(confirmLabel, QDialogButtonBox::AcceptRole);
    m_confirm->setObjectName(QStringLiteral("confirmButton"));
    m_confirm->setAccessibleName(confirmLabel);
    m_cancel->setAccessibleName(m_cancel->text().remove(u'&'));
    if (style == Style::Destructive) {
        m_confirm->setStyleSheet(
            QStringLiteral("QPushButton { background: #b3261e; color: white; border: none;"
                           " border-radius: 4px; padding: 6px 14px; }"
                           "QPushButton:focus { outline: 2px solid #5c0f0a; }"));
        // The safe answer is the default: Enter does not destroy anything by accident.
        m_cancel->setDefault(true);
        m_cancel->setFocus();
    } else {
        m_confirm->setDefault(true);
    }
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(heading);
    layout->addWidget(message);
    layout->addSpacing(8);
    layout->addWidget(buttons);
}

} // namespace keydesk
