"""The retrieval list: every segment coded with the selected code (and its child codes) across
documents, with code, coder, document and attributes; activating a row jumps to it in the
transcript. Compact rows; every column but the quote as wide as its contents, the quote the
rest of the width."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from app.core.retrieval import RetrievedSegment, sort_key
from app.i18n import _, counts

QUOTE_CHARS = 160
QUOTE_MIN, QUOTE_SHARE = 260, 0.45  # the least the quote gets (px, share of the width)
FIXED = 4  # quote, code, coder, document; then the attributes


class RetrievalModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[RetrievedSegment] = []
        self.attributes: list[str] = []

    def set_rows(self, rows: list[RetrievedSegment], attributes: list[str]) -> None:
        self.beginResetModel()
        self.rows, self.attributes = rows, attributes
        self.endResetModel()

    def add_row(self, segment: RetrievedSegment) -> None:
        """One more segment, in its place in the list's order."""
        import bisect

        at = bisect.bisect_right(self.rows, sort_key(segment), key=sort_key)
        self.beginInsertRows(QModelIndex(), at, at)
        self.rows.insert(at, segment)
        self.endInsertRows()

    def remove_row(self, guid: str) -> None:
        at = next((i for i, r in enumerate(self.rows) if r.guid == guid), -1)
        if at >= 0:
            self.beginRemoveRows(QModelIndex(), at, at)
            del self.rows[at]
            self.endRemoveRows()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else FIXED + len(self.attributes)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation != Qt.Horizontal or role != Qt.DisplayRole:
            return None
        if section < FIXED:
            return [_("Quote"), _("Code"), _("Coder"), _("Document")][section]
        return self.attributes[section - FIXED]

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == Qt.DisplayRole:
            if col == 0:
                quote = " ".join(r.quote.split())
                return f"«{quote[:QUOTE_CHARS]}{'…' if len(quote) > QUOTE_CHARS else ''}»"
            if col < FIXED:
                return (r.code, r.coder, r.document)[col - 1]
            return r.attributes.get(self.attributes[col - FIXED], "")
        if role == Qt.ToolTipRole and col == 0:
            tip = r.quote if len(r.quote) < 2000 else r.quote[:2000] + "…"
            return tip + (f"\n\n{_('Memo')}: {r.memo}" if r.memo else "")
        if role == Qt.ForegroundRole and col == 2:
            return QColor(r.coder_colour)
        return None


class RetrievalPanel(QWidget):
    segmentActivated = Signal(object)  # RetrievedSegment

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model = RetrievalModel(self)
        self.code_path = ""
        self.title = QLabel(_("Select a code to list its coded segments."), self)
        self.title.setWordWrap(True)
        self.table = _FittingTable(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setAccessibleName(_("Coded segments"))
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.Interactive)
        header.setStretchLastSection(False)
        self.table.activated.connect(self._activated)
        self.table.clicked.connect(self._activated)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.title)
        lay.addWidget(self.table)

    def show_segments(self, code_path: str, rows: list[RetrievedSegment],
                      attributes: list[str]) -> None:
        self.model.set_rows(rows, attributes)
        self.code_path = code_path
        self._say_title()
        self.table.resizeColumnsToContents()
        self.table.fit_quote()

    def _say_title(self) -> None:
        rows = self.model.rows
        docs = len({r.document for r in rows})
        self.title.setText(_("{code}: {segments} in {documents}").format(
            code=self.code_path, segments=counts.segments(len(rows)),
            documents=counts.documents(docs)))

    def add_segment(self, segment: RetrievedSegment) -> None:
        """A coding of the listed code was made (or put back): one row more, no re-listing."""
        self.model.add_row(segment)
        self._say_title()

    def remove_segment(self, guid: str) -> None:
        self.model.remove_row(guid)
        self._say_title()

    def clear(self) -> None:
        self.model.set_rows([], [])
        self.title.setText(_("Select a code to list its coded segments."))

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid():
            self.segmentActivated.emit(self.model.rows[index.row()])


class _FittingTable(QTableView):
    """The segments table: the quote column takes the width the other columns leave."""

    def fit_quote(self) -> None:
        if self.model() is None or self.model().columnCount() == 0:
            return
        header = self.horizontalHeader()
        others = sum(header.sectionSize(c) for c in range(1, header.count()))
        width = self.viewport().width()
        self.setColumnWidth(0, max(QUOTE_MIN, int(width * QUOTE_SHARE), width - others))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit_quote()
