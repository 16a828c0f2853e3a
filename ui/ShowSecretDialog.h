#pragma once

#include <QByteArray>
#include <QDialog>

class QLineEdit;
class QPushButton;

namespace keydesk {

class ClipboardGuard;

// Shows a new key's secret exactly once (DESIGN §2.6). The secret lives only in this dialog and
// is wiped when it closes; closing before copying asks first.
class ShowSecretDialog final : public QDialog
{
    Q_OBJECT
public:
    ShowSecretDialog(const QByteArray &secret, const QString &keyName, ClipboardGuard &clipboard,
                     QWidget *parent);
    ~ShowSecretDialog() override;

    bool wasCopied() const { return m_copied; }

public Q_SLOTS:
    void done(int result) override;

Q_SIGNALS:
    void copied();

private:
    void copy();
    void wipe();

    ClipboardGuard &m_clipboard;
    QByteArray m_secret;
    QLineEdit *m_field;
    QPushButton *m_copyButton;
    bool m_copied = false;
    bool m_confirmed = false;
};

} // namespace keydesk
