"""Matrix displays in the window: choose rows, columns, cell kind, analysis scope and filters; the
table is shaded by count and the scope is said above it; clicking a cell lists its quotes
(document, speaker, district, coders, round, codebook version, paragraph) and a click on a
quote opens it in the transcript. Displays are saved by name in the project and reopened."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.core.codesets import codes_with_sets
from app.core.displays.saved import DisplaySpec
from app.errors import SitatError
from app.i18n import _, counts
from app.views import settings
from app.views.codeset_filter import CodeSetFilter
from app.views.dialogs import ask_path
from app.views.display_model import MatrixModel
from app.views.quote_list import QuoteDelegate, add_quote
from app.views.session import Session

class DisplayDialog(QDialog):
    quoteActivated = Signal(str, int, int)  # document name, start, end

    def __init__(self, session: Session, parent=None) -> None:
        super().__init__(parent)
        self.session = session
        self.quotes = None  # the same display with quotes in the cells, for clicks
        self.setWindowTitle(_("Displays"))
        from app.core import attributes as attrs

        with session.read() as s:
            attributes = [d.name for d in attrs.definitions(s)]
        self.rows, self.cols, self.cell = QComboBox(self), QComboBox(self), QComboBox(self)
        for combo, choices in (
            (self.rows, [("codes", _("codes")), ("documents", _("documents"))]
             + [(a, a) for a in attributes]),
            (self.cols, [(a, a) for a in attributes] + [("documents", _("documents")),
                                                        ("coders", _("coders")),
                                                        ("codes", _("codes (co-occurrence)"))]),
            (self.cell, [("count", _("number of passages")), ("documents",
                                                               _("number of documents")),
                         ("share", _("share of documents")), ("quotes", _("quotes")),
                         ("valence", _("positive / critical"))]),
        ):
            for key, label in choices:
                combo.addItem(label, key)
        self.level = QSpinBox(self)
        self.level.setRange(0, 9)
        self.level.setSpecialValueText(_("all levels"))
        self.coder = QComboBox(self)
        self.coder.addItem(_("all coders"), None)
        for c in session.coders():
            self.coder.addItem(c.name, c.name)
        from app.core.scope import SCOPE_KINDS, scope_label

        self.scope = QComboBox(self)
        for kind in SCOPE_KINDS:
            self.scope.addItem(scope_label(kind), kind)
        self.scope.setToolTip(_("What is counted: passages united across coders (a passage "
                                "two coders coded counts once), the consensus coder's codings, "
                                "or every coding"))
        self.scope.setAccessibleName(_("Scope"))
        self.where_attr, self.where_value = QComboBox(self), QComboBox(self)
        self.where_attr.addItem(_("no filter"), None)
        for a in attributes:
            self.where_attr.addItem(a, a)
        self.where_attr.currentIndexChanged.connect(self._fill_values)
        self.codeset = CodeSetFilter(self)  # the rows (or columns) of codes: one set's codes
        self.codeset.load(session)
        session.codebookChanged.connect(self._sets_changed)
        form = QFormLayout()
        form.addRow(_("Rows:"), self.rows)
        form.addRow(_("Columns:"), self.cols)
        form.addRow(_("Cells:"), self.cell)
        form.addRow(_("Code level:"), self.level)
        coder_row = QHBoxLayout()
        coder_row.addWidget(self.coder, 1)
        coder_row.addWidget(QLabel(_("Scope:"), self))
        coder_row.addWidget(self.scope, 1)
        form.addRow(_("Coder:"), coder_row)
        where = QHBoxLayout()
        where.addWidget(self.where_attr)
        where.addWidget(self.where_value)
        form.addRow(_("Only documents where:"), where)
        form.addRow(_("Code set:"), self.codeset)
        from PySide6.QtWidgets import QCheckBox

        self.pseudonymise = QCheckBox(_("Pseudonyms in quotes"), self)
        self.pseudonymise.setToolTip(_("Replace the project's sensitive terms by their "
                                       "pseudonyms in the quotes shown and exported"))
        form.addRow("", self.pseudonymise)
        build = QPushButton(_("&Show display"), self)
        build.clicked.connect(self.build)
        save = QPushButton(_("Sa&ve as..."), self)
        save.clicked.connect(self.save)
        self.saved = QComboBox(self)
        self.saved.activated.connect(self.open_saved)
        buttons = QHBoxLayout()
        buttons.addWidget(build)
        buttons.addWidget(save)
        buttons.addWidget(QLabel(_("Saved:"), self))
        buttons.addWidget(self.saved, 1)
        export = QPushButton(_("&Export..."), self)
        export.clicked.connect(self.export)
        buttons.addWidget(export)
        self.scope_note = QLabel("", self)
        self.scope_note.setWordWrap(True)
        self.model = MatrixModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setAccessibleName(_("Display"))
        self.table.clicked.connect(self.cell_clicked)
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.setResizeMode(QListWidget.Adjust)  # quotes rewrap when the dialog is resized
        self.list.setItemDelegate(QuoteDelegate(self.list))
        self.list.itemActivated.connect(self._quote_chosen)
        self.list.itemClicked.connect(self._quote_chosen)
        self.list_title = QLabel(_("Click a cell to read its quotes."), self)
        lower = QWidget(self)
        ll = QVBoxLayout(lower)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.list_title)
        ll.addWidget(self.list)
        split = QSplitter(Qt.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(lower)
        split.setSizes([420, 220])
        self.matrix_page = QWidget(self)
        lay = QVBoxLayout(self.matrix_page)
        lay.addLayout(form)
        lay.addLayout(buttons)
        lay.addWidget(self.scope_note)
        lay.addWidget(split, 1)
        from app.views.survey_tabs import add_survey_tabs

        add_survey_tabs(self)  # the matrix, the survey table and the joint display as tabs
        self.resize(1100, 820)
        self._fill_values()
        self._fill_saved()
        self._show_first(attributes)

    # -- the display shown on opening: the last one built, or codes x the first attribute -----
    def _last_key(self) -> str:
        return f"display/{self.session.project.id}"

    def _show_first(self, attributes: list[str]) -> None:
        import json

        default = DisplaySpec(rows="codes", cols=attributes[0] if attributes else "documents",
                              cell="count")
        try:
            spec = DisplaySpec.from_json(json.loads(str(settings.get(self._last_key(), ""))))
        except (ValueError, TypeError, SitatError):
            spec = default
        self.set_spec(spec)
        if not self.build(quiet=True) and spec != default:
            self.set_spec(default)
            self.build(quiet=True)

    def _fill_values(self) -> None:
        from app.core import attributes as attrs

        self.where_value.clear()
        name = self.where_attr.currentData()
        if not name:
            return
        with self.session.read() as s:
            values = sorted({v.get(name) for v in attrs.values_by_document(s).values()} - {None})
        self.where_value.addItems(values)

    def _fill_saved(self) -> None:
        from app.core.displays.saved import saved_display_names

        with self.session.read() as s:
            names = saved_display_names(s)
        self.saved.clear()
        self.saved.addItems(names)

    def _sets_changed(self) -> None:
        """Code sets edited (or undone) while the dialog is open: offer them as they are now."""
        self.codeset.load(self.session)

    def spec(self) -> DisplaySpec:
        """The display chosen above. A chosen code set is kept as its name, read when the
        display is built (as `sitat matrix --codeset`), so a saved display follows the set."""
        where = {self.where_attr.currentData(): self.where_value.currentText()} \
            if self.where_attr.currentData() and self.where_value.currentText() else {}
        scope = self.scope.currentData()
        name = self.codeset.chosen_set()
        return DisplaySpec(rows=self.rows.currentData(), cols=self.cols.currentData(),
                           cell=self.cell.currentData(), level=self.level.value() or None,
                           coders=(self.coder.currentData(),) if self.coder.currentData() else (),
                           where=where, scope=None if scope == "segments" else scope,
                           codes=() if name else tuple(self.codeset.saved_or_none()),
                           codesets=(name,) if name else ())

    def set_spec(self, spec: DisplaySpec) -> None:
        for combo, value in ((self.rows, spec.rows), (self.cols, spec.cols),
                             (self.cell, spec.cell)):
            i = combo.findData(value)
            if i >= 0:
                combo.setCurrentIndex(i)
        self.level.setValue(spec.level or 0)
        coders = spec.coders or (None,)
        self.coder.setCurrentIndex(max(0, self.coder.findData(coders[0])))
        self.scope.setCurrentIndex(max(0, self.scope.findData(spec.scope or "segments")))
        where = spec.where
        if where:
            key, value = next(iter(where.items()))
            self.where_attr.setCurrentIndex(max(0, self.where_attr.findData(key)))
            self.where_value.setCurrentText(value)
        else:
            self.where_attr.setCurrentIndex(0)
        if len(spec.codesets) == 1 and not spec.codes:
            self.codeset.choose_set(spec.codesets[0])  # saved with a set: that set, as it is now
            if self.codeset.chosen_set() != spec.codesets[0]:
                self.session.failed.emit(_("The code set {name} of this display no longer "
                                           "exists; it is shown with all codes.")
                                         .format(name=spec.codesets[0]))
        else:  # codes (or several sets) saved: the set holding exactly them, or those codes
            try:
                with self.session.read() as s:
                    codes = codes_with_sets(s, list(spec.codes), list(spec.codesets))
            except SitatError:
                codes = spec.codes
            self.codeset.show_codes(codes)

    def build(self, quiet: bool = False) -> bool:
        """Show the display chosen above (and remember it for the next opening); False, with
        the reason said unless `quiet`, if it cannot be built."""
        try:
            spec = self.spec()
            with self.session.read() as s:
                m = spec.build(s)
        except SitatError as exc:
            if not quiet:
                self.session.failed.emit(str(exc))
            return False
        import json

        settings.put(self._last_key(), json.dumps(spec.as_json()))
        self.quotes = m if spec.cell == "quotes" else None  # the quotes: at the first click
        self._built, self._built_set = spec, self.codeset.chosen_set()
        self.model.set_matrix(m)
        self.scope_note.setText(_("Scope: {description}").format(
            description=m.scope.get("description", "")) + (
            " " + _("A passage coded by several coders counts once in each of their columns; "
                    "the totals count it once.") if m.per_coder else "") + (
            " " + _("Only the codes of the code set {name}.").format(name=self._built_set)
            if self._built_set else ""))
        self.table.resizeColumnsToContents()
        self.list.clear()
        return True

    def _quote_matrix(self):
        """The shown display with quotes in its cells (built when first needed)."""
        if self.quotes is None and getattr(self, "_built", None) is not None:
            with self.session.read() as s:
                self.quotes = self._built.build(s, cell="quotes")
        if self.quotes is not None and self.pseudonymise.isChecked() \
                and not getattr(self.quotes, "_pseudonymised", False):
            from app.core.privacy.replace import pseudonymise_matrix

            with self.session.read() as s:
                pseudonymise_matrix(s, self.quotes)
            self.quotes._pseudonymised = True
        return self.quotes

    def cell_clicked(self, index: QModelIndex) -> None:
        try:
            m = self._quote_matrix()
        except SitatError as exc:
            self.session.failed.emit(str(exc))
            return
        if m is None or index.row() >= len(m.rows) or index.column() >= len(m.cols):
            return
        items = m.cells[index.row()][index.column()] or []
        self.list_title.setText(_("{row} × {col}: {quotes}").format(
            row=m.rows[index.row()], col=m.cols[index.column()], quotes=counts.quotes(len(items))))
        self.list.clear()
        from app.core.export.quotes import quote_sources
        from app.core.export.sources import quote_source

        with self.session.read() as s:
            sources = quote_sources(s, items)
        for q, (who, place) in zip(items, sources):
            line = quote_source({**q, "speaker": who}).line() + (f" · {place}" if place else "")
            add_quote(self.list, f"«{' '.join(q['text'].split())}»", line,
                      (q["document"], q["start"], q["end"]))

    def _quote_chosen(self, item: QListWidgetItem) -> None:
        name, start, end = item.data(Qt.UserRole)
        self.quoteActivated.emit(name, start, end)

    def save(self) -> None:
        from app.core.displays.saved import save_display

        name, ok = QInputDialog.getText(self, _("Save display"), _("Name of the display:"))
        if not ok or not name.strip():
            return
        try:
            spec = self.spec()
            with self.session.project.write() as s:
                save_display(s, name, spec, replace=True)
        except SitatError as exc:
            self.session.failed.emit(str(exc))
            return
        self._fill_saved()
        self.saved.setCurrentText(name.strip())

    def open_saved(self) -> None:
        from app.core.displays.saved import load_display

        name = self.saved.currentText()
        if not name:
            return
        try:
            with self.session.read() as s:
                spec = load_display(s, name)
        except SitatError as exc:
            self.session.failed.emit(str(exc))
            return
        self.set_spec(spec)
        self.build()

    def export(self) -> None:
        if self.model.m is None and not self.build():
            return
        path = ask_path(self, _("Export display"), "display.docx", project=self.session.path)
        if path is not None:
            self.export_to(path)

    def export_to(self, path) -> bool:
        from pathlib import Path

        from app.core.displays import tables
        from app.core.export.matrix_docx import write_matrix_docx

        title = self.saved.currentText() if self.saved.currentText() else \
            f"{self.rows.currentText()} × {self.cols.currentText()}"
        try:
            m, spec = self.model.m, getattr(self, "_built", None) or self.spec()
            filters = spec.filters_text()  # the filters of the display shown (its set too)
            suffix = Path(path).suffix.lower()
            if suffix == ".csv":
                tables.write_matrix_csv(m, path)
            elif suffix == ".xlsx":
                tables.write_matrix_xlsx(m, path, title)
            else:
                write_matrix_docx(m.as_json(), path, title, filters)
        except SitatError as exc:
            self.session.failed.emit(str(exc))
            return False
        return True
