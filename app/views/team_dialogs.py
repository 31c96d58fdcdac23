"""Team dialogs: codebook versions (freeze, compare, log), merging coder copies with a preview,
and the inter-coder agreement table with CSV/Word export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from app.core.team.summaries import number as _number
from app.errors import SitatError
from app.i18n import _
from app.views.session import Session


class VersionsDialog(QDialog):
    """Freeze the codebook, compare two versions (or a version with the current codebook) and
    read the log of code operations."""

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.setWindowTitle(_("Codebook versions"))
        self.old, self.new = QComboBox(self), QComboBox(self)
        for combo in (self.old, self.new):
            combo.currentIndexChanged.connect(self.compare)
        freeze = QPushButton(_("&Freeze the current codebook..."), self)
        freeze.clicked.connect(self.freeze)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Compare"), self))
        top.addWidget(self.old, 1)
        top.addWidget(QLabel(_("with"), self))
        top.addWidget(self.new, 1)
        top.addWidget(freeze)
        self.diff = QPlainTextEdit(self)
        self.diff.setReadOnly(True)
        self.log = QTableWidget(0, 4, self)
        self.log.setHorizontalHeaderLabels([_("When"), _("Who"), _("What"), _("Code")])
        self.log.horizontalHeader().setStretchLastSection(True)
        self.log.setEditTriggers(QTableWidget.NoEditTriggers)
        close = QDialogButtonBox(QDialogButtonBox.Close, self)
        close.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.diff, 1)
        lay.addWidget(QLabel(_("Every code operation:"), self))
        lay.addWidget(self.log, 1)
        lay.addWidget(close)
        self.resize(820, 640)
        self.reload()

    def reload(self) -> None:
        from app.core.codelog import events
        from app.core.team.versions import CURRENT, versions

        with self.session.read() as s:
            names = [v.name for v in versions(s)]
            log = events(s)
        for combo, default in ((self.old, 0), (self.new, len(names))):
            combo.blockSignals(True)
            combo.clear()
            for n in names:
                combo.addItem(n, n)
            combo.addItem(_("current codebook"), CURRENT)
            combo.setCurrentIndex(min(default, combo.count() - 1))
            combo.blockSignals(False)
        self.log.setRowCount(len(log))
        labels = {"create": _("created"), "rename": _("renamed"), "move": _("moved"),
                  "merge": _("merged"), "split": _("split"), "definition": _("definition"),
                  "delete": _("deleted"), "import": _("imported"), "undo": _("undone"),
                  "redo": _("redone")}
        for i, e in enumerate(reversed(log)):
            what = e.path or e.details.get("what", "")
            for col, value in enumerate((e.at.strftime("%d.%m.%Y %H:%M"), e.actor,
                                         labels.get(e.operation, e.operation), what)):
                self.log.setItem(i, col, QTableWidgetItem(value))
        self.log.resizeColumnsToContents()
        self.compare()

    def compare(self) -> None:
        from app.core.team.versions import diff

        if self.old.currentData() is None or self.new.currentData() is None:
            return
        with self.session.read() as s:
            self.diff.setPlainText(diff(s, self.old.currentData(), self.new.currentData())
                                   .as_text())

    def freeze(self) -> None:
        from app.core.team.versions import freeze

        name, ok = QInputDialog.getText(self, _("Freeze codebook"), _("Name of the version:"))
        if not ok or not name.strip():
            return
        try:
            with self.session.project.write() as s:
                freeze(s, name)
        except SitatError as exc:
            self.session.failed.emit(str(exc))
            return
        self.reload()


class MergeDialog(QDialog):
    """Choose coder copies, see exactly what a merge would change (a dry run), then merge."""

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.sources: list[Path] = []
        self.report = None
        self.setWindowTitle(_("Merge coder copies"))
        choose = QPushButton(_("&Choose project files..."), self)
        choose.clicked.connect(self.choose)
        self.summary = QPlainTextEdit(self)
        self.summary.setReadOnly(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.Cancel, self)
        self.merge_btn = self.buttons.addButton(_("&Merge"), QDialogButtonBox.AcceptRole)
        self.merge_btn.setEnabled(False)
        self.buttons.accepted.connect(self.merge)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(QLabel(_("Codings, codes, coders and documents of the chosen projects are "
                               "added to this project. A backup of this project is made "
                               "first."), self))
        lay.addWidget(choose)
        lay.addWidget(self.summary, 1)
        lay.addWidget(self.buttons)
        self.resize(720, 520)

    def choose(self) -> None:
        files, _f = QFileDialog.getOpenFileNames(self, _("Merge coder copies"), "",
                                                 "Sitat (*.sitat)")
        if files:
            self.preview([Path(f) for f in files])

    def preview(self, sources: list[Path]) -> None:
        from app.core.team.merge import merge_projects

        self.sources = sources
        try:
            self.report = merge_projects(self.session.project, sources, dry_run=True)
        except SitatError as exc:
            self.summary.setPlainText(str(exc))
            self.merge_btn.setEnabled(False)
            return
        self.summary.setPlainText(_("If you merge now:") + "\n" + describe_merge(self.report))
        self.merge_btn.setEnabled(True)

    def merge(self) -> None:
        from app.core.team.merge import merge_projects

        try:
            self.report = merge_projects(self.session.project, self.sources)
        except SitatError as exc:
            self.session.failed.emit(str(exc))
            return
        self.session.undo_stack.clear()  # a merge is undone from its backup, not step by step
        self.session.refresh_all()
        self.accept()


def describe_merge(report) -> str:
    from app.core.team.summaries import merge_text

    return merge_text(report.as_json())


class AgreementDialog(QDialog):
    """Inter-coder agreement per code (percent, kappa, alpha, matched segments), for chosen
    coders, optionally within a round (only that round's codings count); exported to CSV or
    Word. An open round can be closed here, keeping its figures as a record."""

    def __init__(self, session: Session, coders: list[str], rounds: list[str],
                 parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.report = None
        self.setWindowTitle(_("Inter-coder agreement"))
        self.coders = QListWidget(self)
        for i, name in enumerate(coders):
            item = QListWidgetItem(name, self.coders)
            item.setFlags(item.flags() | Qt.ItemIsUserCheckable)
            item.setCheckState(Qt.Checked if i < 2 else Qt.Unchecked)
        self.coders.setMaximumHeight(110)
        self.round = QComboBox(self)
        self.round.addItem(_("all documents"), None)
        for r in rounds:
            self.round.addItem(r, r)
        self.close_round_btn = QPushButton(_("C&lose round..."), self)
        self.close_round_btn.setToolTip(_("Keep the round's agreement figures, codebook and "
                                          "coders as a record; later codings get no round."))
        self.close_round_btn.clicked.connect(self.close_round)
        self.round.currentIndexChanged.connect(self._round_chosen)
        round_row = QHBoxLayout()
        round_row.addWidget(self.round, 1)
        round_row.addWidget(self.close_round_btn)
        self.overlap = QDoubleSpinBox(self)
        self.overlap.setRange(0.05, 1.0)
        self.overlap.setSingleStep(0.05)
        self.overlap.setValue(0.9)
        form = QFormLayout()
        form.addRow(_("Coders (kappa for the first two):"), self.coders)
        form.addRow(_("Round:"), round_row)
        form.addRow(_("Segments match at overlap:"), self.overlap)
        run = QPushButton(_("&Compute"), self)
        run.clicked.connect(self.compute)
        self.table = QTableWidget(0, 6, self)
        self.table.setHorizontalHeaderLabels([_("Code"), _("Agreement"), _("Kappa"),
                                              _("Alpha"), _("Matched"), _("Unmatched")])
        self.table.setEditTriggers(QTableWidget.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        export = QHBoxLayout()
        for label, kind in ((_("Save as &CSV..."), "csv"), (_("Save as &Word..."), "docx")):
            btn = QPushButton(label, self)
            btn.clicked.connect(lambda _c=False, k=kind: self.export(k))
            export.addWidget(btn)
        export.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.Close, self)
        close.rejected.connect(self.reject)
        export.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(run)
        lay.addWidget(self.table, 1)
        lay.addLayout(export)
        self.resize(860, 640)
        self._round_chosen()

    def _round_state(self) -> str:
        """'' (no round chosen), 'open' or 'closed'."""
        from app.core.team.rounds import round_info

        name = self.round.currentData()
        if not name:
            return ""
        with self.session.read() as s:
            return "closed" if round_info(s, name).closed else "open"

    def _round_chosen(self) -> None:
        self.close_round_btn.setEnabled(self._round_state() == "open")

    def close_round(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from app.core.team.round_records import close_round

        name = self.round.currentData()
        if not name or self._round_state() != "open":
            return
        asked = QMessageBox.question(self, _("Close round"), _(
            "Close the round {name}? Its agreement figures (at {overlap} overlap), codebook and "
            "coders are kept as a record; a closed round cannot be opened again.").format(
            name=name, overlap=_number(self.overlap.value())))
        if asked != QMessageBox.Yes:
            return
        try:
            with self.session.project.write() as s:
                close_round(s, name, self.overlap.value())
        except SitatError as exc:
            self.session.failed.emit(str(exc))
            return
        self._round_chosen()
        self.compute()

    def chosen(self) -> list[str]:
        return [self.coders.item(i).text() for i in range(self.coders.count())
                if self.coders.item(i).checkState() == Qt.Checked]

    def compute(self) -> None:
        from app.core.team.agreement import agreement
        from app.core.team.rounds import round_info

        try:
            with self.session.read() as s:
                docs = list(round_info(s, self.round.currentData()).documents) \
                    if self.round.currentData() else None
                self.report = agreement(s, self.chosen(), documents=docs,
                                        overlap=self.overlap.value(),
                                        round_name=self.round.currentData() or None)
        except SitatError as exc:
            self.session.failed.emit(str(exc))
            return
        data = self.report.as_json()
        rows = data["codes"] + [{"code": _("Overall"), **data["overall"]}]
        self.table.setRowCount(len(rows))
        for i, r in enumerate(rows):
            values = (r["code"], _number(r.get("percent_agreement"), True),
                      _number(r.get("kappa")), _number(r.get("alpha")),
                      str(r.get("segments_matched", "")), str(r.get("segments_unmatched", "")))
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                if col:
                    item.setTextAlignment(int(Qt.AlignRight | Qt.AlignVCenter))
                self.table.setItem(i, col, item)
        self.table.resizeColumnsToContents()

    def export(self, kind: str) -> None:
        from app.core.team import agreement_report

        if self.report is None:
            self.compute()
        if self.report is None:
            return
        pattern = "CSV (*.csv)" if kind == "csv" else "Word (*.docx)"
        path, _f = QFileDialog.getSaveFileName(self, _("Save agreement"),
                                               f"enighet.{kind}", pattern)
        if not path:
            return
        try:
            if kind == "csv":
                agreement_report.write_csv(self.report, Path(path))
            else:
                agreement_report.write_docx(self.report, Path(path),
                                            _("Inter-coder agreement"))
        except (OSError, SitatError) as exc:
            self.session.failed.emit(str(exc))
