#pragma once

#include <QDialog>

class QPushButton;

namespace keydesk {

// A yes/no question with a clear action label ("Revoke key", "Close without copying"), opened
// window-modal with open() — never exec() — so nothing spins a nested event loop and tests can
// answer it like a person: find it by objectName, click a button.
class ConfirmDialog final : public QDialog
{
    Q_OBJECT
public:
    enum class Style { Normal, Destructive };
    ConfirmDialog(const QString &title, const QString &text, const QString &confirmLabel,
                  Style style, QWidget *parent);

    QPushButton *confirmButton() const { return m_confirm; }
    QPushButton *cancelButton() const { return m_cancel; }

private:
    QPushButton *m_confirm;
    QPushButton *m_cancel;
};

} // namespace keydesk
