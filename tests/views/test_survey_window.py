"""The survey window (#21): File > Import survey's preview blocks a file with bad cells and
leaves the project unchanged; a good import puts the comments in the document list (and is
undone by deleting the survey); the Displays window's survey tab shows the same figures as the
statistics, with its chart; the joint view shows the mapped themes."""

from __future__ import annotations

import pytest

from tests.conftest import file_digest

MAPPING = """
[survey]
name = "Liten undersøkelse"
respondent = "RespondentID"
scale = { min = 1, max = 4, labels = ["Helt uenig", "Litt uenig", "Litt enig", "Helt enig"] }
dont_know = ["Vet ikke"]
min_group = 5

[[background]]
column = "Tjeneste"
attribute = "tjeneste"

[[item]]
key = "info1"
column = "Jeg får god informasjon"
theme = "Informasjon"

[[item]]
key = "resp1"
column = "Jeg blir møtt med respekt"
theme = "Respektfull behandling"

[[text]]
key = "kommentar"
column = "Har du andre kommentarer til innholdet i tjenesten?"
"""

HEAD = ("RespondentID;Tjeneste;Jeg får god informasjon;Jeg blir møtt med respekt;"
        "Har du andre kommentarer til innholdet i tjenesten?")
# 6 in Hjemmetjeneste, 6 in Rus, 3 in Bolig (too few: suppressed)
ROWS = [
    ("r01", "Hjemmetjeneste", "4", "Helt enig", "Veldig god oppfølging."),
    ("r02", "Hjemmetjeneste", "3", "4", ""),
    ("r03", "Hjemmetjeneste", "3", "3", "Savner mer informasjon om tilbudet."),
    ("r04", "Hjemmetjeneste", "2", "Vet ikke", ""),
    ("r05", "Hjemmetjeneste", "4", "4", ""),
    ("r06", "Hjemmetjeneste", "Vet ikke", "2", ""),
    ("r07", "Rus", "1", "2", "Lang ventetid."),
    ("r08", "Rus", "2", "3", ""),
    ("r09", "Rus", "2", "1", ""),
    ("r10", "Rus", "3", "4", ""),
    ("r11", "Rus", "1", "2", ""),
    ("r12", "Rus", "4", "3", ""),
    ("r13", "Bolig", "4", "4", ""),
    ("r14", "Bolig", "3", "", ""),
    ("r15", "Bolig", "2", "3", ""),
]


def write_survey(folder, rows=ROWS, name="svar.csv"):
    mapping = folder / "liten.toml"
    mapping.write_text(MAPPING, encoding="utf-8")
    csv = folder / name
    csv.write_text("\n".join([HEAD] + [";".join(r) for r in rows]) + "\n", encoding="utf-8")
    return csv, mapping


@pytest.fixture
def blank_window(qtbot, tmp_path, monkeypatch):
    """A main window on a new, empty project."""
    from app.core.project import Project
    from app.views import settings
    from app.views.application import new_window, open_session

    monkeypatch.setenv("SITAT_INDEX_DIR", str(tmp_path / "idx"))
    settings.use_settings_dir(tmp_path / "settings")
    path = tmp_path / "p.sitat"
    Project.create(path, "Undersøkelse").close()
    w = new_window()
    qtbot.addWidget(w)
    w.set_session(open_session(path))
    yield w
    w.close()


def preview_dialog(qtbot, w, csv, mapping):
    from app.views.survey_import import SurveyImportDialog

    dlg = SurveyImportDialog(w.session, w, str(csv))
    qtbot.addWidget(dlg)
    dlg.set_mapping(str(mapping))
    dlg.run_preview()
    qtbot.waitUntil(lambda: dlg.preview is not None or not dlg.task.running, timeout=10000)
    return dlg


def tab(dlg, title: str):
    i = next(i for i in range(dlg.tabs.count()) if dlg.tabs.tabText(i).startswith(title))
    return dlg.tabs.widget(i)


def cells(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())]


