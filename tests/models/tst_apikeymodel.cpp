// The keys table model and its search/sort proxy: display texts at controlled instants, sort
// roles, paging, in-place updates, and both models under QAbstractItemModelTester through every
// operation, with an independent oracle for what the proxy must show.

#include "ApiKeyFilterModel.h"
#include "ApiKeyTableModel.h"
#include "Clock.h"
#include "Rfc3339.h"

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QLocale>
#include <QRandomGenerator>
#include <QSignalSpy>
#include <QStandardItemModel>
#include <QTest>

#include <algorithm>
#include <limits>
#include <memory>

using namespace keydesk;
using Model = ApiKeyTableModel;

namespace {

QDateTime utc(int y, int m, int d, int h = 12, int min = 0, int s = 0, int ms = 0)
{
    return QDateTime(QDate(y, m, d), QTime(h, min, s, ms), Qt::UTC);
}

const QDateTime start = utc(2026, 3, 10, 12, 0, 0);

ApiKey makeKey(const QString &id, const QString &name, const QDateTime &createdAt,
               Expiration expiration = Expiration::Never, const QString &hint = QString())
{
    ApiKey key;
    key.id = id;
    key.name = name;
    key.hint = hint.isEmpty() ? QStringLiteral("kd_…") + id.right(4) : hint;
    key.expiration = expiration;
    key.createdAt = createdAt;
    key.expiresAt = expiresAt(createdAt, expiration);
    key.createdBy = {QStringLiteral("usr_1"), QStringLiteral("Ada Admin")};
    return key;
}

QString text(const QAbstractItemModel &model, int row, int column, int role = Qt::DisplayRole)
{
    return model.index(row, column).data(role).toString();
}

// The model's date form: "31 Jan 2026".
QString shortDate(const QDateTime &instant)
{
    return QLocale().toString(instant.toLocalTime().date(), QStringLiteral("d MMM yyyy"));
}

// The ordering the proxy promises, computed from the public roles only.
bool variantLess(const QVariant &a, const QVariant &b)
{
    if (!a.isValid())
        return false;
    if (!b.isValid())
        return true;
    if (a.typeId() == QMetaType::QString)
        return a.toString() < b.toString();
    return a.toLongLong() < b.toLongLong();
}

QStringList expectedIds(const Model &model, const QString &filter, int column, Qt::SortOrder order)
{
    const QString needle = filter.trimmed().toCaseFolded();
    QList<int> rows;
    for (int row = 0; row < model.rowCount(); ++row) {
        const QString name = text(model, row, Model::Name).toCaseFolded();
        const QString hint = text(model, row, Model::Key).toCaseFolded();
        if (needle.isEmpty() || name.contains(needle) || hint.contains(needle))
            rows.append(row);
    }
    if (column >= 0 && column < Model::Actions) {
        std::stable_sort(rows.begin(), rows.end(), [&](int a, int b) {
            const QVariant va = model.index(a, column).data(Model::SortRole);
            const QVariant vb = model.index(b, column).data(Model::SortRole);
            return order == Qt::AscendingOrder ? variantLess(va, vb) : variantLess(vb, va);
        });
    }
    QStringList ids;
    for (int row : rows)
        ids.append(text(model, row, 0, Model::KeyIdRole));
    return ids;
}

QStringList shownIds(const QAbstractItemModel &proxy)
{
    QStringList ids;
    for (int row = 0; row < proxy.rowCount(); ++row)
        ids.append(text(proxy, row, 0, Model::KeyIdRole));
    return ids;
}

// A list large enough to show how the proxy scales, with every kind of value represented.
QList<ApiKey> generateKeys(int count)
{
    QRandomGenerator random(20260310);
    static const char alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    const QStringList words {QStringLiteral("billing"), QStringLiteral("Search"),
                             QStringLiteral("ingest"),  QStringLiteral("Reports"),
                             QStringLiteral("mobile"),  QStringLiteral("Partner"),
                             QStringLiteral("staging"), QStringLiteral("Ölmühle"),
                             QStringLiteral("ci"),      QStringLiteral("Backup")};
    const QStringList creators {QStringLiteral("Ada Admin"), QStringLiteral("bob owner"),
                                QStringLiteral("Chloé Ops"), QStringLiteral("Dan")};
    QList<ApiKey> keys;
    keys.reserve(count);
    QDateTime created = start;
    for (int i = 0; i < count; ++i) {
        ApiKey key;
        key.id = QStringLiteral("key_%1").arg(i, 8, 10, QLatin1Char('0'));
        if (random.bounded(10) != 0) {
            key.name = words.at(random.bounded(int(words.size()))) + u' '
                + words.at(random.bounded(int(words.size()))) + u' '
                + QString::number(random.bounded(1000));
        }
        QString last4;
        for (int c = 0; c < 4; ++c)
            last4 += QLatin1Char(alphabet[random.bounded(62)]);
        key.hint = QStringLiteral("kd_…") + last4;
        key.access = random.bounded(3) == 0 ? Access::ReadOnly : Access::Full;
        key.expiration = allExpirations[size_t(random.bounded(int(allExpirations.size())))];
        created = created.addSecs(-random.bounded(1, 600)); // newest first
        key.createdAt = created;
        key.expiresAt = expiresAt(created, key.expiration);
        if (random.bounded(3) != 0)
            key.lastUsedAt = created.addSecs(random.bounded(1, 3600 * 24 * 90));
        const QString creator = creators.at(random.bounded(int(creators.size())));
        key.createdBy = {QStringLiteral("usr_") + creator.left(1), creator};
        keys.append(key);
    }
    return keys;
}

} // namespace

class TestApiKeyModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();

    void columnsAndHeaders();
    void displayTexts();
    void expiresAtTheInstant();
    void revokedKey();
    void lastUsedTexts_data();
    void lastUsedTexts();
    void refreshTimesFollowsTheClock();
    void sortRoles();
    void paging();
    void pagingSkipsKeysAlreadyListed();
    void synchronousLoader();
    void upsertAndRemove();
    void testerThroughEveryOperation();
    void randomOperationsMatchTheOracle();
    void filter_data();
    void filter();
    void filterKeepsHeaders();
    void sortEachColumn_data();
    void sortEachColumn();
    void renameMovesRowAndKeepsSelection();
    void selectionSurvivesSortAndFilter();
    void sourceModelGoesAway();
    void otherSourceModelsAreRefused();
    void largeListSortsAndFilters();
};

