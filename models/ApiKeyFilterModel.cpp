#include "ApiKeyFilterModel.h"

#include "ApiKeyTableModel.h"
#include "KeyFormat.h"

#include <algorithm>
#include <array>
#include <functional>
#include <iterator>
#include <limits>
#include <optional>
#include <utility>
#include <vector>

namespace keydesk {

namespace {

using RowKeys = ApiKeyTableModel::RowKeys;

// Ascending comparison of one column's keys; 0 for a tie.
int compareKeys(const RowKeys &a, const RowKeys &b, int column)
{
    const auto compareInts = [](qint64 x, qint64 y) { return x < y ? -1 : (x > y ? 1 : 0); };
    switch (column) {
    case ApiKeyTableModel::Name:
        if (a.unnamed || b.unnamed)
            return int(a.unnamed) - int(b.unnamed);
        return a.name.compare(b.name);
    case ApiKeyTableModel::Key:
        return a.hint.compare(b.hint);
    case ApiKeyTableModel::Access:
        return compareInts(a.access, b.access);
    case ApiKeyTableModel::Created:
        return compareInts(a.createdAt, b.createdAt);
    case ApiKeyTableModel::Expires:
        return compareInts(a.expiresAt, b.expiresAt);
    case ApiKeyTableModel::LastUsed:
        return compareInts(a.lastUsedAt, b.lastUsedAt);
    case ApiKeyTableModel::CreatedBy:
        return a.createdBy.compare(b.createdBy);
    default:
        return 0;
    }
}

// The integer key of a column, or nullopt for the text columns.
std::optional<qint64> integerKey(const RowKeys &keys, int column)
{
    switch (column) {
    case ApiKeyTableModel::Access:
        return keys.access;
    case ApiKeyTableModel::Created:
        return keys.createdAt;
    case ApiKeyTableModel::Expires:
        return keys.expiresAt;
    case ApiKeyTableModel::LastUsed:
        return keys.lastUsedAt;
    default:
        return std::nullopt;
    }
}

bool isIntegerColumn(int column)
{
    return column == ApiKeyTableModel::Access || column == ApiKeyTableModel::Created
        || column == ApiKeyTableModel::Expires || column == ApiKeyTableModel::LastUsed;
}

const QString &textKey(const RowKeys &keys, int column)
{
    switch (column) {
    case ApiKeyTableModel::Name:
        return keys.name;
    case ApiKeyTableModel::Key:
        return keys.hint;
    default:
        return keys.createdBy;
    }
}

// The bulk sort of a text column is a most-significant-digit radix sort with twelve UTF-16
// units per digit: each round packs the next twelve units of every text into integers, sorts
// by those, and goes on only within runs that still tie. Names that share long prefixes
// ("billing search 1", "billing search 2", …) then cost one read of each string per round
// instead of one string comparison through the heap per sort comparison, and the entries stay
// small enough for the sort to move them cheaply.
// The result is QString::compare's order (UTF-16 code units), ties by source row.
struct TextEntry
{
    quint64 high = 0;
    quint64 middle = 0;
    quint64 low = 0;
    int row = 0;

