"""`sitat search` on the lexicon: --compounds finds a word inside compounds (whole words as
hits), a word found nowhere gets "did you mean" on stderr while --json stays a list of hits,
and a nynorsk document (målform attribute) is searched in nynorsk."""

from __future__ import annotations

import pytest

from app.core.search import lexicon

pytestmark = pytest.mark.skipif(not lexicon.available(), reason="simplemma is not installed")

TEXT = ("Moderator: Hva sier dere om hjemmetjenesten?\n"
        "Deltaker 1: Kontaktpersonen min i psykiatritjenesten ringer hver uke.\n"
        "Deltaker 2: Tjenesten er god.\n")
NYNORSK = "Moderator: Kva seier de?\nDeltakar 1: Tenesta var god, og tenestene hjelpte.\n"


@pytest.fixture
def proj(cli, tmp_path, monkeypatch):
    monkeypatch.setenv("SITAT_INDEX_DIR", str(tmp_path / "idx"))
    path = tmp_path / "p.sitat"
    assert cli("new", path).code == 0
    for name, text in (("fg1.txt", TEXT), ("nn1.txt", NYNORSK)):
        (tmp_path / name).write_text(text, encoding="utf-8")
        assert cli("import", path, tmp_path / name).code == 0
    assert cli("attr", path, "nn1", "målform=nynorsk").code == 0
    return path


def test_compounds_only_when_asked(cli, proj):
    plain = cli("search", proj, "tjeneste", "--json").json()
    assert [h["text"] for h in plain] == ["Tjenesten"]
    inside = cli("search", proj, "tjeneste", "--compounds", "--json").json()
    assert [h["text"] for h in inside] == ["hjemmetjenesten", "psykiatritjenesten",
                                           "Tjenesten"]


def test_did_you_mean_on_stderr_and_json_stays_a_list(cli, proj):
    r = cli("search", proj, "kontaktpesonen")
    assert r.code == 0 and r.out == ""
    assert "Did you mean: kontaktpersonen?" in r.err
    r = cli("search", proj, "kontaktpesonen", "--json")
    assert r.json() == [] and "kontaktpersonen" in r.err


def test_a_nynorsk_document_is_searched_in_nynorsk(cli, proj):
    hits = cli("search", proj, "teneste", "--json").json()
    assert [(h["document"], h["text"]) for h in hits] == [("nn1", "Tenesta"),
                                                          ("nn1", "tenestene")]