void TestApiKeyModel::initTestCase()
{
    // Dates in the expected texts are computed with the same locale; one check below pins it.
    QLocale::setDefault(QLocale(QLocale::English, QLocale::UnitedStates));
}

void TestApiKeyModel::columnsAndHeaders()
{
    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    QCOMPARE(model.columnCount(), int(Model::ColumnCount));
    QCOMPARE(model.columnCount(), 8);
    const QStringList titles {QStringLiteral("Name"),       QStringLiteral("Key"),
                              QStringLiteral("Access"),     QStringLiteral("Created"),
                              QStringLiteral("Expires"),    QStringLiteral("Last used"),
                              QStringLiteral("Created by"), QString()};
    for (int column = 0; column < Model::ColumnCount; ++column)
        QCOMPARE(model.headerData(column, Qt::Horizontal).toString(), titles.at(column));
    QCOMPARE(model.headerData(Model::Actions, Qt::Horizontal, Qt::AccessibleTextRole).toString(),
             QStringLiteral("Actions"));

    model.resetKeys({makeKey(QStringLiteral("key_0001"), QStringLiteral("A"), start)}, QString());
    const QModelIndex cell = model.index(0, 0);
    QCOMPARE(model.rowCount(cell), 0);
    QCOMPARE(model.columnCount(cell), 0);
    QVERIFY(!model.index(0, Model::ColumnCount).isValid());
    QVERIFY(model.flags(cell).testFlag(Qt::ItemIsSelectable));
    QVERIFY(!model.flags(cell).testFlag(Qt::ItemIsEditable));
}

void TestApiKeyModel::displayTexts()
{
    ManualClock clock(start);
    Model model(clock);
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);

    const QDateTime created = utc(2026, 1, 31, 12, 0, 0, 250);
    ApiKey named = makeKey(QStringLiteral("key_aaaa"), QStringLiteral("Billing service"), created,
                           Expiration::OneYear, QStringLiteral("kd_…a1B2"));
    named.lastUsedAt = start.addSecs(-5 * 60);
    ApiKey unnamed = makeKey(QStringLiteral("key_bbbb"), QString(), created, Expiration::Never);
    unnamed.access = Access::ReadOnly;
    ApiKey empty = makeKey(QStringLiteral("key_cccc"), QStringLiteral(""), created);
    model.resetKeys({named, unnamed, empty}, QString());

    QCOMPARE(text(model, 0, Model::Name), QStringLiteral("Billing service"));
    QCOMPARE(text(model, 1, Model::Name), QStringLiteral("Unnamed key"));
    QCOMPARE(text(model, 2, Model::Name), QStringLiteral("Unnamed key"));
    QCOMPARE(text(model, 0, Model::Key), QStringLiteral("kd_…a1B2"));
    QCOMPARE(text(model, 0, Model::Access), QStringLiteral("Full access"));
    QCOMPARE(text(model, 1, Model::Access), QStringLiteral("Read only"));
    QCOMPARE(text(model, 0, Model::Created), QStringLiteral("31 Jan 2026"));
    QCOMPARE(text(model, 0, Model::Created), shortDate(created));
    QCOMPARE(text(model, 0, Model::Expires), shortDate(utc(2027, 1, 31, 12, 0, 0, 250)));
    QCOMPARE(text(model, 1, Model::Expires), QStringLiteral("Never"));
    QCOMPARE(text(model, 0, Model::LastUsed), QStringLiteral("5 minutes ago"));
    QCOMPARE(text(model, 1, Model::LastUsed), QStringLiteral("Never"));
    QCOMPARE(text(model, 0, Model::CreatedBy), QStringLiteral("Ada Admin"));

    // The ⋮ column paints itself; it only speaks to assistive technology.
    QVERIFY(model.index(0, Model::Actions).data().toString().isEmpty());
    QCOMPARE(text(model, 0, Model::Actions, Qt::AccessibleTextRole),
             QStringLiteral("Actions for Billing service"));
    QCOMPARE(text(model, 1, Model::Actions, Qt::AccessibleTextRole),
             QStringLiteral("Actions for Unnamed key"));

    QCOMPARE(text(model, 0, Model::Created, Qt::ToolTipRole),
             QStringLiteral("Created 2026-01-31T12:00:00.250Z"));
    QCOMPARE(text(model, 0, Model::Expires, Qt::ToolTipRole),
             QStringLiteral("Expires 2027-01-31T12:00:00.250Z"));
    QCOMPARE(text(model, 1, Model::Expires, Qt::ToolTipRole),
             QStringLiteral("This key never expires"));
    QCOMPARE(text(model, 0, Model::LastUsed, Qt::ToolTipRole),
             QStringLiteral("Last used ") + toRfc3339(start.addSecs(-300)));
    QCOMPARE(text(model, 1, Model::LastUsed, Qt::ToolTipRole),
             QStringLiteral("This key has not been used yet"));

    QCOMPARE(text(model, 0, 0, Model::KeyIdRole), QStringLiteral("key_aaaa"));
    QCOMPARE(model.index(0, 3).data(Model::StatusRole).value<KeyStatus>(), KeyStatus::Active);
    QCOMPARE(model.index(1, 0).data(Model::ApiKeyRole).value<ApiKey>(), unnamed);
    QCOMPARE(model.keyAt(0), named);
    QCOMPARE(model.keyAt(3), ApiKey());
    QCOMPARE(model.keyAt(-1), ApiKey());
    QCOMPARE(model.rowOfKey(QStringLiteral("key_cccc")), 2);
    QCOMPARE(model.rowOfKey(QStringLiteral("key_none")), -1);
    QVERIFY(!model.index(0, Model::Key).data(Qt::FontRole).isNull());
}

void TestApiKeyModel::expiresAtTheInstant()
{
    const QDateTime created = utc(2026, 1, 31, 9, 30, 0, 0);
    const QDateTime expiry = expiresAt(created, Expiration::OneMonth);
    QCOMPARE(expiry, utc(2026, 2, 28, 9, 30));
    ManualClock clock(expiry.addMSecs(-1));
    Model model(clock);
    model.resetKeys({makeKey(QStringLiteral("key_exp1"), QStringLiteral("Short-lived"), created,
                             Expiration::OneMonth)},
                    QString());

    QCOMPARE(text(model, 0, Model::Expires), shortDate(expiry));
    QCOMPARE(model.index(0, 0).data(Model::StatusRole).value<KeyStatus>(), KeyStatus::Active);
    clock.set(expiry); // the instant itself counts as expired
    QCOMPARE(text(model, 0, Model::Expires), QStringLiteral("Expired"));
    QCOMPARE(model.index(0, 0).data(Model::StatusRole).value<KeyStatus>(), KeyStatus::Expired);
    QCOMPARE(text(model, 0, Model::Expires, Qt::ToolTipRole),
             QStringLiteral("Expired 2026-02-28T09:30:00.000Z"));
    clock.advance(24 * 3600 * 1000);
    QCOMPARE(text(model, 0, Model::Expires), QStringLiteral("Expired"));
}

