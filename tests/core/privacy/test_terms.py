"""The list of sensitive terms: defaults per kind, duplicates refused, removal, read-only use."""

from __future__ import annotations

import pytest

from app.core.privacy.terms import add_term, remove_term, terms
from app.errors import InvalidInput, NotFound
from tests.core.privacy.privacy_fixtures import add_document


def test_default_pseudonyms_are_numbered_per_kind(project):
    with project.write() as s:
        assert add_term(s, "Kari").pseudonym == "[Navn 1]"
        assert add_term(s, "Lillehammer", kind="place").pseudonym == "[Sted 1]"
        assert add_term(s, "Per").pseudonym == "[Navn 2]"
        assert add_term(s, "Solsletta", kind="institution").pseudonym == "[Institusjon 1]"
        assert add_term(s, "Ola", "Jon").pseudonym == "Jon"
    with project.read() as s:
        listed = {t.term: (t.pseudonym, t.kind) for t in terms(s)}
    assert listed == {"Kari": ("[Navn 1]", "name"), "Lillehammer": ("[Sted 1]", "place"),
                      "Per": ("[Navn 2]", "name"),
                      "Solsletta": ("[Institusjon 1]", "institution"), "Ola": ("Jon", "name")}


def test_duplicates_and_bad_input_are_refused_with_a_message(project):
    with project.write() as s:
        add_term(s, "Kari")
    with pytest.raises(InvalidInput, match="Kari is already listed, replaced by \\[Navn 1\\]"):
        with project.write() as s:
            add_term(s, "  Kari ")
    for bad in ("", "   ", "!!", "Navn", "sted"):
        with pytest.raises(InvalidInput):
            with project.write() as s:
                add_term(s, bad)
    with pytest.raises(InvalidInput, match="kind"):
        with project.write() as s:
            add_term(s, "Oslo", kind="city")
    with project.read() as s:
        assert [t.term for t in terms(s)] == ["Kari"]


def test_remove_term_and_numbers_are_not_reused(project):
    with project.write() as s:
        add_term(s, "Kari")
        add_term(s, "Per")
        # a pseudonym already written into a text (an earlier apply) is never given again
        add_document(s, "fg1", "Vi snakket med [Navn 7] i går.")
    with project.write() as s:
        assert remove_term(s, "Kari").pseudonym == "[Navn 1]"
        assert add_term(s, "Ola").pseudonym == "[Navn 8]"
    with pytest.raises(NotFound):
        with project.write() as s:
            remove_term(s, "Kari")


@pytest.mark.sqlite_only  # an older .sitat file, its table dropped with sqlite3
def test_reading_a_project_without_the_table(project_path):
    from app.core.project import Project

    with Project.open(project_path, read_only=True) as p, p.read() as s:
        assert terms(s) == []
