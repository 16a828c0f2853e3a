#include "ApiKeyTableModel.h"

#include "Rfc3339.h"

#include <QFontDatabase>
#include <QGuiApplication>
#include <QLocale>
#include <QScopedValueRollback>
#include <QSet>

#include <limits>

namespace keydesk {

namespace {
constexpr qint64 neverExpires = std::numeric_limits<qint64>::max();
constexpr qint64 neverUsed = std::numeric_limits<qint64>::min();
} // namespace

ApiKeyTableModel::ApiKeyTableModel(const Clock &clock, QObject *parent)
    : QAbstractTableModel(parent)
    , m_clock(clock)
    , m_foldedUnnamed(tr("Unnamed key").toCaseFolded())
{
    // The font database needs a QGuiApplication; without one (a core-only tool) the view's
    // font is used.
    if (qobject_cast<QGuiApplication *>(QCoreApplication::instance()))
        m_hintFont = QFontDatabase::systemFont(QFontDatabase::FixedFont);
}

ApiKeyTableModel::~ApiKeyTableModel() = default;

int ApiKeyTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_keys.size());
}

int ApiKeyTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

Qt::ItemFlags ApiKeyTableModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemNeverHasChildren;
}

QVariant ApiKeyTableModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.model() != this || index.row() >= m_keys.size()
        || index.column() >= ColumnCount)
        return {};
    const ApiKey &key = m_keys.at(index.row());
    const int column = index.column();
    switch (role) {
    case Qt::DisplayRole:
        return display(key, column);
    case Qt::ToolTipRole:
        return toolTip(key, column);
    case Qt::AccessibleTextRole:
        // The ⋮ cell paints no text, so a screen reader needs to hear what it is for.
        if (column == Actions)
            return tr("Actions for %1").arg(displayName(key));
        return {};
    case Qt::FontRole:
        if (column == Key && m_hintFont)
            return *m_hintFont;
        return {};
    case SortRole:
        return sortValue(index.row(), column);
    case KeyIdRole:
        return key.id;
    case StatusRole:
        return QVariant::fromValue(key.statusAt(m_clock.now()));
    case ApiKeyRole:
        return QVariant::fromValue(key);
    default:
        return {};
    }
}

QVariant ApiKeyTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::AccessibleTextRole && section == Actions)
        return tr("Actions");
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name:
        return tr("Name");
    case Key:
        return tr("Key");
    case Access:
        return tr("Access");
    case Created:
        return tr("Created");
    case Expires:
        return tr("Expires");
    case LastUsed:
        return tr("Last used");
    case CreatedBy:
        return tr("Created by");
    case Actions:
        return QString();
    default:
        return {};
    }
}

QString ApiKeyTableModel::displayName(const ApiKey &key) const
{
    // The contract treats null and empty alike: both are an unnamed key.
    return key.name.isEmpty() ? tr("Unnamed key") : key.name;
}

QString ApiKeyTableModel::dateText(const QDateTime &instant)
{
    // "17 Oct 2026": the locale's short format ("10/17/26") reads differently across the world,
    // and the day-month-name form matches the new-key dialog's "Expires on 17 Oct 2026".
    return QLocale().toString(instant.toLocalTime().date(), QStringLiteral("d MMM yyyy"));
}

QString ApiKeyTableModel::lastUsedText(const QDateTime &lastUsed, const QDateTime &now)
{
    if (!lastUsed.isValid())
        return tr("Never");
    // A last use slightly in the future is clock skew between server and desktop.
    const qint64 seconds = std::max<qint64>(0, lastUsed.secsTo(now));
    const qint64 minutes = seconds / 60;
    const qint64 hours = minutes / 60;
    const qint64 days = hours / 24;
    // English plurals without a loaded translation need the singular spelled out; a
    // translation gives every count its own numerus form.
    if (minutes < 1)
        return tr("just now");
    if (hours < 1)
        return minutes == 1 ? tr("1 minute ago") : tr("%n minutes ago", nullptr, int(minutes));
    if (days < 1)
        return hours == 1 ? tr("1 hour ago") : tr("%n hours ago", nullptr, int(hours));
    if (days < 30)
        return days == 1 ? tr("1 day ago") : tr("%n days ago", nullptr, int(days));
    return dateText(lastUsed);
}

