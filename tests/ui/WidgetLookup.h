#pragma once

// Finding widgets the way the widget tests (and the screenshot tour) do: by objectName, among
// what is visible now. Dialogs open with open(), so they are looked up rather than returned.

#include <QAction>
#include <QApplication>
#include <QMenu>
#include <QWidget>

namespace keydesk::test {

// The child of `root` with this objectName, or nullptr (with a warning naming what was missing).
template<typename T>
T *find(QWidget *root, const char *name)
{
    T *child = root ? root->findChild<T *>(QString::fromLatin1(name)) : nullptr;
    if (!child)
        qWarning("no %s named %s", T::staticMetaObject.className(), name);
    return child;
}

// A visible widget anywhere (a dialog, usually) with this objectName.
inline QWidget *visibleDialog(const char *name)
{
    const QList<QWidget *> widgets = QApplication::allWidgets();
    for (QWidget *widget : widgets) {
        if (widget->objectName() == QLatin1String(name) && widget->isVisible())
            return widget;
    }
    return nullptr;
}

inline QMenu *visibleMenu(const char *name)
{
    const QList<QWidget *> widgets = QApplication::topLevelWidgets();
    for (QWidget *widget : widgets) {
        auto *menu = qobject_cast<QMenu *>(widget);
        if (menu && menu->objectName() == QLatin1String(name) && menu->isVisible())
            return menu;
    }
    return nullptr;
}

inline QAction *actionNamed(QMenu *menu, const char *name)
{
    const QList<QAction *> actions = menu->actions();
    for (QAction *action : actions) {
        if (action->objectName() == QLatin1String(name))
            return action;
    }
    return nullptr;
}

} // namespace keydesk::test
