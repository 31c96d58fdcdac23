"""Every user-visible message is translated to bokmål, placeholders intact; language selection works."""

from __future__ import annotations

import re

import pytest

from app.i18n import _, catalogue, set_language, system_language
from scripts.i18n_update import messages

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
    msg = "{n} codings"
    set_language("nb")
    assert _(msg) != msg
    set_language("en")
    assert _(msg) == msg