void TestApiKeyModel::revokedKey()
{
    ManualClock clock(start);
    Model model(clock);
    ApiKey key = makeKey(QStringLiteral("key_rev1"), QStringLiteral("Old"), start.addDays(-3),
                         Expiration::OneYear);
    key.revokedAt = start.addSecs(-60);
    model.resetKeys({key}, QString());
    QCOMPARE(text(model, 0, Model::Expires), QStringLiteral("Revoked"));
    QCOMPARE(model.index(0, 0).data(Model::StatusRole).value<KeyStatus>(), KeyStatus::Revoked);
    QCOMPARE(text(model, 0, Model::Expires, Qt::ToolTipRole),
             QStringLiteral("Revoked ") + toRfc3339(key.revokedAt));
}

void TestApiKeyModel::lastUsedTexts_data()
{
    QTest::addColumn<qint64>("secondsAgo");
    QTest::addColumn<QString>("expected");
    QTest::newRow("now") << qint64(0) << QStringLiteral("just now");
    QTest::newRow("59 s") << qint64(59) << QStringLiteral("just now");
    QTest::newRow("clock skew") << qint64(-30) << QStringLiteral("just now");
    QTest::newRow("1 min") << qint64(60) << QStringLiteral("1 minute ago");
    QTest::newRow("5 min") << qint64(5 * 60 + 59) << QStringLiteral("5 minutes ago");
    QTest::newRow("59 min") << qint64(59 * 60) << QStringLiteral("59 minutes ago");
    QTest::newRow("1 h") << qint64(3600) << QStringLiteral("1 hour ago");
    QTest::newRow("23 h") << qint64(23 * 3600 + 3599) << QStringLiteral("23 hours ago");
    QTest::newRow("1 day") << qint64(24 * 3600) << QStringLiteral("1 day ago");
    QTest::newRow("3 days") << qint64(3 * 24 * 3600 + 100) << QStringLiteral("3 days ago");
    QTest::newRow("29 days") << qint64(29 * 24 * 3600) << QStringLiteral("29 days ago");
    QTest::newRow("30 days: the date")
        << qint64(30 * 24 * 3600) << shortDate(start.addSecs(-30 * 24 * 3600));
    QTest::newRow("a year: the date")
        << qint64(365 * 24 * 3600) << shortDate(start.addSecs(-365 * 24 * 3600));
}

void TestApiKeyModel::lastUsedTexts()
{
    QFETCH(qint64, secondsAgo);
    QFETCH(QString, expected);
    ManualClock clock(start);
    Model model(clock);
    ApiKey key = makeKey(QStringLiteral("key_used"), QStringLiteral("Used"), start.addDays(-400));
    key.lastUsedAt = start.addSecs(-secondsAgo);
    model.resetKeys({key}, QString());
    QCOMPARE(text(model, 0, Model::LastUsed), expected);
    QCOMPARE(Model::lastUsedText(key.lastUsedAt, start), expected);
    QCOMPARE(Model::lastUsedText(QDateTime(), start), QStringLiteral("Never"));
}

void TestApiKeyModel::refreshTimesFollowsTheClock()
{
    ManualClock clock(start);
    Model model(clock);
    ApiKeyFilterModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    ApiKey key = makeKey(QStringLiteral("key_tick"), QStringLiteral("Tick"), start.addDays(-13),
                         Expiration::TwoWeeks);
    key.lastUsedAt = start;
    model.resetKeys({key}, QString());
    proxy.sort(Model::Expires, Qt::AscendingOrder);
    QCOMPARE(text(proxy, 0, Model::LastUsed), QStringLiteral("just now"));

    QSignalSpy changed(&proxy, &QAbstractItemModel::dataChanged);
    QSignalSpy moved(&proxy, &QAbstractItemModel::rowsMoved);
    QSignalSpy layout(&proxy, &QAbstractItemModel::layoutChanged);
    clock.advance(qint64(24) * 3600 * 1000);
    model.refreshTimes();
    QCOMPARE(changed.size(), 1);
    QCOMPARE(moved.size(), 0);
    QCOMPARE(layout.size(), 0);
    QCOMPARE(text(proxy, 0, Model::LastUsed), QStringLiteral("1 day ago"));
    QCOMPARE(text(proxy, 0, Model::Expires), QStringLiteral("Expired"));
}

void TestApiKeyModel::sortRoles()
{
    ManualClock clock(start);
    Model model(clock);
    ApiKey dated = makeKey(QStringLiteral("key_0001"), QStringLiteral("ÖLMÜHLE Prod"), start,
                           Expiration::OneYear);
    dated.lastUsedAt = start.addSecs(-10);
    ApiKey never = makeKey(QStringLiteral("key_0002"), QString(), start.addSecs(-1));
    never.access = Access::ReadOnly;
    model.resetKeys({dated, never}, QString());

    const auto sortValue = [&](int row, int column) {
        return model.index(row, column).data(Model::SortRole);
    };
    QCOMPARE(sortValue(0, Model::Name).toString(), QStringLiteral("ölmühle prod"));
    QVERIFY(!sortValue(1, Model::Name).isValid()); // unnamed: after every named key
    QCOMPARE(sortValue(0, Model::Key).toString(), dated.hint.toCaseFolded());
    QCOMPARE(sortValue(0, Model::Access).toInt(), int(Access::Full));
    QCOMPARE(sortValue(1, Model::Access).toInt(), int(Access::ReadOnly));
    QCOMPARE(sortValue(0, Model::Created).toLongLong(), start.toMSecsSinceEpoch());
    QCOMPARE(sortValue(0, Model::Expires).toLongLong(), dated.expiresAt.toMSecsSinceEpoch());
    QCOMPARE(sortValue(1, Model::Expires).toLongLong(), std::numeric_limits<qint64>::max());
    QVERIFY(sortValue(1, Model::Expires).toLongLong() > sortValue(0, Model::Expires).toLongLong());
    QCOMPARE(sortValue(0, Model::LastUsed).toLongLong(), dated.lastUsedAt.toMSecsSinceEpoch());
    QCOMPARE(sortValue(1, Model::LastUsed).toLongLong(), std::numeric_limits<qint64>::min());
    QCOMPARE(sortValue(0, Model::CreatedBy).toString(), QStringLiteral("ada admin"));
    QVERIFY(!sortValue(0, Model::Actions).isValid());
}