    bool sameDigit(const TextEntry &other) const
    {
        return high == other.high && middle == other.middle && low == other.low;
    }
    // -1, 0, 1 on the digit only.
    int compareDigit(const TextEntry &other) const
    {
        if (high != other.high)
            return high < other.high ? -1 : 1;
        if (middle != other.middle)
            return middle < other.middle ? -1 : 1;
        if (low != other.low)
            return low < other.low ? -1 : 1;
        return 0;
    }
};

constexpr qsizetype unitsPerDigit = 12;

void packDigit(TextEntry &entry, QStringView text, qsizetype offset)
{
    const auto unit = [&](qsizetype i) -> quint64 {
        return offset + i < text.size() ? text[offset + i].unicode() : 0;
    };
    const auto four = [&](qsizetype at) {
        return unit(at) << 48 | unit(at + 1) << 32 | unit(at + 2) << 16 | unit(at + 3);
    };
    entry.high = four(0);
    entry.middle = four(4);
    entry.low = four(8);
}

template<typename TextOf>
void sortTextEntries(std::vector<TextEntry>::iterator begin, std::vector<TextEntry>::iterator end,
                     qsizetype offset, bool ascending, const TextOf &textOf)
{
    std::sort(begin, end, [ascending](const TextEntry &a, const TextEntry &b) {
        const int c = a.compareDigit(b);
        if (c != 0)
            return ascending ? c < 0 : c > 0;
        return a.row < b.row;
    });
    for (auto run = begin; run != end;) {
        auto runEnd = std::next(run);
        while (runEnd != end && runEnd->sameDigit(*run))
            ++runEnd;
        if (std::distance(run, runEnd) > 1) {
            bool longer = false;
            bool sameLength = true;
            const qsizetype length = textOf(run->row).size();
            for (auto it = run; it != runEnd && !longer; ++it) {
                const qsizetype size = textOf(it->row).size();
                longer = size > offset + unitsPerDigit;
                sameLength = sameLength && size == length;
            }
            if (longer) {
                for (auto it = run; it != runEnd; ++it)
                    packDigit(*it, textOf(it->row), offset + unitsPerDigit);
                sortTextEntries(run, runEnd, offset + unitsPerDigit, ascending, textOf);
            } else if (!sameLength) {
                // Texts that end within this digit and pack alike differ only by trailing
                // U+0000 padding ("a" < "a\0"): the shorter one first, as QString::compare.
                std::sort(run, runEnd, [&](const TextEntry &a, const TextEntry &b) {
                    const qsizetype sa = textOf(a.row).size();
                    const qsizetype sb = textOf(b.row).size();
                    if (sa != sb)
                        return ascending ? sa < sb : sa > sb;
                    return a.row < b.row;
                });
            }
            // Otherwise the run holds equal texts, already by row.
        }
        run = runEnd;
    }
}

} // namespace

ApiKeyFilterModel::ApiKeyFilterModel(QObject *parent)
    : QAbstractProxyModel(parent)
{ }

ApiKeyFilterModel::~ApiKeyFilterModel() = default;

void ApiKeyFilterModel::setSourceModel(QAbstractItemModel *sourceModel)
{
    auto *table = qobject_cast<ApiKeyTableModel *>(sourceModel);
    if (sourceModel && !table)
        qWarning("ApiKeyFilterModel: the source model must be an ApiKeyTableModel");

    beginResetModel();
    for (const QMetaObject::Connection &connection : std::as_const(m_connections))
        disconnect(connection);
    m_connections.clear();
    m_source = table;
    QAbstractProxyModel::setSourceModel(table);

    if (table) {
        using M = ApiKeyTableModel;
        m_connections = {
            connect(table, &M::modelAboutToBeReset, this, [this] { beginResetModel(); }),
            connect(table, &M::modelReset, this,
                    [this] {
                        rebuild();
                        endResetModel();
                    }),
            connect(
                table, &M::rowsInserted, this,
                [this](const QModelIndex &, int first, int last) { onRowsInserted(first, last); }),
            connect(table, &M::rowsAboutToBeRemoved, this,
                    [this](const QModelIndex &, int first, int last) {
                        onRowsAboutToBeRemoved(first, last);
                    }),
            connect(
                table, &M::rowsRemoved, this,
                [this](const QModelIndex &, int first, int last) { onRowsRemoved(first, last); }),
            connect(table, &M::dataChanged, this, &ApiKeyFilterModel::onDataChanged),
            connect(table, &M::headerDataChanged, this,
                    [this](Qt::Orientation orientation, int first, int last) {
                        if (orientation == Qt::Horizontal)
                            Q_EMIT headerDataChanged(orientation, first, last);
                    }),
            // The table model never moves rows, changes its layout or its columns; were it to,
            // starting over is correct and simpler than following along.
            connect(table, &M::layoutAboutToBeChanged, this, [this] { beginResetModel(); }),
            connect(table, &M::layoutChanged, this,
                    [this] {
                        rebuild();
                        endResetModel();
                    }),
            connect(table, &M::rowsAboutToBeMoved, this, [this] { beginResetModel(); }),
            connect(table, &M::rowsMoved, this,
                    [this] {
                        rebuild();
                        endResetModel();
                    }),
            connect(table, &QObject::destroyed, this,
                    [this] {
                        beginResetModel();
                        m_source = nullptr;
                        rebuild();
                        endResetModel();
                    }),
        };
    }
    rebuild();
    endResetModel();
}

void ApiKeyFilterModel::setFilterText(const QString &text)
{
    m_filterText = text;
    const QString trimmed = text.trimmed();
    const QString needle = trimmed.toCaseFolded();
    // Someone who pastes a whole key wants to know which key it is; only its hint is stored.
    QString keyHint;
    if (trimmed.size() == KeyFormat::keyLength && trimmed.startsWith(QLatin1String("kd_")))
        keyHint = KeyFormat::hint(trimmed.toLatin1()).toCaseFolded();
    if (needle == m_needle && keyHint == m_keyHint)
        return;
    m_needle = needle;
    m_keyHint = keyHint;
    relayout(false);
}

void ApiKeyFilterModel::sort(int column, Qt::SortOrder order)
{
    if (column < 0 || column >= ApiKeyTableModel::Actions)
        column = -1;
    if (column == m_sortColumn && (column < 0 || order == m_sortOrder))
        return;
    m_sortColumn = column;
    m_sortOrder = order;
    relayout(true);
}

bool ApiKeyFilterModel::lessThan(int left, int right) const
{
    if (m_sortColumn >= 0) {
        const int c = compareKeys(m_source->rowKeys(left), m_source->rowKeys(right), m_sortColumn);
        if (c != 0)
            return m_sortOrder == Qt::AscendingOrder ? c < 0 : c > 0;
    }
    return left < right;
}

bool ApiKeyFilterModel::accepts(int sourceRow) const
{
    if (m_needle.isEmpty())
        return true;
    const RowKeys &keys = m_source->rowKeys(sourceRow);
    return keys.name.contains(m_needle) || keys.hint.contains(m_needle)
        || (!m_keyHint.isEmpty() && keys.hint == m_keyHint);
}

void ApiKeyFilterModel::sortSourceRows(QList<int> &rows) const
{
    if (!m_source)
        return;
    // The order is total (ties go by row), so the input order does not matter: when every row
    // is sorted, the keys are read in source order, sequentially through memory.
    const bool everyRow = rows.size() == m_source->rowCount();
    if (everyRow) {
        for (qsizetype i = 0; i < rows.size(); ++i)
            rows[i] = int(i);
    }
    if (m_sortColumn < 0) {
        if (!everyRow)
            std::sort(rows.begin(), rows.end());
        return;
    }
    // Keys are copied next to their rows first: the sort then walks one compact array instead
    // of jumping into a row struct per comparison, which is what keeps 100 000 rows fast.
    const bool ascending = m_sortOrder == Qt::AscendingOrder;
    if (isIntegerColumn(m_sortColumn)) {
        std::vector<std::pair<qint64, int>> keyed;
        keyed.reserve(size_t(rows.size()));
        for (int row : std::as_const(rows))
            keyed.emplace_back(*integerKey(m_source->rowKeys(row), m_sortColumn), row);
        if (ascending) {
            std::sort(keyed.begin(), keyed.end());
        } else {
            std::sort(keyed.begin(), keyed.end(), [](const auto &a, const auto &b) {
                return a.first != b.first ? a.first > b.first : a.second < b.second;
            });
        }
        for (size_t i = 0; i < keyed.size(); ++i)
            rows[qsizetype(i)] = keyed[i].second;
        return;
    }

    const bool byName = m_sortColumn == ApiKeyTableModel::Name;
    // The prefix every sorted text shares carries no order.
    qsizetype skip = -1;
    QStringView reference;
    for (int row : std::as_const(rows)) {
        const RowKeys &keys = m_source->rowKeys(row);
        if (byName && keys.unnamed)
            continue;
        const QStringView text = textKey(keys, m_sortColumn);
        if (skip < 0) {
            reference = text;
            skip = text.size();
            continue;
        }
        qsizetype same = 0;
        const qsizetype limit = std::min(skip, text.size());
        while (same < limit && text[same] == reference[same])
            ++same;
        skip = same;
        if (skip == 0)
            break;
    }
    skip = std::max<qsizetype>(skip, 0);

    // Unnamed keys take no part in the text order: after every named key, by row.
    std::vector<TextEntry> entries;
    entries.reserve(size_t(rows.size()));
    QList<int> unnamed;
    for (int row : std::as_const(rows)) {
        const RowKeys &keys = m_source->rowKeys(row);
        if (byName && keys.unnamed) {
            unnamed.append(row);
            continue;
        }
        TextEntry entry;
        entry.row = row;
        packDigit(entry, QStringView(textKey(keys, m_sortColumn)).mid(skip), 0);
        entries.push_back(entry);
    }
    const auto textOf = [this, skip](int row) {
        return QStringView(textKey(m_source->rowKeys(row), m_sortColumn)).mid(skip);
    };
    sortTextEntries(entries.begin(), entries.end(), 0, ascending, textOf);
    std::sort(unnamed.begin(), unnamed.end());
    qsizetype at = 0;
    if (!ascending) {
        std::copy(unnamed.cbegin(), unnamed.cend(), rows.begin());
        at = unnamed.size();
    }
    for (const TextEntry &entry : entries)
        rows[at++] = entry.row;
    if (ascending)
        std::copy(unnamed.cbegin(), unnamed.cend(), rows.begin() + at);
}

void ApiKeyFilterModel::rebuild()
{
    const int count = m_source ? m_source->rowCount() : 0;
    m_order.resize(count);
    for (int row = 0; row < count; ++row)
        m_order[row] = row;
    sortSourceRows(m_order);
    filterOrder();
    m_inverseDirty = true;
}

void ApiKeyFilterModel::filterOrder()
{
    if (m_needle.isEmpty()) {
        m_rows = m_order;
        return;
    }
    // Tested in source order, sequentially through memory (in sort order every row would be a
    // cache miss), then picked in sort order.
    std::vector<char> accepted(size_t(m_order.size()));
    for (size_t row = 0; row < accepted.size(); ++row)
        accepted[row] = accepts(int(row));
    m_rows.clear();
    for (int row : std::as_const(m_order)) {
        if (accepted[size_t(row)])
            m_rows.append(row);
    }
}

void ApiKeyFilterModel::relayout(bool resort)
{
    // A layout change rather than a reset so that the selection and the current row survive
    // a new sort order or search string; rows the search hides lose their persistent indexes.
    const auto hint =
        resort ? QAbstractItemModel::VerticalSortHint : QAbstractItemModel::NoLayoutChangeHint;
    Q_EMIT layoutAboutToBeChanged({}, hint);
    const QModelIndexList from = persistentIndexList();
    QList<int> sourceRows;
    sourceRows.reserve(from.size());
    for (const QModelIndex &index : from)
        sourceRows.append(m_rows.at(index.row()));

    if (resort)
        sortSourceRows(m_order);
    filterOrder();
    m_inverseDirty = true;
    ensureInverse();

    QModelIndexList to;
    to.reserve(from.size());
    for (qsizetype i = 0; i < from.size(); ++i) {
        const int row = m_inverse.at(sourceRows.at(i));
        to.append(row < 0 ? QModelIndex() : index(row, from.at(i).column()));
    }
    changePersistentIndexList(from, to);
    Q_EMIT layoutChanged({}, hint);
}

void ApiKeyFilterModel::ensureInverse() const
{
    if (!m_inverseDirty)
        return;
    const int count = m_source ? m_source->rowCount() : 0;
    m_inverse.fill(-1, count);
    for (qsizetype row = 0; row < m_rows.size(); ++row) {
        // Bounds checked: someone may ask between the source's change and our handler of it.
        if (m_rows.at(row) < count)
            m_inverse[m_rows.at(row)] = int(row);
    }
    m_inverseDirty = false;
}

void ApiKeyFilterModel::insertVisible(const QList<int> &sortedSourceRows)
{
    const auto less = [this](int a, int b) { return lessThan(a, b); };
    qsizetype next = 0;
    while (next < sortedSourceRows.size()) {
        const qsizetype position =
            std::lower_bound(m_rows.cbegin(), m_rows.cend(), sortedSourceRows.at(next), less)
            - m_rows.cbegin();
        // The following new rows that also sort before the row now at `position` form one
        // contiguous insertion: a page appended in source order is a single range.
        qsizetype end = next + 1;
        while (
            end < sortedSourceRows.size()
            && (position == m_rows.size() || less(sortedSourceRows.at(end), m_rows.at(position))))
            ++end;
        const qsizetype count = end - next;
        beginInsertRows(QModelIndex(), int(position), int(position + count - 1));
        m_rows.insert(position, count, 0);
        std::copy(sortedSourceRows.cbegin() + next, sortedSourceRows.cbegin() + end,
                  m_rows.begin() + position);
        m_inverseDirty = true;
        endInsertRows();
        next = end;
    }
}

void ApiKeyFilterModel::onRowsInserted(int first, int last)
{
    const int count = last - first + 1;
    for (int &row : m_order) {
        if (row >= first)
            row += count;
    }
    for (int &row : m_rows) {
        if (row >= first)
            row += count;
    }
    m_inverseDirty = true;

    QList<int> added(count);
    for (int i = 0; i < count; ++i)
        added[i] = first + i;
    sortSourceRows(added);
    // Merged by binary search for each new row and one copy, not by std::merge, which would
    // compare every row already there.
    const auto less = [this](int a, int b) { return lessThan(a, b); };
    QList<int> merged;
    merged.reserve(m_order.size() + count);
    auto from = m_order.cbegin();
    for (int row : std::as_const(added)) {
        const auto position = std::lower_bound(from, m_order.cend(), row, less);
        merged.append(from, position);
        merged.append(row);
        from = position;
    }
    merged.append(from, m_order.cend());
    m_order = std::move(merged);

    QList<int> visible;
    std::copy_if(added.cbegin(), added.cend(), std::back_inserter(visible),
                 [this](int row) { return accepts(row); });
    insertVisible(visible);
}

void ApiKeyFilterModel::onRowsAboutToBeRemoved(int first, int last)
{
    // Removed while the source rows still exist, so that views and testers asking about the
    // neighbouring rows during the removal read consistent data.
    ensureInverse();
    QList<int> proxyRows;
    for (int row = first; row <= last && row < m_inverse.size(); ++row) {
        if (m_inverse.at(row) >= 0)
            proxyRows.append(m_inverse.at(row));
    }
    std::sort(proxyRows.begin(), proxyRows.end(), std::greater<int>());
    qsizetype i = 0;
    while (i < proxyRows.size()) {
        // Runs of adjacent proxy rows, from the bottom so that the rows above keep their numbers.
        const int high = proxyRows.at(i);
        int low = high;
        ++i;
        while (i < proxyRows.size() && proxyRows.at(i) == low - 1) {
            low = proxyRows.at(i);
            ++i;
        }
        beginRemoveRows(QModelIndex(), low, high);
        m_rows.remove(low, high - low + 1);
        m_inverseDirty = true;
        endRemoveRows();
    }
}

void ApiKeyFilterModel::onRowsRemoved(int first, int last)
{
    const int count = last - first + 1;
    m_order.removeIf([first, last](int row) { return row >= first && row <= last; });
    for (int &row : m_order) {
        if (row > last)
            row -= count;
    }
    for (int &row : m_rows) {
        if (row > last)
            row -= count;
    }
    m_inverseDirty = true;
}

void ApiKeyFilterModel::onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                                      const QList<int> &roles)
{
    if (!topLeft.isValid() || !bottomRight.isValid())
        return;
    const bool keysChanged = roles.isEmpty() || roles.contains(ApiKeyTableModel::SortRole);
    if (keysChanged && bottomRight.row() - topLeft.row() < 64) {
        for (int row = topLeft.row(); row <= bottomRight.row(); ++row)
            replaceRow(row, topLeft.column(), bottomRight.column(), roles);
        return;
    }
    if (keysChanged)
        relayout(true);

    // Changed rows are scattered in the proxy: one signal over their span is cheaper than one
    // per row, and a view only repaints what it shows.
    ensureInverse();
    int low = std::numeric_limits<int>::max();
    int high = -1;
    for (int row = topLeft.row(); row <= bottomRight.row() && row < m_inverse.size(); ++row) {
        const int proxyRow = m_inverse.at(row);
        if (proxyRow >= 0) {
            low = std::min(low, proxyRow);
            high = std::max(high, proxyRow);
        }
    }
    if (high >= 0)
        Q_EMIT dataChanged(index(low, topLeft.column()), index(high, bottomRight.column()), roles);
}

