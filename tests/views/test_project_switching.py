"""Switching projects and language from the window's menus: the window asks with a signal, the
application opens or creates the project (or a window in the other language) and the window
shows it."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QFileDialog


def test_the_window_is_what_its_controllers_expect(sample_window):
    from app.views.window_host import WindowActions, WindowHost

    w = sample_window
    assert isinstance(w, WindowHost)
    controllers = [w.code_actions, w.coding_actions, w.project_actions, w.team_actions,
                   w.export_actions]
    assert all(isinstance(c, WindowActions) and c.window is w for c in controllers)
    assert all(c.session is w.session and c.transcript is w.transcript for c in controllers)


def test_new_project_gets_the_suffix_and_is_shown(sample_window, tmp_path, monkeypatch):
    w = sample_window
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "ny-studie"), ""))
    w.project_actions.new_project()
    assert w.session.path == tmp_path / "ny-studie.sitat" and w.session.path.exists()
    assert w.docs.model.rows == [] and "ny-studie.sitat" in w.windowTitle()


def test_open_and_open_recent_show_the_chosen_project(sample_window, tmp_path, monkeypatch):
    from app.views import settings

    w = sample_window
    first = w.session.path
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        lambda *a, **k: (str(tmp_path / "tom.sitat"), ""))
    w.project_actions.new_project()
    assert w.session.path.name == "tom.sitat"
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(first), ""))
    w.project_actions.open_project()
    assert w.session.path == first and len(w.docs.model.rows) == 16 + 47  # + the survey's comments
    assert [str(first), str(tmp_path / "tom.sitat")] == settings.recent_projects()[:2]
    w.project_actions.fill_recent_menu()
    entry = next(a for a in w.recent_menu.actions() if a.text() == "tom.sitat")
    entry.trigger()
    assert w.session.path == tmp_path / "tom.sitat" and w.docs.model.rows == []


def test_a_project_that_cannot_be_opened_leaves_the_window_as_it_was(sample_window, tmp_path,
                                                                      monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    w = sample_window
    before = w.session
    shown = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: shown.append(a[2]))
    bad = tmp_path / "x.sitat"
    bad.write_text("ikke et prosjekt", encoding="utf-8")
    w.projectRequested.emit(str(bad))
    assert shown and "not a Sitat project" in shown[0]
    assert w.session is before and len(w.docs.model.rows) == 16 + 47  # + the survey's comments


def test_language_menu_shows_a_new_window_with_the_project(qtbot, sample_window):
    from app.i18n import set_language
    from app.views import qt_translation

    w = sample_window
    w.session.set_coder_name("Hanne")
    w.code_actions.code_edit("rename", lambda s: None)
    nb = next(a for m in w.menuBar().findChildren(type(w.recent_menu)) for a in m.actions()
              if a.text() == "Norsk bokmål")
    try:
        nb.trigger()
        new = QApplication.instance().property("sitat_window")
        qtbot.addWidget(new)
        assert new is not w and new.menuBar().actions()[0].text() == "&Fil"
        assert new.session is not None and new.session.undo_stack.canUndo()
        assert w.session is None
        new.close()
    finally:
        set_language("en")
        qt_translation.install("en")
