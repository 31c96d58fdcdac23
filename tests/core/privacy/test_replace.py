"""Replacement: inflected forms, whole words, export unchanged, permanent apply with offsets."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import select

from app.core.privacy import replace
from app.core.privacy.replace import OffsetMap, apply_permanently, export_text, pseudonymise_text
from app.core.privacy.terms import Term, add_term, terms
from app.errors import InvalidInput
from app.models import Coding, Document, ReviewDecision, SpeakerTurn
from tests.core.privacy.privacy_fixtures import add_document, snapshot

TERMS = [Term("Kari", "[Navn 1]", "name"), Term("Per", "[Navn 2]", "name"),
         Term("Tromsø", "[Sted 1]", "place"), Term("Lars", "[Navn 3]", "name"),
         Term("Kari Nordmann", "[Navn 4]", "name")]


def test_inflected_forms_and_whole_words():
    text = ("Kari og Karis bror, Kari's hund, Karin og Kari-mor. Per dag? Nei: per dag, "
            "Pers bil, Tromsøs gater og tromsø, Lars' hus, Kari Nordmann kom.")
    new, edits = pseudonymise_text(text, TERMS)
    assert new == ("[Navn 1] og [Navn 1]s bror, [Navn 1]'s hund, Karin og [Navn 1]-mor. "
                   "[Navn 2] dag? Nei: per dag, [Navn 2]s bil, [Sted 1]s gater og [Sted 1], "
                   "[Navn 3]' hus, [Navn 4] kom.")
    assert [e.term for e in edits].count("Kari") == 4
    assert pseudonymise_text("Karianne og Perle i Tromsøya", TERMS)[0] == \
        "Karianne og Perle i Tromsøya"


def test_offset_map_inside_a_name():
    text = "Jeg og Kari dro"
    _new, edits = pseudonymise_text(text, TERMS)
    m = OffsetMap(edits)
    # a span ending inside "Kari" ends after its pseudonym; one starting inside starts before
    assert (m.start(0), m.end(9)) == (0, 15)
    assert (m.start(9), m.end(15)) == (7, 19)
    assert (m.start(12), m.end(15)) == (16, 19)


def _two_documents(project):
    one = "Jeg heter Kari. Karis mor bor i Tromsø 😀."
    two = "Æøå 😀 Kari sa at Per kjenner Kari.\nKari: Ja."
    with project.write() as s:
        add_document(s, "fg1", one, codings=[(10, 14), (16, 25), (0, len(one))],
                     turns=[(0, len(one), "Kari")], decisions=[(16, 25)])
        add_document(s, "fg2", two, codings=[(4, 13), (8, 12)])
        add_term(s, "Kari")
        add_term(s, "Tromsø", kind="place")
        add_term(s, "Per")
    return one, two


def test_consistent_across_documents_and_export_changes_nothing(project):
    one, two = _two_documents(project)
    before = snapshot(project)
    with project.read() as s:
        assert export_text(s, one) == "Jeg heter [Navn 1]. [Navn 1]s mor bor i [Sted 1] 😀."
        assert export_text(s, two) == "Æøå 😀 [Navn 1] sa at [Navn 2] kjenner [Navn 1].\n" \
                                      "[Navn 1]: Ja."
    assert snapshot(project) == before


def test_apply_permanently(project, tmp_path):
    _two_documents(project)
    key = tmp_path / "nøkkel.csv"
    with project.write() as s:
        report = apply_permanently(s, key)
    by_doc = {d.document: d for d in report.documents}
    assert by_doc["fg1"].replacements == 3 and by_doc["fg2"].replacements == 4
    assert by_doc["fg1"].codings_moved == 3 and by_doc["fg1"].decisions_moved == 1
    with key.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["term", "pseudonym", "kind"]
    assert sorted(rows[1:]) == [["Kari", "[Navn 1]", "name"], ["Per", "[Navn 2]", "name"],
                                ["Tromsø", "[Sted 1]", "place"]]
    with project.read() as s:
        assert terms(s) == []
        docs = {d.name: d for d in s.scalars(select(Document))}
        one = docs["fg1"].text
        assert one == "Jeg heter [Navn 1]. [Navn 1]s mor bor i [Sted 1] 😀."
        assert docs["fg1"].length == len(one)
        from app.core.documents import text_sha256

        assert docs["fg1"].sha256 == text_sha256(one)
        spans = {(c.document_id, c.start, c.end) for c in s.scalars(select(Coding))}
        texts = sorted(docs[n].text[a:b] for n in docs for d, a, b in spans
                       if d == docs[n].id)
        assert texts == sorted([
            "[Navn 1]", "[Navn 1]s mor", one,
            "😀 [Navn 1] sa", "[Navn 1] s"])
        turn = s.scalar(select(SpeakerTurn))
        assert (turn.start, turn.end, turn.speaker) == (0, len(one), "[Navn 1]")
        dec = s.scalar(select(ReviewDecision))
        assert one[dec.start:dec.end] == "[Navn 1]s mor"
    from app.core.check import check_project

    assert check_project(project) == []


def test_texts_written_by_the_team_are_reported_not_changed(project, tmp_path):
    from app.core import codebook as cb
    from app.models import Condensate

    _two_documents(project)
    with project.write() as s:
        code = s.scalar(select(cb.Code))
        s.add(Condensate(code_id=code.id, text="Jeg og Kari fikk hjelp."))
        s.scalar(select(Document).where(Document.name == "fg2")).memo = "Tromsø-gruppa"
    with project.write() as s:
        report = apply_permanently(s, tmp_path / "key.csv")
    assert report.left_elsewhere == {"condensate": 1, "memo": 1}
    with project.read() as s:
        assert s.scalar(select(Condensate.text)) == "Jeg og Kari fikk hjelp."


def test_a_failure_changes_nothing(project, tmp_path, monkeypatch):
    _two_documents(project)
    before = snapshot(project)
    with pytest.raises(InvalidInput, match="does not exist"):
        with project.write() as s:
            apply_permanently(s, tmp_path / "missing" / "key.csv")
    assert snapshot(project) == before
    existing = tmp_path / "old-key.csv"
    existing.write_text("term,pseudonym,kind\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="already exists"):
        with project.write() as s:
            apply_permanently(s, existing)
    assert existing.read_text(encoding="utf-8") == "term,pseudonym,kind\n"
    # a failure inside apply, after the key was written, removes the key again
    key = tmp_path / "key.csv"

    def broken(*_a):
        raise RuntimeError("disk full")

    monkeypatch.setattr(replace, "_replace_speakers", broken)
    with pytest.raises(RuntimeError):
        with project.write() as s:
            apply_permanently(s, key)
    assert snapshot(project) == before
    assert not key.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".sitat-key-")]


def test_nothing_to_apply(project, tmp_path):
    with pytest.raises(InvalidInput):
        with project.write() as s:
            apply_permanently(s, tmp_path / "key.csv")
    assert not (tmp_path / "key.csv").exists()
