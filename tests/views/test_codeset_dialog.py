"""The code sets dialog and its undoable command; a code deletion undone puts the code back in
its sets; the File menu's REFI export for NVivo counts UTF-16 units and warns about emoji."""

from __future__ import annotations

import zipfile

from app.core import codesets
from app.core.codebook import code_paths, ordered_codes


def _codes(session) -> list[tuple[str, str]]:
    with session.read() as s:
        paths = code_paths(s)
        return [(c.guid, paths[c.id]) for c in ordered_codes(s)]


def _sets(session) -> list[tuple[str, str, list[str]]]:
    with session.read() as s:
        return [(x.name, x.description, x.codes) for x in codesets.list_code_sets(s)]


def test_dialog_edits_become_one_undoable_step(qtbot, session):
    from app.views.codeset_dialog import CodeSetsDialog
    from app.views.commands.codesets import CodeSetsCommand

    codes = _codes(session)
    dlg = CodeSetsDialog((), codes, codes[1][0])
    qtbot.addWidget(dlg)
    dlg.add_set("Relasjoner")
    dlg.description.setPlainText("Om å bli sett")
    dlg.tick(codes[1][0], True)
    dlg.tick(codes[2][0], True)
    dlg.add_set("Tom")
    dlg.sets.setCurrentRow(0)
    assert dlg.sets.item(0).text() == "Relasjoner (2)"
    assert session.execute(CodeSetsCommand(session, dlg.rows()))
    want = [("Relasjoner", "Om å bli sett", [codes[1][1], codes[2][1]]), ("Tom", "", [])]
    assert _sets(session) == want
    session.undo_stack.undo()
    assert _sets(session) == []
    session.undo_stack.redo()
    assert _sets(session) == want
    # Editing again starts from what is there: rename, untick, delete.
    with session.read() as s:
        dlg = CodeSetsDialog(codesets.checkpoint(s), codes)
    qtbot.addWidget(dlg)
    row = [r[1] for r in dlg.rows()].index("Tom")
    dlg.sets.setCurrentRow(row)
    dlg.delete_set()
    dlg.sets.setCurrentRow(0)
    dlg.tick(codes[1][0], False)
    assert session.execute(CodeSetsCommand(session, dlg.rows()))
    assert _sets(session) == [("Relasjoner", "Om å bli sett", [codes[2][1]])]
    session.undo_stack.undo()
    assert _sets(session) == want


def test_a_clashing_name_is_refused_and_nothing_is_pushed(qtbot, session):
    from app.views.commands.codesets import CodeSetsCommand

    failed = []
    session.failed.connect(failed.append)
    depth = session.undo_stack.count()
    rows = [("", "X", "", ()), ("", "X", "", ())]
    assert not session.execute(CodeSetsCommand(session, rows))
    assert len(failed) == 1 and "X" in failed[0]
    assert session.undo_stack.count() == depth and _sets(session) == []


def test_undoing_a_code_deletion_puts_it_back_in_its_sets(qtbot, session):
    from app.core import codebook as cb
    from app.views.commands.codes import CodebookCommand

    guid, path = [c for c in _codes(session) if "/" in c[1]][0]
    with session.project.write() as s:
        codesets.create_code_set(s, "Sett", codes=[path])
    assert session.execute(CodebookCommand(
        session, "delete", lambda s: cb.delete_code(s, cb.resolve_code(s, guid)),
        lambda s: {guid}))
    assert _sets(session) == [("Sett", "", [])]
    session.undo_stack.undo()
    assert _sets(session) == [("Sett", "", [path])]


def test_file_menu_exports_for_nvivo_with_a_warning(sample_window, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from app.views import export_dialogs

    texts = [a.text() for a in sample_window.menuBar().actions()[0].menu().actions()]
    assert any("NVivo" in t for t in texts) and any("QualCoder" in t for t in texts)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: warned.append(a[2]))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.No)
    out = tmp_path / "nvivo.qdpx"
    monkeypatch.setattr(export_dialogs, "ask_path", lambda *a, **k: out)
    report = sample_window.export_actions.export_qdpx_nvivo()
    assert report.offsets == "utf16" and report.shifted > 0
    assert len(warned) == 1 and str(report.shifted) in warned[0]
    with zipfile.ZipFile(out) as zf:
        assert "UTF-16" in zf.read("project.qde").decode("utf-8").split("\n", 2)[1]
    out = tmp_path / "andre.qdpx"
    report = sample_window.export_actions.export_qdpx()
    assert report.offsets == "codepoints" and len(warned) == 2


def test_the_code_tree_menu_opens_the_dialog(sample_window, monkeypatch):
    from app.views import codeset_dialog

    def accept(dlg):
        dlg.add_set("Fra menyen")
        dlg.tick(dlg.codes.item(1).data(codeset_dialog.GUID), True)
        return 1

    monkeypatch.setattr(codeset_dialog.CodeSetsDialog, "exec", accept)
    from app.i18n import _

    texts = [act.text() for menu in sample_window.menuBar().actions()
             for act in menu.menu().actions()]
    assert _("Code &sets...") in texts
    sample_window.codes.codeSetsRequested.emit(None)
    (name, _d, codes), = _sets(sample_window.session)
    assert name == "Fra menyen" and len(codes) == 1
    sample_window.session.undo_stack.undo()
    assert _sets(sample_window.session) == []
