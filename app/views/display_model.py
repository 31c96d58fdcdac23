"""The table model of a matrix display in the window: one row per row label, the cells shaded
by count (white to orange), and totals as the last row and column in bold."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from app.i18n import _

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