def test_preview_shows_bad_cells_blocks_import_and_changes_nothing(qtbot, tmp_path,
                                                                   blank_window):
    w = blank_window
    bad = list(ROWS)
    bad[1] = ("r02", "Hjemmetjeneste", "5", "4", "")  # not on 1-4
    bad[8] = ("r09", "Rus", "2", "kanskje", "")  # not a label
    csv, mapping = write_survey(tmp_path, bad)
    w.session.close()  # the file's bytes, read while no connection is open
    before = file_digest(w.session.path)
    from app.views.application import open_session

    w.set_session(open_session(w.session.path))
    dlg = preview_dialog(qtbot, w, csv, mapping)
    p = dlg.preview
    assert p is not None and p.problem_count == 2
    problems = cells(tab(dlg, "Problems"))
    assert [r[:3] for r in problems] == [["3", "Jeg får god informasjon", "5"],
                                         ["10", "Jeg blir møtt med respekt", "kanskje"]]
    assert "not on the scale" in problems[0][3]
    assert not dlg.import_button.isEnabled()
    assert "2 problems to fix" in dlg.summary_label.text()
    # the columns as matched, and the first rows as parsed
    columns = cells(tab(dlg, "Columns"))
    assert ["Jeg får god informasjon", "statement (Likert item)", "Informasjon", "info1", ""] \
        in columns
    assert columns[1][:3] == ["Tjeneste", "background variable", "tjeneste"]
    first = cells(tab(dlg, "First rows"))
    assert first[0][:5] == ["2", "r01", "Hjemmetjeneste", "4", "4"]  # "Helt enig" read as 4
    dlg.run_import()  # refused: nothing runs
    assert dlg.summary is None
    dlg.close()
    w.session.close()
    assert file_digest(w.session.path) == before


def test_unknown_and_missing_columns_are_listed(qtbot, tmp_path, blank_window):
    csv, mapping = write_survey(tmp_path)
    text = csv.read_text(encoding="utf-8").replace("Jeg blir møtt med respekt", "Ekstra")
    csv.write_text(text, encoding="utf-8")
    dlg = preview_dialog(qtbot, blank_window, csv, mapping)
    columns = cells(tab(dlg, "Columns"))
    assert ["Ekstra", "not in the mapping", "", "", ""] in columns
    assert ["Jeg blir møtt med respekt", "missing in the file", "", "", ""] in columns
    assert not dlg.import_button.isEnabled()


def import_tiny(qtbot, w, tmp_path):
    csv, mapping = write_survey(tmp_path)
    dlg = preview_dialog(qtbot, w, csv, mapping)
    assert dlg.preview.ok and dlg.import_button.isEnabled()
    dlg.name.setText("Brukerundersøkelse 2026")
    dlg._name_edited()
    qtbot.waitUntil(lambda: dlg.preview is not None and dlg.preview.survey ==
                    "Brukerundersøkelse 2026", timeout=10000)
    dlg.run_import()
    qtbot.waitUntil(lambda: dlg.summary is not None, timeout=20000)
    return dlg


def test_good_import_adds_the_comments_to_the_document_list_and_undo_removes_them(
        qtbot, tmp_path, blank_window):
    from PySide6.QtWidgets import QDialog

    from app.views.survey_import import imported_message

    w = blank_window
    dlg = import_tiny(qtbot, w, tmp_path)
    assert dlg.result() == QDialog.Accepted
    names = sorted(r.name for r in w.docs.model.rows)
    assert names == ["Brukerundersøkelse 2026 – svar 0001",
                     "Brukerundersøkelse 2026 – svar 0003",
                     "Brukerundersøkelse 2026 – svar 0007"]
    assert "15 respondents" in imported_message(dlg.summary)
    assert w.session.undo_stack.undoText() == "Import survey Brukerundersøkelse 2026"
    w.session.undo_stack.undo()
    assert w.docs.model.rows == []
    from app.core.survey.listing import survey_names

    with w.session.read() as s:
        assert survey_names(s) == []
    w.session.undo_stack.redo()
    assert len(w.docs.model.rows) == 3


