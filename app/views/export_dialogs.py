"""Exports from the window: quote tables (Word, CSV, XLSX), the codebook and the STC synthesis
as Word documents, and the current display. The work is done by app.core.export."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QVBoxLayout,
)

from app.errors import SitatError
from app.i18n import _
from app.views.codeset_filter import CodeSetFilter, merged
from app.views.dialogs import ask_path
from app.views.session import Session
from app.views.window_host import WindowActions

class QuotesDialog(QDialog):
    """Which quotes: one code (with its child codes) or all, and/or the codes of a code set
    (either's quotes, as `sitat export quotes --code --codeset`), grouped by an attribute, one
    coder or all, in which analysis scope (passages united across coders, the consensus, or every
    coding), anonymised or not."""

    def __init__(self, session: Session, code_paths: list[str], current: str | None,
                 attributes: list[str], coders: list[str], parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Export quotes"))
        self.session = session
        self.code = QComboBox(self)
        self.code.addItem(_("all codes"), None)
        for p in code_paths:
            self.code.addItem(p, p)
        if current:
            self.code.setCurrentIndex(max(0, self.code.findData(current)))
        self.codeset = CodeSetFilter(self, first=_("no code set"), tip=_(
            "Only the quotes of this code set's codes (and their child codes); with a code "
            "chosen above, the quotes of that code too"))
        self.codeset.load(session)
        self.group = QComboBox(self)
        self.group.addItem(_("no grouping"), None)
        for a in attributes:
            self.group.addItem(a, a)
        self.coder = QComboBox(self)
        self.coder.addItem(_("all coders"), None)
        for c in coders:
            self.coder.addItem(c, c)
        from app.core.scope import SCOPE_KINDS, scope_label

        self.scope = QComboBox(self)
        for kind in SCOPE_KINDS:
            self.scope.addItem(scope_label(kind), kind)
        self.scope.setToolTip(_("Passages: a passage two coders coded is printed once, with "
                                "both coders. Every coding: once per coder."))
        self.anonymise = QCheckBox(_("Anonymise (number documents, letter coders)"), self)
        form = QFormLayout()
        form.addRow(_("Code:"), self.code)
        form.addRow(_("Code set:"), self.codeset)
        form.addRow(_("Group by:"), self.group)
        form.addRow(_("Coder:"), self.coder)
        form.addRow(_("Scope:"), self.scope)
        form.addRow("", self.anonymise)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(buttons)

    def options(self) -> dict:
        """The export's arguments; a chosen code set is read now, as its codes (SitatError if
        it was deleted or emptied meanwhile)."""
        with self.session.read() as s:
            in_set = self.codeset.paths(s)
        code = [self.code.currentData()] if self.code.currentData() else None
        return {"codes": merged(code, in_set),
                "group_by": self.group.currentData(),
                "coders": [self.coder.currentData()] if self.coder.currentData() else None,
                "anonymise": self.anonymise.isChecked(), "scope": self.scope.currentData()}


def export_quotes(session: Session, path: Path, options: dict) -> Path:
    from app.core.export import quotes as q

    writer = {".csv": q.write_quotes_csv, ".xlsx": q.write_quotes_xlsx}.get(
        path.suffix.lower(), q.write_quotes_docx)
    with session.read() as s:
        return writer(s, path, **options)


class ExportActions(WindowActions):
    """The export items of the Report menu, and REFI-QDA export and import (File menu)."""

    def build_items(self, menu) -> None:
        add = self.window.add_action
        menu.addSeparator()
        add(menu, _("Export &quotes..."), self.export_quotes, "Ctrl+E")
        add(menu, _("Export the code&book to Word..."), self.export_codebook_docx)
        add(menu, _("Export the &synthesis to Word..."), self.export_report_docx)

    def export_qdpx(self):
        """REFI-QDA export counting characters, for ATLAS.ti, MAXQDA and QualCoder."""
        return self._export_qdpx("codepoints")

    def export_qdpx_nvivo(self):
        """REFI-QDA export counting UTF-16 units, as NVivo does."""
        return self._export_qdpx("utf16")

    def _export_qdpx(self, offsets: str):
        from app.core.refi.qdpx_export import export_qdpx

        if not self.session:
            return
        title = (_("Export for NVivo (REFI-QDA)") if offsets == "utf16" else
                 _("Export for ATLAS.ti, MAXQDA or QualCoder (REFI-QDA)"))
        path = ask_path(self.window, title,
                        f"{self.session.path.stem}.qdpx", "REFI-QDA (*.qdpx)",
                        project=self.session.path, suffix=".qdpx")
        if path is None:
            return
        from app.core.privacy.terms import terms

        with self.session.read() as s:
            has_terms = bool(terms(s))
        pseudonymise = False
        if has_terms:
            from PySide6.QtWidgets import QMessageBox

            pseudonymise = QMessageBox.question(
                self.window, title,
                _("Replace the project's sensitive terms by their pseudonyms in the exported "
                  "transcripts?")) == QMessageBox.Yes
        try:
            report = export_qdpx(self.session.project, path.with_suffix(".qdpx"), pseudonymise,
                                 offsets)
        except SitatError as exc:
            self.window.show_error(str(exc))
            return
        self._done(path.with_suffix(".qdpx"))
        if report.warning():
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.warning(self.window, title, report.warning())
        return report

    def import_qdpx(self) -> None:
        from app.core.refi.qdpx_import import import_qdpx

        src, _f = QFileDialog.getOpenFileName(
            self.window, _("Import from another analysis program"), str(Path.home()),
            "REFI-QDA (*.qdpx)")
        if not src:
            return
        out = ask_path(self.window, _("Save the new project as"), f"{Path(src).stem}.sitat",
                       "Sitat (*.sitat)", inputs=(src,), suffix=".sitat")
        if out is None:
            return
        try:
            report = import_qdpx(Path(src), out.with_suffix(".sitat"))
        except SitatError as exc:
            self.window.show_error(str(exc))
            return
        skipped = report.as_json().get("skipped") or []
        if skipped:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.information(self.window, _("Imported with gaps"), report.skipped_line()
                                    + "\n" + "\n".join(f"• {x.get('reason', '')}"
                                                        for x in skipped[:20]))
        self.window.projectRequested.emit(str(out.with_suffix(".sitat")))

    def _done(self, path: Path) -> None:
        self.status(_("Written: {path}").format(path=path), 10000)

    def export_quotes(self) -> None:
        from app.core import attributes as attrs
        from app.core.codebook import code_paths, ordered_codes

        if not self.session:
            return
        with self.session.read() as s:
            paths = code_paths(s)
            codes = [paths[c.id] for c in ordered_codes(s)]
            names = [d.name for d in attrs.definitions(s)]
            current = None
            if self.current_code:
                from app.core import workbench as wb

                current = paths.get(wb.get_code_by_guid(s, self.current_code).id)
        dlg = QuotesDialog(self.session, codes, current, names,
                           [c.name for c in self.session.coders()], self.window)
        if not dlg.exec():
            return
        path = ask_path(self.window, _("Export quotes"), "sitater.docx",
                        project=self.session.path)
        if path is None:
            return
        try:
            self._done(export_quotes(self.session, path, dlg.options()))
        except SitatError as exc:
            self.window.show_error(str(exc))

    def _export_docx(self, title: str, name: str, write) -> None:
        if not self.session:
            return
        path = ask_path(self.window, title, name, "Word (*.docx)", project=self.session.path)
        if path is None:
            return
        try:
            with self.session.read() as s:
                self._done(write(s, path))
        except SitatError as exc:
            self.window.show_error(str(exc))

    def export_codebook_docx(self) -> None:
        from app.core.export.codebook_docx import write_codebook_docx

        self._export_docx(_("Export the codebook"), "kodebok.docx",
                          lambda s, p: write_codebook_docx(s, p))

    def export_report_docx(self) -> None:
        from app.core.export.report_docx import write_report_docx

        self._export_docx(_("Export the synthesis"), "syntese.docx",
                          lambda s, p: write_report_docx(s, p))
