"""Every user-visible message is translated to bokmål, placeholders intact; language selection works."""

from __future__ import annotations

import re

import pytest

import polib

from app.i18n import counts
from app.i18n import (LOCALE_DIR, PLURAL_FORMS, _, catalogue, n_, plural_catalogue, set_language,
                      system_language)
from scripts.i18n_update import messages, plural_messages

PLACEHOLDER = re.compile(r"\{[^{}]*\}")


def test_every_message_has_a_bokmal_translation():
    nb = catalogue("nb")
    missing = sorted(m for m in messages() if m not in nb)
    assert not missing, f"{len(missing)} untranslated, run scripts/i18n_update.py: {missing[:10]}"


def test_placeholders_survive_translation():
    nb = catalogue("nb")
    for msgid in messages():
        if msgid in nb:
            assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(nb[msgid])), msgid


@pytest.mark.parametrize(
    "env, expected",
    [({"SITAT_LANG": "nb"}, "nb"), ({"LANG": "nb_NO.UTF-8"}, "nb"), ({"LANG": "nn_NO.UTF-8"}, "nb"),
     ({"LANG": "en_GB.UTF-8"}, "en"), ({"LANG": "de_DE.UTF-8"}, "en")],
)
def test_system_language(monkeypatch, env, expected):
    for var in ("SITAT_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    assert system_language() == expected


def test_switching_language():
    msg = "No conflicts."
    set_language("nb")
    assert _(msg) != msg
    set_language("en")
    assert _(msg) == msg


def test_every_plural_message_has_all_bokmal_forms():
    nb = plural_catalogue("nb")
    wanted = plural_messages()
    assert wanted, "no n_() messages found"
    missing = sorted(m for m in wanted if m not in nb)
    assert not missing, f"{len(missing)} plural messages untranslated: {missing[:10]}"
    for singular, forms in nb.items():
        assert len(forms) == 2 and all(forms), singular


def test_placeholders_survive_in_every_plural_form():
    """msgstr[0] keeps the singular's placeholders and msgstr[1] the plural's (a singular may
    leave the count out: "Only the first quote ..."); the plural names every one."""
    nb = plural_catalogue("nb")
    for singular, (plural, where) in plural_messages().items():
        one, other = set(PLACEHOLDER.findall(singular)), set(PLACEHOLDER.findall(plural))
        assert one <= other, where
        forms = nb.get(singular)
        if forms:
            assert set(PLACEHOLDER.findall(forms[0])) == one, (singular, forms[0])
            assert set(PLACEHOLDER.findall(forms[1])) == other, (singular, forms[1])


def test_catalogues_with_plurals_declare_the_plural_rule():
    for path in sorted((LOCALE_DIR / "nb").glob("*.po")):
        po = polib.pofile(str(path))
        if any(e.msgid_plural for e in po):
            assert po.metadata.get("Plural-Forms") == PLURAL_FORMS["nb"], path.name
    assert PLURAL_FORMS["nb"] == "nplurals=2; plural=(n != 1);"


def test_a_count_takes_the_plural_form_it_needs():
    set_language("nb")
    try:
        said = [n_("{n} code", "{n} codes", k).format(n=k) for k in (0, 1, 2, 21)]
        assert said == ["0 koder", "1 kode", "2 koder", "21 koder"]
        assert counts.meaning_units(1) == "1 meningsbærende enhet"
        assert counts.codings(1234) == "1\u00a0234 kodinger"
    finally:
        set_language("en")
    assert [n_("{n} code", "{n} codes", k).format(n=k) for k in (0, 1, 2)] == [
        "0 codes", "1 code", "2 codes"]


def test_no_count_before_a_plural_noun_outside_plural_forms():
    """A "{n} codes" in a plain _() message reads "1 koder" for one: it must be an n_() (or
    a counted phrase from app.i18n.counts). A limit ("at most {n} characters") is never one."""
    count_noun = re.compile(r"(?<!at most )(?<!more than )(?<!deeper than )(?<!1 to )"
                            r"\{\w+\} (codes?|codings?|documents?|quotes?|coders?|hits?|"
                            r"passages?|meaning units?|condensates?|characters?|words?|"
                            r"segments?|conflicts?|replacements?|speakers?|turns?|cells?|"
                            r"rows?|entries|entry|selections?|sources?|sensitive terms?|"
                            r"child codes?|syntheses|code sets?|backups?|earlier backups?)\b")
    offenders = sorted(f"{where}: {m!r}" for m, where in messages().items()
                       if where.startswith(("app/core", "app/cli")) and count_noun.search(m)
                       and "limit" not in m)
    assert not offenders, offenders
