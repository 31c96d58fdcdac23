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
_DISPLAY, _TIP, _FOREGROUND = int(Qt.DisplayRole), int(Qt.ToolTipRole), int(Qt.ForegroundRole)


class RetrievalModel(QAbstractTableModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[RetrievedSegment] = []
        self.attributes: list[str] = []
        self._quotes: dict[str, str] = {}  # coding guid -> quote as the list shows it

    def set_rows(self, rows: list[RetrievedSegment], attributes: list[str]) -> None:
        self.beginResetModel()
        self.rows, self.attributes = rows, attributes
        self._quotes = {}
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

    def text(self, row: int, col: int) -> str:
        r = self.rows[row]
        if col == 0:
            quote = self._quotes.get(r.guid)
            if quote is None:  # shortened once: painting asks for it again and again
                quote = " ".join(r.quote[:QUOTE_CHARS * 4].split())
                quote = self._quotes[r.guid] = \
                    f"«{quote[:QUOTE_CHARS]}{'…' if len(quote) > QUOTE_CHARS else ''}»"
            return quote
        if col < FIXED:
            return (r.code, r.coder, r.document)[col - 1]
        return r.attributes.get(self.attributes[col - FIXED], "")

    def data(self, index: QModelIndex, role=_DISPLAY):
        """Cheap per call (plain ints for roles): sizing and painting 20,000 segments ask
        for hundreds of thousands of cells."""
        if not index.isValid():
            return None
        role = int(role)
        col = index.column()
        if role == _DISPLAY:
            return self.text(index.row(), col)
        if role == _TIP and col == 0:
            r = self.rows[index.row()]
            tip = r.quote if len(r.quote) < 2000 else r.quote[:2000] + "…"
            return tip + (f"\n\n{_('Memo')}: {r.memo}" if r.memo else "")
        if role == _FOREGROUND and col == 2:
            return QColor(self.rows[index.row()].coder_colour)
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
        self._size_columns()
        self.table.fit_quote()

    def _size_columns(self) -> None:
        """Every column but the quote (which takes the rest) as wide as its widest value or
        its header, measured on the distinct values (a few codes, coders, documents) rather
        than cell by cell as resizeColumnsToContents would (a second for 20,000 segments)."""
        model, header = self.model, self.table.horizontalHeader()
        metrics = self.table.fontMetrics()
        grid = 1 if self.table.showGrid() else 0
        rows = model.rows
        columns = [[r.code for r in rows], [r.coder for r in rows], [r.document for r in rows]]
        columns += [[r.attributes.get(a, "") for r in rows] for a in model.attributes]
        for col, values in enumerate(columns, start=1):
            # value -> the first row showing it (the reversed pairs leave the first one last)
            first = dict(zip(reversed(values), range(len(values) - 1, -1, -1)))
            width = header.sectionSizeHint(col)
            if first:
                widest = max(first, key=metrics.horizontalAdvance)
                hint = self.table.sizeHintForIndex(model.index(first[widest], col)).width()
                width = max(width, hint + grid)
            header.resizeSection(col, width)

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
