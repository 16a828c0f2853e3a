#include "Clock.h"
#include "Expiration.h"
#include "Names.h"

#include <QTest>
#include <QTimeZone>

using namespace keydesk;

namespace {
QDateTime utc(int y, int m, int d, int h = 12, int min = 0, int s = 0, int ms = 0)
{
    return QDateTime(QDate(y, m, d), QTime(h, min, s, ms), Qt::UTC);
}
} // namespace

class TestExpiration : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void wireNamesRoundTrip();
    void presets_data();
    void presets();
    void expiryInstantCountsAsExpired();
    void arithmeticIsInUtc();
    void manualClockMoves();
    void names_data();
    void names();
};

void TestExpiration::wireNamesRoundTrip()
{
    const QStringList expected {QStringLiteral("two_weeks"),    QStringLiteral("one_month"),
                                QStringLiteral("three_months"), QStringLiteral("six_months"),
                                QStringLiteral("one_year"),     QStringLiteral("never")};
    QCOMPARE(int(allExpirations.size()), 6);
    for (size_t i = 0; i < allExpirations.size(); ++i) {
        QCOMPARE(toWire(allExpirations[i]), expected.at(qsizetype(i)));
        QCOMPARE(expirationFromWire(expected.at(qsizetype(i))), allExpirations[i]);
    }
    QVERIFY(!expirationFromWire(u"forever"));
    QVERIFY(!expirationFromWire(u"ONE_MONTH"));
}

void TestExpiration::presets_data()
{
    QTest::addColumn<QDateTime>("created");
    QTest::addColumn<Expiration>("expiration");
    QTest::addColumn<QDateTime>("expected");
    const QDateTime jan31 = utc(2026, 1, 31, 12, 0, 0, 250);
    QTest::newRow("two weeks") << jan31 << Expiration::TwoWeeks << utc(2026, 2, 14, 12, 0, 0, 250);
    QTest::newRow("one month clamps to 28 Feb")
        << jan31 << Expiration::OneMonth << utc(2026, 2, 28, 12, 0, 0, 250);
    QTest::newRow("one month clamps to 29 Feb in a leap year")
        << utc(2028, 1, 31) << Expiration::OneMonth << utc(2028, 2, 29);
    QTest::newRow("one month, no clamping")
        << utc(2026, 3, 15) << Expiration::OneMonth << utc(2026, 4, 15);
    QTest::newRow("one month over the year end")
        << utc(2026, 12, 31, 23, 59, 59) << Expiration::OneMonth << utc(2027, 1, 31, 23, 59, 59);
    QTest::newRow("three months clamps to 30 Apr")
        << jan31 << Expiration::ThreeMonths << utc(2026, 4, 30, 12, 0, 0, 250);
    QTest::newRow("six months from 31 Jan")
        << jan31 << Expiration::SixMonths << utc(2026, 7, 31, 12, 0, 0, 250);
    QTest::newRow("six months clamps to 30 Sep")
        << utc(2026, 3, 31) << Expiration::SixMonths << utc(2026, 9, 30);
    QTest::newRow("one year") << jan31 << Expiration::OneYear << utc(2027, 1, 31, 12, 0, 0, 250);
    QTest::newRow("one year from 29 Feb clamps to 28 Feb")
        << utc(2028, 2, 29) << Expiration::OneYear << utc(2029, 2, 28);
    QTest::newRow("never") << jan31 << Expiration::Never << QDateTime();
}

void TestExpiration::presets()
{
    QFETCH(QDateTime, created);
    QFETCH(Expiration, expiration);
    QFETCH(QDateTime, expected);
    const QDateTime actual = expiresAt(created, expiration);
    QCOMPARE(actual.isValid(), expected.isValid());
    if (expected.isValid())
        QCOMPARE(actual.toMSecsSinceEpoch(), expected.toMSecsSinceEpoch());
}

void TestExpiration::expiryInstantCountsAsExpired()
{
    const QDateTime expiry = utc(2026, 2, 14);
    QVERIFY(!isExpiredAt(expiry, expiry.addMSecs(-1)));
    QVERIFY(isExpiredAt(expiry, expiry));
    QVERIFY(isExpiredAt(expiry, expiry.addMSecs(1)));
    QVERIFY(!isExpiredAt(QDateTime(), expiry.addYears(100))); // never expires
}