void TestApiKeyModel::paging()
{
    Model model;
    QSignalSpy loadingSpy(&model, &Model::loadingChanged);
    QStringList requested;
    QVERIFY(!model.canFetchMore(QModelIndex()));

    model.resetKeys({makeKey(QStringLiteral("key_0001"), QStringLiteral("One"), start)},
                    QStringLiteral("c1"));
    QVERIFY(model.hasMorePages());
    QVERIFY(!model.canFetchMore(QModelIndex())); // no loader yet
    model.setPageLoader([&](const QString &cursor) { requested.append(cursor); });
    QVERIFY(model.canFetchMore(QModelIndex()));
    QVERIFY(!model.canFetchMore(model.index(0, 0)));

    model.fetchMore(QModelIndex());
    QCOMPARE(requested, QStringList {QStringLiteral("c1")});
    QVERIFY(model.loading());
    QCOMPARE(loadingSpy.size(), 1);
    QVERIFY(!model.canFetchMore(QModelIndex()));
    model.fetchMore(QModelIndex()); // in flight: no second request
    QCOMPARE(requested.size(), 1);

    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    model.appendPage(
        {makeKey(QStringLiteral("key_0002"), QStringLiteral("Two"), start.addSecs(-1)),
         makeKey(QStringLiteral("key_0003"), QStringLiteral("Three"), start.addSecs(-2))},
        QStringLiteral("c2"));
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 1);
    QCOMPARE(inserted.at(0).at(2).toInt(), 2);
    QCOMPARE(model.rowCount(), 3);
    QVERIFY(!model.loading());
    QCOMPARE(loadingSpy.size(), 2);
    QVERIFY(model.canFetchMore(QModelIndex()));

    model.fetchMore(QModelIndex());
    QCOMPARE(requested.last(), QStringLiteral("c2"));
    model.pageFailed(); // the same cursor may be retried
    QVERIFY(!model.loading());
    QVERIFY(model.canFetchMore(QModelIndex()));
    model.fetchMore(QModelIndex());
    QCOMPARE(requested,
             (QStringList {QStringLiteral("c1"), QStringLiteral("c2"), QStringLiteral("c2")}));

    model.appendPage(
        {makeKey(QStringLiteral("key_0004"), QStringLiteral("Four"), start.addSecs(-3))},
        QString());
    QVERIFY(!model.hasMorePages());
    QVERIFY(!model.canFetchMore(QModelIndex()));
    model.fetchMore(QModelIndex());
    QCOMPARE(requested.size(), 3);
    QCOMPARE(model.rowCount(), 4);

    // The page marks the first request in flight itself; a reset ends it.
    model.setLoading(true);
    QVERIFY(!model.canFetchMore(QModelIndex()));
    model.resetKeys({}, QStringLiteral("c9"));
    QVERIFY(!model.loading());
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(model.canFetchMore(QModelIndex()));
}

void TestApiKeyModel::pagingSkipsKeysAlreadyListed()
{
    Model model;
    const ApiKey one = makeKey(QStringLiteral("key_0001"), QStringLiteral("One"), start);
    const ApiKey two =
        makeKey(QStringLiteral("key_0002"), QStringLiteral("Two"), start.addSecs(-1));
    const ApiKey three =
        makeKey(QStringLiteral("key_0003"), QStringLiteral("Three"), start.addSecs(-2));
    model.resetKeys({one}, QStringLiteral("c1"));
    model.upsertKey(two); // created here while paging
    model.appendPage({two, three, three}, QString());
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.rowOfKey(two.id), 0);
    QCOMPARE(model.rowOfKey(three.id), 2);
}

void TestApiKeyModel::synchronousLoader()
{
    Model model;
    ApiKeyFilterModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester modelTester(&model,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    int page = 0;
    QStringList requested;
    // A loader that answers at once (a cache) must not confuse the in-flight bookkeeping.
    model.setPageLoader([&](const QString &cursor) {
        requested.append(cursor);
        ++page;
        const QString next = page < 3 ? QStringLiteral("c%1").arg(page + 1) : QString();
        model.appendPage({makeKey(QStringLiteral("key_%1").arg(page, 4, 10, QLatin1Char('0')),
                                  QStringLiteral("Page %1").arg(page), start.addSecs(-page))},
                         next);
    });
    model.resetKeys({makeKey(QStringLiteral("key_0000"), QStringLiteral("First"), start)},
                    QStringLiteral("c1"));
    while (proxy.canFetchMore(QModelIndex()))
        proxy.fetchMore(QModelIndex());
    QCOMPARE(requested,
             (QStringList {QStringLiteral("c1"), QStringLiteral("c2"), QStringLiteral("c3")}));
    QCOMPARE(model.rowCount(), 4);
    QCOMPARE(proxy.rowCount(), 4);
    QVERIFY(!model.loading());
}

void TestApiKeyModel::upsertAndRemove()
{
    Model model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.resetKeys({makeKey(QStringLiteral("key_0001"), QStringLiteral("One"), start),
                     makeKey(QStringLiteral("key_0002"), QStringLiteral("Two"), start.addSecs(-1))},
                    QString());

    QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);

    const ApiKey created = makeKey(QStringLiteral("key_0003"), QString(), start.addSecs(10));
    model.upsertKey(created);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(inserted.at(0).at(1).toInt(), 0);
    QCOMPARE(model.rowCount(), 3);
    QCOMPARE(model.keyAt(0), created);

    ApiKey renamed = model.keyAt(2);
    renamed.name = QStringLiteral("Two, renamed");
    model.upsertKey(renamed);
    QCOMPARE(inserted.size(), 1);
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed.at(0).at(0).value<QModelIndex>(), model.index(2, 0));
    QCOMPARE(changed.at(0).at(1).value<QModelIndex>(), model.index(2, Model::ColumnCount - 1));
    QCOMPARE(text(model, 2, Model::Name), QStringLiteral("Two, renamed"));
    QCOMPARE(model.rowCount(), 3);

    QVERIFY(model.removeKey(QStringLiteral("key_0001")));
    QCOMPARE(removed.size(), 1);
    QCOMPARE(removed.at(0).at(1).toInt(), 1);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.rowOfKey(QStringLiteral("key_0001")), -1);
    QVERIFY(!model.removeKey(QStringLiteral("key_0001")));
    QCOMPARE(removed.size(), 1);
}

