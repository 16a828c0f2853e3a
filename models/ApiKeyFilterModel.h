#pragma once

#include <QAbstractProxyModel>
#include <QList>
#include <QMetaObject>
#include <QPointer>
#include <QString>

namespace keydesk {

class ApiKeyTableModel;

// The search field and the sortable header of the keys page, over an ApiKeyTableModel.
//
// Not a QSortFilterProxyModel: at 100 000 keys its sort compares QVariants through QModelIndex
// (~0.5 s) and its filter removes rows range by range (~0.5 s with a view attached), DESIGN §5.
// This proxy keeps every source row in sort order (sorted once per sort request over the
// model's precomputed RowKeys) and shows the subsequence the search accepts, so a new search
// string is one linear pass and one layoutChanged; selections survive both.
// Rows that arrive, leave or change in the source are placed with insert/remove/move signals.
//
// Ties, and the unsorted state (sort column -1 or Actions), keep the source order: newest first.
class ApiKeyFilterModel final : public QAbstractProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiKeyFilterModel)

public:
    explicit ApiKeyFilterModel(QObject *parent = nullptr);
    ~ApiKeyFilterModel() override;

    // Only an ApiKeyTableModel is shown; any other model leaves the proxy empty.
    void setSourceModel(QAbstractItemModel *sourceModel) override;
    ApiKeyTableModel *tableModel() const { return m_source; }

    // Case-insensitive substring of the name (as shown, so "unnamed" finds unnamed keys) or of
    // the hint. A whole pasted key finds the key whose hint it matches.
    QString filterText() const { return m_filterText; }
    void setFilterText(const QString &text);

    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sortOrder; }

    QModelIndex index(int row, int column,
                      const QModelIndex &parent = QModelIndex()) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    QModelIndex sibling(int row, int column, const QModelIndex &idx) const override;
    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    bool hasChildren(const QModelIndex &parent = QModelIndex()) const override;
    QModelIndex mapToSource(const QModelIndex &proxyIndex) const override;
    QModelIndex mapFromSource(const QModelIndex &sourceIndex) const override;
    // QAbstractProxyModel maps header sections through row 0, which loses the column titles
    // when the search matches nothing.
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    bool lessThan(int left, int right) const;
    bool accepts(int sourceRow) const;
    void sortSourceRows(QList<int> &rows) const;
    void filterOrder();
    void rebuild();
    void relayout(bool resort);
    void ensureInverse() const;
    void insertVisible(const QList<int> &sortedSourceRows);

    void onRowsInserted(int first, int last);
    void onRowsAboutToBeRemoved(int first, int last);
    void onRowsRemoved(int first, int last);
    void onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                       const QList<int> &roles);
    void replaceRow(int sourceRow, int firstColumn, int lastColumn, const QList<int> &roles);

    QPointer<ApiKeyTableModel> m_source;
    QList<QMetaObject::Connection> m_connections;
    // Every source row, in sort order; the rows shown are the accepted subsequence.
    QList<int> m_order;
    QList<int> m_rows; // proxy row -> source row
    // source row -> proxy row or -1; rebuilt on demand because a batch of inserts would
    // otherwise renumber it once per inserted range.
    mutable QList<int> m_inverse;
    mutable bool m_inverseDirty = true;
    int m_sortColumn = -1;
    Qt::SortOrder m_sortOrder = Qt::AscendingOrder;
    QString m_filterText;
    QString m_needle; // folded, trimmed
    QString m_keyHint; // folded hint of a pasted whole key
};

} // namespace keydesk
