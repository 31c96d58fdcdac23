"""Suggestions: names after "heter", capitalised words mid-sentence, speakers; no common words."""

from __future__ import annotations

from app.core.privacy.suggest import CUE, SPEAKER, suggest
from app.core.privacy.terms import add_term
from tests.core.privacy.privacy_fixtures import add_document

DOC1 = ("I1: Hva heter du?\n"
        "D1: Jeg heter kari, nei, jeg heter Kari. Jeg bor på Lillehammer nå.\n"
        "I1: Hvordan var det med NAV og DPS?\n"
        "D1: Fastlegen min sendte meg til Lillehammer i Mai, sammen med Karis mor.\n"
        "Latter. Det var på en mandag.\n")
DOC2 = ("Ola: Jeg var på DPS på Lillehammer.\n"
        "I1: Og Kari?\n"
        "Ola: Nei. Men Kari kom etter.\n")


def _setup(project):
    with project.write() as s:
        add_document(s, "fg1", DOC1)
        add_document(s, "fg2", DOC2, turns=[(0, 36, "Ola"), (36, 48, "I1"),
                                            (48, len(DOC2), "Ola")])


def test_names_places_and_not_common_words(project):
    _setup(project)
    with project.read() as s:
        found = {c.term: c for c in suggest(s)}
    assert found["Kari"].reason == CUE
    assert found["Kari"].documents == ["fg1", "fg2"]
    assert found["Kari"].count == 4  # heter Kari, Karis (folded in), Og Kari?, Men Kari
    assert "Karis" not in found
    assert found["Lillehammer"].documents == ["fg1", "fg2"]
    assert found["Lillehammer"].count == 3
    assert found["Ola"].reason == SPEAKER
    for common in ("NAV", "DPS", "Jeg", "Hva", "Hvordan", "Fastlegen", "Latter", "Mai",
                   "Det", "Nei", "Men", "Og", "I1", "D1"):
        assert common not in found, common


def test_sentence_initial_words_are_not_suggested(project):
    with project.write() as s:
        add_document(s, "fg3", "Trondheim er fin. Bergen også! Stavanger? Nei.\nMolde kanskje.")
    with project.read() as s:
        assert suggest(s) == []


def test_listed_terms_are_left_out(project):
    _setup(project)
    with project.write() as s:
        add_term(s, "Kari")
    with project.read() as s:
        terms = [c.term for c in suggest(s)]
    assert "Kari" not in terms and "Lillehammer" in terms
