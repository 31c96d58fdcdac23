"""The codebooks shipped with Sitat are one click away in the window (File > Import a bundled
codebook), read from the installed package, and the import is one undoable step."""

from __future__ import annotations


def test_a_bundled_codebook_is_imported_from_the_file_menu(qtbot, tmp_path):
    from app.core.bundled import codebooks
    from app.views import settings
    from app.views.application import create_session, new_window

    settings.use_settings_dir(tmp_path / "settings")
    w = new_window()
    qtbot.addWidget(w)
    w.set_session(create_session(tmp_path / "ny.sitat", w))
    assert w.codes.model.nodes() == [] and w.bundled_menu.menuAction().isEnabled()
    w.code_actions.fill_bundled_menu()
    actions = w.bundled_menu.actions()
    assert [a.text().rsplit("(", 1)[1] for a in actions] == [
        f"{name}.qdc)" for name in codebooks()]
    assert set(codebooks()) == {"ks-brukerundersokelse", "oslo-intervjuguide", "ti-kjennetegn"}
    next(a for a in actions if "ti-kjennetegn" in a.text()).trigger()
    names = {n.name for n in w.codes.model.nodes()}
    assert {"Grunnleggende kjennetegn", "Respekt", "Ansvarsfrihet"} <= names and len(names) == 12
    w.session.undo_stack.undo()
    assert w.codes.model.nodes() == []
    w.close()