void TestApiKeyModel::testerThroughEveryOperation()
{
    ManualClock clock(start);
    Model model(clock);
    ApiKeyFilterModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester modelTester(&model,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);

    // The tester fetches more by itself whenever it may; requests must never overlap.
    int requests = 0;
    int answers = 0;
    model.setPageLoader([&](const QString &) {
        ++requests;
        QVERIFY(requests == answers + 1);
    });
    const auto check = [&] {
        QCOMPARE(shownIds(proxy),
                 expectedIds(model, proxy.filterText(), proxy.sortColumn(), proxy.sortOrder()));
    };

    QList<ApiKey> first;
    const QStringList names {
        QStringLiteral("alpha"),   QStringLiteral("Bravo"),     QString(),
        QStringLiteral("charlie"), QStringLiteral("ALPHA two"), QStringLiteral("delta")};
    for (int i = 0; i < names.size(); ++i) {
        ApiKey key = makeKey(QStringLiteral("key_%1").arg(i, 4, 10, QLatin1Char('0')), names.at(i),
                             start.addSecs(-60 * i), allExpirations[size_t(i % 6)]);
        key.access = i % 2 ? Access::ReadOnly : Access::Full;
        if (i % 3)
            key.lastUsedAt = start.addSecs(-3600 * i);
        key.createdBy.name = i % 2 ? QStringLiteral("bob") : QStringLiteral("Ada");
        first.append(key);
    }
    model.resetKeys(first, QStringLiteral("c1"));
    check();

    for (int column = 0; column < Model::ColumnCount; ++column) {
        for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            proxy.sort(column, order);
            check();
        }
    }
    proxy.sort(Model::Name, Qt::AscendingOrder);
    check();

    ++answers;
    QList<ApiKey> second;
    for (int i = 0; i < 4; ++i) {
        second.append(makeKey(QStringLiteral("key_1%1").arg(i, 3, 10, QLatin1Char('0')),
                              QStringLiteral("page two %1").arg(QChar(u'd' - i)),
                              start.addSecs(-3600 - i)));
    }
    model.appendPage(second, QStringLiteral("c2"));
    check();

    // Upsert of a new key, of a renamed key that moves in the sorted proxy, of an unchanged key.
    model.upsertKey(
        makeKey(QStringLiteral("key_new1"), QStringLiteral("bravissimo"), start.addSecs(5)));
    check();
    ApiKey renamed = model.keyAt(model.rowOfKey(QStringLiteral("key_0000")));
    renamed.name = QStringLiteral("zulu");
    model.upsertKey(renamed);
    check();
    renamed.name = QStringLiteral("aardvark");
    model.upsertKey(renamed);
    check();
    model.upsertKey(renamed);
    check();

    QVERIFY(model.removeKey(QStringLiteral("key_0003")));
    check();

    // Filtered: upserts that enter and leave the visible set, removes of hidden and shown rows.
    proxy.setFilterText(QStringLiteral("  ALP "));
    check();
    QCOMPARE(proxy.rowCount(), 1);
    renamed.name = QStringLiteral("alpine");
    model.upsertKey(renamed);
    check();
    QCOMPARE(proxy.rowCount(), 2);
    renamed.name = QStringLiteral("zulu");
    model.upsertKey(renamed);
    check();
    model.upsertKey(
        makeKey(QStringLiteral("key_new2"), QStringLiteral("Alpaca"), start.addSecs(6)));
    check();
    model.upsertKey(
        makeKey(QStringLiteral("key_new3"), QStringLiteral("hidden"), start.addSecs(7)));
    check();
    QVERIFY(model.removeKey(QStringLiteral("key_new3")));
    check();
    QVERIFY(model.removeKey(QStringLiteral("key_new2")));
    check();
    ++answers;
    model.appendPage(
        {makeKey(QStringLiteral("key_2000"), QStringLiteral("alpha three"), start.addSecs(-9000)),
         makeKey(QStringLiteral("key_2001"), QStringLiteral("omega"), start.addSecs(-9001))},
        QStringLiteral("c3"));
    check();

    for (int column = 0; column < Model::ColumnCount; ++column) {
        for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            proxy.sort(column, order);
            check();
        }
    }
    proxy.setFilterText(QStringLiteral("kd_…"));
    check();
    QCOMPARE(proxy.rowCount(), model.rowCount());
    proxy.setFilterText(QStringLiteral("no such key"));
    check();
    QCOMPARE(proxy.rowCount(), 0);
    model.upsertKey(makeKey(QStringLiteral("key_new4"), QStringLiteral("still hidden"), start));
    check();
    proxy.setFilterText(QString());
    check();
    proxy.sort(-1);
    check();

    ++answers;
    model.pageFailed();
    ++answers;
    model.resetKeys({}, QString());
    check();
    QCOMPARE(proxy.rowCount(), 0);
    model.appendPage(first, QString());
    check();
    proxy.sort(Model::Created, Qt::DescendingOrder);
    proxy.setFilterText(QStringLiteral("a"));
    model.resetKeys(second, QString());
    check();
    QVERIFY(requests >= 1);
}

