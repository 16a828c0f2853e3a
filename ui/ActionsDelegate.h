#pragma once

#include <QStyledItemDelegate>

namespace keydesk {

// Paints the ⋮ of a row's last column and opens the row menu on a click. Painted rather than a
// widget per row: setIndexWidget widgets are invisible to assistive technology in Qt 6.4
// (DESIGN §2.7), while the cell itself is reachable by keyboard and announced through the model's
// AccessibleTextRole.
class ActionsDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

    void paint(QPainter *painter, const QStyleOptionViewItem &option,
               const QModelIndex &index) const override;
    QSize sizeHint(const QStyleOptionViewItem &option, const QModelIndex &index) const override;

Q_SIGNALS:
    // `globalCorner`: the bottom-right corner of the ⋮ cell, where the menu's top-right goes.
    void menuRequested(const QModelIndex &index, const QPoint &globalCorner);

protected:
    bool editorEvent(QEvent *event, QAbstractItemModel *model, const QStyleOptionViewItem &option,
                     const QModelIndex &index) override;
};

} // namespace keydesk
