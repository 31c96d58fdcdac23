"""Matrix displays in the window: choose rows, columns, cell kind, analysis scope and filters; the
table is shaded by count and the scope is said above it; clicking a cell lists its quotes
(document, speaker, district, coders, round, codebook version, paragraph) and a click on a
quote opens it in the transcript. Displays are saved by name in the project and reopened."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont
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

from app.core.displays.saved import DisplaySpec
from app.errors import SitatError
from app.i18n import _
from app.views.dialogs import ask_path
from app.views.session import Session

HEAT_LIGHT, HEAT_DARK = QColor("#FFFFFF"), QColor("#E8833A")


def cell_text(kind: str, value) -> str:
    from app.core.team.summaries import number

    if value is None:
        return ""
    if kind == "quotes":
        return str(len(value)) if isinstance(value, list) else str(value)
    if kind == "valence" and isinstance(value, dict):
        return f"+{value.get('positive', 0)} / −{value.get('negative', 0)}"
    if kind == "share":
        return number(value, percent=True).replace(",0 %", " %")
    return str(value)


def _weight(kind: str, value) -> float:
    if kind == "quotes":
        return float(len(value)) if isinstance(value, list) else 0.0
    if kind == "valence" and isinstance(value, dict):
        return float(value.get("positive", 0) + value.get("negative", 0))
    return float(value or 0)


class MatrixModel(QAbstractTableModel):
    """The display: one row per row label, the cells, and totals as last row and column."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.m = None
        self.top = 1.0

    def set_matrix(self, m) -> None:
        self.beginResetModel()
        self.m = m
        weights = [_weight(m.cell, v) for row in m.cells for v in row] if m else []
        self.top = max(weights, default=0) or 1.0
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or self.m is None else len(self.m.rows) + 1

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() or self.m is None else len(self.m.cols) + 1

    def value(self, row: int, col: int):
        m = self.m
        last_row, last_col = row == len(m.rows), col == len(m.cols)
        if last_row and last_col:
            return m.total
        if last_row:
            return m.col_totals[col]
        if last_col:
            return m.row_totals[row]
        return m.cells[row][col]

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if self.m is None or role not in (Qt.DisplayRole, Qt.ToolTipRole):
            return None
        labels = self.m.cols if orientation == Qt.Horizontal else self.m.rows
        return labels[section] if section < len(labels) else _("Total")

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid() or self.m is None:
            return None
        r, c = index.row(), index.column()
        total = r == len(self.m.rows) or c == len(self.m.cols)
        value = self.value(r, c)
        if role == Qt.DisplayRole:
            return cell_text(self.m.cell, value)
        if role == Qt.TextAlignmentRole:
            return int(Qt.AlignCenter)
        if role == Qt.BackgroundRole and not total:
            t = min(1.0, _weight(self.m.cell, value) / self.top)
            return QColor(*(round(a + (b - a) * t) for a, b in
                            zip(HEAT_LIGHT.getRgb()[:3], HEAT_DARK.getRgb()[:3])))
        if role == Qt.FontRole and total:
            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ToolTipRole:
            return f"{self.headerData(r, Qt.Vertical)} × {self.headerData(c, Qt.Horizontal)}: " \
                   f"{cell_text(self.m.cell, value)}"
        return None


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
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addLayout(buttons)
        lay.addWidget(self.scope_note)
        lay.addWidget(split, 1)
        self.resize(1100, 820)
        self._fill_values()
        self._fill_saved()

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

    def spec(self) -> DisplaySpec:
        where = {self.where_attr.currentData(): self.where_value.currentText()} \
            if self.where_attr.currentData() and self.where_value.currentText() else {}
        scope = self.scope.currentData()
        return DisplaySpec(rows=self.rows.currentData(), cols=self.cols.currentData(),
                           cell=self.cell.currentData(), level=self.level.value() or None,
                           coders=(self.coder.currentData(),) if self.coder.currentData() else (),
                           where=where, scope=None if scope == "segments" else scope)

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

    def build(self) -> bool:
        spec = self.spec()
        try:
            with self.session.read() as s:
                m = spec.build(s)
        except SitatError as exc:
            self.session.failed.emit(str(exc))
            return False
        self.quotes = m if spec.cell == "quotes" else None  # the quotes: at the first click
        self._built = spec
        self.model.set_matrix(m)
        self.scope_note.setText(_("Scope: {description}").format(
            description=m.scope.get("description", "")) + (
            " " + _("A passage coded by several coders counts once in each of their columns; "
                    "the totals count it once.") if m.per_coder else ""))
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
        self.list_title.setText(_("{row} × {col}: {n} quotes").format(
            row=m.rows[index.row()], col=m.cols[index.column()], n=len(items)))
        self.list.clear()
        from app.core.export.quotes import quote_sources
        from app.core.export.sources import quote_source

        with self.session.read() as s:
            sources = quote_sources(s, items)
        for q, (who, place) in zip(items, sources):
            where = " · ".join(x for x in (place,) if x)
            line = quote_source({**q, "speaker": who}).line()
            label = f"«{' '.join(q['text'].split())}»\n{line}" + (f" · {where}" if where else "")
            item = QListWidgetItem(label, self.list)
            item.setData(Qt.UserRole, (q["document"], q["start"], q["end"]))

    def _quote_chosen(self, item: QListWidgetItem) -> None:
        name, start, end = item.data(Qt.UserRole)
        self.quoteActivated.emit(name, start, end)

    def save(self) -> None:
        from app.core.displays.saved import save_display

        name, ok = QInputDialog.getText(self, _("Save display"), _("Name of the display:"))
        if not ok or not name.strip():
            return
        try:
            with self.session.project.write() as s:
                save_display(s, name, self.spec(), replace=True)
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

        m, spec = self.model.m, self.spec()
        title = self.saved.currentText() if self.saved.currentText() else \
            f"{self.rows.currentText()} × {self.cols.currentText()}"
        filters = spec.filters_text()
        try:
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