def test_survey_tab_shows_the_statistics_figures_and_the_chart(qtbot, tmp_path, blank_window):
    from app.core.survey.stats import survey_table
    from app.views.display_view import DisplayDialog

    w = blank_window
    import_tiny(qtbot, w, tmp_path)
    displays = DisplayDialog(w.session, w)
    qtbot.addWidget(displays)
    displays.show()
    displays.tabs.setCurrentWidget(displays.survey_tab)
    panel = displays.survey_tab.ensure()
    assert panel.choose("Brukerundersøkelse 2026", "items", by="tjeneste")
    with w.session.read() as s:
        table = survey_table(s, "Brukerundersøkelse 2026", level="items", by="tjeneste")
    m = panel.model
    info = table.rows[0]
    line = next(r for r in range(m.rowCount()) if m.text(r, 0) == info.label)
    shown = info.total.as_json()["shown"]
    assert m.text(line, 2) == str(info.total.n) == "14"  # one "Vet ikke"
    assert m.text(line, 3) == shown["mean"] == "2.7"  # 38 / 14
    assert [m.text(line, 4 + k) for k in range(4)] == shown["percent"] == ["14", "29", "29", "29"]
    assert m.text(line, 8) == shown["dont_know_percent"] == "7"
    groups = [m.text(line + k, 1) for k in range(1, 4)]
    assert groups == ["Bolig", "Hjemmetjeneste", "Rus"]
    bolig = [m.text(line + 1, c) for c in range(2, 9)]
    assert bolig == ["too few", "", "", "", "", "", ""]  # 3 respondents: no figure at all
    assert panel.chart.pixmap() is not None and not panel.chart.pixmap().isNull()
    assert panel.chart_png[:8] == b"\x89PNG\r\n\x1a\n"
    assert panel.export_to(tmp_path / "tabell.docx")  # the figures and charts in Word
    from docx import Document

    doc = Document(str(tmp_path / "tabell.docx"))
    words = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    assert "Brukerundersøkelse 2026" in "\n".join(p.text for p in doc.paragraphs)
    assert shown["mean"] in words and doc.inline_shapes


def test_joint_view_shows_the_mapped_themes(qtbot, tmp_path, blank_window):
    from app.views.display_view import DisplayDialog
    from app.views.survey_joint import ThemeCodesCommand

    w = blank_window
    import_tiny(qtbot, w, tmp_path)
    from app.core import codebook

    with w.session.project.write() as s:
        codebook.create_code(s, "Respekt")
    displays = DisplayDialog(w.session, w)
    qtbot.addWidget(displays)
    panel = displays.joint_tab.ensure()
    panel.by.setCurrentText("tjeneste")
    assert panel.build()
    m = panel.model
    assert [m.text(r, 0).split("\n")[0] for r in range(m.rowCount())] == \
        ["Informasjon", "Respektfull behandling"]
    assert m.text(1, 0).endswith("↔ Respekt")  # suggested from the name
    assert w.session.execute(ThemeCodesCommand(w.session, "Brukerundersøkelse 2026",
                                               {"Informasjon": ["Respekt"],
                                                "Respektfull behandling": []}))
    panel.build()
    assert m.text(0, 0) == "Informasjon\n↔ Respekt"
    assert m.text(1, 0).endswith("(no code)")
    assert panel.export_to(tmp_path / "joint.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "joint.xlsx").worksheets[0]
    written = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert any("Informasjon" in v for v in written)
    w.session.undo_stack.undo()
    panel.build()
    assert m.text(0, 0).endswith("(no code)") and m.text(1, 0).endswith("↔ Respekt")


def test_the_smallest_group_is_set_in_the_survey_tab_and_undone(qtbot, tmp_path, blank_window):
    from app.views.display_view import DisplayDialog

    w = blank_window
    import_tiny(qtbot, w, tmp_path)
    displays = DisplayDialog(w.session, w)
    qtbot.addWidget(displays)
    displays.show()
    displays.tabs.setCurrentWidget(displays.survey_tab)
    panel = displays.survey_tab.ensure()
    assert panel.choose("Brukerundersøkelse 2026", "items", by="tjeneste")
    assert panel.min_group.value() == 5

    def bolig():
        m = panel.model
        line = next(r for r in range(m.rowCount()) if m.text(r, 1) == "Bolig")
        return m.text(line, 2)

    assert bolig() == "too few"
    panel.min_group.setValue(2)
    panel.min_group.editingFinished.emit()
    assert bolig() == "3"  # shown with its figures now
    with w.session.read() as s:
        from app.core.survey.stats import find_survey

        assert find_survey(s, "Brukerundersøkelse 2026").min_group == 2  # saved
    w.session.undo_stack.undo()
    assert panel.min_group.value() == 5 and bolig() == "too few"
