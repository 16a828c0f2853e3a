#pragma once

#include <QPointer>
#include <QWidget>

class QLabel;
class QTimer;

namespace keydesk {

// A short confirmation or error shown at the bottom-right of a window (DESIGN §2.8): stacked,
// hidden after a few seconds or on click, and announced to assistive technology.
class Toast final : public QWidget
{
    Q_OBJECT
public:
    enum class Kind { Success, Error };
    Toast(Kind kind, const QString &text, QWidget *parent);

    Kind kind() const { return m_kind; }
    QString text() const;

Q_SIGNALS:
    void dismissed();

protected:
    void mousePressEvent(QMouseEvent *event) override;

private:
    Kind m_kind;
    QLabel *m_label;
};

// Owns the toasts of one window and keeps them stacked in its bottom-right corner, above
// everything else, as the window resizes.
class ToastHost final : public QObject
{
    Q_OBJECT
public:
    explicit ToastHost(QWidget *window);

    void showSuccess(const QString &text) { show(Toast::Kind::Success, text); }
    void showError(const QString &text) { show(Toast::Kind::Error, text); }
    QList<Toast *> visibleToasts() const;

    static constexpr int displayMs = 5000;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void show(Toast::Kind kind, const QString &text);
    void relayout();

    QWidget *m_window;
    QList<QPointer<Toast>> m_toasts;
};

} // namespace keydesk
