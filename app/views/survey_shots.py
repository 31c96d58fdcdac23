"""Screenshots of the survey window (app.views.screenshots): the import preview of the sample
survey's file with two bad cells put in (Import blocked, the problems listed), the same file's
columns as matched, the Displays window's survey tab (themes by service, with the chart) and
the joint display."""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path


def bad_sample_file(folder: Path) -> Path:
    """The sample survey's CSV with a 5 and a word where answers 1-4 belong."""
    from app.core.sample_survey import write_sample_survey

    path = write_sample_survey(folder / "brukerundersokelse-stovner.csv")
    text = path.read_text(encoding="utf-8-sig")
    from app.core.survey.reader import sniff_delimiter

    sep, body = sniff_delimiter(text)
    rows = list(csv.reader(body.splitlines(), delimiter=sep))
    rows[3][6] = "5"
    rows[9][12] = "kanskje"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=sep).writerows(rows)
    return path


def survey_shots(w, shot, settle) -> None:
    """Take the survey screenshots with `shot(name, widget)` (the window `w` on the sample)."""
    from app.views.display_view import DisplayDialog
    from app.views.survey_import import SurveyImportDialog

    folder = Path(tempfile.mkdtemp(prefix="sitat-survey-"))
    dlg = SurveyImportDialog(w.session, w, str(bad_sample_file(folder)))
    dlg.name.setText("Brukerundersøkelse 2026 (Stovner)")
    dlg.resize(1100, 640)
    dlg.show()
    dlg.run_preview()
    while dlg.task.running:
        settle()
    shot("survey-preview", dlg)
    dlg.tabs.setCurrentIndex(0)
    shot("survey-preview-columns", dlg)
    dlg.close()
    displays = DisplayDialog(w.session, w)
    displays.resize(1300, 820)
    displays.show()
    displays.tabs.setCurrentWidget(displays.survey_tab)
    panel = displays.survey_tab.ensure()
    settle()
    panel.choose(level="themes", by="tjeneste")
    settle()
    panel._draw_chart()  # fitted to the chart's column as laid out
    shot("survey-table", displays)
    displays.tabs.setCurrentWidget(displays.joint_tab)
    joint = displays.joint_tab.ensure()
    joint.by.setCurrentText("tjeneste")
    joint.build()
    joint.view.horizontalScrollBar().setValue(0)
    joint.view.selectRow(0)
    joint._row_clicked(joint.model.index(0, 0))
    shot("survey-joint", displays)
    displays.close()
