"""Translation of user-visible strings for core, CLI and GUI alike (English source, bokmål shipped).

Mark every string a user can see with `_()`; placeholders use str.format names, and the
translated template is formatted after lookup: `_("Document {name} not found").format(name=n)`.
Catalogues are gettext .po files in app/i18n/locales/<language>/ (one file per area, so
parallel work does not collide), read with polib so translators can use ordinary PO tools.
`scripts/i18n_update.py` adds new msgids; a test fails when one is untranslated.

A count printed with a noun takes its grammatical number from the count, with gettext plural
forms: `n_("{n} code", "{n} codes", n).format(n=n)` (the template is chosen by n, then
formatted; the English pair is the source, msgid/msgid_plural in the .po file, and
msgstr[0]/msgstr[1] follow the catalogue's Plural-Forms rule, for bokmål
`nplurals=2; plural=(n != 1);`). Add a bokmål plural entry with
`python scripts/i18n_plural.py FILE.po 'singular' 'plural' 'entall' 'flertall'`.
A sentence with several counts is built from one plural phrase per count.
"""

from __future__ import annotations

import locale
import os
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

LOCALE_DIR = Path(__file__).with_name("locales")
LANGUAGES = {"nb": "Norsk bokmål", "en": "English"}
_NORWEGIAN_PREFIXES = ("nb", "nn", "no")

# gettext Plural-Forms per language: n -> index into msgstr[...]; both shipped languages have
# one form for exactly one and another for every other count (0 koder, 1 kode, 2 koder).
PLURAL_FORMS = {"nb": "nplurals=2; plural=(n != 1);", "en": "nplurals=2; plural=(n != 1);"}
_PLURAL_INDEX = {"nb": lambda n: int(n != 1), "en": lambda n: int(n != 1)}

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


@contextmanager
def using_language(code: str | None):
    """`_()` speaks `code` inside the block (None: leave it), then what it spoke before - for
    a report written in the project's language while messages stay in the user's."""
    global _current
    before = _current
    if code is not None:
        set_language(code)
    try:
        yield current_language()
    finally:
        _current = before


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


@lru_cache(maxsize=None)
def plural_catalogue(code: str) -> dict[str, tuple[str, ...]]:
    """singular msgid -> its plural forms (msgstr[0], msgstr[1] ...); incomplete ones left out."""
    folder = LOCALE_DIR / code
    if code == "en" or not folder.is_dir():
        return {}
    import polib

    table: dict[str, tuple[str, ...]] = {}
    for path in sorted(folder.glob("*.po")):
        for e in polib.pofile(str(path)):
            if not e.msgid_plural or e.obsolete or "fuzzy" in e.flags:
                continue
            forms = tuple(e.msgstr_plural.get(i, "") for i in range(len(e.msgstr_plural)))
            if forms and all(forms):
                table[e.msgid] = forms
    return table


def plural_index(code: str, n: int) -> int:
    """Which plural form a count takes in a language (gettext's plural= expression)."""
    return _PLURAL_INDEX.get(code, _PLURAL_INDEX["en"])(abs(int(n)))


def n_(singular: str, plural: str, n: int) -> str:
    """The template for a count n in the current language, like gettext's ngettext.

    Returns the translated form chosen by the language's plural rule (the English singular or
    plural when untranslated); format it afterwards: `n_("{n} code", "{n} codes", k).format(n=k)`.
    """
    code = current_language()
    index = plural_index(code, n)
    forms = plural_catalogue(code).get(singular)
    if forms:
        return forms[min(index, len(forms) - 1)]
    return singular if plural_index("en", n) == 0 else plural


def _(message: str) -> str:
    """The message in the current language (the English source when no translation)."""
    return catalogue(current_language()).get(message, message)


def N_(message: str) -> str:
    """Mark a string for translation without translating it now (translate on display)."""
    return message
