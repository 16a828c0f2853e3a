<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="de_DE">
<context>
    <name>CommandLine</name>
    <message>
        <source>KeyDesk: create, rename and revoke your organization's API keys.</source>
        <translation>KeyDesk: API-Schlüssel Ihrer Organisation erstellen, umbenennen und widerrufen.</translation>
    </message>
    <message>
        <source>The KeyDesk server to connect to, e.g. https://keys.example.com.</source>
        <translation>Der KeyDesk-Server, mit dem verbunden wird, z. B. https://keys.example.com.</translation>
    </message>
    <message>
        <source>The language of the interface, e.g. de or en (default: the system's).</source>
        <translation>Die Sprache der Oberfläche, z. B. de oder en (Standard: die des Systems).</translation>
    </message>
    <message>
        <source>--server expects an http:// or https:// address, not “%1”.</source>
        <translation>--server erwartet eine http://- oder https://-Adresse, nicht „%1“.</translation>
    </message>
    <message>
        <source>Unexpected argument “%1”.</source>
        <translation>Unerwartetes Argument „%1“.</translation>
    </message>
</context>
<context>
    <name>keydesk::ApiKeyTableModel</name>
    <message>
        <source>Unnamed key</source>
        <translation>Unbenannter Schlüssel</translation>
    </message>
    <message>
        <source>Actions for %1</source>
        <translation>Aktionen für %1</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>Aktionen</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Schlüssel</translation>
    </message>
    <message>
        <source>Access</source>
        <translation>Zugriff</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Erstellt</translation>
    </message>
    <message>
        <source>Expires</source>
        <translation>Läuft ab</translation>
    </message>
    <message>
        <source>Last used</source>
        <translation>Zuletzt verwendet</translation>
    </message>
    <message>
        <source>Created by</source>
        <translation>Erstellt von</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
    <message>
        <source>just now</source>
        <translation>gerade eben</translation>
    </message>
    <message>
        <source>1 minute ago</source>
        <translation>vor 1 Minute</translation>
    </message>
    <message numerus="yes">
        <source>%n minutes ago</source>
        <translation><numerusform>vor %n Minute</numerusform><numerusform>vor %n Minuten</numerusform></translation>
    </message>
    <message>
        <source>1 hour ago</source>
        <translation>vor 1 Stunde</translation>
    </message>
    <message numerus="yes">
        <source>%n hours ago</source>
        <translation><numerusform>vor %n Stunde</numerusform><numerusform>vor %n Stunden</numerusform></translation>
    </message>
    <message>
        <source>1 day ago</source>
        <translation>vor 1 Tag</translation>
    </message>
    <message numerus="yes">
        <source>%n days ago</source>
        <translation><numerusform>vor %n Tag</numerusform><numerusform>vor %n Tagen</numerusform></translation>
    </message>
    <message>
        <source>Read only</source>
        <translation>Nur lesen</translation>
    </message>
    <message>
        <source>Full access</source>
        <translation>Vollzugriff</translation>
    </message>
    <message>
        <source>Revoked</source>
        <translation>Widerrufen</translation>
    </message>
    <message>
        <source>Expired</source>
        <translation>Abgelaufen</translation>
    </message>
    <message>
        <source>Created %1</source>
        <translation>Erstellt %1</translation>
    </message>
    <message>
        <source>Revoked %1</source>
        <translation>Widerrufen %1</translation>
    </message>
    <message>
        <source>This key never expires</source>
        <translation>Dieser Schlüssel läuft nie ab</translation>
    </message>
    <message>
        <source>Expired %1</source>
        <translation>Abgelaufen %1</translation>
    </message>
    <message>
        <source>Expires %1</source>
        <translation>Läuft ab %1</translation>
    </message>
    <message>
        <source>This key has not been used yet</source>
        <translation>Dieser Schlüssel wurde noch nicht verwendet</translation>
    </message>
    <message>
        <source>Last used %1</source>
        <translation>Zuletzt verwendet %1</translation>
    </message>
</context>
<context>
    <name>keydesk::ApiKeysPage</name>
    <message>
        <source>New API key</source>
        <translation>Neuer API-Schlüssel</translation>
    </message>
    <message>
        <source>‹ Account</source>
        <translation>‹ Konto</translation>
    </message>
    <message>
        <source>Back to Account</source>
        <translation>Zurück zum Konto</translation>
    </message>
    <message>
        <source>Organization API Keys</source>
        <translation>API-Schlüssel der Organisation</translation>
    </message>
    <message>
        <source>Search API keys</source>
        <translation>API-Schlüssel durchsuchen</translation>
    </message>
    <message>
        <source>Search by name or key</source>
        <translation>Nach Name oder Schlüssel suchen</translation>
    </message>
    <message>
        <source>Create a new API key (Ctrl+N)</source>
        <translation>Neuen API-Schlüssel erstellen (Strg+N)</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>Aktualisieren</translation>
    </message>
    <message>
        <source>Refresh (F5)</source>
        <translation>Aktualisieren (F5)</translation>
    </message>
    <message>
        <source>API keys</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>Edit name</source>
        <translation>Namen bearbeiten</translation>
    </message>
    <message>
        <source>Revoke API key</source>
        <translation>API-Schlüssel widerrufen</translation>
    </message>
    <message>
        <source>Loading API keys…</source>
        <translation>API-Schlüssel werden geladen …</translation>
    </message>
    <message>
        <source>Create your first API key</source>
        <translation>Ersten API-Schlüssel erstellen</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>Erneut versuchen</translation>
    </message>
    <message>
        <source>Keys let your services call the API on behalf of %1. They stay valid until you revoke them or the organization is deleted. Services send them in the x-api-key header.</source>
        <translation>Mit Schlüsseln rufen Ihre Dienste die API im Namen von %1 auf. Sie bleiben gültig, bis Sie sie widerrufen oder die Organisation gelöscht wird. Dienste senden sie im Header x-api-key.</translation>
    </message>
    <message>
        <source>Only owners and admins of %1 can create, rename or revoke keys.</source>
        <translation>Nur Inhaber und Administratoren von %1 können Schlüssel erstellen, umbenennen oder widerrufen.</translation>
    </message>
    <message>
        <source>Could not load the API keys.
%1</source>
        <translation>Die API-Schlüssel konnten nicht geladen werden.
%1</translation>
    </message>
    <message>
        <source>Could not load more API keys: %1</source>
        <translation>Weitere API-Schlüssel konnten nicht geladen werden: %1</translation>
    </message>
    <message>
        <source>Could not refresh the API keys: %1</source>
        <translation>Die API-Schlüssel konnten nicht aktualisiert werden: %1</translation>
    </message>
    <message>
        <source>No API keys yet.
Create one for each service that calls the API.</source>
        <translation>Noch keine API-Schlüssel.
Erstellen Sie einen für jeden Dienst, der die API aufruft.</translation>
    </message>
    <message>
        <source>No API keys yet.
Owners and admins can create them.</source>
        <translation>Noch keine API-Schlüssel.
Inhaber und Administratoren können welche erstellen.</translation>
    </message>
    <message>
        <source>API key name updated</source>
        <translation>Name des API-Schlüssels aktualisiert</translation>
    </message>
    <message>
        <source>Revoke API key “%1”?</source>
        <translation>API-Schlüssel „%1“ widerrufen?</translation>
    </message>
    <message>
        <source>This cannot be undone. Applications that use this key stop working immediately.</source>
        <translation>Dies kann nicht rückgängig gemacht werden. Anwendungen, die diesen Schlüssel verwenden, funktionieren sofort nicht mehr.</translation>
    </message>
    <message>
        <source>Revoke key</source>
        <translation>Schlüssel widerrufen</translation>
    </message>
    <message>
        <source>The key was not revoked: %1</source>
        <translation>Der Schlüssel wurde nicht widerrufen: %1</translation>
    </message>
    <message>
        <source>API key revoked</source>
        <translation>API-Schlüssel widerrufen</translation>
    </message>
    <message>
        <source>API key copied. KeyDesk clears it from the clipboard shortly.</source>
        <translation>API-Schlüssel kopiert. KeyDesk entfernt ihn in Kürze aus der Zwischenablage.</translation>
    </message>
</context>
<context>
    <name>keydesk::AppController</name>
    <message>
        <source>You are not a member of any organization yet. Ask an owner to add you.</source>
        <translation>Sie sind noch in keiner Organisation Mitglied. Bitten Sie einen Inhaber, Sie hinzuzufügen.</translation>
    </message>
    <message>
        <source>You have logged out.</source>
        <translation>Sie haben sich abgemeldet.</translation>
    </message>
    <message>
        <source>Your session has expired. Sign in again to continue.</source>
        <translation>Ihre Sitzung ist abgelaufen. Melden Sie sich erneut an, um fortzufahren.</translation>
    </message>
</context>
<context>
    <name>keydesk::EditNameDialog</name>
    <message>
        <source>Edit name</source>
        <translation>Namen bearbeiten</translation>
    </message>
    <message>
        <source>API Key Name</source>
        <translation>Name des API-Schlüssels</translation>
    </message>
    <message>
        <source>Unnamed key</source>
        <translation>Unbenannter Schlüssel</translation>
    </message>
    <message>
        <source>Key %1</source>
        <translation>Schlüssel %1</translation>
    </message>
    <message>
        <source>API Key &amp;Name</source>
        <translation>&amp;Name des API-Schlüssels</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>Speichern</translation>
    </message>
</context>
<context>
    <name>keydesk::LoginDialog</name>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Sign in to KeyDesk</source>
        <translation>Bei KeyDesk anmelden</translation>
    </message>
    <message>
        <source>KeyDesk</source>
        <translation>KeyDesk</translation>
    </message>
    <message>
        <source>Your organization's API keys</source>
        <translation>Die API-Schlüssel Ihrer Organisation</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Warning: this server is reached over plain HTTP. Your password and keys would cross the network unencrypted. Use an https:// address.</source>
        <translation>Warnung: Dieser Server wird über unverschlüsseltes HTTP erreicht. Ihr Passwort und Ihre Schlüssel würden unverschlüsselt übertragen. Verwenden Sie eine https://-Adresse.</translation>
    </message>
    <message>
        <source>&amp;Server</source>
        <translation>&amp;Server</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Passwort</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Anmelden</translation>
    </message>
    <message>
        <source>Create organization…</source>
        <translation>Organisation erstellen …</translation>
    </message>
    <message>
        <source>&amp;Email</source>
        <translation>&amp;E-Mail</translation>
    </message>
    <message>
        <source>&amp;Password</source>
        <translation>&amp;Passwort</translation>
    </message>
    <message>
        <source>Organization name</source>
        <translation>Name der Organisation</translation>
    </message>
    <message>
        <source>Your name</source>
        <translation>Ihr Name</translation>
    </message>
    <message>
        <source>At least 12 characters</source>
        <translation>Mindestens 12 Zeichen</translation>
    </message>
    <message>
        <source>Create organization</source>
        <translation>Organisation erstellen</translation>
    </message>
    <message>
        <source>Back to sign in</source>
        <translation>Zurück zur Anmeldung</translation>
    </message>
    <message>
        <source>&amp;Organization</source>
        <translation>&amp;Organisation</translation>
    </message>
    <message>
        <source>Your &amp;name</source>
        <translation>Ihr &amp;Name</translation>
    </message>
    <message>
        <source>E&amp;mail</source>
        <translation>E-&amp;Mail</translation>
    </message>
    <message>
        <source>Pass&amp;word</source>
        <translation>Pass&amp;wort</translation>
    </message>
    <message>
        <source>Enter the server's address, for example https://keys.example.com.</source>
        <translation>Geben Sie die Adresse des Servers ein, zum Beispiel https://keys.example.com.</translation>
    </message>
    <message>
        <source>Connecting…</source>
        <translation>Verbindung wird hergestellt …</translation>
    </message>
    <message>
        <source>Connected to %1 %2</source>
        <translation>Verbunden mit %1 %2</translation>
    </message>
    <message>
        <source>Create an organization</source>
        <translation>Eine Organisation erstellen</translation>
    </message>
    <message>
        <source>Enter your email address and password.</source>
        <translation>Geben Sie Ihre E-Mail-Adresse und Ihr Passwort ein.</translation>
    </message>
    <message>
        <source>Organization</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
</context>
<context>
    <name>keydesk::MainWindow</name>
    <message>
        <source>Owner</source>
        <translation>Inhaber</translation>
    </message>
    <message>
        <source>Admin</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>Member (read only)</source>
        <translation>Mitglied (nur lesen)</translation>
    </message>
    <message>
        <source>KeyDesk</source>
        <translation>KeyDesk</translation>
    </message>
    <message>
        <source>Navigation</source>
        <translation>Navigation</translation>
    </message>
    <message>
        <source>Configuration</source>
        <translation>Konfiguration</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>Konto</translation>
    </message>
    <message>
        <source>Organization</source>
        <translation>Organisation</translation>
    </message>
    <message>
        <source>Organization ID</source>
        <translation>Organisations-ID</translation>
    </message>
    <message>
        <source>Copy Organization ID</source>
        <translation>Organisations-ID kopieren</translation>
    </message>
    <message>
        <source>Copy the Organization ID (services send it in x-organization-id)</source>
        <translation>Organisations-ID kopieren (Dienste senden sie in x-organization-id)</translation>
    </message>
    <message>
        <source>Log out</source>
        <translation>Abmelden</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>Your role</source>
        <translation>Ihre Rolle</translation>
    </message>
    <message>
        <source>Server</source>
        <translation>Server</translation>
    </message>
    <message>
        <source>Organization API Keys</source>
        <translation>API-Schlüssel der Organisation</translation>
    </message>
    <message>
        <source>Create, rename and revoke the keys your services use</source>
        <translation>Die Schlüssel Ihrer Dienste erstellen, umbenennen und widerrufen</translation>
    </message>
    <message>
        <source>Tip: you also find the keys under your name at the bottom left → Account.</source>
        <translation>Tipp: Sie finden die Schlüssel auch unter Ihrem Namen unten links → Konto.</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Email</source>
        <translation>E-Mail</translation>
    </message>
    <message>
        <source>Profile</source>
        <translation>Profil</translation>
    </message>
    <message>
        <source>%1, account menu</source>
        <translation>%1, Kontomenü</translation>
    </message>
    <message>
        <source>%1 – KeyDesk</source>
        <translation>%1 – KeyDesk</translation>
    </message>
    <message>
        <source>Organization ID copied</source>
        <translation>Organisations-ID kopiert</translation>
    </message>
</context>
<context>
    <name>keydesk::NewKeyDialog</name>
    <message>
        <source>New API key</source>
        <translation>Neuer API-Schlüssel</translation>
    </message>
    <message>
        <source>API Key Name (optional)</source>
        <translation>Name des API-Schlüssels (optional)</translation>
    </message>
    <message>
        <source>e.g. Production deploys</source>
        <translation>z. B. Produktiv-Deployments</translation>
    </message>
    <message>
        <source>Expiration</source>
        <translation>Ablauf</translation>
    </message>
    <message>
        <source>Access</source>
        <translation>Zugriff</translation>
    </message>
    <message>
        <source>Full access</source>
        <translation>Vollzugriff</translation>
    </message>
    <message>
        <source>Read only</source>
        <translation>Nur lesen</translation>
    </message>
    <message>
        <source>API Key &amp;Name (optional)</source>
        <translation>&amp;Name des API-Schlüssels (optional)</translation>
    </message>
    <message>
        <source>&amp;Expiration</source>
        <translation>&amp;Ablauf</translation>
    </message>
    <message>
        <source>&amp;Access</source>
        <translation>&amp;Zugriff</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Abbrechen</translation>
    </message>
    <message>
        <source>Create</source>
        <translation>Erstellen</translation>
    </message>
    <message>
        <source>Two weeks</source>
        <translation>Zwei Wochen</translation>
    </message>
    <message>
        <source>One month</source>
        <translation>Ein Monat</translation>
    </message>
    <message>
        <source>Three months</source>
        <translation>Drei Monate</translation>
    </message>
    <message>
        <source>Six months</source>
        <translation>Sechs Monate</translation>
    </message>
    <message>
        <source>One year</source>
        <translation>Ein Jahr</translation>
    </message>
    <message>
        <source>Never</source>
        <translation>Nie</translation>
    </message>
    <message>
        <source>This key never expires</source>
        <translation>Dieser Schlüssel läuft nie ab</translation>
    </message>
    <message>
        <source>Expires on %1</source>
        <extracomment>%1 is a date such as "26 Dec 2026"</extracomment>
        <translation>Läuft am %1 ab</translation>
    </message>
    <message>
        <source>The name can have at most %1 characters.</source>
        <translation>Der Name darf höchstens %1 Zeichen lang sein.</translation>
    </message>
    <message>
        <source>The name cannot contain line breaks, tabs or other invisible control characters.</source>
        <translation>Der Name darf keine Zeilenumbrüche, Tabulatoren oder andere unsichtbare Steuerzeichen enthalten.</translation>
    </message>
    <message>
        <source>Creating…</source>
        <translation>Wird erstellt …</translation>
    </message>
</context>
<context>
    <name>keydesk::ShowSecretDialog</name>
    <message>
        <source>Copy</source>
        <translation>Kopieren</translation>
    </message>
    <message>
        <source>New API key</source>
        <translation>Neuer API-Schlüssel</translation>
    </message>
    <message>
        <source>Your new API key</source>
        <translation>Ihr neuer API-Schlüssel</translation>
    </message>
    <message>
        <source>Your new API key “%1”</source>
        <translation>Ihr neuer API-Schlüssel „%1“</translation>
    </message>
    <message>
        <source>Copy this key now. You won't be able to see it again.</source>
        <translation>Kopieren Sie diesen Schlüssel jetzt. Sie können ihn später nicht mehr ansehen.</translation>
    </message>
    <message>
        <source>API key</source>
        <translation>API-Schlüssel</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>Fertig</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Kopiert</translation>
    </message>
    <message>
        <source>Close without copying?</source>
        <translation>Ohne Kopieren schließen?</translation>
    </message>
    <message>
        <source>You have not copied the key. Once this window closes, nobody can show it again: you would have to create a new key.</source>
        <translation>Sie haben den Schlüssel nicht kopiert. Sobald dieses Fenster geschlossen ist, kann ihn niemand mehr anzeigen: Sie müssten einen neuen Schlüssel erstellen.</translation>
    </message>
    <message>
        <source>Close without copying</source>
        <translation>Ohne Kopieren schließen</translation>
    </message>
</context>
<context>
    <name>keydesk::Toast</name>
    <message>
        <source>Confirmation</source>
        <translation>Bestätigung</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Fehler</translation>
    </message>
    <message>
        <source>Click to dismiss</source>
        <translation>Zum Schließen klicken</translation>
    </message>
</context>
</TS>