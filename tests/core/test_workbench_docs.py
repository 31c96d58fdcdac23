"""Undoable document edits: import with stable guids, attribute values set and restored."""

from __future__ import annotations

from app.core import attributes as attrs
from app.core import workbench_docs as wd
from app.core.documents import prepare_files
from tests.core.workbench_fixtures import small_project


def test_import_undo_redo_keeps_guids(project, tmp_path):
    f = tmp_path / "Stovner.txt"
    f.write_text("Intervjuer: Hei.\nDeltaker 1: Hei 😀 på deg.\nDeltaker 1: Ja.\n",
                 encoding="utf-8")
    batch = prepare_files([f])
    with project.write() as s:
        guids = wd.add_documents(s, batch)
    with project.write() as s:
        wd.remove_documents(s, guids)
    with project.read() as s:
        assert wd.document_rows(s)[1] == []
    with project.write() as s:
        wd.add_documents(s, batch, guids)
    with project.read() as s:
        rows = wd.document_rows(s)[1]
    assert [(r.guid, r.name) for r in rows] == [(guids[0], "Stovner")]


def test_set_attribute_returns_old_value(project):
    g = small_project(project)
    with project.write() as s:
        attrs.define_attribute(s, "bydel", "choice", ["Alna", "Frogner"])
    with project.write() as s:
        assert wd.set_attribute(s, g["a"], "bydel", "frogner") == ""
    with project.write() as s:
        assert wd.set_attribute(s, g["a"], "bydel", "") == "Frogner"
    with project.read() as s:
        columns, rows = wd.document_rows(s)
    assert [c.name for c in columns] == ["bydel"]
    assert all(r.attributes == {} for r in rows)
