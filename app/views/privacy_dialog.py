"""Pseudonyms in the window: the list of sensitive terms (names, places, institutions), help to
find candidates the user confirms, and the permanent replacement with the key written to a
separate file. Adding and removing terms are undoable; the permanent replacement is not (its
key file says what was replaced)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.core.privacy import terms as pt
from app.errors import SitatError
from app.i18n import _, counts, n_
from app.views.commands.privacy import TermCommand
from app.views.session import Session


KINDS = (("name", "navn"), ("place", "sted"), ("institution", "institusjon"))


class PrivacyDialog(QDialog):
    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("Pseudonyms"))
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([_("Sensitive term"), _("Pseudonym"), _("Kind")])
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.term, self.pseudonym = QLineEdit(self), QLineEdit(self)
        self.term.setPlaceholderText(_("name, place or institution"))
        self.pseudonym.setPlaceholderText(_("pseudonym (default: [Navn 1] ...)"))
        self.kind = QComboBox(self)
        for key, _label in KINDS:
            self.kind.addItem({"name": _("name"), "place": _("place"),
                               "institution": _("institution")}[key], key)
        add = QPushButton(_("&Add"), self)
        add.clicked.connect(self.add_typed)
        remove = QPushButton(_("&Remove the chosen term"), self)
        remove.clicked.connect(self.remove_chosen)
        row = QHBoxLayout()
        for w in (self.term, self.pseudonym, self.kind, add):
            row.addWidget(w)
        self.suggestions = QTableWidget(0, 3, self)
        self.suggestions.setHorizontalHeaderLabels([_("Candidate"), _("Found"), _("Why")])
        self.suggestions.setEditTriggers(QTableWidget.NoEditTriggers)
        self.suggestions.horizontalHeader().setStretchLastSection(True)
        find = QPushButton(_("&Find candidates"), self)
        find.clicked.connect(self.find)
        take = QPushButton(_("Add the chosen &candidates"), self)
        take.clicked.connect(self.add_chosen_candidates)
        cand_row = QHBoxLayout()
        cand_row.addWidget(find)
        cand_row.addWidget(take)
        cand_row.addStretch(1)
        apply = QPushButton(_("Replace in all transcripts for good..."), self)
        apply.clicked.connect(self.apply)
        close = QDialogButtonBox(QDialogButtonBox.Close, self)
        close.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(_("Exports marked anonymised use these pseudonyms; the transcripts "
                               "themselves change only when you replace for good."), self))
        lay.addWidget(self.table, 1)
        lay.addLayout(row)
        lay.addWidget(remove, 0, Qt.AlignLeft)
        lay.addWidget(QLabel(_("Candidates (check each one before you add it):"), self))
        lay.addWidget(self.suggestions, 1)
        lay.addLayout(cand_row)
        lay.addWidget(apply, 0, Qt.AlignLeft)
        lay.addWidget(close)
        self.resize(760, 640)
        session.coderChanged.connect(self.reload)
        self.reload()

    def reload(self) -> None:
        with self.session.read() as s:
            items = pt.terms(s)
        self.table.setRowCount(len(items))
        for i, t in enumerate(items):
            for col, value in enumerate((t.term, t.pseudonym, t.kind)):
                self.table.setItem(i, col, QTableWidgetItem(value))

    def _run(self, term: str, pseudonym: str | None, kind: str, add: bool) -> bool:
        return self.session.execute(TermCommand(self.session, term, pseudonym, kind, add))

    def add_typed(self) -> None:
        if self._run(self.term.text().strip(), self.pseudonym.text().strip() or None,
                     self.kind.currentData(), True):
            self.term.clear()
            self.pseudonym.clear()

    def remove_chosen(self) -> None:
        row = self.table.currentRow()
        if row >= 0:
            self._run(self.table.item(row, 0).text(), None, "name", False)

    def find(self) -> None:
        from app.core.privacy.suggest import suggest

        with self.session.read() as s:
            self.candidates = suggest(s)
        self.suggestions.setRowCount(len(self.candidates))
        for i, c in enumerate(self.candidates):
            found = n_("{n} time in {documents}", "{n} times in {documents}", c.count).format(
                n=c.count, documents=counts.documents(len(c.documents)))
            for col, value in enumerate((c.term, found, c.reason_text)):
                self.suggestions.setItem(i, col, QTableWidgetItem(value))

    def add_chosen_candidates(self) -> None:
        rows = sorted({i.row() for i in self.suggestions.selectedIndexes()})
        for r in rows:
            self._run(self.candidates[r].term, None, self.kind.currentData(), True)

    def apply(self) -> None:
        answer = QMessageBox.question(self, _("Replace for good"), _(
            "Replace every listed term in all transcripts? Codings keep covering the same "
            "words. This cannot be undone; the key (term and pseudonym) is written to a file "
            "you choose, which you must keep apart from the project."))
        if answer != QMessageBox.Yes:
            return
        path, _f = QFileDialog.getSaveFileName(self, _("Where should the key be kept?"),
                                               str(Path.home() / "pseudonym-nokkel.csv"),
                                               "CSV (*.csv)")
        if path:
            self.apply_to(Path(path))

    def apply_to(self, key: Path) -> bool:
        from app.core.privacy.replace import apply_permanently, scrub_free_space

        try:
            with self.session.project.write() as s:
                report = apply_permanently(s, key)
        except SitatError as exc:
            self.session.failed.emit(str(exc))
            return False
        from app.core.search.index import drop_index

        drop_index(self.session.project)  # the cached search index still holds the old words
        try:
            scrub_free_space(self.session.project)
        except Exception as exc:  # noqa: BLE001 - the replacement itself is done
            self.session.failed.emit(str(exc))
        self.session.undo_stack.clear()  # earlier steps refer to text that has changed
        self.session.refresh_all()
        self.reload()
        self.report = report
        if self.isVisible():
            QMessageBox.information(self, _("Replace for good"), _(
                "{n} replacements; the key is in {path}. Keep it apart from the project.")
                .format(n=report.replacements, path=key))
        return True
