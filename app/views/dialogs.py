"""Small dialogs of the workbench: a code's definition, choosing the coder, choosing coders to
compare, the keyboard help, and where to save a file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMenuBar,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.i18n import _

EXPORT_FORMATS = "Word (*.docx);;CSV (*.csv);;Excel (*.xlsx)"


@dataclass
class CodeFields:
    name: str
    colour: str
    description: str = ""
    inclusion: str = ""
    exclusion: str = ""
    example: str = ""
    codable: bool = True


class CodeDialog(QDialog):
    """Edit a code's name, colour, definition, criteria, example and whether it can be applied."""

    def __init__(self, fields: CodeFields, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.colour = fields.colour
        form = QFormLayout()
        self.name = QLineEdit(fields.name, self)
        form.addRow(_("&Name:"), self.name)
        self.colour_button = QPushButton(self)
        self.colour_button.clicked.connect(self._pick_colour)
        self._show_colour()
        form.addRow(_("&Colour:"), self.colour_button)
        self.texts = {}
        for key, label, value in (
            ("description", _("&Definition:"), fields.description),
            ("inclusion", _("&Include when:"), fields.inclusion),
            ("exclusion", _("E&xclude when:"), fields.exclusion),
            ("example", _("&Example:"), fields.example),
        ):
            edit = QPlainTextEdit(value, self)
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(70 if key != "description" else 90)
            self.texts[key] = edit
            form.addRow(label, edit)
        self.codable = QCheckBox(_("Can be applied to text (untick for a group of codes)"), self)
        self.codable.setChecked(fields.codable)
        form.addRow("", self.codable)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(buttons)
        self.resize(520, 520)

    def _show_colour(self) -> None:
        self.colour_button.setText(self.colour)
        self.colour_button.setStyleSheet(
            f"background-color: {self.colour}; color: "
            f"{'#000' if QColor(self.colour).lightness() > 140 else '#fff'};")

    def _pick_colour(self) -> None:
        chosen = QColorDialog.getColor(QColor(self.colour), self, _("Colour of the code"))
        if chosen.isValid():
            self.colour = chosen.name().upper()
            self._show_colour()

    def fields(self) -> CodeFields:
        return CodeFields(self.name.text().strip(), self.colour,
                          *(self.texts[k].toPlainText().strip()
                            for k in ("description", "inclusion", "exclusion", "example")),
                          self.codable.isChecked())


class CoderDialog(QDialog):
    """Who is coding? Existing coders to pick from, or a new name."""

    def __init__(self, names: list[str], current: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Who is coding?"))
        self.combo = QComboBox(self)
        self.combo.setEditable(True)
        self.combo.addItems(names)
        self.combo.setCurrentIndex(-1)  # an empty field, not the first name in the list
        self.combo.setEditText(current)
        self.combo.lineEdit().setPlaceholderText(_("Your name"))
        self.combo.setAccessibleName(_("Coder name"))
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        ok = buttons.button(QDialogButtonBox.Ok)
        ok.setEnabled(bool(current.strip()))
        self.combo.editTextChanged.connect(lambda text: ok.setEnabled(bool(text.strip())))
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(_("Your codings are saved under this name. Choose yourself in the "
                               "list or write a new name:"), self))
        lay.addWidget(self.combo)
        lay.addWidget(buttons)

    def name(self) -> str:
        return self.combo.currentText().strip()


class CodersChoiceDialog(QDialog):
    """Tick the coders whose codings are shown side by side, each in their own colour."""

    def __init__(self, coders: list[tuple[int, str, str]], chosen: set[int],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Compare coders"))
        self.list = QListWidget(self)
        for cid, name, colour in coders:
            item = QListWidgetItem(name, self.list)
            item.setData(Qt.UserRole, cid)
            item.setForeground(QColor(colour))
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if cid in chosen or not chosen else Qt.Unchecked)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(_("Show the codings of:"), self))
        lay.addWidget(self.list)
        lay.addWidget(buttons)

    def chosen(self) -> set[int]:
        return {self.list.item(i).data(Qt.UserRole) for i in range(self.list.count())
                if self.list.item(i).checkState() == Qt.Checked}


def shortcuts_dialog(menus: QMenuBar, parent: QWidget | None = None) -> QDialog:
    """The keyboard help: every item of `menus` that has a shortcut and the keys that are in no
    menu, in a table, with the tab order explained above it."""
    rows = [(a.text().replace("&", ""), a.shortcut().toString(QKeySequence.NativeText))
            for menu in menus.findChildren(QMenu) for a in menu.actions()
            if not a.shortcut().isEmpty()]
    rows += [(_("Code the selection with a pinned code"), "1 - 9"),
             (_("Code the selection with the code in the tree"), _("Enter, or click")),
             (_("Open the coding under the mouse"), _("Ctrl+click")),
             (_("Zoom the transcript"), _("Ctrl+mouse wheel"))]
    dlg = QDialog(parent)
    dlg.setWindowTitle(_("Keyboard"))
    intro = QLabel(_("Tab moves between the document list, the transcript, the code tree and "
                     "the retrieval list, in that order. Within a list, use the arrow keys; "
                     "Enter opens a document, applies a code or jumps to a segment."), dlg)
    intro.setWordWrap(True)
    table = QTableWidget(len(rows), 2, dlg)
    table.setHorizontalHeaderLabels([_("Action"), _("Keys")])
    for i, (what, keys) in enumerate(rows):
        table.setItem(i, 0, QTableWidgetItem(what))
        table.setItem(i, 1, QTableWidgetItem(keys))
    table.resizeColumnsToContents()
    table.horizontalHeader().setStretchLastSection(True)
    table.setEditTriggers(QTableWidget.NoEditTriggers)
    buttons = QDialogButtonBox(QDialogButtonBox.Close, dlg)
    buttons.rejected.connect(dlg.reject)
    lay = QVBoxLayout(dlg)
    lay.addWidget(intro)
    lay.addWidget(table)
    lay.addWidget(buttons)
    dlg.resize(560, 520)
    return dlg


def ask_path(parent: QWidget | None, title: str, name: str,
             pattern: str = EXPORT_FORMATS, *, project: Path | None = None,
             inputs: tuple = (), suffix: str | None = None) -> Path | None:
    """Where to save a file (suggested: `name` in the home folder); None if cancelled. Without
    a suffix the file gets the one of the chosen format (or `suffix`, which then always
    applies). A file that is the `project`, beside it or among its backups, or one of
    `inputs`, is refused with a message (app.core.files.outputs), and None returned."""
    from app.core.files.outputs import check_outputs
    from app.errors import SitatError

    path, chosen = QFileDialog.getSaveFileName(parent, title, str(Path.home() / name), pattern)
    if not path:
        return None
    path = Path(path)
    if suffix is not None:
        path = path.with_suffix(suffix)
    elif not path.suffix:
        ext = ".csv" if "csv" in chosen else ".xlsx" if "xlsx" in chosen else ".docx"
        path = path.with_suffix(ext)
    try:
        check_outputs([path], project=project, inputs=inputs)
    except SitatError as exc:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(parent, title, str(exc))
        return None
    return path
