"""Transcripts imported in the window are added to an existing search index in the
background: the next search finds them with the index already up to date (no build while the
user waits), and a project never searched here is left for its first search."""

from __future__ import annotations

from app.core.search.service import search
from app.views.importer import ImportRunner

TEXT = "Intervjuer: Hva med kvalitetsløftet?\nDeltaker: Kvalitetsløftet kom for sent.\n"


def _import(qtbot, session, path) -> None:
    runner = ImportRunner(session, [path])
    with qtbot.waitSignal(runner.finished, timeout=20_000):
        runner.start()


def test_imported_transcript_is_indexed_in_the_background(qtbot, session, tmp_path,
                                                          monkeypatch):
    monkeypatch.setenv("SITAT_INDEX_DIR", str(tmp_path / "idx"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    index = session.search_index()
    assert index.ensure() == "rebuilt"
    path = tmp_path / "ny.txt"
    path.write_text(TEXT, encoding="utf-8")
    _import(qtbot, session, path)
    session.wait_for_index()
    index = session.search_index()
    assert index.ensure() == "fresh"  # the background update already added it
    r = search(session.project, "kvalitetsløftet", index=index)
    assert [h.text for h in r.hits] == ["kvalitetsløftet", "Kvalitetsløftet"]


def test_a_project_without_an_index_is_left_for_its_first_search(qtbot, session, tmp_path,
                                                                 monkeypatch):
    monkeypatch.setenv("SITAT_INDEX_DIR", str(tmp_path / "idx"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    path = tmp_path / "ny.txt"
    path.write_text(TEXT, encoding="utf-8")
    _import(qtbot, session, path)
    session.wait_for_index()
    assert not session.search_index().exists()
    r = search(session.project, "kvalitetsløftet", index=session.search_index())
    assert r.index_status == "rebuilt" and len(r.hits) == 2
