"""The main window end to end (offscreen): open a project, read, code a selection, undo/redo,
edit the codebook and documents - every change lands in the project file and can be undone."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from app.core import codebook as cb
from app.models import Code, Coding, Document

ROOT = Path(__file__).resolve().parents[2]
TEXT = ("Moderator: Hvordan ble dere møtt? 🙂\n"
        "Deltaker 1: Jeg ble sett og hørt, ærlig talt.\n"
        "Deltaker 2: Nei, jeg måtte forklare alt på nytt.\n")


@pytest.fixture
def window(qtbot, tmp_path, cli):
    from app.views import settings

    settings.use_settings_dir(tmp_path / "settings")
    proj = tmp_path / "w.sitat"
    src = tmp_path / "fg-alna.txt"
    src.write_text(TEXT, encoding="utf-8")
    assert cli("new", proj).code == 0
    assert cli("import", proj, src, "--attr", "bydel=Alna").code == 0
    assert cli("codebook", "import", proj, ROOT / "app" / "data" / "codebooks" / "ti-kjennetegn.qdc").code == 0
    from app.views.application import new_window, open_session

    w = new_window()
    qtbot.addWidget(w)
    session = open_session(proj)
    session.set_coder_name("Hanne")
    w.set_session(session)
    w.show()
    yield w
    w.close()


def _codings(w):
    with w.session.read() as s:
        return [(c.start, c.end, s.get(Code, c.code_id).name)
                for c in s.scalars(select(Coding).order_by(Coding.start))]


def _guid(w, path):
    with w.session.read() as s:
        return cb.resolve_code(s, path).guid


def test_opens_first_document_with_title_and_tree(window):
    assert "w.sitat" in window.windowTitle()
    assert window.transcript.text == TEXT
    names = [n.name for n in window.codes.model.nodes()]
    assert names[:3] == ["Grunnleggende kjennetegn", "Respekt", "Dyktige fagpersoner"]
    assert window.docs.model.rows[0].attributes == {"bydel": "Alna"}


def test_code_selection_undo_redo(window):
    quote = "Jeg ble sett og hørt, ærlig talt."
    start = TEXT.index(quote)  # code points; the emoji before it is one
    window.transcript.select_cp(start, start + len(quote))
    window.coding_actions.apply_code(_guid(window, "Respekt"))
    assert _codings(window) == [(start, start + len(quote), "Respekt")]
    shown = window.transcript.shown_codings()
    assert [(c.start, c.end) for c in shown] == [(start, start + len(quote))]
    assert next(n for n in window.codes.model.nodes() if n.name == "Respekt").codings == 1
    window.act_undo.trigger()
    assert _codings(window) == [] and window.transcript.shown_codings() == []
    window.act_redo.trigger()
    assert _codings(window) == [(start, start + len(quote), "Respekt")]
    # remove the coding through the transcript's selection, then undo that too
    window.transcript.select_coding(window.transcript.shown_codings()[0].guid)
    window.coding_actions.remove_selected()
    assert _codings(window) == []
    window.act_undo.trigger()
    assert len(_codings(window)) == 1


def test_group_code_refused_with_message(window, monkeypatch):
    messages = []
    monkeypatch.setattr(window, "show_error", messages.append)
    window.transcript.select_cp(0, 5)
    window.coding_actions.apply_code(_guid(window, "Grunnleggende kjennetegn"))
    assert _codings(window) == []
    assert messages and "only groups" in messages[0]


def test_codebook_edits_are_undoable(window):
    window.code_actions.code_edit("new", lambda s: cb.create_code(s, "Trygghet",
                                                      cb.resolve_code(s, "Andre kjennetegn")))
    assert "Trygghet" in [n.name for n in window.codes.model.nodes()]
    window.code_actions.move_code(_guid(window, "Trygghet"), None, 0)
    with window.session.read() as s:
        assert list(cb.code_paths(s).values())[0] == "Trygghet"
    window.act_undo.trigger()
    window.act_undo.trigger()
    assert "Trygghet" not in [n.name for n in window.codes.model.nodes()]


def test_attribute_edit_and_document_delete_undo(window):
    from app.views.commands.documents import RemoveDocumentsCommand

    guid = window.docs.model.rows[0].guid
    window.coding_actions.attribute_edited(guid, "bydel", "Stovner")
    assert window.docs.model.rows[0].attributes["bydel"] == "Stovner"
    window.transcript.select_cp(12, 20)
    window.coding_actions.apply_code(_guid(window, "Respekt"))
    window.session.execute(RemoveDocumentsCommand(window.session, [guid]))
    assert window.docs.model.rows == [] and window.transcript.text == ""
    window.act_undo.trigger()
    with window.session.read() as s:
        doc = s.scalar(select(Document))
        assert doc.guid == guid and doc.text == TEXT
    assert _codings(window) == [(12, 20, "Respekt")]
    window.act_undo.trigger()  # the coding
    window.act_undo.trigger()  # the attribute
    assert window.docs.model.rows[0].attributes["bydel"] == "Alna"


def test_opening_a_broken_file_says_why(qtbot, tmp_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from app.views import settings
    from app.views.application import open_session

    settings.use_settings_dir(tmp_path / "settings")
    bad = tmp_path / "x.sitat"
    bad.write_text("ikke et prosjekt", encoding="utf-8")
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    assert open_session(bad) is None
    assert shown and "not a Sitat project" in shown[0]
    assert bad.read_text(encoding="utf-8") == "ikke et prosjekt"


def test_qt_own_buttons_follow_the_language(qtbot):
    from PySide6.QtWidgets import QDialogButtonBox

    from app.i18n import set_language
    from app.views import qt_translation

    try:
        set_language("nb")
        qt_translation.install("nb")
        box = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel | QDialogButtonBox.Close)
        qtbot.addWidget(box)
        texts = {b.text().replace("&", "") for b in box.buttons()}
        assert texts == {"OK", "Avbryt", "Lukk"}
    finally:
        set_language("en")
        qt_translation.install("en")
    box = QDialogButtonBox(QDialogButtonBox.Cancel)
    qtbot.addWidget(box)
    assert box.buttons()[0].text().replace("&", "") == "Cancel"


def test_restore_from_backup_in_the_window(window, monkeypatch):
    from PySide6.QtWidgets import QInputDialog, QMessageBox

    from app.core.backup import list_backups

    backups = list_backups(window.session.path)
    assert backups  # made when the project was opened
    window.coding_actions.attribute_edited(window.docs.model.rows[0].guid, "bydel", "Stovner")
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (backups[0].name, True))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.Yes)
    window.project_actions.restore_from_backup()
    assert window.session is not None
    assert window.docs.model.rows[0].attributes["bydel"] == "Alna"


def test_refi_export_and_import_from_the_window(window, tmp_path, monkeypatch):
    from app.views import export_dialogs
    from app.views.export_dialogs import QFileDialog

    out = tmp_path / "ut.qdpx"
    monkeypatch.setattr(export_dialogs, "ask_path", lambda *a, **k: out)
    assert window.export_actions.export_qdpx().as_json()["codings"] == 0 and out.exists()
    new = tmp_path / "inn.sitat"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(out), ""))
    monkeypatch.setattr(export_dialogs, "ask_path", lambda *a, **k: new)
    window.export_actions.import_qdpx()
    assert window.session.path == new
    assert [r.name for r in window.docs.model.rows] == ["fg-alna"]


def test_codebook_import_refuses_a_named_pipe_without_waiting(window, monkeypatch, tmp_path):
    import os

    fifo = tmp_path / "kodebok.qdc"
    os.mkfifo(fifo)
    messages = []
    monkeypatch.setattr(window, "show_error", messages.append)
    before = [n.name for n in window.codes.model.nodes()]
    assert window.code_actions.import_codebook_file(fifo) is False
    assert messages and "named pipe" in messages[0]
    assert [n.name for n in window.codes.model.nodes()] == before


@pytest.mark.parametrize("problem", ["read-only folder", "full disk"])
def test_a_project_that_cannot_be_changed_is_offered_read_only(qtbot, tmp_path, monkeypatch,
                                                               problem):
    from PySide6.QtWidgets import QMessageBox

    from app.core.files.own import DiskFull
    from app.core.project import Project
    from app.core.project_file import ProjectReadOnly
    from app.views import settings
    from app.views.application import open_session

    settings.use_settings_dir(tmp_path / "settings")
    path = tmp_path / "p.sitat"
    Project.create(path, "Les").close()
    error = ProjectReadOnly("p.sitat er skrivebeskyttet") if problem == "read-only folder" \
        else DiskFull("disken er full")
    real_open = Project.open

    def fake_open(p, read_only=False, **kw):
        if not read_only:
            raise error
        return real_open(p, read_only=True, **kw)

    monkeypatch.setattr(Project, "open", staticmethod(fake_open))
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.Yes)
    session = open_session(path)
    assert session is not None and session.project.read_only
    assert asked and str(error) in asked[0]
    session.project.close()
