"""The joint display in the Displays window (app.core.survey.joint): one row per survey theme,
one column per value of an attribute (service, district) and everyone; a cell holds the
theme's mean (or % agree) with its n, or "too few", beside the passages of the theme's
interview codes. The theme -> code mapping is edited in a small dialog and saved in the
project as an undoable change; a row's quotes are listed under the table."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import SitatError
from app.i18n import _, n_
from app.views.commands.base import CheckpointCommand
from app.views.session import Session


def cell_text(cell, measure: str) -> str:
    from app.core.survey.joint import shown

    fig = cell.survey
    head = shown(fig, measure)
    if fig is not None and not fig.suppressed and fig.n:
        head += " " + _("(n {n})").format(n=fig.n)
    coded = n_("{n} passage", "{n} passages", cell.interviews).format(n=cell.interviews)
    if cell.comments:
        coded += "\n" + _("+ {n} in comments").format(n=cell.comments)
    return f"{head}\n{coded}"


class JointModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.d = None

    def set_display(self, d) -> None:
        self.beginResetModel()
        self.d = d
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or self.d is None else len(self.d.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or self.d is None else len(self.d.columns) + 2

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if self.d is None or role != Qt.DisplayRole or orientation != Qt.Horizontal:
            return None
        if section == 0:
            return _("Theme ↔ codes")
        if section <= len(self.d.columns):
            return self.d.columns[section - 1]
        return _("Everyone")

    def text(self, row: int, col: int) -> str:
        r = self.d.rows[row]
        if col == 0:
            codes = ", ".join(p.rsplit("/", 1)[-1] for p in r.codes) or _("(no code)")
            return f"{r.theme}\n↔ {codes}"
        cell = r.cells[col - 1] if col <= len(r.cells) else r.total
        return cell_text(cell, self.d.measure)

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid() or self.d is None:
            return None
        if role == Qt.DisplayRole:
            return self.text(index.row(), index.column())
        if role == Qt.ToolTipRole and index.column() == 0:
            return "\n".join(self.d.rows[index.row()].codes)
        if role == Qt.TextAlignmentRole:
            return int(Qt.AlignLeft | Qt.AlignVCenter) if index.column() == 0 \
                else int(Qt.AlignCenter)
        return None


class ThemeCodesCommand(CheckpointCommand):
    """Save which codes each theme of a survey is shown beside; undo puts back what was saved
    before (nothing saved: the suggestion from names again)."""

    def __init__(self, session: Session, survey: str, mapping: dict[str, list[str]]) -> None:
        super().__init__(session, _("Edit the themes' codes"))
        self.survey, self.mapping = survey, mapping

    def capture(self, s):
        from app.core.survey.listing import saved_theme_codes

        return tuple(sorted(saved_theme_codes(s, self.survey)))

    def operate(self, s) -> None:
        from app.core.survey.joint import clear_theme_codes, set_theme_codes

        for theme, codes in self.mapping.items():
            if codes:
                set_theme_codes(s, self.survey, theme, codes)
            else:
                clear_theme_codes(s, self.survey, theme)

    def restore(self, s, state) -> None:
        from app.core.survey.listing import restore_theme_codes

        restore_theme_codes(s, self.survey, list(state))

    def refresh(self) -> None:
        self.session.documentsChanged.emit()  # the survey tabs rebuild


class ThemeCodesDialog(QDialog):
    """Each theme with the code(s) shown beside it: choose one code per theme (or none)."""

    def __init__(self, themes: list[str], current: dict[str, list[str]], codes: list[str],
                 parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Themes and interview codes"))
        self.combos: dict[str, QComboBox] = {}
        form = QFormLayout()
        for theme in themes:
            combo = QComboBox(self)
            combo.addItem(_("(no code)"), None)
            for path in codes:
                combo.addItem(path, path)
            chosen = current.get(theme) or []
            if chosen:
                combo.setCurrentIndex(max(0, combo.findData(chosen[0])))
            combo.setAccessibleName(theme)
            self.combos[theme] = combo
            form.addRow(theme + ":", combo)
        note = QLabel(_("The joint display shows each survey theme beside the passages of its "
                        "interview code. The choice is saved in the project."), self)
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(note)
        lay.addLayout(form)
        lay.addWidget(buttons)

    def mapping(self) -> dict[str, list[str]]:
        return {t: [c.currentData()] if c.currentData() else [] for t, c in self.combos.items()}


class JointPanel(QWidget):
    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.survey, self.by, self.measure = QComboBox(self), QComboBox(self), QComboBox(self)
        self.measure.addItem(_("mean"), "mean")
        self.measure.addItem(_("% agree"), "agree")
        form = QFormLayout()
        form.addRow(_("Survey:"), self.survey)
        row = QHBoxLayout()
        row.addWidget(self.by, 1)
        row.addWidget(QLabel(_("Survey figure:"), self))
        row.addWidget(self.measure, 1)
        form.addRow(_("By:"), row)
        show = QPushButton(_("Show &joint display"), self)
        show.clicked.connect(self.build)
        edit = QPushButton(_("Themes and &codes..."), self)
        edit.clicked.connect(self.edit_mapping)
        buttons = QHBoxLayout()
        buttons.addWidget(show)
        buttons.addWidget(edit)
        buttons.addStretch(1)
        export = QPushButton(_("&Export..."), self)
        export.clicked.connect(self.export)
        buttons.addWidget(export)
        self.note = QLabel("", self)
        self.note.setWordWrap(True)
        self.model = JointModel(self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setWordWrap(True)
        self.view.setAccessibleName(_("Joint display"))
        self.view.clicked.connect(self._row_clicked)
        self.quotes = QListWidget(self)
        self.quotes.setWordWrap(True)
        split = QSplitter(Qt.Vertical, self)
        split.addWidget(self.view)
        split.addWidget(self.quotes)
        split.setSizes([540, 110])
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addLayout(buttons)
        lay.addWidget(self.note)
        lay.addWidget(split, 1)
        self.reload()

    def reload(self) -> None:
        from app.core import attributes as attrs
        from app.core.survey.listing import survey_choices, survey_names

        survey, by = self.survey.currentText(), self.by.currentText()
        with self.session.read() as s:
            names = survey_names(s)
            choices = survey_choices(s, names[0] if names else "")
            attributes = [d.name for d in attrs.definitions(s)]
        self.survey.clear()
        self.survey.addItems(names)
        if survey in names:
            self.survey.setCurrentText(survey)
        self.by.clear()
        self.by.addItems(choices.attributes or attributes)
        if by:
            self.by.setCurrentText(by)
        if not names:
            self.note.setText(_("This project has no survey yet: import one with File > "
                                "Import survey..."))
            self.model.set_display(None)
            return
        self.build(quiet=True)

    def build(self, quiet: bool = False) -> bool:
        from app.core.survey.joint import joint_display

        if not self.survey.currentText() or not self.by.currentText():
            return False
        try:
            with self.session.read() as s:
                d = joint_display(s, self.survey.currentText(), by=self.by.currentText(),
                                  measure=self.measure.currentData(), quotes=3)
        except SitatError as exc:
            if not quiet:
                self.session.failed.emit(str(exc))
            return False
        self.model.set_display(d)
        self.view.resizeColumnsToContents()
        self.view.resizeRowsToContents()
        self.quotes.clear()
        self.note.setText(_("The survey's figure beside the passages of the theme's codes in "
                            "the interviews. {scope} Groups with fewer than {n} respondents: "
                            "“too few”. Click a theme for its quotes.").format(
            scope=d.scope.get("description", ""), n=d.min_group)
            + ("" if d.mapping_saved else " " + _("Codes suggested from the themes' names: "
                                                   "check them with Themes and codes.")))
        return True

    def _row_clicked(self, index: QModelIndex) -> None:
        d = self.model.d
        if d is None or not index.isValid():
            return
        self.quotes.clear()
        for q in d.rows[index.row()].quotes:
            item = QListWidgetItem(f"«{' '.join(q['text'].split())}» – {q.get('document', '')}")
            self.quotes.addItem(item)

    def edit_mapping(self) -> None:
        from app.core.codebook import code_paths, ordered_codes
        from app.core.survey.listing import current_theme_codes

        survey = self.survey.currentText()
        if not survey:
            return
        with self.session.read() as s:
            themes, current = current_theme_codes(s, survey)
            paths = code_paths(s)
            codes = [paths[c.id] for c in ordered_codes(s) if c.codable]
        dlg = ThemeCodesDialog(themes, current, codes, self)
        if dlg.exec() != QDialog.Accepted:
            return
        if self.session.execute(ThemeCodesCommand(self.session, survey, dlg.mapping())):
            self.build()

    def export(self) -> None:
        from app.views.dialogs import ask_path

        if self.model.d is None and not self.build():
            return
        path = ask_path(self, _("Export joint display"), "samlet-visning.docx",
                        "Word (*.docx);;Excel (*.xlsx)", project=self.session.path)
        if path is not None:
            self.export_to(path)

    def export_to(self, path) -> bool:
        from pathlib import Path

        from app.core.export.joint_docx import write_joint_docx, write_joint_xlsx

        write = write_joint_xlsx if Path(path).suffix.lower() == ".xlsx" else write_joint_docx
        try:
            write(self.model.d, path)
        except SitatError as exc:
            self.session.failed.emit(str(exc))
            return False
        return True
