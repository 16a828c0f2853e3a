#pragma once

#include "ApiKey.h"
#include "Clock.h"

#include <QAbstractTableModel>
#include <QDateTime>
#include <QFont>
#include <QHash>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace keydesk {

// The organization's API keys as the keys page shows them (DESIGN §2 item 4), newest first.
//
// The model does no network itself: the page hands it pages (resetKeys/appendPage) and gives it
// a loader that fetchMore() calls with the next cursor, so views drive paging through the usual
// canFetchMore()/fetchMore() while the request stays in the app's REST client.
//
// Sorting and searching go through ApiKeyFilterModel, which reads the precomputed RowKeys instead
// of QVariants: at 100 000 keys a QVariant per comparison costs ~0.5 s (DESIGN §5).
class ApiKeyTableModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiKeyTableModel)
    Q_PROPERTY(bool loading READ loading NOTIFY loadingChanged)

public:
    enum Column { Name, Key, Access, Created, Expires, LastUsed, CreatedBy, Actions, ColumnCount };
    Q_ENUM(Column)

    enum Role {
        // Raw values: folded names (invalid QVariant for an unnamed key, so it sorts after the
        // named ones), ms since the epoch (Expires: INT64_MAX for "Never"; Last used: INT64_MIN
        // for "Never"), the Access enum as an int.
        SortRole = Qt::UserRole,
        KeyIdRole, // QString
        StatusRole, // keydesk::KeyStatus at the clock's now
        ApiKeyRole, // keydesk::ApiKey
    };
    Q_ENUM(Role)

    // What sorting and searching need of a row, computed once when the row arrives.
    struct RowKeys
    {
        QString name; // case-folded display name ("unnamed key" when unnamed): searched
        QString hint; // case-folded hint: searched and sorted
        QString createdBy; // case-folded
        qint64 createdAt = 0;
        qint64 expiresAt = 0; // INT64_MAX: never expires
        qint64 lastUsedAt = 0; // INT64_MIN: never used
        int access = 0;
        bool unnamed = false; // sorts after every named key
    };

    using PageLoader = std::function<void(const QString &cursor)>;

    explicit ApiKeyTableModel(const Clock &clock = Clock::system(), QObject *parent = nullptr);
    ~ApiKeyTableModel() override;

    int rowCount(const QModelIndex &parent = QModelIndex()) const override;
    int columnCount(const QModelIndex &parent = QModelIndex()) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;

    // Paging. canFetchMore() is true while the server has a next page and no page is in flight.
    void setPageLoader(PageLoader loader);
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;
    // The answer to the loader's request. Keys already in the list are skipped (a key created
    // here while paging may show up again on a later page).
    void appendPage(const QList<ApiKey> &items, const QString &nextCursor);
    // The first page, or everything at once (a refresh, a search): one model reset.
    // Also clears the in-flight flag; the caller drops answers to requests started before.
    void resetKeys(const QList<ApiKey> &items, const QString &nextCursor);
    // The loader's request failed: fetchMore() may retry the same cursor.
    void pageFailed();
    QString nextCursor() const { return m_nextCursor; }
    bool hasMorePages() const { return !m_nextCursor.isEmpty(); }

    // Whether a request for this list is in flight; the page sets it for the first page too.
    bool loading() const { return m_loading; }
    void setLoading(bool loading);

    // A created key goes to the top; an existing one (renamed) is updated in place.
    void upsertKey(const ApiKey &key);
    // A revoked key leaves the list. False when it was not there.
    bool removeKey(const QString &id);

    // The key of a row; a default ApiKey for a row out of range.
    ApiKey keyAt(int row) const;
    // -1 when the key is not in the list.
    int rowOfKey(const QString &id) const;
    const RowKeys &rowKeys(int row) const { return m_rowKeys.at(row); }

    // "Expired" and "5 minutes ago" move with the clock: the page calls this on a timer so
    // that the texts follow without a reload. Sort and search keys do not depend on the time.
    void refreshTimes();

    // "just now", "5 minutes ago", "3 days ago", or the date (locale short format) beyond a
    // month; "Never" for a null instant.
    static QString lastUsedText(const QDateTime &lastUsed, const QDateTime &now);
    static QString dateText(const QDateTime &instant);

Q_SIGNALS:
    void loadingChanged(bool loading);

private:
    QString displayName(const ApiKey &key) const;
    QVariant display(const ApiKey &key, int column) const;
    QVariant toolTip(const ApiKey &key, int column) const;
    QVariant sortValue(int row, int column) const;
    RowKeys computeKeys(const ApiKey &key);
    void finishRequest(const std::function<void()> &endChange);
    void notify(const std::function<void()> &endChange);

    const Clock &m_clock;
    QList<ApiKey> m_keys;
    QList<RowKeys> m_rowKeys; // parallel to m_keys
    QString m_nextCursor;
    PageLoader m_pageLoader;
    bool m_loading = false;
    bool m_notifying = false;
    std::optional<QFont> m_hintFont;
    // Case folding allocates; creators repeat on most rows, so their folded names are shared.
    QHash<QString, QString> m_foldedCreators;
    QString m_foldedUnnamed;
};

} // namespace keydesk
