"""Condensation (STC) of one code: tick meaning units, write condensates that rest on them,
mark illustrative quotes (★) and write the synthesis. Every change is an undoable command."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.core.displays import condensation as stc
from app.i18n import _, counts, n_
from app.views.commands.condensation import CondensationCommand
from app.views.session import Session

COL_USE, COL_STAR, COL_QUOTE, COL_DOC, COL_CODER = range(5)


class CondensationDialog(QDialog):
    def __init__(self, session: Session, code_guid: str, parent=None) -> None:
        super().__init__(parent)
        self.session, self.code_guid = session, code_guid
        self.data: stc.CodeCondensation | None = None
        self.units = QTableWidget(0, 5, self)
        self.units.setHorizontalHeaderLabels(["", "★", _("Meaning unit"), _("Document"),
                                              _("Coder")])
        self.units.horizontalHeader().setStretchLastSection(False)
        self.units.setEditTriggers(QTableWidget.NoEditTriggers)
        self.units.setWordWrap(True)
        self.units.verticalHeader().hide()
        self.units.itemChanged.connect(self._unit_changed)
        self.condensates = QListWidget(self)
        self.condensates.setWordWrap(True)
        self.condensates.currentRowChanged.connect(self._condensate_chosen)
        self.text = QPlainTextEdit(self)
        self.text.setPlaceholderText(_("Write the condensate in the first person, as an "
                                       "artificial quote: «Jeg ...»"))
        self.text.setTabChangesFocus(True)
        new = QPushButton(_("&New condensate from ticked units"), self)
        new.clicked.connect(self.new_condensate)
        save = QPushButton(_("&Save changes to the chosen one"), self)
        save.clicked.connect(self.save_condensate)
        remove = QPushButton(_("&Delete the chosen one"), self)
        remove.clicked.connect(self.delete_condensate)
        self.synthesis = QPlainTextEdit(self)
        self.synthesis.setTabChangesFocus(True)
        save_syn = QPushButton(_("Save s&ynthesis"), self)
        save_syn.clicked.connect(self.save_synthesis)
        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.addWidget(QLabel(_("Condensates:"), self))
        rl.addWidget(self.condensates, 1)
        rl.addWidget(self.text)
        row = QHBoxLayout()
        for b in (new, save, remove):
            row.addWidget(b)
        rl.addLayout(row)
        rl.addWidget(QLabel(_("Synthesis of the code:"), self))
        rl.addWidget(self.synthesis, 1)
        rl.addWidget(save_syn, 0, Qt.AlignRight)
        split = QSplitter(Qt.Horizontal, self)
        split.addWidget(self.units)
        split.addWidget(right)
        split.setSizes([660, 420])
        self.title = QLabel(self)
        close = QDialogButtonBox(QDialogButtonBox.Close, self)
        close.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(self.title)
        lay.addWidget(split, 1)
        lay.addWidget(close)
        self.resize(1100, 700)
        session.condensationChanged.connect(self._changed)
        self.reload()

    def _changed(self, guid: str) -> None:
        if guid == self.code_guid:
            self.reload()

    def reload(self) -> None:
        from app.core import workbench as wb

        with self.session.read() as s:
            self.data = stc.condensation(s, wb.get_code_by_guid(s, self.code_guid))
        d = self.data
        self.setWindowTitle(_("Condensation: {code}").format(code=d.code))
        self.title.setText(_("{code}: {units}, {condensates}").format(
            code=d.code, units=counts.meaning_units(len(d.units)),
            condensates=counts.condensates(len(d.condensates))))
        current = self.condensates.currentRow()
        self.units.blockSignals(True)
        self.units.setRowCount(len(d.units))
        for i, u in enumerate(d.units):
            use = QTableWidgetItem()
            use.setFlags(Qt.ItemIsUserCheckable | Qt.ItemIsEnabled)
            use.setCheckState(Qt.Unchecked)
            use.setData(Qt.UserRole, u.guid)
            star = QTableWidgetItem()
            star.setFlags(Qt.ItemIsUserCheckable | Qt.ItemIsEnabled)
            star.setCheckState(Qt.Checked if set(u.guids or (u.guid,)) & set(d.illustrative)
                               else Qt.Unchecked)
            star.setToolTip(_("Illustrative quote"))
            for col, item in ((COL_USE, use), (COL_STAR, star),
                              (COL_QUOTE, QTableWidgetItem(f"«{' '.join(u.text.split())}»")),
                              (COL_DOC, QTableWidgetItem(u.document)),
                              (COL_CODER, QTableWidgetItem(u.coder))):
                self.units.setItem(i, col, item)
        self.units.setColumnWidth(COL_USE, 28)
        self.units.setColumnWidth(COL_STAR, 28)
        self.units.setColumnWidth(COL_QUOTE, 360)
        self.units.resizeColumnToContents(COL_DOC)
        self.units.resizeRowsToContents()
        self.units.blockSignals(False)
        self.condensates.blockSignals(True)
        self.condensates.clear()
        shown = {g for u in d.units for g in (u.guids or (u.guid,))}  # a unit is a passage
        for c in d.condensates:
            hidden = len([g for g in c.units if g not in shown])
            n = len(c.units)
            label = (n_("«{text}» – rests on {n} unit", "«{text}» – rests on {n} units", n)
                     if not hidden else
                     n_("«{text}» – rests on {n} unit, not listed here (another code's or "
                        "person's); it is kept",
                        "«{text}» – rests on {n} units, {k} of them not listed here (another "
                        "code's or person's); they are kept", n)
                     ).format(text=c.text, n=n, k=hidden)
            QListWidgetItem(label, self.condensates)
        self.condensates.blockSignals(False)
        if 0 <= current < len(d.condensates):
            self.condensates.setCurrentRow(current)
        if not self.synthesis.hasFocus():
            self.synthesis.setPlainText(d.synthesis)

    def ticked(self) -> list[str]:
        return [self.units.item(i, COL_USE).data(Qt.UserRole) for i in range(self.units.rowCount())
                if self.units.item(i, COL_USE).checkState() == Qt.Checked]

    def _condensate_chosen(self, row: int) -> None:
        if not self.data or not (0 <= row < len(self.data.condensates)):
            return
        c = self.data.condensates[row]
        self.text.setPlainText(c.text)
        self.units.blockSignals(True)
        for i in range(self.units.rowCount()):
            item = self.units.item(i, COL_USE)
            unit = self.data.units[i]
            on = set(unit.guids or (unit.guid,)) & set(c.units)
            item.setCheckState(Qt.Checked if on else Qt.Unchecked)
        self.units.blockSignals(False)

    def _run(self, label: str, operation) -> bool:
        return self.session.execute(CondensationCommand(self.session, self.code_guid, label,
                                                        operation))

    def _unit_changed(self, item: QTableWidgetItem) -> None:
        if item.column() != COL_STAR:
            return
        guid = self.units.item(item.row(), COL_USE).data(Qt.UserRole)
        on = item.checkState() == Qt.Checked
        self._run(_("Illustrative quote") if on else _("Not an illustrative quote"),
                  lambda s, code: stc.set_illustrative(s, code, guid, on))

    def new_condensate(self) -> None:
        text, units = self.text.toPlainText(), self.ticked()
        if self._run(_("New condensate"), lambda s, code: stc.add_condensate(s, code, text, units)):
            self.condensates.setCurrentRow(self.condensates.count() - 1)

    def save_condensate(self) -> None:
        row = self.condensates.currentRow()
        if not self.data or not (0 <= row < len(self.data.condensates)):
            return
        chosen, text = self.data.condensates[row], self.text.toPlainText()
        shown = {g for u in self.data.units for g in (u.guids or (u.guid,))}
        # units the table does not list (e.g. moved to a sibling code by a split) are kept
        units = self.ticked() + [g for g in chosen.units if g not in shown]
        guid = chosen.guid
        self._run(_("Edit condensate"),
                  lambda s, code: stc.update_condensate(s, guid, text, units))

    def delete_condensate(self) -> None:
        row = self.condensates.currentRow()
        if self.data and 0 <= row < len(self.data.condensates):
            guid = self.data.condensates[row].guid
            self._run(_("Delete condensate"), lambda s, code: stc.delete_condensate(s, guid))
            self.text.clear()

    def save_synthesis(self) -> None:
        text = self.synthesis.toPlainText()
        self._run(_("Synthesis"), lambda s, code: stc.set_synthesis(s, code, text))
