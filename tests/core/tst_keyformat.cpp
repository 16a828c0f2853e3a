#include "KeyFormat.h"

#include <QSet>
#include <QTest>

using namespace keydesk;

class TestKeyFormat : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void generatedKeysAreWellFormed();
    void generatedKeysDiffer();
    void checksumMatchesZlibVectors_data();
    void checksumMatchesZlibVectors();
    void rejectsMalformedKeys_data();
    void rejectsMalformedKeys();
    void hintShowsLastFourCharacters();
    void randomBase62IsRoughlyUniform();
};

void TestKeyFormat::generatedKeysAreWellFormed()
{
    for (int i = 0; i < 200; ++i) {
        const QByteArray key = KeyFormat::generate();
        QCOMPARE(key.size(), 49);
        QVERIFY(key.startsWith("kd_"));
        QVERIFY2(KeyFormat::isWellFormed(key), key.constData());
    }
}

void TestKeyFormat::generatedKeysDiffer()
{
    QSet<QByteArray> seen;
    for (int i = 0; i < 1000; ++i)
        seen.insert(KeyFormat::generate());
    QCOMPARE(seen.size(), 1000);
}

void TestKeyFormat::checksumMatchesZlibVectors_data()
{
    QTest::addColumn<QByteArray>("random");
    QTest::addColumn<QByteArray>("checksum");
    // Computed independently with Python's zlib.crc32 and the base62 alphabet 0-9A-Za-z.
    QTest::newRow("zeros") << QByteArray(40, '0') << QByteArray("2kaqcA");
    QTest::newRow("mixed") << QByteArray("abcdefghijABCDEFGHIJ0123456789klmnopqrst")
                           << QByteArray("2ywciD");
}

void TestKeyFormat::checksumMatchesZlibVectors()
{
    QFETCH(QByteArray, random);
    QFETCH(QByteArray, checksum);
    QCOMPARE(KeyFormat::checksum(random), checksum);
    QVERIFY(KeyFormat::isWellFormed("kd_" + random + checksum));
}

void TestKeyFormat::rejectsMalformedKeys_data()
{
    QTest::addColumn<QByteArray>("key");
    const QByteArray good = "kd_" + QByteArray(40, '0') + "2kaqcA";
    QByteArray flipped = good;
    flipped[10] = '1';
    QByteArray badChecksum = good;
    badChecksum[good.size() - 1] = 'B';
    QByteArray wrongAlphabet = good;
    wrongAlphabet[5] = '-';
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("prefix only") << QByteArray("kd_");
    QTest::newRow("one character changed") << flipped;
    QTest::newRow("checksum changed") << badChecksum;
    QTest::newRow("character outside base62") << wrongAlphabet;
    QTest::newRow("wrong prefix") << QByteArray("kx_" + good.mid(3));
    QTest::newRow("too long") << QByteArray(good + "0");
    QTest::newRow("too short") << good.left(48);
    QTest::newRow("upper-case prefix") << QByteArray("KD_" + good.mid(3));
}

void TestKeyFormat::rejectsMalformedKeys()
{
    QFETCH(QByteArray, key);
    QVERIFY(!KeyFormat::isWellFormed(key));
}

void TestKeyFormat::hintShowsLastFourCharacters()
{
    const QByteArray key = "kd_" + QByteArray(40, '0') + "2kaqcA";
    QCOMPARE(KeyFormat::hint(key), QStringLiteral("kd_\u2026aqcA"));
}

void TestKeyFormat::randomBase62IsRoughlyUniform()
{
    // 62 000 characters: each symbol expected 1000 times; a biased mapping (byte % 62 without
    // rejection) would give the first symbols ~1.2x as many.
    const QByteArray sample = KeyFormat::randomBase62(62'000);
    QHash<char, int> counts;
    for (char c : sample)
        ++counts[c];
    QCOMPARE(counts.size(), 62);
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        QVERIFY2(
            it.value() > 820 && it.value() < 1180,
            qPrintable(QStringLiteral("%1: %2").arg(QChar::fromLatin1(it.key())).arg(it.value())));
}

QTEST_GUILESS_MAIN(TestKeyFormat)
#include "tst_keyformat.moc"
