"""Documents as a Qt table model: name, length, codings, then one column per attribute (editable
inline; the edit is handed to the window as a request so it becomes an undoable command), and a
proxy that sorts numerically and filters by name and by one attribute's value.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt, Signal

from app.core.workbench_docs import AttributeColumn, DocumentRow
from app.i18n import _, counts

FIXED = 3  # name, characters, codings
GuidRole = Qt.UserRole + 1
SortRole = Qt.UserRole + 2
_DISPLAY, _EDIT, _TIP, _ALIGN = (int(Qt.DisplayRole), int(Qt.EditRole), int(Qt.ToolTipRole),
                                 int(Qt.TextAlignmentRole))
_SORT, _GUID = int(SortRole), int(GuidRole)
_RIGHT = int(Qt.AlignRight | Qt.AlignVCenter)
_FLAGS = Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsDropEnabled
_EDITABLE = _FLAGS | Qt.ItemIsEditable


class DocumentsModel(QAbstractTableModel):
    attributeEdited = Signal(str, str, str)  # document guid, attribute name, new value

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.columns: list[AttributeColumn] = []
        self.rows: list[DocumentRow] = []
        self.count_kind = "codings"  # or "segments": passages united across coders
        self._index_rows()

    def set_data(self, columns: list[AttributeColumn], rows: list[DocumentRow]) -> None:
        if [c.name for c in columns] == [c.name for c in self.columns] and \
                [r.guid for r in rows] == [r.guid for r in self.rows]:
            self.columns, self.rows = columns, rows
            self._index_rows()
            if rows:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(rows) - 1, self.columnCount() - 1))
            return
        self.beginResetModel()
        self.columns, self.rows = columns, rows
        self._index_rows()
        self.endResetModel()

    def _index_rows(self) -> None:
        """The text and sort key of every cell, worked out once per change: a view, its sort
        proxy and the column sizing ask for them tens of thousands of times."""
        self._row_of = {r.guid: i for i, r in enumerate(self.rows)}
        self._texts = [self._row_texts(r) for r in self.rows]
        self._keys: list[list | None] = [None] * len(self.rows)

    def _row_texts(self, row: DocumentRow) -> list[str]:
        return [row.name, f"{row.chars:,}".replace(",", "\u00a0"), str(row.codings)] + [
            row.attributes.get(c.name, "") for c in self.columns]

    def _row_keys(self, i: int) -> list:
        keys = self._keys[i]
        if keys is None:
            row, texts = self.rows[i], self._texts[i]
            # by name, transcripts before a survey's comment documents
            keys = [("1" if row.survey else "0") + texts[0].casefold(), row.chars, row.codings]
            for col, value in zip(self.columns, texts[FIXED:]):
                if col.type == "number":
                    try:
                        keys.append(float(value))
                    except ValueError:
                        keys.append(float("-inf"))
                else:
                    keys.append(value.casefold())
            self._keys[i] = keys
        return keys

    def column_texts(self, column: int) -> list[str]:
        """Every row's text in one column (for sizing the column to its widest value)."""
        return [t[column] for t in self._texts]

    def set_codings(self, counts: dict[str, int]) -> None:
        """New numbers of codings for some documents (guid -> count): only the cells that
        change are repainted, in one signal for the rows between the first and last."""
        import dataclasses

        changed = []
        for guid, n in counts.items():
            row = self.row_of(guid)
            if row < 0 or self.rows[row].codings == n:
                continue
            self.rows[row] = dataclasses.replace(self.rows[row], codings=n)
            self._texts[row][2] = str(n)
            self._keys[row] = None
            changed.append(row)
        if changed:
            self.dataChanged.emit(self.index(min(changed), 2), self.index(max(changed), 2))

    def set_count_kind(self, kind: str) -> None:
        """What the third column counts: "codings" or "segments" (passages)."""
        if kind != self.count_kind:
            self.count_kind = kind
            self.headerDataChanged.emit(Qt.Horizontal, 2, 2)

    def row_of(self, guid: str) -> int:
        return self._row_of.get(guid, -1)

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else FIXED + len(self.columns)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation != Qt.Horizontal or role not in (Qt.DisplayRole, Qt.ToolTipRole):
            return None
        if section == 0:
            return _("Document")
        if section == 1:
            return _("Characters")
        if section == 2:
            return _("Passages") if self.count_kind == "segments" else _("Codings")
        return self.columns[section - FIXED].name

    def data(self, index: QModelIndex, role=_DISPLAY):
        """Cheap per call (plain ints for roles, texts worked out in advance): painting and
        sorting 600 rows ask tens of thousands of times."""
        if not index.isValid():
            return None
        role = int(role)
        r, col = index.row(), index.column()
        if role == _DISPLAY or role == _EDIT:
            return self._texts[r][col]
        if role == _SORT:
            return self._row_keys(r)[col]
        if role == _ALIGN:
            return _RIGHT if col in (1, 2) else None
        if role == _GUID:
            return self.rows[r].guid
        if role == _TIP and col == 0:
            row = self.rows[r]
            speakers = ", ".join(row.speakers)
            return _("{name}: {characters}, speakers: {speakers}").format(
                name=row.name, characters=counts.characters(row.chars), speakers=speakers or "-")
        return None

    def flags(self, index: QModelIndex):
        return _EDITABLE if index.isValid() and index.column() >= FIXED else _FLAGS

    def setData(self, index: QModelIndex, value, role=Qt.EditRole) -> bool:
        if role != Qt.EditRole or not index.isValid() or index.column() < FIXED:
            return False
        row = self.rows[index.row()]
        name = self.columns[index.column() - FIXED].name
        value = str(value or "").strip()
        if value != row.attributes.get(name, ""):
            self.attributeEdited.emit(row.guid, name, value)
        return False  # the command refreshes the model from the project

    def values_of(self, attribute: str) -> list[str]:
        return sorted({r.attributes.get(attribute, "") for r in self.rows} - {""},
                      key=str.casefold)


class DocumentsFilter(QSortFilterProxyModel):
    """Name text filter plus an optional attribute = value filter."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(SortRole)
        self.setFilterCaseSensitivity(Qt.CaseInsensitive)
        self.setFilterKeyColumn(0)
        self.attribute: str | None = None
        self.value: str | None = None

    def set_attribute_filter(self, attribute: str | None, value: str | None) -> None:
        if hasattr(self, "beginFilterChange"):  # Qt 6.10 and later
            self.beginFilterChange()
            self.attribute, self.value = attribute, value
            self.endFilterChange(QSortFilterProxyModel.Direction.Rows)
        else:
            self.attribute, self.value = attribute, value
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:
        if not super().filterAcceptsRow(source_row, source_parent):
            return False
        if self.attribute and self.value is not None:
            model: DocumentsModel = self.sourceModel()
            return model.rows[source_row].attributes.get(self.attribute, "") == self.value
        return True
