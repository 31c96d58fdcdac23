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


class DocumentsModel(QAbstractTableModel):
    attributeEdited = Signal(str, str, str)  # document guid, attribute name, new value

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.columns: list[AttributeColumn] = []
        self.rows: list[DocumentRow] = []

    def set_data(self, columns: list[AttributeColumn], rows: list[DocumentRow]) -> None:
        if [c.name for c in columns] == [c.name for c in self.columns] and \
                [r.guid for r in rows] == [r.guid for r in self.rows]:
            self.columns, self.rows = columns, rows
            if rows:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(rows) - 1, self.columnCount() - 1))
            return
        self.beginResetModel()
        self.columns, self.rows = columns, rows
        self.endResetModel()

    def bump_codings(self, guid: str, delta: int) -> None:
        """One document's number of codings changed by `delta`: repaint that cell only."""
        import dataclasses

        row = self.row_of(guid)
        if row < 0:
            return
        self.rows[row] = dataclasses.replace(self.rows[row],
                                             codings=self.rows[row].codings + delta)
        self.dataChanged.emit(self.index(row, 2), self.index(row, 2))

    def row_of(self, guid: str) -> int:
        return next((i for i, r in enumerate(self.rows) if r.guid == guid), -1)

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
            return _("Codings")
        return self.columns[section - FIXED].name

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        col = index.column()
        if role in (Qt.DisplayRole, Qt.EditRole):
            if col == 0:
                return row.name
            if col == 1:
                return f"{row.chars:,}".replace(",", "\u00a0")
            if col == 2:
                return str(row.codings)
            return row.attributes.get(self.columns[col - FIXED].name, "")
        if role == SortRole:
            if col == 1:
                return row.chars
            if col == 2:
                return row.codings
            value = self.data(index, Qt.DisplayRole)
            if col >= FIXED and self.columns[col - FIXED].type == "number":
                try:
                    return float(value)
                except ValueError:
                    return float("-inf")
            return value.casefold()
        if role == Qt.TextAlignmentRole and col in (1, 2):
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.ToolTipRole and col == 0:
            speakers = ", ".join(row.speakers)
            return _("{name}: {characters}, speakers: {speakers}").format(
                name=row.name, characters=counts.characters(row.chars), speakers=speakers or "-")
        if role == GuidRole:
            return row.guid
        return None

    def flags(self, index: QModelIndex):
        f = Qt.ItemIsEnabled | Qt.ItemIsSelectable | Qt.ItemIsDropEnabled
        if index.isValid() and index.column() >= FIXED:
            f |= Qt.ItemIsEditable
        return f

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
