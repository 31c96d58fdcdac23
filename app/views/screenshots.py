"""Render the main states of the window to PNG files, offscreen, from the sample project:

    python -m app.views.screenshots OUTDIR

workbench (transcript with codings, code tree with counts), retrieval list, search hits,
coder comparison (with its colour legend), the displays dialog with a cell's quotes (and again
limited to a code set), the code dialog and the keyboard help, in Norwegian bokmål and English.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def _settle(app, rounds: int = 6) -> None:
    for _ in range(rounds):
        app.processEvents()


def render(out: Path, work: Path | None = None) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app.core.demo import ensure_sample
    from app.i18n import set_language
    from app.views import settings

    work = work or Path(tempfile.mkdtemp(prefix="sitat-shots-"))
    settings.use_settings_dir(work / "settings")
    settings.set_coder_name("Hanne")
    project = ensure_sample(work / "demo")
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for lang in ("nb", "en"):
        set_language(lang)
        files += _render_language(project, out, lang)
    return files


def _render_language(project: Path, out: Path, lang: str) -> list[Path]:
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from app.views.application import make_app, open_session
    from app.views.main_window import MainWindow
    from app.views.session import FILTER_CHOSEN

    app = make_app()
    w = MainWindow()
    w.resize(1500, 940)
    w.set_session(open_session(project, w))
    w.show()
    doc = next(r.guid for r in w.docs.model.rows if r.name == "fg05-stovner-psykisk-helsearbeid")
    w.docs.select(doc)
    w.transcript.verticalScrollBar().setValue(380)
    respekt = next(n.guid for n in w.codes.model.nodes() if n.name == "Respekt")
    w.codes.model.set_pinned([respekt] + [n.guid for n in w.codes.model.nodes()
                                          if n.name in ("Forutsigbarhet", "Samhandling")])
    _settle(app)
    files = []

    def shot(name: str, widget=None) -> None:
        _settle(app)
        path = out / f"{name}-{lang}.png"
        (widget or w).grab().save(str(path))
        files.append(path)

    shot("workbench")
    w.codes.select(respekt)
    w.show_retrieval(respekt)
    shot("retrieval")
    w.team_actions.focus_search()
    w.search.query.setText('kontaktperson ELLER "tatt på alvor"')
    w.search.run()
    w.search.list.setCurrentIndex(w.search.model.index(2, 0))
    w.search._chosen(w.search.model.index(2, 0))
    shot("search")
    with w.session.read() as s:
        ids = {c.id for c in w.session.coders()}
    w.session.set_filter(FILTER_CHOSEN, ids)
    w.filter_combo.setCurrentIndex(w.filter_combo.findData(FILTER_CHOSEN))
    shot("compare-coders")
    from app.views.dialogs import CodeDialog, CodeFields, shortcuts_dialog

    with w.session.read() as s:
        from app.core import workbench as wb

        c = wb.get_code_by_guid(s, respekt)
        fields = CodeFields(c.name, c.color, c.description, c.inclusion, c.exclusion, c.example)
    from app.views.display_view import DisplayDialog

    displays = DisplayDialog(w.session, w)  # opens on codes x the first attribute
    displays.show()
    m = displays.model.m
    row = next(i for i, r in enumerate(m.rows) if r.endswith("Respekt"))
    displays.cell_clicked(displays.model.index(row, m.cols.index("Alna")))
    shot("displays", displays)
    _code_set_display(w, displays)
    shot("displays-codeset", displays)
    displays.close()
    dlg = CodeDialog(fields, "Respekt", w)
    dlg.show()
    shot("code-dialog", dlg)
    dlg.close()
    QTimer.singleShot(0, lambda: None)
    help_dlg = shortcuts_dialog(w.menuBar(), w)
    help_dlg.show()
    shot("keyboard-help", help_dlg)
    help_dlg.close()
    from app.views.survey_shots import survey_shots

    survey_shots(w, shot, lambda: _settle(app, 2))  # import preview, survey tab, joint display
    w.close()
    QApplication.processEvents()
    return files


def _code_set_display(w, displays) -> None:
    """The displays dialog limited to a code set (made once in the throw-away sample copy)."""
    from app.core import codesets
    from app.views.commands.codesets import CodeSetsCommand

    with w.session.read() as s:
        rows = list(codesets.checkpoint(s))
    if not any(r[1] == "Relasjoner" for r in rows):
        members = tuple(sorted(n.guid for n in w.codes.model.nodes()
                               if n.name in ("Respekt", "Samhandling", "Forutsigbarhet")))
        w.session.execute(CodeSetsCommand(w.session, rows + [("", "Relasjoner", "", members)]))
    displays.codeset.load(w.session)
    displays.codeset.choose_set("Relasjoner")
    displays.build()
    m = displays.model.m
    displays.cell_clicked(displays.model.index(0, m.cols.index("Alna")))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m app.views.screenshots OUTDIR", file=sys.stderr)
        return 2
    for path in render(Path(argv[0])):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