void TestApiKeyModel::randomOperationsMatchTheOracle()
{
    // Every incremental path of the proxy (inserts in runs, moves, removals, rows entering and
    // leaving the search) against a recomputation from scratch, with ties on purpose.
    ManualClock clock(start);
    Model model(clock);
    ApiKeyFilterModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester modelTester(&model,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester proxyTester(&proxy,
                                         QAbstractItemModelTester::FailureReportingMode::QtTest);
    QRandomGenerator random(4242);
    const QStringList names {QString(),
                             QStringLiteral("alpha"),
                             QStringLiteral("Alpha"),
                             QStringLiteral("beta"),
                             QStringLiteral("beta 2"),
                             QStringLiteral("gamma ray"),
                             QStringLiteral("Ölmühle"),
                             QStringLiteral("alphabet soup, a long name past twelve units")};
    const QStringList searches {QString(),
                                QStringLiteral("a"),
                                QStringLiteral("BE"),
                                QStringLiteral("kd_"),
                                QStringLiteral("unnamed"),
                                QStringLiteral("ölm"),
                                QStringLiteral("x")};
    int serial = 0;
    const auto newKey = [&] {
        ApiKey key = makeKey(
            QStringLiteral("key_%1").arg(serial++, 5, 10, QLatin1Char('0')),
            names.at(random.bounded(int(names.size()))), start.addSecs(-random.bounded(5) * 60),
            allExpirations[size_t(random.bounded(6))],
            QStringLiteral("kd_…%1").arg(random.bounded(20), 4, 10, QLatin1Char('0')));
        key.access = random.bounded(2) ? Access::ReadOnly : Access::Full;
        if (random.bounded(2))
            key.lastUsedAt = start.addSecs(-random.bounded(4) * 3600);
        key.createdBy.name = random.bounded(2) ? QStringLiteral("ada") : QStringLiteral("Bob");
        return key;
    };
    const auto page = [&](int count) {
        QList<ApiKey> keys;
        for (int i = 0; i < count; ++i)
            keys.append(newKey());
        return keys;
    };

    for (int step = 0; step < 400; ++step) {
        const int operation = int(random.bounded(9));
        switch (operation) {
        case 0:
            model.resetKeys(page(int(random.bounded(25))), QString());
            break;
        case 1:
            model.appendPage(page(int(random.bounded(1, 8))), QString());
            break;
        case 2:
        case 3:
            model.upsertKey(newKey());
            break;
        case 4:
            if (model.rowCount() > 0) {
                ApiKey key = model.keyAt(int(random.bounded(model.rowCount())));
                key.name = names.at(random.bounded(int(names.size())));
                key.hint =
                    QStringLiteral("kd_…%1").arg(random.bounded(20), 4, 10, QLatin1Char('0'));
                model.upsertKey(key);
            }
            break;
        case 5:
            if (model.rowCount() > 0)
                model.removeKey(model.keyAt(int(random.bounded(model.rowCount()))).id);
            break;
        case 6:
            proxy.sort(int(random.bounded(-1, int(Model::ColumnCount))),
                       random.bounded(2) ? Qt::AscendingOrder : Qt::DescendingOrder);
            break;
        case 7:
            proxy.setFilterText(searches.at(random.bounded(int(searches.size()))));
            break;
        default:
            clock.advance(random.bounded(3600) * 1000);
            model.refreshTimes();
            break;
        }
        QCOMPARE(shownIds(proxy),
                 expectedIds(model, proxy.filterText(), proxy.sortColumn(), proxy.sortOrder()));
        for (int row = 0; row < proxy.rowCount(); ++row) {
            const QModelIndex source = proxy.mapToSource(proxy.index(row, 1));
            QCOMPARE(proxy.mapFromSource(source), proxy.index(row, 1));
        }
    }
}

void TestApiKeyModel::filter_data()
{
    QTest::addColumn<QString>("search");
    QTest::addColumn<QStringList>("expected");
    const auto ids = [](std::initializer_list<const char *> list) {
        QStringList result;
        for (const char *id : list)
            result.append(QString::fromLatin1(id));
        return result;
    };
    QTest::newRow("empty shows all")
        << QString() << ids({"key_0", "key_1", "key_2", "key_3", "key_4"});
    QTest::newRow("name, case-insensitive") << QStringLiteral("PROD") << ids({"key_0", "key_1"});
    QTest::newRow("name, middle") << QStringLiteral("uction Bil") << ids({"key_0"});
    QTest::newRow("non-ASCII folding") << QStringLiteral("ÖLMÜHLE") << ids({"key_2"});
    QTest::newRow("hint, case-insensitive") << QStringLiteral("a1b2") << ids({"key_1", "key_3"});
    QTest::newRow("hint with prefix") << QStringLiteral("kd_…Z") << ids({"key_4"});
    QTest::newRow("unnamed, as shown") << QStringLiteral("unnamed") << ids({"key_3"});
    QTest::newRow("surrounding spaces") << QStringLiteral("  staging  ") << ids({"key_1"});
    QTest::newRow("a whole pasted key")
        << QStringLiteral("kd_0123456789012345678901234567890123456789abZZzz") << ids({"key_4"});
    QTest::newRow("nothing") << QStringLiteral("xyz") << QStringList();
}

void TestApiKeyModel::filter()
{
    QFETCH(QString, search);
    QFETCH(QStringList, expected);
    Model model;
    ApiKeyFilterModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.resetKeys({makeKey(QStringLiteral("key_0"), QStringLiteral("Production Billing"), start,
                             Expiration::Never, QStringLiteral("kd_…Qx7p")),
                     makeKey(QStringLiteral("key_1"), QStringLiteral("prod staging"), start,
                             Expiration::Never, QStringLiteral("kd_…A1B2")),
                     makeKey(QStringLiteral("key_2"), QStringLiteral("Ölmühle"), start,
                             Expiration::Never, QStringLiteral("kd_…9999")),
                     makeKey(QStringLiteral("key_3"), QString(), start, Expiration::Never,
                             QStringLiteral("kd_…a1b2")),
                     makeKey(QStringLiteral("key_4"), QStringLiteral("Mobile"), start,
                             Expiration::Never, QStringLiteral("kd_…zzZZ"))},
                    QString());
    proxy.setFilterText(search);
    QCOMPARE(proxy.filterText(), search);
    QCOMPARE(shownIds(proxy), expected);
}

void TestApiKeyModel::filterKeepsHeaders()
{
    Model model;
    ApiKeyFilterModel proxy;
    proxy.setSourceModel(&model);
    model.resetKeys({makeKey(QStringLiteral("key_0"), QStringLiteral("Production"), start)},
                    QString());
    proxy.setFilterText(QStringLiteral("nothing matches"));
    QCOMPARE(proxy.rowCount(), 0);
    QVERIFY(!proxy.hasChildren());
    QCOMPARE(proxy.columnCount(), int(Model::ColumnCount));
    QCOMPARE(proxy.headerData(Model::Name, Qt::Horizontal).toString(), QStringLiteral("Name"));
    QCOMPARE(proxy.headerData(Model::LastUsed, Qt::Horizontal).toString(),
             QStringLiteral("Last used"));
}

void TestApiKeyModel::sortEachColumn_data()
{
    QTest::addColumn<int>("column");
    QTest::addColumn<Qt::SortOrder>("order");
    QTest::addColumn<QStringList>("expected");
    const auto ids = [](std::initializer_list<const char *> list) {
        QStringList result;
        for (const char *id : list)
            result.append(QString::fromLatin1(id));
        return result;
    };
    // Source order (newest first): k1 k2 k3 k4; see sortEachColumn() for the values.
    QTest::newRow("name asc: unnamed last")
        << int(Model::Name) << Qt::AscendingOrder << ids({"k3", "k1", "k2", "k4"});
    QTest::newRow("name desc: unnamed first")
        << int(Model::Name) << Qt::DescendingOrder << ids({"k4", "k2", "k1", "k3"});
    QTest::newRow("key asc") << int(Model::Key) << Qt::AscendingOrder
                             << ids({"k4", "k2", "k1", "k3"});
    QTest::newRow("key desc") << int(Model::Key) << Qt::DescendingOrder
                              << ids({"k3", "k1", "k2", "k4"});
    QTest::newRow("access asc: ties keep source order")
        << int(Model::Access) << Qt::AscendingOrder << ids({"k1", "k3", "k2", "k4"});
    QTest::newRow("access desc: ties keep source order")
        << int(Model::Access) << Qt::DescendingOrder << ids({"k2", "k4", "k1", "k3"});
    QTest::newRow("created asc") << int(Model::Created) << Qt::AscendingOrder
                                 << ids({"k4", "k3", "k2", "k1"});
    QTest::newRow("created desc") << int(Model::Created) << Qt::DescendingOrder
                                  << ids({"k1", "k2", "k3", "k4"});
    QTest::newRow("expires asc: never after dated")
        << int(Model::Expires) << Qt::AscendingOrder << ids({"k4", "k2", "k1", "k3"});
    QTest::newRow("expires desc: never first")
        << int(Model::Expires) << Qt::DescendingOrder << ids({"k1", "k3", "k2", "k4"});
    QTest::newRow("last used asc: never first")
        << int(Model::LastUsed) << Qt::AscendingOrder << ids({"k2", "k4", "k3", "k1"});
    QTest::newRow("last used desc: never last")
        << int(Model::LastUsed) << Qt::DescendingOrder << ids({"k1", "k3", "k2", "k4"});
    QTest::newRow("created by asc")
        << int(Model::CreatedBy) << Qt::AscendingOrder << ids({"k2", "k1", "k4", "k3"});
    QTest::newRow("created by desc")
        << int(Model::CreatedBy) << Qt::DescendingOrder << ids({"k3", "k1", "k4", "k2"});
    QTest::newRow("actions: source order")
        << int(Model::Actions) << Qt::AscendingOrder << ids({"k1", "k2", "k3", "k4"});
    QTest::newRow("none: source order")
        << -1 << Qt::DescendingOrder << ids({"k1", "k2", "k3", "k4"});
}

void TestApiKeyModel::sortEachColumn()
{
    QFETCH(int, column);
    QFETCH(Qt::SortOrder, order);
    QFETCH(QStringList, expected);
    ManualClock clock(start);
    Model model(clock);
    ApiKeyFilterModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);

    ApiKey k1 = makeKey(QStringLiteral("k1"), QStringLiteral("beta"), start, Expiration::Never,
                        QStringLiteral("kd_…mmmm"));
    k1.lastUsedAt = start.addSecs(-10);
    k1.createdBy.name = QStringLiteral("bob");
    ApiKey k2 = makeKey(QStringLiteral("k2"), QStringLiteral("Zeta"), start.addDays(-1),
                        Expiration::OneMonth, QStringLiteral("kd_…CCCC"));
    k2.access = Access::ReadOnly;
    k2.createdBy.name = QStringLiteral("Ada");
    ApiKey k3 = makeKey(QStringLiteral("k3"), QStringLiteral("Alpha"), start.addDays(-2),
                        Expiration::Never, QStringLiteral("kd_…zzzz"));
    k3.lastUsedAt = start.addDays(-1);
    k3.createdBy.name = QStringLiteral("Carol");
    ApiKey k4 = makeKey(QStringLiteral("k4"), QString(), start.addDays(-3), Expiration::TwoWeeks,
                        QStringLiteral("kd_…AAAA"));
    k4.access = Access::ReadOnly;
    k4.createdBy.name = QStringLiteral("bob");
    model.resetKeys({k1, k2, k3, k4}, QString());

    proxy.sort(column, order);
    QCOMPARE(shownIds(proxy), expected);
    QCOMPARE(shownIds(proxy), expectedIds(model, QString(), column, order));
}

