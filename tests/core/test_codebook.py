"""Code paths, lookup and tree edits in app.core.codebook, checked against what a user sees."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.core import codebook as cb
from app.core import codebook_io as cbio
from app.errors import CodebookError, NotFound
from app.models import Code, Coder, Coding, Document


@given(st.lists(st.text(min_size=1).filter(lambda t: t.strip() == t and t), min_size=1,
                max_size=4))
def test_paths_round_trip_with_escapes(names):
    assert cb.split_path(cb.join_path(names)) == names


def test_escaped_slash_is_one_name():
    assert cb.split_path("Bolig\\/hjem/Trygghet") == ["Bolig/hjem", "Trygghet"]
    assert cb.join_path(["Bolig/hjem", "a\\b"]) == "Bolig\\/hjem/a\\\\b"


def _tree(s):
    top = cb.create_code(s, "Respekt", colour="#c0392b")
    child = cb.create_code(s, "Bli hørt", top)
    slash = cb.create_code(s, "Bolig/hjem")
    return top, child, slash


def test_create_paths_and_order(project):
    with project.write() as s:
        _tree(s)
        cb.create_code(s, "Annet")
    with project.read() as s:
        assert list(cb.code_paths(s).values()) == [
            "Respekt", "Respekt/Bli hørt", "Bolig\\/hjem", "Annet"]
        assert [c.name for c in cb.ordered_codes(s)] == ["Respekt", "Bli hørt", "Bolig/hjem",
                                                         "Annet"]
        assert cb.resolve_code(s, "Bolig\\/hjem").name == "Bolig/hjem"
        assert cb.resolve_code(s, "Bli hørt").name == "Bli hørt"  # unique bare name
        assert cb.resolve_code(s, "Respekt").color == "#C0392B"


def test_resolve_errors_suggest_and_name_ambiguity(project):
    with project.write() as s:
        top, _child, _slash = _tree(s)
        other = cb.create_code(s, "Annet")
        cb.create_code(s, "Bli hørt", other)
    with project.read() as s:
        with pytest.raises(NotFound, match="several codes"):
            cb.resolve_code(s, "Bli hørt")
        with pytest.raises(NotFound, match="Did you mean: Respekt"):
            cb.resolve_code(s, "Respektt")


def test_create_refuses_duplicates_empty_and_bad_colour(project):
    with project.write() as s:
        _tree(s)
    for name, kwargs, needle in [("Respekt", {}, "already"), ("  ", {}, "needs a name"),
                                 ("Ny", {"colour": "red"}, "#RRGGBB")]:
        with pytest.raises(CodebookError, match=needle):
            with project.write() as s:
                cb.create_code(s, name, **kwargs)


def _coded(s, code, coder, start, end, doc):
    s.add(Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id, start=start, end=end))


def test_move_rename_and_no_cycles(project):
    with project.write() as s:
        top, child, slash = _tree(s)
        cb.move_code(s, slash, top, 0)
        cb.rename_code(s, child, "Bli tatt på alvor")
    with project.read() as s:
        assert list(cb.code_paths(s).values()) == [
            "Respekt", "Respekt/Bolig\\/hjem", "Respekt/Bli tatt på alvor"]
    with pytest.raises(CodebookError, match="inside itself"):
        with project.write() as s:
            top = cb.resolve_code(s, "Respekt")
            cb.move_code(s, top, cb.resolve_code(s, "Respekt/Bli tatt på alvor"))


def test_merge_moves_codings_and_drops_exact_duplicates(project):
    with project.write() as s:
        top, child, slash = _tree(s)
        doc = Document(name="d", text="abcdefghij", length=10, sha256="x")
        coder = Coder(name="Hanne")
        s.add_all([doc, coder])
        s.flush()
        _coded(s, child, coder, 0, 3, doc)
        _coded(s, slash, coder, 0, 3, doc)  # same span: a duplicate after the merge
        _coded(s, slash, coder, 4, 6, doc)
        s.flush()
        moved = cb.merge_codes(s, slash, child)
    assert moved == 1
    with project.read() as s:
        assert "Bolig\\/hjem" not in cb.code_paths(s).values()
        spans = sorted(s.execute(select(Coding.start, Coding.end)).all())
        assert spans == [(0, 3), (4, 6)]


def test_delete_code_removes_children_and_codings(project):
    with project.write() as s:
        top, child, _slash = _tree(s)
        doc = Document(name="d", text="abcdefghij", length=10, sha256="x")
        coder = Coder(name="Tor")
        s.add_all([doc, coder])
        s.flush()
        _coded(s, child, coder, 1, 4, doc)
        s.flush()
        assert cb.delete_code(s, top) == 1
    with project.read() as s:
        assert list(cb.code_paths(s).values()) == ["Bolig\\/hjem"]
        assert s.scalar(select(func.count()).select_from(Coding)) == 0


def test_import_matches_by_guid_then_path_and_reports_differences(project):
    spec = cbio.CodeSpec("Respekt", guid="0b9a5c3e-0000-4000-8000-000000000001",
                       description="Å bli sett.", children=[cbio.CodeSpec("Bli hørt")])
    with project.write() as s:
        first = cbio.import_codebook(s, [spec])
    assert (first.added, first.matched, first.differing) == (2, 0, [])
    changed = cbio.CodeSpec("Respekt", guid="0b9a5c3e-0000-4000-8000-000000000001",
                          description="Noe annet.", children=[cbio.CodeSpec("Bli hørt"),
                                                              cbio.CodeSpec("Bli trodd")])
    with project.write() as s:
        second = cbio.import_codebook(s, [changed])
    assert (second.added, second.matched, second.differing) == (1, 2, ["Respekt"])
    with project.read() as s:
        assert cb.resolve_code(s, "Respekt").description == "Å bli sett."  # project's kept
        assert list(cb.code_paths(s).values()) == ["Respekt", "Respekt/Bli hørt",
                                                   "Respekt/Bli trodd"]
        assert s.scalar(select(func.count()).select_from(Code)) == 3