void ApiKeyFilterModel::replaceRow(int sourceRow, int firstColumn, int lastColumn,
                                   const QList<int> &roles)
{
    const auto less = [this](int a, int b) { return lessThan(a, b); };
    m_order.removeOne(sourceRow);
    m_order.insert(std::lower_bound(m_order.cbegin(), m_order.cend(), sourceRow, less)
                       - m_order.cbegin(),
                   sourceRow);

    ensureInverse();
    const int current = m_inverse.at(sourceRow);
    const bool accepted = accepts(sourceRow);
    if (current < 0) {
        if (accepted)
            insertVisible({sourceRow});
        return;
    }
    if (!accepted) {
        beginRemoveRows(QModelIndex(), current, current);
        m_rows.remove(current);
        m_inverseDirty = true;
        endRemoveRows();
        return;
    }
    // Where the row belongs among the others; a move keeps it selected.
    m_rows.remove(current);
    const int target =
        int(std::lower_bound(m_rows.cbegin(), m_rows.cend(), sourceRow, less) - m_rows.cbegin());
    m_rows.insert(current, sourceRow);
    if (target != current) {
        // beginMoveRows counts the destination in rows before the move.
        const int destination = target > current ? target + 1 : target;
        beginMoveRows(QModelIndex(), current, current, QModelIndex(), destination);
        m_rows.move(current, target);
        m_inverseDirty = true;
        endMoveRows();
    }
    Q_EMIT dataChanged(index(target, firstColumn), index(target, lastColumn), roles);
}

