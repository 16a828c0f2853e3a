#pragma once

#include <QByteArray>
#include <QSettings>
#include <QUrl>

namespace keydesk {

// What the app remembers between runs: the last server and the window geometry. Never a
// token, a password or a key.
class Settings final
{
    Q_DISABLE_COPY_MOVE(Settings)
public:
    Settings(); // the user's settings file
    explicit Settings(const QString &filePath); // a given INI file (tests)

    QUrl lastServer() const;
    void setLastServer(const QUrl &url);
    QString lastEmail() const;
    void setLastEmail(const QString &email);
    QByteArray windowGeometry() const;
    void setWindowGeometry(const QByteArray &geometry);

    static QUrl defaultServer() { return QUrl(QStringLiteral("http://127.0.0.1:8787")); }

private:
    QSettings m_settings;
};

} // namespace keydesk