void TestApiKeyModel::renameMovesRowAndKeepsSelection()
{
    Model model;
    ApiKeyFilterModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.resetKeys({makeKey(QStringLiteral("key_a"), QStringLiteral("apple"), start),
                     makeKey(QStringLiteral("key_b"), QStringLiteral("banana"), start),
                     makeKey(QStringLiteral("key_c"), QStringLiteral("cherry"), start)},
                    QString());
    proxy.sort(Model::Name, Qt::AscendingOrder);
    const QPersistentModelIndex selected = proxy.index(0, Model::Name);
    QCOMPARE(selected.data(Model::KeyIdRole).toString(), QStringLiteral("key_a"));

    QSignalSpy moved(&proxy, &QAbstractItemModel::rowsMoved);
    QSignalSpy removed(&proxy, &QAbstractItemModel::rowsRemoved);
    ApiKey renamed = model.keyAt(0);
    renamed.name = QStringLiteral("damson");
    model.upsertKey(renamed);
    QCOMPARE(moved.size(), 1);
    QCOMPARE(removed.size(), 0);
    QCOMPARE(
        shownIds(proxy),
        (QStringList {QStringLiteral("key_b"), QStringLiteral("key_c"), QStringLiteral("key_a")}));
    QVERIFY(selected.isValid());
    QCOMPARE(selected.row(), 2);
    QCOMPARE(selected.data().toString(), QStringLiteral("damson"));

    renamed.name = QStringLiteral("blueberry");
    model.upsertKey(renamed);
    QCOMPARE(moved.size(), 2);
    QCOMPARE(selected.row(), 1);
    QCOMPARE(
        shownIds(proxy),
        (QStringList {QStringLiteral("key_b"), QStringLiteral("key_a"), QStringLiteral("key_c")}));
}

