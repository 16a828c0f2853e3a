#include "Settings.h"

namespace keydesk {

Settings::Settings()
    : m_settings(QSettings::IniFormat, QSettings::UserScope, QStringLiteral("keydesk"),
                 QStringLiteral("keydesk"))
{ }

Settings::Settings(const QString &filePath)
    : m_settings(filePath, QSettings::IniFormat)
{ }

QUrl Settings::lastServer() const
{
    const QUrl url(m_settings.value(QStringLiteral("server/url")).toString());
    return url.isValid() && !url.isEmpty() ? url : defaultServer();
}

void Settings::setLastServer(const QUrl &url)
{
    m_settings.setValue(QStringLiteral("server/url"), url.toString());
}

QString Settings::lastEmail() const
{
    return m_settings.value(QStringLiteral("server/email")).toString();
}

void Settings::setLastEmail(const QString &email)
{
    m_settings.setValue(QStringLiteral("server/email"), email);
}

QByteArray Settings::windowGeometry() const
{
    return m_settings.value(QStringLiteral("window/geometry")).toByteArray();
}

void Settings::setWindowGeometry(const QByteArray &geometry)
{
    m_settings.setValue(QStringLiteral("window/geometry"), geometry);
}

} // namespace keydesk
