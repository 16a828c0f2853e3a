#pragma once

#include "ApiClient.h"
#include "Names.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPushButton;

namespace keydesk {

class Clock;

// "+ New API key" (DESIGN §2.5): optional name, the six expirations with a live "Expires on …"
// line, and the access level. Create stays disabled while the request runs; a failure keeps the
// dialog open with the error. A retry after a failure reuses the Idempotency-Key, so a request
// that did reach the server never makes a second key.
class NewKeyDialog final : public QDialog
{
    Q_OBJECT
public:
    NewKeyDialog(ApiClient &client, const QString &organizationId, const Clock &clock,
                 QWidget *parent);

    static QString expirationLabel(Expiration expiration);
    // Why a key name is refused, for this dialog and the Edit name dialog.
    static QString nameProblemText(NameProblem problem);
    // "Expires on 26 Dec 2026" / "This key never expires"
    static QString expiryText(const QDateTime &createdAt, Expiration expiration);

Q_SIGNALS:
    void created(const keydesk::ApiClient::CreatedKey &created);

private:
    void updateExpiry();
    void create();
    Expiration selectedExpiration() const;

    ApiClient &m_client;
    QString m_organizationId;
    const Clock &m_clock;
    QString m_idempotencyKey;
    QLineEdit *m_name;
    QComboBox *m_expiration;
    QLabel *m_expiry;
    QComboBox *m_access;
    QLabel *m_error;
    QPushButton *m_create;
};

} // namespace keydesk
