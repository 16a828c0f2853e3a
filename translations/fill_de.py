#!/usr/bin/env python3
"""Fills translations/keydesk_de.ts from the table below after `lupdate` (see translations/README.md).

Unknown source texts are listed and left unfinished, so a missing translation shows up in review
(and in lrelease's statistics) instead of going unnoticed.
"""
import sys
import xml.etree.ElementTree as ET

DE = {
    "KeyDesk: create, rename and revoke your organization's API keys.": "KeyDesk: API-Schlüssel Ihrer Organisation erstellen, umbenennen und widerrufen.",
    "The KeyDesk server to connect to, e.g. https://keys.example.com.": "Der KeyDesk-Server, mit dem verbunden wird, z. B. https://keys.example.com.",
    "The language of the interface, e.g. de or en (default: the system's).": "Die Sprache der Oberfläche, z. B. de oder en (Standard: die des Systems).",
    "--server expects an http:// or https:// address, not “%1”.": "--server erwartet eine http://- oder https://-Adresse, nicht „%1“.",
    "Unexpected argument “%1”.": "Unerwartetes Argument „%1“.",
    "Unnamed key": "Unbenannter Schlüssel",
    "Actions for %1": "Aktionen für %1",
    "Actions": "Aktionen",
    "Name": "Name",
    "Key": "Schlüssel",
    "Access": "Zugriff",
    "Created": "Erstellt",
    "Expires": "Läuft ab",
    "Last used": "Zuletzt verwendet",
    "Created by": "Erstellt von",
    "Never": "Nie",
    "just now": "gerade eben",
    "1 minute ago": "vor 1 Minute",
    "%n minutes ago": ["vor %n Minute", "vor %n Minuten"],
    "1 hour ago": "vor 1 Stunde",
    "%n hours ago": ["vor %n Stunde", "vor %n Stunden"],
    "1 day ago": "vor 1 Tag",
    "%n days ago": ["vor %n Tag", "vor %n Tagen"],
    "Read only": "Nur lesen",
    "Full access": "Vollzugriff",
    "Revoked": "Widerrufen",
    "Expired": "Abgelaufen",
    "Created %1": "Erstellt %1",
    "Revoked %1": "Widerrufen %1",
    "This key never expires": "Dieser Schlüssel läuft nie ab",
    "Expired %1": "Abgelaufen %1",
    "Expires %1": "Läuft ab %1",
    "This key has not been used yet": "Dieser Schlüssel wurde noch nicht verwendet",
    "Last used %1": "Zuletzt verwendet %1",
    "New API key": "Neuer API-Schlüssel",
    "‹ Account": "‹ Konto",
    "Back to Account": "Zurück zum Konto",
    "Organization API Keys": "API-Schlüssel der Organisation",
    "Search API keys": "API-Schlüssel durchsuchen",
    "Search by name or key": "Nach Name oder Schlüssel suchen",
    "Create a new API key (Ctrl+N)": "Neuen API-Schlüssel erstellen (Strg+N)",
    "Refresh": "Aktualisieren",
    "Refresh (F5)": "Aktualisieren (F5)",
    "API keys": "API-Schlüssel",
    "Edit name": "Namen bearbeiten",
    "Revoke API key": "API-Schlüssel widerrufen",
    "Loading API keys…": "API-Schlüssel werden geladen …",
    "Create your first API key": "Ersten API-Schlüssel erstellen",
    "Retry": "Erneut versuchen",
    "Keys let your services call the API on behalf of %1. They stay valid until you revoke them or the organization is deleted. Services send them in the x-api-key header.":
        "Mit Schlüsseln rufen Ihre Dienste die API im Namen von %1 auf. Sie bleiben gültig, bis Sie sie widerrufen oder die Organisation gelöscht wird. Dienste senden sie im Header x-api-key.",
    "Only owners and admins of %1 can create, rename or revoke keys.": "Nur Inhaber und Administratoren von %1 können Schlüssel erstellen, umbenennen oder widerrufen.",
    "Could not load the API keys.\n%1": "Die API-Schlüssel konnten nicht geladen werden.\n%1",
    "Could not load more API keys: %1": "Weitere API-Schlüssel konnten nicht geladen werden: %1",
    "No API keys yet.\nCreate one for each service that calls the API.": "Noch keine API-Schlüssel.\nErstellen Sie einen für jeden Dienst, der die API aufruft.",
    "No API keys yet.\nOwners and admins can create them.": "Noch keine API-Schlüssel.\nInhaber und Administratoren können welche erstellen.",
    "API key name updated": "Name des API-Schlüssels aktualisiert",
    "Revoke API key “%1”?": "API-Schlüssel „%1“ widerrufen?",
    "This cannot be undone. Applications that use this key stop working immediately.": "Dies kann nicht rückgängig gemacht werden. Anwendungen, die diesen Schlüssel verwenden, funktionieren sofort nicht mehr.",
    "Revoke key": "Schlüssel widerrufen",
    "The key was not revoked: %1": "Der Schlüssel wurde nicht widerrufen: %1",
    "API key revoked": "API-Schlüssel widerrufen",
    "API key copied. KeyDesk clears it from the clipboard shortly.": "API-Schlüssel kopiert. KeyDesk entfernt ihn in Kürze aus der Zwischenablage.",
    "You are not a member of any organization yet. Ask an owner to add you.": "Sie sind noch in keiner Organisation Mitglied. Bitten Sie einen Inhaber, Sie hinzuzufügen.",
    "You have logged out.": "Sie haben sich abgemeldet.",
    "Your session has expired. Sign in again to continue.": "Ihre Sitzung ist abgelaufen. Melden Sie sich erneut an, um fortzufahren.",
    "API Key Name": "Name des API-Schlüssels",
    "Key %1": "Schlüssel %1",
    "API Key &Name": "&Name des API-Schlüssels",
    "Cancel": "Abbrechen",
    "Save": "Speichern",
    "The name can have at most %1 characters.": "Der Name darf höchstens %1 Zeichen lang sein.",
    "The name cannot contain line breaks, tabs or other invisible control characters.": "Der Name darf keine Zeilenumbrüche, Tabulatoren oder andere unsichtbare Steuerzeichen enthalten.",
    "Server": "Server",
    "Sign in to KeyDesk": "Bei KeyDesk anmelden",
    "KeyDesk": "KeyDesk",
    "Your organization's API keys": "Die API-Schlüssel Ihrer Organisation",
    "Error": "Fehler",
    "Warning: this server is reached over plain HTTP. Your password and keys would cross the network unencrypted. Use an https:// address.":
        "Warnung: Dieser Server wird über unverschlüsseltes HTTP erreicht. Ihr Passwort und Ihre Schlüssel würden unverschlüsselt übertragen. Verwenden Sie eine https://-Adresse.",
    "&Server": "&Server",
    "Email": "E-Mail",
    "Password": "Passwort",
    "Sign in": "Anmelden",
    "Create organization…": "Organisation erstellen …",
    "&Email": "&E-Mail",
    "&Password": "&Passwort",
    "Organization name": "Name der Organisation",
    "Your name": "Ihr Name",
    "At least 12 characters": "Mindestens 12 Zeichen",
    "Create organization": "Organisation erstellen",
    "Back to sign in": "Zurück zur Anmeldung",
    "&Organization": "&Organisation",
    "Your &name": "Ihr &Name",
    "E&mail": "E-&Mail",
    "Pass&word": "Pass&wort",
    "Enter the server's address, for example https://keys.example.com.": "Geben Sie die Adresse des Servers ein, zum Beispiel https://keys.example.com.",
    "Connecting…": "Verbindung wird hergestellt …",
    "Connected to %1 %2": "Verbunden mit %1 %2",
    "Create an organization": "Eine Organisation erstellen",
    "Enter your email address and password.": "Geben Sie Ihre E-Mail-Adresse und Ihr Passwort ein.",
    "Organization": "Organisation",
    "%1: %2": "%1: %2",
    "Owner": "Inhaber",
    "Admin": "Administrator",
    "Member (read only)": "Mitglied (nur lesen)",
    "Navigation": "Navigation",
    "Configuration": "Konfiguration",
    "Account": "Konto",
    "Organization ID": "Organisations-ID",
    "Copy Organization ID": "Organisations-ID kopieren",
    "Copy the Organization ID (services send it in x-organization-id)": "Organisations-ID kopieren (Dienste senden sie in x-organization-id)",
    "Log out": "Abmelden",
    "Copy": "Kopieren",
    "Your role": "Ihre Rolle",
    "Create, rename and revoke the keys your services use": "Die Schlüssel Ihrer Dienste erstellen, umbenennen und widerrufen",
    "Tip: you also find the keys under your name at the bottom left → Account.": "Tipp: Sie finden die Schlüssel auch unter Ihrem Namen unten links → Konto.",
    "Profile": "Profil",
    "%1, account menu": "%1, Kontomenü",
    "%1 – KeyDesk": "%1 – KeyDesk",
    "Organization ID copied": "Organisations-ID kopiert",
    "API Key Name (optional)": "Name des API-Schlüssels (optional)",
    "e.g. Production deploys": "z. B. Produktiv-Deployments",
    "Expiration": "Ablauf",
    "API Key &Name (optional)": "&Name des API-Schlüssels (optional)",
    "&Expiration": "&Ablauf",
    "&Access": "&Zugriff",
    "Create": "Erstellen",
    "Two weeks": "Zwei Wochen",
    "One month": "Ein Monat",
    "Three months": "Drei Monate",
    "Six months": "Sechs Monate",
    "One year": "Ein Jahr",
    "Expires on %1": "Läuft am %1 ab",
    "Creating…": "Wird erstellt …",
    "Your new API key": "Ihr neuer API-Schlüssel",
    "Your new API key “%1”": "Ihr neuer API-Schlüssel „%1“",
    "Copy this key now. You won't be able to see it again.": "Kopieren Sie diesen Schlüssel jetzt. Sie können ihn später nicht mehr ansehen.",
    "API key": "API-Schlüssel",
    "Done": "Fertig",
    "Copied": "Kopiert",
    "Close without copying?": "Ohne Kopieren schließen?",
    "You have not copied the key. Once this window closes, nobody can show it again: you would have to create a new key.":
        "Sie haben den Schlüssel nicht kopiert. Sobald dieses Fenster geschlossen ist, kann ihn niemand mehr anzeigen: Sie müssten einen neuen Schlüssel erstellen.",
    "Close without copying": "Ohne Kopieren schließen",
    "Confirmation": "Bestätigung",
    "Click to dismiss": "Zum Schließen klicken",
}

path = sys.argv[1] if len(sys.argv) > 1 else "translations/keydesk_de.ts"
tree = ET.parse(path)
missing = []
for message in tree.getroot().iter("message"):
    source = message.find("source").text
    translation = message.find("translation")
    wanted = DE.get(source)
    if wanted is None:
        missing.append(source)
        continue
    translation.attrib.pop("type", None)
    for child in list(translation):
        translation.remove(child)
    if isinstance(wanted, list):
        translation.text = None
        for form in wanted:
            ET.SubElement(translation, "numerusform").text = form
    else:
        translation.text = wanted
tree.write(path, encoding="utf-8", xml_declaration=True)
if missing:
    print("untranslated:", *missing, sep="\n  ")
    sys.exit(1)
