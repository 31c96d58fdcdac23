"""Document content for the workbench, coding edits by guid, and retrieval with attributes."""

from __future__ import annotations

import pytest

from app.core import attributes as attrs
from app.core import workbench as wb
from app.core.retrieval import retrieve
from app.errors import NotFound
from app.models import Document
from tests.core.workbench_fixtures import TEXT_A, small_project


def test_load_document_has_turns_with_labels_and_codings(project):
    g = small_project(project)
    with project.read() as s:
        content = wb.load_document(s, g["a"])
    assert content.text == TEXT_A
    first = content.turns[1]
    assert TEXT_A[first.label_start:first.start] == "Deltaker 1: " and first.speaker == "Deltaker 1"
    sett = next(c for c in content.codings if c.code_name == "Sett og hørt")
    assert TEXT_A[sett.start:sett.end] == "Jeg ble sett og hørt 😀"
    assert sett.coder_name == "Hanne" and sett.memo == "tydelig"


def test_removed_coding_comes_back_with_its_guid(project):
    g = small_project(project)
    with project.read() as s:
        guid = wb.load_document(s, g["a"]).codings[0].guid
    with project.write() as s:
        snap = wb.delete_coding(s, guid)
    with project.read() as s:
        with pytest.raises(NotFound):
            wb.snapshot_coding(s, guid)
    with project.write() as s:
        wb.restore_coding(s, snap)
    with project.read() as s:
        assert wb.snapshot_coding(s, guid) == snap


def test_memo_edit_returns_old_memo(project):
    g = small_project(project)
    with project.read() as s:
        guid = next(c.guid for c in wb.load_document(s, g["a"]).codings if c.memo)
    with project.write() as s:
        assert wb.set_coding_memo(s, guid, "ny") == "tydelig"
    with project.read() as s:
        assert wb.snapshot_coding(s, guid).memo == "ny"


def test_retrieval_lists_segments_with_attributes(project):
    g = small_project(project)
    with project.write() as s:
        doc = s.query(Document).filter_by(guid=g["a"]).one()
        attrs.set_values(s, doc, {"bydel": "Frogner", "tjeneste": "DPS"})
    with project.read() as s:
        rows = retrieve(s, g["respekt"])
        assert [r.quote for r in rows] == ["Jeg ble sett og hørt 😀", "de hadde tid til meg"]
        assert rows[0].attributes == {"bydel": "Frogner", "tjeneste": "DPS"}
        assert [r.coder for r in retrieve(s, g["respekt"], [g["tor"]])] == ["Tor"]
        assert len(retrieve(s, g["respekt"], include_children=False)) == 1