QModelIndex ApiKeyFilterModel::index(int row, int column, const QModelIndex &parent) const
{
    if (parent.isValid() || row < 0 || column < 0 || row >= m_rows.size()
        || column >= columnCount())
        return {};
    return createIndex(row, column);
}

QModelIndex ApiKeyFilterModel::parent(const QModelIndex &) const
{
    return {};
}

QModelIndex ApiKeyFilterModel::sibling(int row, int column, const QModelIndex &) const
{
    return index(row, column);
}

int ApiKeyFilterModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ApiKeyFilterModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() || !m_source ? 0 : m_source->columnCount();
}

bool ApiKeyFilterModel::hasChildren(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_rows.isEmpty();
}

QModelIndex ApiKeyFilterModel::mapToSource(const QModelIndex &proxyIndex) const
{
    if (!proxyIndex.isValid() || !m_source || proxyIndex.model() != this
        || proxyIndex.row() >= m_rows.size())
        return {};
    return m_source->index(m_rows.at(proxyIndex.row()), proxyIndex.column());
}

QModelIndex ApiKeyFilterModel::mapFromSource(const QModelIndex &sourceIndex) const
{
    if (!sourceIndex.isValid() || !m_source || sourceIndex.model() != m_source)
        return {};
    ensureInverse();
    if (sourceIndex.row() >= m_inverse.size())
        return {};
    const int row = m_inverse.at(sourceIndex.row());
    return row < 0 ? QModelIndex() : index(row, sourceIndex.column());
}

QVariant ApiKeyFilterModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal)
        return m_source ? m_source->headerData(section, orientation, role) : QVariant();
    // Row numbers of the proxy, not of the source.
    return QAbstractItemModel::headerData(section, orientation, role);
}

} // namespace keydesk
