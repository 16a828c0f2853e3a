#pragma once

#include <QByteArray>
#include <QObject>
#include <QTimer>

namespace keydesk {

// Puts secrets on the clipboard the careful way (DESIGN §2.6): marked as secret for clipboard
// managers, and cleared after a timeout, and on quit, if the clipboard still holds what we put
// there. Never keeps a copy of the secret: only a SHA-256 to recognise it.
class ClipboardGuard final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ClipboardGuard)
public:
    explicit ClipboardGuard(QObject *parent = nullptr);
    ~ClipboardGuard() override;

    void setClearAfterMs(int milliseconds);
    int clearAfterMs() const { return m_timer.interval(); }

    void copySecret(const QByteArray &secret);
    // Clears the clipboard if it still holds our secret.
    void clearIfOurs();
    bool holdsSecret() const;

Q_SIGNALS:
    void cleared();

private:
    QTimer m_timer;
    QByteArray m_fingerprint; // SHA-256 of what we copied; empty when nothing is ours
};

} // namespace keydesk
