"""The retrieval list: every segment coded with the selected code (and its child codes) across
documents, with document, attributes and coder; activating a row jumps to it in the transcript."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from app.core.retrieval import RetrievedSegment
from app.i18n import _

QUOTE_CHARS = 160


class RetrievalModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[RetrievedSegment] = []
        self.attributes: list[str] = []

    def set_rows(self, rows: list[RetrievedSegment], attributes: list[str]) -> None:
        self.beginResetModel()
        self.rows, self.attributes = rows, attributes
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else 4 + len(self.attributes)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation != Qt.Horizontal or role != Qt.DisplayRole:
            return None
        fixed = [_("Quote"), _("Document")]
        if section < 2:
            return fixed[section]
        if section < 2 + len(self.attributes):
            return self.attributes[section - 2]
        return [_("Code"), _("Coder")][section - 2 - len(self.attributes)]

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        n_attr = len(self.attributes)
        if role == Qt.DisplayRole:
            if col == 0:
                quote = " ".join(r.quote.split())
                return f"«{quote[:QUOTE_CHARS]}{'…' if len(quote) > QUOTE_CHARS else ''}»"
            if col == 1:
                return r.document
            if col < 2 + n_attr:
                return r.attributes.get(self.attributes[col - 2], "")
            return r.code if col == 2 + n_attr else r.coder
        if role == Qt.ToolTipRole and col == 0:
            tip = r.quote if len(r.quote) < 2000 else r.quote[:2000] + "…"
            return tip + (f"\n\n{_('Memo')}: {r.memo}" if r.memo else "")
        if role == Qt.ForegroundRole and col == 3 + n_attr:
            return QColor(r.coder_colour)
        return None


class RetrievalPanel(QWidget):
    segmentActivated = Signal(object)  # RetrievedSegment

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model = RetrievalModel(self)
        self.title = QLabel(_("Select a code to list its coded segments."), self)
        self.title.setWordWrap(True)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.setAccessibleName(_("Coded segments"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(True)
        self.table.activated.connect(self._activated)
        self.table.clicked.connect(self._activated)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.title)
        lay.addWidget(self.table)

    def show_segments(self, code_path: str, rows: list[RetrievedSegment],
                      attributes: list[str]) -> None:
        self.model.set_rows(rows, attributes)
        docs = len({r.document for r in rows})
        self.title.setText(_("{code}: {n} segments in {docs} documents").format(
            code=code_path, n=len(rows), docs=docs))
        self.table.resizeColumnsToContents()
        self.table.setColumnWidth(0, min(self.table.columnWidth(0), 380))

    def clear(self) -> None:
        self.model.set_rows([], [])
        self.title.setText(_("Select a code to list its coded segments."))

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.segmentActivated.emit(self.model.rows[index.row()])
