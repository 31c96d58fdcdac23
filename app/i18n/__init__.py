"""Translation of user-visible strings for core, CLI and GUI alike (English source, bokmål shipped).

Mark every string a user can see with `_()`; placeholders use str.format names, and the
translated template is formatted after lookup: `_("Document {name} not found").format(name=n)`.
Catalogues are gettext .po files in app/i18n/locales/<language>/ (one file per area, so
parallel work does not collide), read with polib so translators can use ordinary PO tools.
`scripts/i18n_update.py` adds new msgids; a test fails when one is untranslated.
"""

from __future__ import annotations

import locale
import os
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).with_name("locales")
LANGUAGES = {"nb": "Norsk bokmål", "en": "English"}
_NORWEGIAN_PREFIXES = ("nb", "nn", "no")

_current: str | None = None


def system_language() -> str:
    """'nb' when the environment asks for Norwegian, otherwise 'en'."""
    for var in ("SITAT_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value and value not in ("C", "POSIX", "C.UTF-8"):
            return "nb" if value.lower().startswith(_NORWEGIAN_PREFIXES) else "en"
    try:
        code = locale.getlocale()[0] or ""
    except ValueError:
        code = ""
    return "nb" if code.lower().startswith(_NORWEGIAN_PREFIXES) else "en"


def set_language(code: str | None) -> str:
    """Choose the language for all later `_()` calls; None means the system's. Returns it."""
    global _current
    if code is None:
        code = system_language()
    _current = code if code in LANGUAGES else "en"
    return _current


def current_language() -> str:
    return _current if _current is not None else set_language(None)


@lru_cache(maxsize=None)
def catalogue(code: str) -> dict[str, str]:
    """msgid -> msgstr for one language; untranslated and fuzzy entries are left out."""
    folder = LOCALE_DIR / code
    if code == "en" or not folder.is_dir():
        return {}
    import polib

    table: dict[str, str] = {}
    for path in sorted(folder.glob("*.po")):
        for e in polib.pofile(str(path)):
            if e.msgstr and not e.obsolete and "fuzzy" not in e.flags:
                table[e.msgid] = e.msgstr
    return table


def _(message: str) -> str:
    """The message in the current language (the English source when no translation)."""
    return catalogue(current_language()).get(message, message)


def N_(message: str) -> str:
    """Mark a string for translation without translating it now (translate on display)."""
    return message
