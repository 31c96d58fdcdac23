"""Every user-visible message is translated to bokmål, placeholders intact; language selection works."""

from __future__ import annotations

import re

import pytest

import polib

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
    nb = plural_catalogue("nb")
    for singular, (plural, where) in plural_messages().items():
        wanted = sorted(PLACEHOLDER.findall(singular))
        assert sorted(PLACEHOLDER.findall(plural)) == wanted, where
        for form in nb.get(singular, ()):
            assert sorted(PLACEHOLDER.findall(form)) == wanted, (singular, form)


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
        units = n_("({n} meaning unit)", "({n} meaning units)", 1).format(n=1)
        assert units == "(1 meningsbærende enhet)"
    finally:
        set_language("en")
    assert [n_("{n} code", "{n} codes", k).format(n=k) for k in (0, 1, 2)] == [
        "0 codes", "1 code", "2 codes"]