QVariant ApiKeyTableModel::display(const ApiKey &key, int column) const
{
    switch (column) {
    case Name:
        return displayName(key);
    case Key:
        return key.hint;
    case Access:
        return key.access == keydesk::Access::ReadOnly ? tr("Read only") : tr("Full access");
    case Created:
        return dateText(key.createdAt);
    case Expires:
        switch (key.statusAt(m_clock.now())) {
        case KeyStatus::Revoked:
            return tr("Revoked");
        case KeyStatus::Expired:
            return tr("Expired");
        case KeyStatus::Active:
            return key.expiresAt.isValid() ? dateText(key.expiresAt) : tr("Never");
        }
        return {};
    case LastUsed:
        return lastUsedText(key.lastUsedAt, m_clock.now());
    case CreatedBy:
        return key.createdBy.name;
    default:
        return {};
    }
}

QVariant ApiKeyTableModel::toolTip(const ApiKey &key, int column) const
{
    switch (column) {
    case Name:
        // Long names are elided in the cell.
        return displayName(key);
    case Created:
        return tr("Created %1").arg(toRfc3339(key.createdAt));
    case Expires:
        if (key.revokedAt.isValid())
            return tr("Revoked %1").arg(toRfc3339(key.revokedAt));
        if (!key.expiresAt.isValid())
            return tr("This key never expires");
        if (isExpiredAt(key.expiresAt, m_clock.now()))
            return tr("Expired %1").arg(toRfc3339(key.expiresAt));
        return tr("Expires %1").arg(toRfc3339(key.expiresAt));
    case LastUsed:
        if (!key.lastUsedAt.isValid())
            return tr("This key has not been used yet");
        return tr("Last used %1").arg(toRfc3339(key.lastUsedAt));
    default:
        return {};
    }
}

QVariant ApiKeyTableModel::sortValue(int row, int column) const
{
    const RowKeys &keys = m_rowKeys.at(row);
    switch (column) {
    case Name:
        return keys.unnamed ? QVariant() : QVariant(keys.name);
    case Key:
        return keys.hint;
    case Access:
        return keys.access;
    case Created:
        return keys.createdAt;
    case Expires:
        return keys.expiresAt;
    case LastUsed:
        return keys.lastUsedAt;
    case CreatedBy:
        return keys.createdBy;
    default:
        return {};
    }
}

ApiKeyTableModel::RowKeys ApiKeyTableModel::computeKeys(const ApiKey &key)
{
    RowKeys keys;
    keys.unnamed = key.name.isEmpty();
    keys.name = keys.unnamed ? m_foldedUnnamed : key.name.toCaseFolded();
    keys.hint = key.hint.toCaseFolded();
    auto creator = m_foldedCreators.constFind(key.createdBy.name);
    if (creator == m_foldedCreators.cend())
        creator = m_foldedCreators.insert(key.createdBy.name, key.createdBy.name.toCaseFolded());
    keys.createdBy = *creator;
    keys.createdAt = key.createdAt.isValid() ? key.createdAt.toMSecsSinceEpoch() : 0;
    keys.expiresAt = key.expiresAt.isValid() ? key.expiresAt.toMSecsSinceEpoch() : neverExpires;
    keys.lastUsedAt = key.lastUsedAt.isValid() ? key.lastUsedAt.toMSecsSinceEpoch() : neverUsed;
    keys.access = int(key.access);
    return keys;
}

void ApiKeyTableModel::setPageLoader(PageLoader loader)
{
    m_pageLoader = std::move(loader);
}

bool ApiKeyTableModel::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && !m_loading && !m_notifying && !m_nextCursor.isEmpty()
        && m_pageLoader;
}

void ApiKeyTableModel::fetchMore(const QModelIndex &parent)
{
    if (!canFetchMore(parent))
        return;
    // In flight before the call: a loader that answers synchronously clears it again, and a
    // view asking again meanwhile gets "no".
    setLoading(true);
    // Copies: appendPage() replaces the cursor and the loader may replace itself.
    const QString cursor = m_nextCursor;
    const PageLoader loader = m_pageLoader;
    loader(cursor);
}

