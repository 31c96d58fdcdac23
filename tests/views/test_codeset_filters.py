"""Code sets as filters in the window, with the CLI's meaning: the displays window limits its
codes to a set (and shows and honours a display the CLI saved with `--codeset`), the quote
export writes only the set's quotes, and the search panel finds only inside text coded with the
set's codes (the same hits as `sitat search --in-codeset`). Without code sets, each choice is
disabled and says where sets are made."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt

from tests.conftest import run_cli

RESPEKT = "Grunnleggende kjennetegn/Respekt"
SAMHANDLING = "Andre kjennetegn/Samhandling"
INFORMASJON = "Andre kjennetegn/Informasjon"
IN_SET = [RESPEKT, SAMHANDLING]


def _hits(result) -> list[tuple]:
    return [(h["document"], h["start"], h["end"]) for h in result.json()]


@pytest.fixture
def with_sets(qtbot, tmp_path, built, monkeypatch):
    """A copy of the sample where the CLI made the set Relasjoner (Respekt, Samhandling), an
    empty set Tom, and saved the displays Rel (--codeset Relasjoner) and Info (--code
    Informasjon); with what `sitat search` finds for «kontaktperson»; then a window session."""
    from app.views import settings
    from app.views.application import open_session

    monkeypatch.setenv("SITAT_INDEX_DIR", str(tmp_path / "idx"))
    settings.use_settings_dir(tmp_path / "settings")
    path = tmp_path / "sett.sitat"
    shutil.copyfile(built, path)
    for args in (("codeset", "add", path, "Relasjoner", "--codes", ",".join(IN_SET)),
                 ("codeset", "add", path, "Tom"),
                 ("matrix", path, "--rows", "codes", "--cols", "bydel",
                  "--codeset", "Relasjoner", "--save", "Rel"),
                 ("matrix", path, "--rows", "codes", "--cols", "bydel", "--code", INFORMASJON,
                  "--save", "Info")):
        assert run_cli(*args).code == 0, args
    found = {key: _hits(run_cli("search", path, "kontaktperson", *extra, "--json"))
             for key, extra in (("all", ()), ("set", ("--in-codeset", "Relasjoner")),
                                ("uncoded", ("--uncoded", "--in-codeset", "Relasjoner")))}
    s = open_session(path)
    s.set_coder_name("Lead")
    s.cli_found = found
    yield s
    s.close()


def _items(combo) -> list[str]:
    return [combo.itemText(i) for i in range(combo.count())]


def _enabled(combo, i: int) -> bool:
    return bool(combo.model().item(i).flags() & Qt.ItemIsEnabled)


def test_a_display_shows_only_the_codes_of_the_chosen_set(qtbot, with_sets, monkeypatch,
                                                          tmp_path):
    import docx
    from PySide6.QtWidgets import QInputDialog

    from app.core.displays.saved import load_display
    from app.views.display_view import DisplayDialog

    dlg = DisplayDialog(with_sets)
    qtbot.addWidget(dlg)
    assert _items(dlg.codeset) == ["all codes", "Relasjoner (2 codes)", "Tom (0 codes)"]
    assert dlg.codeset.isEnabled() and not _enabled(dlg.codeset, 2)  # an empty set: no filter
    dlg.rows.setCurrentIndex(dlg.rows.findData("codes"))
    dlg.cols.setCurrentIndex(dlg.cols.findData("bydel"))
    assert dlg.build()
    every = dlg.model.m
    assert INFORMASJON in every.rows and len(every.rows) > 5
    dlg.codeset.choose_set("Relasjoner")
    assert dlg.build()
    m = dlg.model.m
    assert m.rows == IN_SET and m.total == 186  # as `sitat matrix --codeset Relasjoner`
    assert [dlg.model.headerData(i, Qt.Vertical) for i in range(3)] == [*IN_SET, "Total"]
    assert "Only the codes of the code set Relasjoner." in dlg.scope_note.text()
    # The display's Word export has the same rows and says the filter.
    assert dlg.export_to(tmp_path / "d.docx")
    d = docx.Document(str(tmp_path / "d.docx"))
    assert [r.cells[0].text for r in d.tables[0].rows][1:] == [
        "Grunnleggende kjennetegn / Respekt", "Andre kjennetegn / Samhandling", "Total"]
    assert any("code set: Relasjoner" in p.text for p in d.paragraphs)

    # A display the CLI saved with --codeset opens as that set and shows only its codes.
    dlg.codeset.choose_set(None)
    assert dlg.build() and len(dlg.model.m.rows) > 2
    dlg.saved.setCurrentText("Rel")
    dlg.open_saved()
    assert dlg.codeset.currentText() == "Relasjoner (2 codes)" and dlg.model.m.rows == IN_SET
    # A saved --code filter that is no set is shown as the saved display's codes, and kept.
    dlg.saved.setCurrentText("Info")
    dlg.open_saved()
    assert dlg.codeset.currentText() == "the saved display's codes (1 code)"
    assert dlg.model.m.rows == [INFORMASJON]
    assert dlg.codeset.itemData(dlg.codeset.currentIndex(), Qt.ToolTipRole) == INFORMASJON

    # Saved from the window: the set is stored by name, as the CLI stores it, so the saved
    # display follows the set as it is edited.
    dlg.codeset.choose_set("Relasjoner")
    dlg.cols.setCurrentIndex(dlg.cols.findData("documents"))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Fra vinduet", True))
    dlg.save()
    with with_sets.read() as s:
        saved = load_display(s, "Fra vinduet")
    assert saved.codesets == ("Relasjoner",) and saved.codes == ()
    dlg.codeset.choose_set(None)
    dlg.saved.setCurrentText("Fra vinduet")
    dlg.open_saved()
    assert dlg.codeset.currentText() == "Relasjoner (2 codes)"
    assert dlg.model.m.rows == IN_SET and dlg.model.m.row_axis == "codes"
    assert "the saved display's codes (1 code)" not in _items(dlg.codeset)
    from app.core import codesets

    with with_sets.project.write() as s:
        codesets.add_or_create(s, "Relasjoner", [INFORMASJON])
    dlg.codeset.load(with_sets)
    dlg.codeset.choose_set(None)
    dlg.open_saved()
    assert set(dlg.model.m.rows) == {*IN_SET, INFORMASJON}  # the set as it is now
    assert dlg.codeset.currentText() == "Relasjoner (3 codes)"


def test_sets_edited_while_the_displays_window_is_open_are_offered(qtbot, with_sets):
    from app.core import codesets
    from app.views.commands.codesets import CodeSetsCommand
    from app.views.display_view import DisplayDialog

    dlg = DisplayDialog(with_sets)
    qtbot.addWidget(dlg)
    dlg.rows.setCurrentIndex(dlg.rows.findData("codes"))
    dlg.codeset.choose_set("Relasjoner")
    with with_sets.read() as s:
        rows = list(codesets.checkpoint(s))
    rows.append(("", "Ny", "", ()))
    assert with_sets.execute(CodeSetsCommand(with_sets, rows))
    assert "Ny (0 codes)" in _items(dlg.codeset)
    assert dlg.codeset.chosen_set() == "Relasjoner"  # the choice is kept
    # A chosen set emptied meanwhile is refused with a reason, never shown as every code.
    with with_sets.read() as s:
        emptied = [(g, n, d, () if n == "Relasjoner" else c)
                   for g, n, d, c in codesets.checkpoint(s)]
    failed = []
    with_sets.failed.connect(failed.append)
    assert with_sets.execute(CodeSetsCommand(with_sets, emptied))
    assert dlg.codeset.currentText() == "Relasjoner (0 codes)"
    assert not dlg.build()
    assert failed and "Relasjoner holds no codes" in failed[-1]


def test_the_quote_export_writes_only_the_sets_quotes(qtbot, with_sets, tmp_path):
    import docx

    from app.views.export_dialogs import QuotesDialog, export_quotes

    dlg = QuotesDialog(with_sets, [RESPEKT, INFORMASJON, SAMHANDLING], None, ["bydel"],
                       ["Hanne", "Tor"])
    qtbot.addWidget(dlg)
    assert _items(dlg.codeset) == ["no code set", "Relasjoner (2 codes)", "Tom (0 codes)"]

    def written(name: str):
        d = docx.Document(str(export_quotes(with_sets, tmp_path / name, dlg.options())))
        headings = [p.text for p in d.paragraphs if p.style.name == "Heading 1"]
        return headings, sum(len(t.rows) - 1 for t in d.tables)

    all_headings, all_quotes = written("alle.docx")
    dlg.codeset.choose_set("Relasjoner")
    headings, quotes = written("sett.docx")
    assert headings == ["Grunnleggende kjennetegn / Respekt", "Andre kjennetegn / Samhandling"]
    assert quotes == 186 < all_quotes and len(all_headings) > 2
    # With a code chosen too: that code's quotes as well (--code plus --codeset).
    dlg.code.setCurrentIndex(dlg.code.findData(INFORMASJON))
    headings, more = written("begge.docx")
    assert "Andre kjennetegn / Informasjon" in headings and len(headings) == 3 and more > 186


def test_the_search_finds_only_inside_the_sets_codings(qtbot, with_sets):
    from app.views.search_panel import SearchPanel

    panel = SearchPanel()
    qtbot.addWidget(panel)
    panel.set_session(with_sets)
    assert _items(panel.codeset) == ["no code set", "only in code set Relasjoner (2 codes)",
                                     "only in code set Tom (0 codes)"]
    panel.query.setText("kontaktperson")
    assert panel.run()
    everywhere = [(h.document, h.start, h.end) for h in panel.result.hits]
    assert everywhere == with_sets.cli_found["all"]
    panel.codeset.choose_set("Relasjoner")
    assert panel.run()
    shown = [panel.model.index(i, 0).data(Qt.UserRole) for i in range(panel.model.rowCount())]
    assert shown == with_sets.cli_found["set"]  # `sitat search --in-codeset Relasjoner`
    assert 0 < len(shown) < len(everywhere)
    assert panel.summary.text().startswith(f"{len(shown)} hits")
    panel.scope.setCurrentIndex(1)
    assert panel.scope.currentText() == "only uncoded text"
    assert panel.run()
    assert [(h.document, h.start, h.end) for h in panel.result.hits] == \
        with_sets.cli_found["uncoded"]
    panel.set_session(with_sets)  # refilled (the code tree changed): the set stays chosen
    assert panel.codeset.chosen_set() == "Relasjoner"


def test_without_code_sets_each_choice_is_disabled_and_says_why(qtbot, session, tmp_path):
    from app.views.display_view import DisplayDialog
    from app.views.export_dialogs import QuotesDialog
    from app.views.search_panel import SearchPanel

    dlg = DisplayDialog(session)
    qtbot.addWidget(dlg)
    quotes = QuotesDialog(session, [RESPEKT], None, ["bydel"], ["Hanne"])
    qtbot.addWidget(quotes)
    panel = SearchPanel()
    qtbot.addWidget(panel)
    panel.set_session(session)
    for combo in (dlg.codeset, quotes.codeset, panel.codeset):
        assert _items(combo) == ["no code sets yet"] and not combo.isEnabled()
        assert "Codes > Code sets..." in combo.toolTip()
        assert combo.chosen_set() is None
    assert dlg.build() and len(dlg.model.m.rows) > 2
    assert quotes.options()["codes"] is None
