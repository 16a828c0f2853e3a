#include "ActionsDelegate.h"

#include <QAbstractItemView>
#include <QApplication>
#include <QMouseEvent>
#include <QPainter>

namespace keydesk {

namespace {
const QString kebab = QStringLiteral("\u22EE"); // ⋮
}

void ActionsDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                            const QModelIndex &index) const
{
    QStyleOptionViewItem opt = option;
    initStyleOption(&opt, index);
    opt.text.clear();
    const QWidget *widget = option.widget;
    QStyle *style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    painter->save();
    QFont font = option.font;
    font.setBold(true);
    font.setPointSizeF(font.pointSizeF() * 1.3);
    painter->setFont(font);
    const bool enabled = option.state & QStyle::State_Enabled;
    const QPalette::ColorRole role =
        option.state & QStyle::State_Selected ? QPalette::HighlightedText : QPalette::Text;
    painter->setPen(option.palette.color(enabled ? QPalette::Active : QPalette::Disabled, role));
    if (option.state & QStyle::State_MouseOver) {
        painter->setRenderHint(QPainter::Antialiasing);
        QColor hover = option.palette.color(QPalette::Mid);
        hover.setAlpha(70);
        const int side = qMin(option.rect.height() - 4, 28);
        painter->setBrush(hover);
        painter->setPen(Qt::NoPen);
        painter->drawEllipse(
            QRect(0, 0, side, side).translated(option.rect.center() - QPoint(side / 2, side / 2)));
        painter->setPen(option.palette.color(role));
    }
    painter->drawText(option.rect, Qt::AlignCenter, kebab);
    painter->restore();
}

QSize ActionsDelegate::sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const
{
    const QSize base = QStyledItemDelegate::sizeHint(option, index);
    return {qMax(base.width(), 40), base.height()};
}

bool ActionsDelegate::editorEvent(QEvent *event, QAbstractItemModel *model,
                                  const QStyleOptionViewItem &option, const QModelIndex &index)
{
    if (event->type() == QEvent::MouseButtonRelease) {
        const auto *mouse = static_cast<QMouseEvent *>(event);
        if (mouse->button() == Qt::LeftButton
            && option.rect.contains(mouse->position().toPoint())) {
            // option.rect is in viewport coordinates; the menu hangs below the ⋮, right-aligned.
            const auto *view = qobject_cast<const QAbstractItemView *>(option.widget);
            const QPoint corner = option.rect.bottomRight();
            Q_EMIT menuRequested(index,
                                 view ? view->viewport()->mapToGlobal(corner)
                                      : mouse->globalPosition().toPoint());
            return true;
        }
    }
    return QStyledItemDelegate::editorEvent(event, model, option, index);
}

} // namespace keydesk
