"""The code sets dialog (code tree > Code sets...): create, rename, describe and delete named
sets of codes and tick their codes; OK makes every change one undoable step."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from app.i18n import _

GUID = Qt.UserRole


class CodeSetsDialog(QDialog):
    """Works on a copy of the sets (guid, name, description, member code guids); `rows()`
    gives them back as edited."""

    def __init__(self, rows, codes: list[tuple[str, str]], current_code: str | None = None,
                 parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Code sets"))
        self._rows = [[g, n, d, set(c)] for g, n, d, c in rows]
        self._current: list | None = None
        self.sets = QListWidget(self)
        self.sets.currentRowChanged.connect(self._show)
        new, rename, delete = (QPushButton(_("New..."), self), QPushButton(_("Rename..."), self),
                               QPushButton(_("Delete"), self))
        new.clicked.connect(self.new_set)
        rename.clicked.connect(self.rename_set)
        delete.clicked.connect(self.delete_set)
        self.description = QPlainTextEdit(self)
        self.description.setPlaceholderText(_("What the set is for"))
        self.description.setMaximumHeight(70)
        self.description.textChanged.connect(self._described)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText(_("Filter codes"))
        self.filter.textChanged.connect(self._filter)
        self.codes = QListWidget(self)
        for guid, path in codes:
            item = QListWidgetItem(path, self.codes)
            item.setData(GUID, guid)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Unchecked)
            if guid == current_code:
                self.codes.setCurrentItem(item)
        self.codes.itemChanged.connect(self._ticked)
        left = QVBoxLayout()
        left.addWidget(QLabel(_("Sets:"), self))
        left.addWidget(self.sets)
        buttons = QHBoxLayout()
        for b in (new, rename, delete):
            buttons.addWidget(b)
        left.addLayout(buttons)
        right = QVBoxLayout()
        right.addWidget(QLabel(_("Description:"), self))
        right.addWidget(self.description)
        right.addWidget(QLabel(_("Codes in the set:"), self))
        right.addWidget(self.filter)
        right.addWidget(self.codes)
        body = QHBoxLayout()
        body.addLayout(left, 2)
        body.addLayout(right, 3)
        ok = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        ok.accepted.connect(self.accept)
        ok.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(body)
        lay.addWidget(ok)
        self._fill(0)

    # -- the copy ------------------------------------------------------------------------------
    def rows(self) -> list[tuple]:
        return [(g, n, d, tuple(sorted(c))) for g, n, d, c in self._rows]

    def add_set(self, name: str) -> None:
        self._rows.append(["", name.strip(), "", set()])  # the guid is given on OK
        self._fill(len(self._rows) - 1)

    def new_set(self) -> None:
        name, ok = QInputDialog.getText(self, _("New code set"), _("Name:"))
        if ok and name.strip():
            self.add_set(name)

    def rename_set(self) -> None:
        if self._current is None:
            return
        name, ok = QInputDialog.getText(self, _("Rename code set"), _("Name:"),
                                        text=self._current[1])
        if ok and name.strip():
            self._current[1] = name.strip()
            self._fill(self._rows.index(self._current))

    def delete_set(self) -> None:
        if self._current is not None:
            i = self._rows.index(self._current)
            del self._rows[i]
            self._fill(min(i, len(self._rows) - 1))

    def tick(self, code_guid: str, member: bool) -> None:
        for i in range(self.codes.count()):
            item = self.codes.item(i)
            if item.data(GUID) == code_guid:
                item.setCheckState(Qt.Checked if member else Qt.Unchecked)

    # -- showing -------------------------------------------------------------------------------
    def _fill(self, row: int) -> None:
        self.sets.blockSignals(True)
        self.sets.clear()
        for _g, name, _d, codes in self._rows:
            self.sets.addItem(f"{name} ({len(codes)})")
        self.sets.blockSignals(False)
        if self._rows:
            self.sets.setCurrentRow(max(row, 0))
        self._show(self.sets.currentRow())

    def _show(self, row: int) -> None:
        self._current = self._rows[row] if 0 <= row < len(self._rows) else None
        members = self._current[3] if self._current else set()
        self.description.blockSignals(True)
        self.description.setPlainText(self._current[2] if self._current else "")
        self.description.setEnabled(self._current is not None)
        self.description.blockSignals(False)
        self.codes.blockSignals(True)
        for i in range(self.codes.count()):
            item = self.codes.item(i)
            item.setCheckState(Qt.Checked if item.data(GUID) in members else Qt.Unchecked)
        self.codes.setEnabled(self._current is not None)
        self.codes.blockSignals(False)

    def _described(self) -> None:
        if self._current is not None:
            self._current[2] = self.description.toPlainText()

    def _ticked(self, item: QListWidgetItem) -> None:
        if self._current is None:
            return
        members = self._current[3]
        if item.checkState() == Qt.Checked:
            members.add(item.data(GUID))
        else:
            members.discard(item.data(GUID))
        row = self._rows.index(self._current)
        self.sets.item(row).setText(f"{self._current[1]} ({len(members)})")

    def _filter(self, text: str) -> None:
        text = text.strip().lower()
        for i in range(self.codes.count()):
            item = self.codes.item(i)
            item.setHidden(bool(text) and text not in item.text().lower())


def edit_code_sets(window, session, current_code: str | None = None) -> bool:
    """Open the dialog; OK puts the edited sets on the undo stack as one step."""
    from app.core import codesets
    from app.core.codebook import code_paths, ordered_codes
    from app.views.commands.codesets import CodeSetsCommand

    if session is None:
        return False
    with session.read() as s:
        before = codesets.checkpoint(s)
        paths = code_paths(s)
        codes = [(c.guid, paths[c.id]) for c in ordered_codes(s)]
    dlg = CodeSetsDialog(before, codes, current_code, window)
    if not dlg.exec():
        return False
    rows = dlg.rows()
    if tuple(rows) == tuple(before):
        return False
    return session.execute(CodeSetsCommand(session, rows))