void TestExpiration::arithmeticIsInUtc()
{
    // 23:30 on 31 Jan UTC is already 1 Feb in Berlin: the server must clamp in UTC all the same.
    const QDateTime created = utc(2026, 1, 31, 23, 30);
    const QDateTime local = created.toTimeZone(QTimeZone("Europe/Berlin"));
    QCOMPARE(expiresAt(local, Expiration::OneMonth).toMSecsSinceEpoch(),
             utc(2026, 2, 28, 23, 30).toMSecsSinceEpoch());
}

void TestExpiration::manualClockMoves()
{
    ManualClock clock(utc(2026, 1, 1));
    QCOMPARE(clock.now(), utc(2026, 1, 1));
    clock.advance(1500);
    QCOMPARE(clock.now(), utc(2026, 1, 1, 12, 0, 1, 500));
    clock.set(utc(2030, 6, 1));
    QCOMPARE(clock.now(), utc(2030, 6, 1));
    QCOMPARE(clock.now().timeSpec(), Qt::UTC);
}

void TestExpiration::names_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("normalized");
    QTest::addColumn<NameProblem>("problem");
    QTest::newRow("plain") << QStringLiteral("CI deploy") << QStringLiteral("CI deploy")
                           << NameProblem::None;
    QTest::newRow("trimmed") << QStringLiteral("  CI  ") << QStringLiteral("CI")
                             << NameProblem::None;
    QTest::newRow("empty") << QString() << QString() << NameProblem::None;
    // DESIGN §3b: only invisible characters count as empty; with a visible one they stay.
    QTest::newRow("only zero-width spaces")
        << QStringLiteral("\u200b\u200b") << QString() << NameProblem::None;
    QTest::newRow("only invisible characters and spaces")
        << QStringLiteral(" \u2060 \ufeff\u200d\u3164 ") << QString() << NameProblem::None;
    QTest::newRow("invisible characters around a visible one")
        << QStringLiteral("\u200bx\u200b") << QStringLiteral("\u200bx\u200b") << NameProblem::None;
    QTest::newRow("100 code points")
        << QString(100, u'x') << QString(100, u'x') << NameProblem::None;
    QTest::newRow("101 code points")
        << QString(101, u'x') << QString(101, u'x') << NameProblem::TooLong;
    const QString emoji = QString::fromUtf8("\xF0\x9F\x94\x91"); // U+1F511, two UTF-16 units
    QTest::newRow("100 emoji are 100 code points")
        << emoji.repeated(100) << emoji.repeated(100) << NameProblem::None;
    QTest::newRow("tab") << QStringLiteral("a\tb") << QStringLiteral("a\tb")
                         << NameProblem::ControlCharacter;
    QTest::newRow("newline") << QStringLiteral("a\nb") << QStringLiteral("a\nb")
                             << NameProblem::ControlCharacter;
    QTest::newRow("DEL") << QStringLiteral("a\u007fb") << QStringLiteral("a\u007fb")
                         << NameProblem::ControlCharacter;
    QTest::newRow("C1") << QStringLiteral("a\u0085b") << QStringLiteral("a\u0085b")
                        << NameProblem::ControlCharacter;
    QTest::newRow("RLO") << QStringLiteral("a\u202Eb") << QStringLiteral("a\u202Eb")
                         << NameProblem::BidiOverride;
    QTest::newRow("isolate") << QStringLiteral("a\u2067b") << QStringLiteral("a\u2067b")
                             << NameProblem::BidiOverride;
    QTest::newRow("lone surrogate")
        << (QStringLiteral("a") + QChar(0xD800) + QStringLiteral("b"))
        << (QStringLiteral("a") + QChar(0xD800) + QStringLiteral("b")) << NameProblem::InvalidText;
}

void TestExpiration::names()
{
    QFETCH(QString, raw);
    QFETCH(QString, normalized);
    QFETCH(NameProblem, problem);
    const NameCheck check = checkName(raw);
    QCOMPARE(check.problem, problem);
    QCOMPARE(check.normalized, normalized);
    QCOMPARE(describe(problem).isEmpty(), problem == NameProblem::None);
}

QTEST_GUILESS_MAIN(TestExpiration)
#include "tst_expiration.moc"
