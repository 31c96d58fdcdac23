"""The coding-stripe margin beside a transcript: per coding a bar in its colour spanning the
coded lines, in non-overlapping lanes, with the code's name beside it. Only bars in view are
painted; hovering shows code, coder and memo; clicking a bar selects that coding.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QToolTip, QWidget

from app.views import typography

LANE_W = 9
BAR_W = 5
LABEL_MIN, LABEL_MAX = 90, 240  # px for the code names: the longest name shown, within these
PAD = 6
MAX_LANES = 8


@dataclass(slots=True)
class Bar:
    start: int  # UTF-16 positions in the view's document
    end: int
    lane: int
    colour: QColor
    label: str
    guid: str
    index: int  # the coding's index in the view's list (for its tooltip)


class StripeMargin(QWidget):
    """Painted by the transcript view's geometry; owns no data beyond the bars it is given."""

    codingClicked = Signal(str)

    def __init__(self, view) -> None:
        super().__init__(view)
        self._view = view
        self._bars: list[Bar] = []
        self._order: list[int] = []  # indices of bars sorted by start
        self._lanes = 0
        self._hits: list[tuple[QRectF, int]] = []
        self.selected_guid: str | None = None
        self._label_w = LABEL_MIN
        self.setFont(typography.ui_font(8.5))
        self.setMouseTracking(True)
        self.setCursor(Qt.PointingHandCursor)
        self.setAccessibleName("coding stripes")

    # -- data --------------------------------------------------------------------------
    def set_bars(self, bars: list[Bar]) -> None:
        self._bars = bars
        self._order = sorted(range(len(bars)), key=lambda i: (bars[i].start, bars[i].lane))
        self._lanes = min(MAX_LANES, max((b.lane for b in bars), default=-1) + 1)
        self._label_w = self._label_width({b.label for b in bars})
        self.update()

    def _label_width(self, labels) -> int:
        fm = QFontMetrics(self.font())
        widest = max((fm.horizontalAdvance(t) for t in labels), default=0)
        return max(LABEL_MIN, min(LABEL_MAX, widest + 12))

    def label_room(self) -> int:
        """The width the margin takes with one lane of bars (before any are given)."""
        return PAD + LANE_W + self._label_w

    def add_bar(self, bar: Bar) -> None:
        self._bars.append(bar)
        i = len(self._bars) - 1
        keys = [(self._bars[k].start, self._bars[k].lane) for k in self._order]
        from bisect import bisect_left

        self._order.insert(bisect_left(keys, (bar.start, bar.lane)), i)
        self._lanes = min(MAX_LANES, max(self._lanes, bar.lane + 1))
        self._label_w = max(self._label_w, self._label_width([bar.label]))
        self.update()

    def remove_bar(self, guid: str) -> None:
        keep = [k for k in self._order if self._bars[k].guid != guid]
        if len(keep) != len(self._order):
            self._order = keep
            self.update()

    def preferred_width(self) -> int:
        if not self._bars:
            return 0
        return PAD + max(self._lanes, 1) * LANE_W + self._label_w

    def sizeHint(self) -> QSize:
        return QSize(self.preferred_width(), 100)

    # -- painting ----------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.fillRect(event.rect(), QColor("#fbfbfa"))
        p.setPen(QColor("#e4e4e0"))
        p.drawLine(0, 0, 0, self.height())
        self._hits = []
        if not self._bars:
            p.end()
            return
        view = self._view
        a, b = view.visible_qt_range()
        fm = QFontMetrics(self.font())
        label_x = PAD + self._lanes * LANE_W + 4
        label_bottom = -1e9
        p.setRenderHint(QPainter.Antialiasing, True)
        for i in self._order:
            bar = self._bars[i]
            if bar.start >= b:
                break
            if bar.end <= a:
                continue
            y1 = view.line_top(bar.start)
            y2 = view.line_bottom(max(bar.start, bar.end - 1))
            lane = min(bar.lane, MAX_LANES - 1)
            rect = QRectF(PAD + lane * LANE_W, y1 + 1, BAR_W, max(4.0, y2 - y1 - 2))
            selected = bar.guid == self.selected_guid
            p.setPen(Qt.NoPen)
            p.setBrush(bar.colour)
            p.drawRoundedRect(rect.adjusted(-1, 0, 1, 0) if selected else rect, 2, 2)
            self._hits.append((rect.adjusted(-2, 0, 2, 0), i))
            top = max(y1, 2.0, label_bottom + 1)
            if top + fm.height() <= max(y2, y1 + fm.height()) + 2:
                text = fm.elidedText(bar.label, Qt.ElideRight, self._label_w - 8)
                lr = QRectF(label_x, top, fm.horizontalAdvance(text) + 2, fm.height())
                if selected:
                    p.setBrush(bar.colour.lighter(170))
                    p.drawRoundedRect(lr.adjusted(-2, 0, 2, 0), 3, 3)
                p.setPen(QPen(bar.colour.darker(135)))
                p.drawText(lr, Qt.AlignLeft | Qt.AlignVCenter, text)
                p.setPen(QPen(bar.colour, 1, Qt.DotLine))
                if top > y1 + 4:
                    p.drawLine(rect.right() + 1, top + fm.height() / 2, label_x - 2,
                               top + fm.height() / 2)
                self._hits.append((lr, i))
                label_bottom = top + fm.height()
        p.end()

    # -- interaction -------------------------------------------------------------------
    def bar_at(self, pos: QPoint) -> Bar | None:
        for rect, i in reversed(self._hits):
            if rect.contains(pos.toPointF() if hasattr(pos, "toPointF") else pos):
                return self._bars[i]
        return None

    def mousePressEvent(self, event) -> None:
        bar = self.bar_at(event.position().toPoint())
        if bar is not None and event.button() == Qt.LeftButton:
            self.codingClicked.emit(bar.guid)
            event.accept()
            return
        super().mousePressEvent(event)

    def event(self, event) -> bool:
        if event.type() == event.Type.ToolTip:
            bar = self.bar_at(event.pos())
            if bar is not None:
                coding = self._view.codings[bar.index]
                QToolTip.showText(event.globalPos(), self._view.tooltip_for([coding]), self,
                                  QRect())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def wheelEvent(self, event) -> None:
        self._view.verticalScrollBar().event(event)
