#include "ToastHost.h"

#include <QAccessible>
#include <QEvent>
#include <QGraphicsDropShadowEffect>
#include <QHBoxLayout>
#include <QLabel>
#include <QTimer>

namespace keydesk {

namespace {
constexpr int margin = 16;
constexpr int spacing = 8;
} // namespace

Toast::Toast(Kind kind, const QString &text, QWidget *parent)
    : QWidget(parent)
    , m_kind(kind)
    , m_label(new QLabel(text, this))
{
    setObjectName(kind == Kind::Success ? QStringLiteral("toastSuccess")
                                        : QStringLiteral("toastError"));
    setAttribute(Qt::WA_StyledBackground);
    setAccessibleName(text);
    setAccessibleDescription(kind == Kind::Success ? tr("Confirmation") : tr("Error"));
    setCursor(Qt::PointingHandCursor);
    setToolTip(tr("Click to dismiss"));
    const QString background =
        kind == Kind::Success ? QStringLiteral("#1f7a4d") : QStringLiteral("#b3261e");
    setStyleSheet(QStringLiteral("keydesk--Toast { background: %1; border-radius: 6px; }"
                                 "QLabel { color: white; padding: 10px 14px; font-weight: 500; }")
                      .arg(background));
    // As wide as the text needs, up to a limit past which it wraps: a QLabel that may wrap
    // otherwise picks a narrow width and breaks even "API key revoked" in two.
    m_label->setWordWrap(true);
    // Measured bold: the style sheet's weight applies only at polish time, and a bold estimate
    // is never too narrow.
    QFont bold = m_label->font();
    bold.setBold(true);
    const int padding = 2 * 14 + 8;
    m_label->setFixedWidth(qMin(QFontMetrics(bold).horizontalAdvance(text) + padding, 420));
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_label);
    auto *shadow = new QGraphicsDropShadowEffect(this);
    shadow->setBlurRadius(16);
    shadow->setOffset(0, 2);
    shadow->setColor(QColor(0, 0, 0, 90));
    setGraphicsEffect(shadow);
}

QString Toast::text() const
{
    return m_label->text();
}

void Toast::mousePressEvent(QMouseEvent *)
{
    Q_EMIT dismissed();
}

ToastHost::ToastHost(QWidget *window)
    : QObject(window)
    , m_window(window)
{
    m_window->installEventFilter(this);
}

QList<Toast *> ToastHost::visibleToasts() const
{
    QList<Toast *> list;
    for (const QPointer<Toast> &toast : m_toasts) {
        if (toast && toast->isVisible())
            list.append(toast);
    }
    return list;
}

bool ToastHost::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_window
        && (event->type() == QEvent::Resize || event->type() == QEvent::LayoutRequest))
        relayout();
    return QObject::eventFilter(watched, event);
}

void ToastHost::show(Toast::Kind kind, const QString &text)
{
    auto *toast = new Toast(kind, text, m_window);
    m_toasts.append(toast);
    const auto dismiss = [this, toast] {
        m_toasts.removeAll(toast);
        toast->deleteLater();
        relayout();
    };
    connect(toast, &Toast::dismissed, this, dismiss);
    QTimer::singleShot(displayMs, toast, dismiss);
    toast->adjustSize();
    toast->show();
    toast->raise();
    relayout();
    // Screen readers announce the toast as it appears, as they would a status message.
    QAccessibleEvent announcement(toast, QAccessible::Alert);
    QAccessible::updateAccessibility(&announcement);
}

void ToastHost::relayout()
{
    m_toasts.removeAll(nullptr);
    int bottom = m_window->height() - margin;
    // Newest at the bottom, older ones pushed up.
    for (auto it = m_toasts.crbegin(); it != m_toasts.crend(); ++it) {
        Toast *toast = *it;
        toast->adjustSize();
        toast->move(m_window->width() - toast->width() - margin, bottom - toast->height());
        toast->raise();
        bottom -= toast->height() + spacing;
    }
}

} // namespace keydesk
