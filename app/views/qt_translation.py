"""Qt's own strings (dialog buttons, text-field menus, file and colour dialogs) in the user's
language. PySide6-Essentials ships no Norwegian Qt catalogue, so Sitat keeps one as a .po file
(app/i18n/locales/<lang>/qt/*.po, entries keyed by Qt's context) and answers Qt's tr() calls
from it."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtCore import QCoreApplication, QTranslator

from app.i18n import LOCALE_DIR

_installed: "CatalogueTranslator | None" = None


@lru_cache(maxsize=None)
def qt_catalogue(language: str) -> dict[tuple[str, str], str]:
    folder = LOCALE_DIR / language / "qt"
    if not folder.is_dir():
        return {}
    import polib

    table = {}
    for path in sorted(folder.glob("*.po")):
        for e in polib.pofile(str(path)):
            if e.msgstr and not e.obsolete:
                table[(e.msgctxt or "", e.msgid)] = e.msgstr
    return table


class CatalogueTranslator(QTranslator):
    def __init__(self, language: str, parent=None) -> None:
        super().__init__(parent)
        self.table = qt_catalogue(language)

    def translate(self, context, source_text, disambiguation=None, n=-1):  # noqa: N802
        # None (a null QString) means "not translated here": Qt then keeps its English text.
        # An empty string would be taken as the translation - "Ctrl+%1" became "" and every
        # shortcut lost its modifiers ("QString::arg: Argument missing").
        return self.table.get((context or "", source_text))

    def isEmpty(self) -> bool:  # noqa: N802
        return not self.table


def install(language: str) -> None:
    """Answer Qt's own strings in `language` from now on (replaces an earlier choice)."""
    global _installed
    app = QCoreApplication.instance()
    if app is None:
        return
    if _installed is not None:
        app.removeTranslator(_installed)
        _installed = None
    translator = CatalogueTranslator(language, app)
    if not translator.isEmpty():
        app.installTranslator(translator)
        _installed = translator