void ApiKeyTableModel::appendPage(const QList<ApiKey> &items, const QString &nextCursor)
{
    m_nextCursor = nextCursor;
    QList<ApiKey> fresh;
    if (!items.isEmpty()) {
        QSet<QString> incoming;
        incoming.reserve(items.size());
        for (const ApiKey &key : items)
            incoming.insert(key.id);
        QSet<QString> present;
        for (const ApiKey &key : std::as_const(m_keys)) {
            if (incoming.contains(key.id))
                present.insert(key.id);
        }
        fresh.reserve(items.size());
        for (const ApiKey &key : items) {
            if (!present.contains(key.id)) {
                fresh.append(key);
                present.insert(key.id); // a page repeating a key
            }
        }
    }
    if (!fresh.isEmpty()) {
        const int first = int(m_keys.size());
        beginInsertRows(QModelIndex(), first, first + int(fresh.size()) - 1);
        m_keys.append(fresh);
        m_rowKeys.reserve(m_keys.size());
        for (const ApiKey &key : std::as_const(fresh))
            m_rowKeys.append(computeKeys(key));
        finishRequest([this] { endInsertRows(); });
        return;
    }
    setLoading(false);
}

void ApiKeyTableModel::resetKeys(const QList<ApiKey> &items, const QString &nextCursor)
{
    beginResetModel();
    m_keys = items;
    m_rowKeys.clear();
    m_rowKeys.reserve(m_keys.size());
    m_foldedCreators.clear();
    for (const ApiKey &key : std::as_const(m_keys))
        m_rowKeys.append(computeKeys(key));
    m_nextCursor = nextCursor;
    finishRequest([this] { endResetModel(); });
}

void ApiKeyTableModel::finishRequest(const std::function<void()> &endChange)
{
    notify(endChange);
    setLoading(false);
}

void ApiKeyTableModel::notify(const std::function<void()> &endChange)
{
    // No new request from inside our own change notification: a loader that answers at once
    // would insert rows while views are still hearing about the last ones. Views ask again
    // after their next layout.
    const QScopedValueRollback<bool> notifying(m_notifying, true);
    endChange();
}

void ApiKeyTableModel::pageFailed()
{
    setLoading(false);
}

void ApiKeyTableModel::setLoading(bool loading)
{
    if (m_loading == loading)
        return;
    m_loading = loading;
    Q_EMIT loadingChanged(m_loading);
}

void ApiKeyTableModel::upsertKey(const ApiKey &key)
{
    const int row = rowOfKey(key.id);
    if (row < 0) {
        beginInsertRows(QModelIndex(), 0, 0);
        m_keys.prepend(key);
        m_rowKeys.prepend(computeKeys(key));
        notify([this] { endInsertRows(); });
        return;
    }
    m_keys[row] = key;
    m_rowKeys[row] = computeKeys(key);
    // No role list: every role may have changed, SortRole included, which tells the proxy to
    // re-place the row.
    notify([this, row] { Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1)); });
}

bool ApiKeyTableModel::removeKey(const QString &id)
{
    const int row = rowOfKey(id);
    if (row < 0)
        return false;
    beginRemoveRows(QModelIndex(), row, row);
    m_keys.removeAt(row);
    m_rowKeys.removeAt(row);
    notify([this] { endRemoveRows(); });
    return true;
}

ApiKey ApiKeyTableModel::keyAt(int row) const
{
    return row >= 0 && row < m_keys.size() ? m_keys.at(row) : ApiKey();
}

int ApiKeyTableModel::rowOfKey(const QString &id) const
{
    // A linear scan (~1 ms at 100 000 keys) for the rare rename or revoke, rather than an
    // id index that every prepend would have to renumber.
    for (qsizetype row = 0; row < m_keys.size(); ++row) {
        if (m_keys.at(row).id == id)
            return int(row);
    }
    return -1;
}

void ApiKeyTableModel::refreshTimes()
{
    if (m_keys.isEmpty())
        return;
    // Without SortRole in the roles: the proxy then knows no row needs to move.
    Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1),
                       {Qt::DisplayRole, Qt::ToolTipRole, StatusRole});
}

} // namespace keydesk
