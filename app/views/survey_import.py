"""File > Import survey...: choose the survey file (.xlsx/.csv) and its mapping (the bundled KS
mapping, or a .toml), see a preview BEFORE anything changes - the columns matched to items,
background variables and free-text questions, unknown and missing columns, the first rows as
parsed and every bad cell (row, column, value, why) - and import only when there is no bad
cell. Reading and importing run off the GUI thread (app.views.survey_task); the import is one
transaction and one undoable command (app.views.survey_command)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
)

from app.errors import SitatError
from app.i18n import _, n_
from app.views.session import Session
from app.views.survey_task import BackgroundTask

SURVEY_FILES = "Excel / CSV (*.xlsx *.csv)"
OTHER = "__other__"
RED = QColor("#B3261E")


def role_label(role: str) -> str:
    return {"respondent": _("respondent id"), "background": _("background variable"),
            "likert": _("statement (Likert item)"), "text": _("free-text question")}.get(role,
                                                                                        role)


def _table(parent, headers: list[str], rows: list[list], name: str,
           widest: int = 380) -> QTableWidget:
    t = QTableWidget(len(rows), len(headers), parent)
    t.setHorizontalHeaderLabels(headers)
    for c, text in enumerate(headers):
        t.horizontalHeaderItem(c).setToolTip(text)
    t.setAccessibleName(name)
    t.setEditTriggers(QTableWidget.NoEditTriggers)
    t.verticalHeader().hide()
    t.setWordWrap(True)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            t.setItem(r, c, QTableWidgetItem("" if value is None else str(value)))
    t.resizeColumnsToContents()
    for c in range(len(headers)):
        t.setColumnWidth(c, min(t.columnWidth(c), widest))
    t.horizontalHeader().setStretchLastSection(True)
    t.horizontalHeader().setSectionResizeMode(QHeaderView.Interactive)
    return t


class SurveyImportDialog(QDialog):
    """Choose, preview, import. `summary` holds the ImportSummary after a good import."""

    def __init__(self, session: Session, parent=None, file: str = "") -> None:
        super().__init__(parent)
        from app.core.survey.mapping import bundled_mappings

        self.session = session
        self.preview = None  # the Preview shown (None: none yet, or stale)
        self.summary = None
        self.task: BackgroundTask | None = None
        self.setWindowTitle(_("Import survey"))
        self.file = QLineEdit(file, self)
        self.file.setPlaceholderText(_("A survey export: one row per respondent"))
        browse = QPushButton(_("&Choose..."), self)
        browse.clicked.connect(self.choose_file)
        self.mapping = QComboBox(self)
        seen = set()
        for key, path in bundled_mappings().items():
            if path in seen:
                continue
            seen.add(path)
            self.mapping.addItem(_bundled_title(path), str(path))
        self.mapping.addItem(_("Other mapping file (.toml)..."), OTHER)
        self.mapping.activated.connect(self._mapping_chosen)
        self.name = QLineEdit(self)
        self.name.setAccessibleName(_("Survey name"))
        self.name.editingFinished.connect(self._name_edited)
        form = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(browse)
        form.addRow(_("Survey file:"), row)
        form.addRow(_("Mapping:"), self.mapping)
        form.addRow(_("Survey name:"), self.name)
        self.show_button = QPushButton(_("&Preview"), self)
        self.show_button.clicked.connect(self.run_preview)
        self.summary_label = QLabel(_("Choose the file and the mapping: the preview shows what "
                                      "would be imported. Nothing changes until you press "
                                      "Import."), self)
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.tabs = QTabWidget(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Cancel, self)
        self.import_button = self.buttons.addButton(_("&Import"), QDialogButtonBox.AcceptRole)
        self.import_button.setEnabled(False)
        self.buttons.accepted.connect(self.run_import)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        top = QHBoxLayout()
        top.addWidget(self.summary_label, 1)
        top.addWidget(self.show_button, 0, Qt.AlignTop)
        lay.addLayout(top)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.buttons)
        self.resize(1000, 700)
        self._mapping_path = self.mapping.currentData()

    # -- choosing --------------------------------------------------------------------------------
    def choose_file(self) -> None:
        path, _f = QFileDialog.getOpenFileName(self, _("Survey file"), str(Path.home()),
                                               SURVEY_FILES)
        if path:
            self.file.setText(path)
            self.run_preview()

    def _mapping_chosen(self) -> None:
        if self.mapping.currentData() == OTHER:
            path, _f = QFileDialog.getOpenFileName(self, _("Survey mapping"), str(Path.home()),
                                                   _("Survey mapping (*.toml)"))
            if not path:
                self.mapping.setCurrentIndex(max(0, self.mapping.findData(self._mapping_path)))
                return
            self.mapping.insertItem(self.mapping.count() - 1, Path(path).name, path)
            self.mapping.setCurrentIndex(self.mapping.findData(path))
        self._mapping_path = self.mapping.currentData()
        self.name.clear()  # the new mapping's own name
        if self.file.text().strip():
            self.run_preview()

    def set_mapping(self, path: str) -> None:
        """Choose a mapping file (as Other mapping file... does)."""
        if self.mapping.findData(path) < 0:
            self.mapping.insertItem(self.mapping.count() - 1, Path(path).name, path)
        self.mapping.setCurrentIndex(self.mapping.findData(path))
        self._mapping_path = path

    def _name_edited(self) -> None:
        if self.preview is not None and self.name.text().strip() != self.preview.survey:
            self.run_preview()

    # -- the preview -----------------------------------------------------------------------------
    def _inputs(self):
        file = self.file.text().strip()
        if not file:
            raise SitatError(_("Choose the survey file first."))
        return Path(file), self.mapping.currentData(), self.name.text().strip() or None

    def run_preview(self) -> None:
        from app.core.survey.importer import preview

        self.preview = None
        self.import_button.setEnabled(False)
        try:
            file, mapping, name = self._inputs()
        except SitatError as exc:
            self._say(str(exc))
            return
        project = self.session.project

        def work(_progress):
            p = preview(project, file, mapping, name)
            return p, (bad_cell_values(file, p.problems) if p.problem_count else {})

        self._say(_("Reading {name}...").format(name=file.name), error=False)
        self.task = BackgroundTask(work, _("Reading the survey file..."), self)
        self.task.finished.connect(self.show_preview)
        self.task.failed.connect(self._preview_failed)
        self.task.cancelled.connect(lambda: self._say(_("Cancelled."), error=False))
        self.task.start()

    def _preview_failed(self, message: str) -> None:
        self.tabs.clear()
        self._say(message)

    def _say(self, message: str, error: bool = True) -> None:
        self.summary_label.setText(message)
        self.summary_label.setStyleSheet(f"color: {RED.name()};" if error else "")

    def show_preview(self, result) -> None:
        p, values = result
        self.preview = p
        if not self.name.text().strip():
            self.name.setText(p.survey)
        self.tabs.clear()
        self.tabs.addTab(self._columns_table(p), _("Columns ({n})").format(
            n=len(p.columns) + len(p.unknown) + len(p.missing)))
        headings = [c["heading"] for c in p.columns]
        rows = [[r.get("row")] + [r.get(h, "") for h in headings] for r in p.first_rows]
        self.tabs.addTab(_table(self, [_("Row")] + headings, rows, _("First rows"), 170),
                         _("First rows as read"))
        problems = [[p_.row if p_.row is not None else "", p_.column,
                     values.get((p_.row, p_.column), ""), p_.message] for p_ in p.problems]
        bad = _table(self, [_("Row"), _("Column"), _("Value"), _("Why")], problems,
                     _("Problems"))
        i = self.tabs.addTab(bad, _("Problems ({n})").format(n=p.problem_count))
        if p.problem_count:
            self.tabs.tabBar().setTabTextColor(i, RED)
            self.tabs.setCurrentIndex(i)
            shown = "" if p.problem_count <= len(p.problems) else " " + _(
                "The first {n} are listed.").format(n=len(p.problems))
            self._say(n_("{file}: {n} problem to fix in the file or the mapping before it can "
                         "be imported; nothing has been changed.",
                         "{file}: {n} problems to fix in the file or the mapping before it can "
                         "be imported; nothing has been changed.", p.problem_count).format(
                file=p.file, n=p.problem_count) + shown)
        else:
            self._say(_("{file}: {respondents} respondents, {answers} answers ({dont_know} "
                        "don't know, {blank} blank), {comments} comments that become "
                        "documents. Nothing has been changed yet: press Import.").format(
                file=p.file, respondents=p.respondents, answers=p.answers,
                dont_know=p.dont_know, blank=p.blank, comments=p.comments), error=False)
        self.import_button.setEnabled(p.ok and not self.session.project.read_only)

    def _columns_table(self, p) -> QTableWidget:
        rows = [[c["heading"], role_label(c["role"]),
                 c["theme"] if c["role"] == "likert" else c["key"],
                 c["key"] if c["role"] == "likert" else "",
                 _("yes") if c.get("reverse") else ""] for c in p.columns]
        rows += [[h, _("not in the mapping"), "", "", ""] for h in p.unknown]
        rows += [[h, _("missing in the file"), "", "", ""] for h in p.missing]
        rows += [[h, _("optional, not in the file"), "", "", ""] for h in p.absent]
        t = _table(self, [_("Column in the file"), _("Used as"), _("Theme / attribute"),
                          _("Item key"), _("Reverse-scored")], rows, _("Columns"))
        for r in range(len(p.columns), len(p.columns) + len(p.unknown) + len(p.missing)):
            for c in range(2):
                t.item(r, c).setForeground(RED)
        header = t.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.Stretch)  # the headings: as wide as can be
        t.resizeColumnToContents(4)
        t.setWordWrap(False)  # one line per column; a long heading whole in its tooltip
        for r in range(t.rowCount()):
            t.item(r, 0).setToolTip(t.item(r, 0).text())
        return t

    # -- the import ------------------------------------------------------------------------------
    def run_import(self) -> None:
        from app.core.survey.importer import import_survey

        if self.preview is None or not self.preview.ok or self.session.refuse_offline():
            return
        file, mapping, name = self._inputs()
        project, who = self.session.project, self.session.coder_name
        self.import_button.setEnabled(False)
        self.task = BackgroundTask(
            lambda _progress: import_survey(project, file, mapping, name, imported_by=who),
            _("Importing the survey..."), self, cancellable=False)
        self.task.finished.connect(lambda summary: self._imported(summary, file, mapping))
        self.task.failed.connect(self._import_failed)
        self.task.start()

    def _imported(self, summary, file: Path, mapping) -> None:
        from app.views.survey_command import ImportSurveyCommand

        self.summary = summary
        self.session.undo_stack.push(ImportSurveyCommand(self.session, summary, file, mapping,
                                                         done=True))
        self.accept()

    def _import_failed(self, message: str) -> None:
        self._say(message)
        self.import_button.setEnabled(False)
        self.run_preview()  # what changed meanwhile (a name now taken, the file edited)


def _bundled_title(path: Path) -> str:
    try:
        from app.core.survey.mapping import load_mapping

        name = load_mapping(path).name
    except SitatError:
        name = ""
    return _("{name} (bundled)").format(name=name or path.stem)


def bad_cell_values(file: Path, problems) -> dict[tuple[int, str], object]:
    """(file row, heading) -> the cell's value as written, for the problems about a cell."""
    from app.core.survey.reader import read_table

    wanted: dict[int, set[str]] = {}
    for p in problems:
        if p.row is not None and p.row > 1:
            wanted.setdefault(p.row, set()).add(p.column)
    if not wanted:
        return {}
    table = read_table(file)
    index = {h: i for i, h in enumerate(table.headings)}
    out = {}
    for number, cells in table.rows:
        for column in wanted.get(number, ()):
            i = index.get(column)
            if i is not None and i < len(cells):
                out[(number, column)] = cells[i]
    return out


def import_survey_dialog(window) -> SurveyImportDialog | None:
    """File > Import survey...: the dialog; after a good import the status bar says what came
    in (the comment documents are then in the document list)."""
    session = window.session
    if session is None or session.refuse_offline():
        return None
    dlg = SurveyImportDialog(session, window)
    if dlg.exec() == QDialog.Accepted and dlg.summary is not None:
        window.statusBar().showMessage(imported_message(dlg.summary), 15000)
    return dlg


def imported_message(summary) -> str:
    return _("Imported the survey {name}: {respondents} respondents, {answers} answers, "
             "{comments} comments as documents.").format(
        name=summary.survey, respondents=summary.respondents, answers=summary.answers,
        comments=summary.comments)
