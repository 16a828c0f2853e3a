#include "ClipboardGuard.h"

#include <QClipboard>
#include <QCryptographicHash>
#include <QGuiApplication>
#include <QMimeData>

namespace keydesk {

namespace {
constexpr int defaultClearAfterMs = 60'000;

QByteArray fingerprintOf(const QByteArray &text)
{
    return QCryptographicHash::hash(text, QCryptographicHash::Sha256);
}
} // namespace

ClipboardGuard::ClipboardGuard(QObject *parent)
    : QObject(parent)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(defaultClearAfterMs);
    connect(&m_timer, &QTimer::timeout, this, &ClipboardGuard::clearIfOurs);
    if (auto *app = qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
        connect(app, &QGuiApplication::aboutToQuit, this, &ClipboardGuard::clearIfOurs);
}

ClipboardGuard::~ClipboardGuard()
{
    clearIfOurs();
}

void ClipboardGuard::setClearAfterMs(int milliseconds)
{
    m_timer.setInterval(milliseconds);
}

void ClipboardGuard::copySecret(const QByteArray &secret)
{
    auto *data = new QMimeData;
    data->setText(QString::fromLatin1(secret));
    // KDE Klipper, and managers that follow it, skip entries marked this way; the other two are
    // the conventions of Windows clipboard history and macOS (nspasteboard.org) managers.
    data->setData(QStringLiteral("x-kde-passwordManagerHint"), QByteArrayLiteral("secret"));
    data->setData(QStringLiteral("ExcludeClipboardContentFromMonitorProcessing"),
                  QByteArrayLiteral("1"));
    data->setData(QStringLiteral("org.nspasteboard.ConcealedType"), QByteArray());
    QGuiApplication::clipboard()->setMimeData(data);
    m_fingerprint = fingerprintOf(secret);
    m_timer.start();
}

bool ClipboardGuard::holdsSecret() const
{
    return !m_fingerprint.isEmpty()
        && fingerprintOf(QGuiApplication::clipboard()->text().toLatin1()) == m_fingerprint;
}

void ClipboardGuard::clearIfOurs()
{
    m_timer.stop();
    if (m_fingerprint.isEmpty() || !QGuiApplication::instance())
        return;
    if (holdsSecret())
        QGuiApplication::clipboard()->clear();
    m_fingerprint.clear();
    Q_EMIT cleared();
}

} // namespace keydesk
