"""Search through the lexicon on a project: a query word matches through its own lemmas,
the opt-in search inside compounds (whole words as hits, split by the lexicon only),
nynorsk documents searched with the nynorsk lexicon, "did you mean" for words found
nowhere, and an index of the old analyzer rebuilt."""

from __future__ import annotations

import pytest

from app.core import attributes as attrs
from app.core.search import lexicon, storage
from app.core.search.index import ProjectIndex
from app.core.search.service import search
from app.models import Document

pytestmark = pytest.mark.skipif(not lexicon.available(), reason="simplemma is not installed")

BOKMAL = ("Brukerne fikk hjelp. En bruker brukte bussen, og brukernes kontaktperson "
          "ringte. Hjemmetjenesten kom, og psykiatritjenester ble nevnt. Kontakten var god. "
          "Tjenesten fungerte.")
NYNORSK = "Tenesta var god. Tenestene i kommunen fekk ros, og kvar teneste hjelpte brukarane."


@pytest.fixture
def proj(project, tmp_path, monkeypatch):
    monkeypatch.setenv("SITAT_INDEX_DIR", str(tmp_path / "idx"))
    with project.write() as s:
        for name, text, form in (("bm", BOKMAL, "bokmål"), ("nn", NYNORSK, "nynorsk")):
            doc = Document(name=name, text=text, length=len(text), sha256=name)
            s.add(doc)
            s.flush()
            attrs.set_values(s, doc, {"målform": form})
    return project


def _hits(result) -> list[tuple[str, str]]:
    return [(h.document, h.text) for h in result.hits]


def test_a_query_word_matches_through_its_own_lemmas(proj):
    nouns = [("bm", "Brukerne"), ("bm", "bruker"), ("bm", "brukernes")]
    assert _hits(search(proj, "brukerne")) == nouns  # the noun: not "brukte"
    assert _hits(search(proj, "bruker")) == [("bm", "Brukerne"), ("bm", "bruker"),
                                             ("bm", "brukte"), ("bm", "brukernes")]
    assert _hits(search(proj, "bruke")) == [("bm", "bruker"), ("bm", "brukte")]
    assert _hits(search(proj, "får")) == [("bm", "fikk"), ("nn", "fekk")]  # får is få


def test_phrases_with_a_homograph(proj):
    assert _hits(search(proj, '"en bruker"')) == [("bm", "En bruker")]
    assert _hits(search(proj, '"en brukerne"')) == [("bm", "En bruker")]  # the noun
    assert _hits(search(proj, '"en bruke"')) == [("bm", "En bruker")]  # the verb


def test_compounds_are_found_only_when_asked_with_the_whole_word_as_the_hit(proj):
    assert _hits(search(proj, "tjeneste")) == [("bm", "Tjenesten")]
    r = search(proj, "tjeneste", compounds=True)
    assert _hits(r) == [("bm", "Hjemmetjenesten"), ("bm", "psykiatritjenester"),
                        ("bm", "Tjenesten")]
    for h in r.hits:
        assert BOKMAL[h.start:h.end] == h.text and " " not in h.text
    assert ("bm", "kontaktperson") in _hits(search(proj, "kontakt", compounds=True))
    # split by the lexicon, never by any substring: "takt" is inside "kontakt" but not a part
    assert _hits(search(proj, "takt", compounds=True)) == []
    assert _hits(search(proj, "person", compounds=True)) == [("bm", "kontaktperson")]


def test_nynorsk_documents_are_read_with_the_nynorsk_lexicon(proj):
    assert _hits(search(proj, "tenesta")) == [("nn", "Tenesta"), ("nn", "Tenestene"),
                                              ("nn", "teneste")]
    assert _hits(search(proj, "teneste")) == _hits(search(proj, "tenestene"))
    assert _hits(search(proj, "få")) == [("bm", "fikk"), ("nn", "fekk")]  # each in its own
    assert _hits(search(proj, "god IKKE tenesta")) == [("bm", "god")]  # NOT in each standard
    assert _hits(search(proj, "god IKKE kontakt")) == [("nn", "god")]


def test_changing_the_malform_reindexes_the_document(proj):
    assert _hits(search(proj, "brukar")) == [("nn", "brukarane")]  # nynorsk: brukar
    with proj.write() as s:
        from sqlalchemy import select

        doc = s.scalar(select(Document).where(Document.name == "nn"))
        attrs.set_values(s, doc, {"målform": "bokmål"})
    assert search(proj, "kommunen").hits  # still found, now as bokmål
    assert _hits(search(proj, "brukar")) == []  # no bokmål word: the rules leave "brukaran"


def test_did_you_mean_offers_the_projects_own_words(proj):
    r = search(proj, "kontaktpeson")
    assert len(r.hits) == 0 and r.suggestions == {"kontaktpeson": ["kontaktperson"]}
    r = search(proj, "hjemmetjenestn ELLER brukerne")
    assert len(r.hits) == 3 and r.suggestions == {"hjemmetjenestn": ["hjemmetjenesten"]}
    assert search(proj, "brukerne").suggestions == {}
    assert search(proj, "xyzzyqq").suggestions == {}  # nothing near: no suggestion


def test_an_index_of_the_old_analyzer_is_rebuilt(proj):
    ix = ProjectIndex(proj)
    assert ix.ensure() == "rebuilt"
    assert ix.ensure() == "fresh"
    assert lexicon.data_version() in ProjectIndex._version()
    state = storage.read_state(ix.folder, ix._key, ix._version())
    storage.write_state(ix.folder, ix._key, "3.1", state["documents"], state["files"])
    ix.close()
    ix = ProjectIndex(proj)
    assert ix.ensure() == "rebuilt"
    ix.close()
