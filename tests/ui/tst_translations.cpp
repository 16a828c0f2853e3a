// German ships complete, and --lang switches the interface.

#include "ApiClient.h"
#include "CommandLine.h"
#include "LoginDialog.h"
#include "NewKeyDialog.h"

#include <QApplication>
#include <QComboBox>
#include <QDirIterator>
#include <QFile>
#include <QPushButton>
#include <QRegularExpression>
#include <QTest>
#include <QXmlStreamReader>

using namespace keydesk;

class TestTranslations : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void germanIsComplete();
    void commandLineParses();
    void langSwitchesTheInterface();
};

void TestTranslations::germanIsComplete()
{
    QFile file(QStringLiteral(KEYDESK_SOURCE_DIR "/translations/keydesk_de.ts"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QXmlStreamReader xml(&file);
    int messages = 0;
    QStringList unfinished;
    QString source;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == u"source") {
            source = xml.readElementText();
            ++messages;
        } else if (xml.name() == u"translation") {
            const bool notDone = xml.attributes().value(QStringLiteral("type")) == u"unfinished";
            const QString text = xml.readElementText(QXmlStreamReader::IncludeChildElements);
            if (notDone || text.trimmed().isEmpty())
                unfinished.append(source);
        }
    }
    QVERIFY(!xml.hasError());
    QVERIFY(messages > 100);
    QVERIFY2(unfinished.isEmpty(), qPrintable(unfinished.join(QStringLiteral("\n"))));
}

void TestTranslations::commandLineParses()
{
    const CommandLine good =
        CommandLine::parse({QStringLiteral("keydesk"), QStringLiteral("--server"),
                            QStringLiteral("https://keys.example.com"), QStringLiteral("--lang"),
                            QStringLiteral("de")});
    QVERIFY(good.error.isEmpty());
    QCOMPARE(good.server, QUrl(QStringLiteral("https://keys.example.com")));
    QCOMPARE(good.language, QStringLiteral("de"));
    QVERIFY(!CommandLine::parse(
                 {QStringLiteral("keydesk"), QStringLiteral("--server"), QStringLiteral("ftp://x")})
                 .error.isEmpty());
    QVERIFY(!CommandLine::parse({QStringLiteral("keydesk"), QStringLiteral("--bogus")})
                 .error.isEmpty());
    QVERIFY(
        CommandLine::parse({QStringLiteral("keydesk"), QStringLiteral("--version")}).showVersion);
}

void TestTranslations::langSwitchesTheInterface()
{
    QCOMPARE(installTranslations(QStringLiteral("de")), QStringLiteral("de"));
    ApiClient client(QUrl(QStringLiteral("http://127.0.0.1:9")));
    LoginDialog login(client, client.baseUrl());
    QCOMPARE(login.findChild<QPushButton *>(QStringLiteral("signInButton"))->text(),
             QStringLiteral("Anmelden"));
    QCOMPARE(NewKeyDialog::expirationLabel(Expiration::TwoWeeks), QStringLiteral("Zwei Wochen"));
    QCOMPARE(NewKeyDialog::expirationLabel(Expiration::Never), QStringLiteral("Nie"));
    QCOMPARE(NewKeyDialog::expiryText(QDateTime(QDate(2026, 11, 26), QTime(12, 0), Qt::UTC),
                                      Expiration::OneMonth),
             QStringLiteral("Läuft am 26 Dez. 2026 ab"));
}

QTEST_MAIN(TestTranslations)
#include "tst_translations.moc"