void TestApiKeyModel::selectionSurvivesSortAndFilter()
{
    Model model;
    ApiKeyFilterModel proxy;
    proxy.setSourceModel(&model);
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.resetKeys({makeKey(QStringLiteral("key_a"), QStringLiteral("apple"), start),
                     makeKey(QStringLiteral("key_b"), QStringLiteral("banana"), start.addSecs(-1)),
                     makeKey(QStringLiteral("key_c"), QStringLiteral("cherry"), start.addSecs(-2))},
                    QString());
    const QPersistentModelIndex banana = proxy.index(1, Model::Key);
    const QPersistentModelIndex cherry = proxy.index(2, Model::Name);
    proxy.sort(Model::Created, Qt::AscendingOrder);
    QCOMPARE(banana.row(), 1);
    QCOMPARE(cherry.row(), 0);
    QCOMPARE(banana.column(), int(Model::Key));
    proxy.setFilterText(QStringLiteral("an"));
    QCOMPARE(banana.row(), 0);
    QVERIFY(!cherry.isValid()); // hidden by the search
    QCOMPARE(proxy.mapToSource(banana).row(), 1);
    QCOMPARE(proxy.mapFromSource(model.index(1, 2)), proxy.index(0, 2));
    QVERIFY(!proxy.mapFromSource(model.index(2, 0)).isValid());
}

void TestApiKeyModel::sourceModelGoesAway()
{
    auto model = std::make_unique<Model>();
    ApiKeyFilterModel proxy;
    proxy.setSourceModel(model.get());
    QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model->resetKeys({makeKey(QStringLiteral("key_a"), QStringLiteral("apple"), start)}, QString());
    QCOMPARE(proxy.rowCount(), 1);
    QCOMPARE(proxy.tableModel(), model.get());
    model.reset();
    QCOMPARE(proxy.rowCount(), 0);
    QCOMPARE(proxy.columnCount(), 0);
    QVERIFY(!proxy.tableModel());
}

void TestApiKeyModel::otherSourceModelsAreRefused()
{
    QStandardItemModel other(2, 2);
    ApiKeyFilterModel proxy;
    QTest::ignoreMessage(QtWarningMsg,
                         "ApiKeyFilterModel: the source model must be an ApiKeyTableModel");
    proxy.setSourceModel(&other);
    QCOMPARE(proxy.rowCount(), 0);
    QVERIFY(!proxy.tableModel());
}

void TestApiKeyModel::largeListSortsAndFilters()
{
    // Completion and correctness only: the ≤ 50 ms figures are measured in bench/model.
    const QList<ApiKey> keys = generateKeys(100000);
    Model model;
    ApiKeyFilterModel proxy;
    proxy.setSourceModel(&model);
    QElapsedTimer timer;
    timer.start();
    model.resetKeys(keys, QStringLiteral("next"));
    qInfo("load 100000 keys: %lld ms", timer.elapsed());
    QCOMPARE(proxy.rowCount(), 100000);

    const auto ordered = [&](int column, Qt::SortOrder order) {
        for (int row = 1; row < proxy.rowCount(); ++row) {
            const int a = proxy.mapToSource(proxy.index(row - 1, 0)).row();
            const int b = proxy.mapToSource(proxy.index(row, 0)).row();
            const QVariant va = model.index(a, column).data(Model::SortRole);
            const QVariant vb = model.index(b, column).data(Model::SortRole);
            const bool inOrder =
                order == Qt::AscendingOrder ? !variantLess(vb, va) : !variantLess(va, vb);
            // Ties keep the source order.
            if (!inOrder || (!variantLess(va, vb) && !variantLess(vb, va) && a > b))
                return false;
        }
        return true;
    };
    for (int column = 0; column < Model::Actions; ++column) {
        for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
            timer.restart();
            proxy.sort(column, order);
            const qint64 elapsed = timer.elapsed();
            qInfo("sort column %d %s: %lld ms", column,
                  order == Qt::AscendingOrder ? "ascending" : "descending", elapsed);
            QCOMPARE(proxy.rowCount(), 100000);
            QVERIFY2(ordered(column, order), qPrintable(QStringLiteral("column %1").arg(column)));
        }
    }

    proxy.sort(Model::Name, Qt::AscendingOrder);
    int expected = 0;
    for (const ApiKey &key : keys) {
        if (key.name.contains(QStringLiteral("mob"), Qt::CaseInsensitive)
            || key.hint.contains(QStringLiteral("mob"), Qt::CaseInsensitive))
            ++expected;
    }
    timer.restart();
    proxy.setFilterText(QStringLiteral("MOB"));
    qInfo("filter \"MOB\": %lld ms, %d rows", timer.elapsed(), proxy.rowCount());
    QCOMPARE(proxy.rowCount(), expected);
    QVERIFY(expected > 0);
    QVERIFY(ordered(Model::Name, Qt::AscendingOrder));
    timer.restart();
    proxy.setFilterText(QString());
    qInfo("clear filter: %lld ms", timer.elapsed());
    QCOMPARE(proxy.rowCount(), 100000);

    // In-place updates stay correct at this size.
    timer.restart();
    model.upsertKey(
        makeKey(QStringLiteral("key_fresh"), QStringLiteral("aaa first"), start.addSecs(1)));
    qInfo("upsert new into 100000: %lld ms", timer.elapsed());
    QCOMPARE(text(proxy, 0, Model::Name), QStringLiteral("aaa first"));
    timer.restart();
    QVERIFY(model.removeKey(QStringLiteral("key_fresh")));
    qInfo("remove from 100000: %lld ms", timer.elapsed());
    QCOMPARE(proxy.rowCount(), 100000);
    QVERIFY(ordered(Model::Name, Qt::AscendingOrder));

    QList<ApiKey> page;
    for (int i = 0; i < 500; ++i)
        page.append(makeKey(QStringLiteral("key_page%1").arg(i), QStringLiteral("page %1").arg(i),
                            start.addYears(-5).addSecs(-i)));
    timer.restart();
    model.appendPage(page, QString());
    qInfo("append a 500-key page, sorted by name: %lld ms", timer.elapsed());
    QCOMPARE(proxy.rowCount(), 100500);
    QVERIFY(ordered(Model::Name, Qt::AscendingOrder));
}

QTEST_MAIN(TestApiKeyModel)
#include "tst_apikeymodel.moc"
