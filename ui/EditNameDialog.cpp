#include "EditNameDialog.h"

#include "Names.h"
#include "NewKeyDialog.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace keydesk {

EditNameDialog::EditNameDialog(ApiClient &client, const QString &organizationId, const ApiKey &key,
                               QWidget *parent)
    : QDialog(parent)
    , m_client(client)
    , m_organizationId(organizationId)
    , m_keyId(key.id)
    , m_name(new QLineEdit(key.name, this))
    , m_error(new QLabel(this))
{
    setObjectName(QStringLiteral("editNameDialog"));
    setWindowTitle(tr("Edit name"));
    setWindowModality(Qt::WindowModal);
    setAttribute(Qt::WA_DeleteOnClose);

    m_name->setObjectName(QStringLiteral("keyNameField"));
    m_name->setAccessibleName(tr("API Key Name"));
    m_name->setPlaceholderText(tr("Unnamed key"));
    m_name->setMinimumWidth(320);
    m_name->selectAll();
    auto *hint = new QLabel(tr("Key %1").arg(key.hint), this);
    hint->setForegroundRole(QPalette::PlaceholderText);

    m_error->setObjectName(QStringLiteral("errorLabel"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("QLabel { color: #b3261e; }"));
    m_error->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("API Key &Name"), m_name);
    form->addRow(QString(), hint);

    auto *buttons = new QDialogButtonBox(this);
    QPushButton *cancel = buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setObjectName(QStringLiteral("cancelButton"));
    cancel->setAccessibleName(tr("Cancel"));
    m_save = buttons->addButton(tr("Save"), QDialogButtonBox::AcceptRole);
    m_save->setObjectName(QStringLiteral("saveButton"));
    m_save->setAccessibleName(tr("Save"));
    m_save->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &EditNameDialog::save);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addSpacing(8);
    layout->addWidget(buttons);
}

void EditNameDialog::save()
{
    const NameCheck check = checkName(m_name->text());
    if (!check.ok()) {
        m_error->setText(NewKeyDialog::nameProblemText(check.problem));
        m_error->show();
        return;
    }
    m_save->setEnabled(false);
    m_error->hide();
    m_client.renameKey(m_organizationId, m_keyId, check.normalized, this,
                       [this](const Result<ApiKey> &result) {
                           m_save->setEnabled(true);
                           if (!result) {
                               m_error->setText(result.error().message);
                               m_error->show();
                               return;
                           }
                           Q_EMIT renamed(*result);
                           accept();
                       });
}

} // namespace keydesk
