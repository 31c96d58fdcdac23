"""The table model of a survey table in the window (app.core.survey.stats.survey_table): one
line per item or theme for everyone, and with a "by" attribute one line per group under it;
n, mean, the distribution over the scale in per cent, don't know, the reference mean and the
difference. A group with too few respondents shows "too few" and no figure at all."""

from __future__ import annotations

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QColor, QFont

from app.i18n import _
from app.i18n.numbers import number

TOTAL = object()  # the group of a line with everyone's figures
GREY = QColor("#F3F3F3")


def too_few() -> str:
    return _("too few")


class SurveyTableModel(QAbstractTableModel):
    """Lines of (row label, group, figures). Columns: item or theme, group, n, mean, one per
    scale value (per cent), don't know (per cent), and reference and difference when a
    reference is chosen."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.table = None
        self.lines: list[tuple[str, object, object]] = []
        self.headers: list[str] = []

    def set_table(self, table) -> None:
        self.beginResetModel()
        self.table = table
        self.lines = []
        for row in table.rows:
            self.lines.append((row.label, TOTAL, row.total))
            for group in table.groups if table.by else []:
                if group in row.groups:
                    self.lines.append((row.label, group, row.groups[group]))
        scale = table.scale
        self.headers = [_("Theme") if table.level == "themes" else _("Item"),
                        table.by or "", _("n"), _("Mean")]
        self.headers += [f"{v}\n{scale.label(v)} %" if scale.label(v) != str(v) else f"{v} %"
                         for v in scale.values]
        self.headers.append(_("Don't\nknow %"))
        if table.reference:
            self.headers += [table.reference, _("Difference")]
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.lines)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if role != Qt.DisplayRole:
            return None
        if orientation == Qt.Horizontal:
            return self.headers[section] if section < len(self.headers) else None
        return None

    def text(self, row: int, col: int) -> str:
        """What the cell shows (the same text the tests and the Word export read)."""
        label, group, fig = self.lines[row]
        if col == 0:
            return label if group is TOTAL else ""
        if col == 1:
            if group is TOTAL:
                return _("All") if self.table.by else ""
            return group if group is not None else _("(no value)")
        if fig.suppressed:
            return too_few() if col == 2 else ""
        shown = fig.as_json()["shown"]
        k = col - 4
        values = len(shown["percent"])
        if col == 2:
            return number(fig.n)
        if col == 3:
            return shown["mean"] or ""
        if 0 <= k < values:
            return shown["percent"][k] or ""
        if k == values:
            return shown["dont_know_percent"] or ""
        if k == values + 1:
            return "" if fig.reference is None else _reference(fig.reference)
        if k == values + 2:
            return shown["difference"] or ""
        return ""

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        r, c = index.row(), index.column()
        label, group, fig = self.lines[r]
        if role == Qt.DisplayRole:
            return self.text(r, c)
        if role == Qt.ToolTipRole:
            if fig.suppressed:
                return _("Fewer than {n} respondents answered: no figures are shown, to protect "
                         "their anonymity.").format(n=self.table.min_group)
            return label if c == 0 else None
        if role == Qt.TextAlignmentRole:
            return int(Qt.AlignLeft | Qt.AlignVCenter) if c < 2 else int(Qt.AlignCenter)
        if role == Qt.FontRole and group is TOTAL:
            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.BackgroundRole and group is TOTAL and self.table.by:
            return GREY
        if role == Qt.ForegroundRole and fig.suppressed:
            return QColor("#777777")
        return None


def _reference(value: float) -> str:
    from app.core.survey.stats import show_mean

    return show_mean(value)
