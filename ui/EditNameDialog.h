#pragma once

#include "ApiClient.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;

namespace keydesk {

// "Edit name" from a row's menu: prefilled, Save / Cancel; the dialog does the PATCH and stays
// open with the error when it fails.
class EditNameDialog final : public QDialog
{
    Q_OBJECT
public:
    EditNameDialog(ApiClient &client, const QString &organizationId, const ApiKey &key,
                   QWidget *parent);

Q_SIGNALS:
    void renamed(const keydesk::ApiKey &key);

private:
    void save();

    ApiClient &m_client;
    QString m_organizationId;
    QString m_keyId;
    QLineEdit *m_name;
    QLabel *m_error;
    QPushButton *m_save;
};

} // namespace keydesk
