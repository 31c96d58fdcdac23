"""The transcript view: the whole document read-only, coloured highlights for codings (stripes
where codings overlap), faint bands for interviewer turns, a coding-stripe margin, hover details
and selection in code points. Highlights are painted for the visible lines only, from segments
computed once per change (app.core.highlights), so thousands of codings cost nothing to scroll.
"""

from __future__ import annotations

import html
from bisect import bisect_right
from typing import Callable, Sequence

from PySide6.QtCore import QMimeData, QPoint, QRect, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QKeySequence, QPainter, QPalette, QPen, QTextCursor
from PySide6.QtWidgets import QTextEdit, QToolTip

from app.core import highlights as hl
from app.core.workbench import DocumentContent, ShownCoding, Turn
from app.i18n import _
from app.views import text_geometry as geo
from app.views import typography
from app.views.offsets import OffsetMap
from app.views.stripes import Bar, StripeMargin
from app.views.transcript_doc import build_document

SELECTION_MIME = "application/x-sitat-selection"
# Selected text: white on near-black, unlike every code and coder colour (all saturated hues,
# shown as light tints), so a selection never passes for a coding - Qt's blue did for Hanne's.
SELECTION_BACKGROUND, SELECTION_TEXT = "#202124", "#FFFFFF"
TINT_SINGLE = 0.42
TINT_STRIPE = 0.55


def code_colour(c: ShownCoding) -> str:
    return c.code_colour


def coder_colour(c: ShownCoding) -> str:
    return c.coder_colour


class TranscriptView(QTextEdit):
    codingClicked = Signal(str)
    cpSelectionChanged = Signal(int, int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        self.setLineWrapMode(QTextEdit.WidgetWidth)
        self.setContextMenuPolicy(Qt.CustomContextMenu)
        self.setFrameShape(QTextEdit.NoFrame)
        self.viewport().setMouseTracking(True)
        self.setAccessibleName(_("Transcript"))
        pal = self.palette()
        for group in (QPalette.Active, QPalette.Inactive):
            pal.setColor(group, QPalette.Highlight, QColor(SELECTION_BACKGROUND))
            pal.setColor(group, QPalette.HighlightedText, QColor(SELECTION_TEXT))
        self.setPalette(pal)
        self.document_guid: str | None = None
        self.text = ""
        self.turns: list[Turn] = []
        self.offsets = OffsetMap("")
        self.codings: list[ShownCoding] = []
        self._colour_of: Callable[[ShownCoding], str] = code_colour
        self._segs: list[hl.Segment] = []
        self._spans: list[hl.Span] = []
        self._lanes: dict[str, tuple[int, int, int]] = {}
        self._brushes: dict[str, tuple[QColor, QColor, QColor]] = {}
        self._band_turns: list[tuple[int, int]] = []  # UTF-16 ranges of interviewer turns
        self._band_starts: list[int] = []
        self.selected_guid: str | None = None
        self.margin = StripeMargin(self)
        self.margin.codingClicked.connect(self.codingClicked)
        self.verticalScrollBar().valueChanged.connect(self.margin.update)
        self.selectionChanged.connect(self._emit_selection)
        self._zoom = 0
        self._own_document = None
        self._colours: dict[str, QColor] = {}

    # -- content -----------------------------------------------------------------------
    def show_document(self, content: DocumentContent | None,
                      codings: Sequence[ShownCoding] | None = None) -> None:
        """Show a document (None clears); `codings` defaults to all of the document's."""
        if content is None:
            self.document_guid, self.text, self.turns = None, "", []
            self.offsets = OffsetMap("")
            self._replace_document(build_document("", [], self.offsets, self))
            self.set_codings([])
            return
        self.document_guid = content.guid
        self.text, self.turns = content.text, list(content.turns)
        self.offsets = OffsetMap(self.text)
        self._replace_document(build_document(self.text, self.turns, self.offsets, self))
        self._apply_zoom()
        self.document().documentLayout().documentSizeChanged.connect(self.margin.update)
        to_qt = self.offsets.to_qt
        bands = [(to_qt(t.label_start), to_qt(t.end)) for t in self.turns
                 if typography.is_interviewer(t.speaker)]
        self._band_turns = bands
        self._band_starts = [b[0] for b in bands]
        self.selected_guid = None
        self.set_codings(content.codings if codings is None else codings)
        self.verticalScrollBar().setValue(0)

    def _replace_document(self, doc) -> None:
        old = self._own_document
        self._own_document = doc
        self.setDocument(doc)
        if old is not None:
            old.deleteLater()

    def set_codings(self, codings: Sequence[ShownCoding],
                    colour_by: Callable[[ShownCoding], str] | None = None) -> None:
        """Replace the codings shown (already filtered); recompute segments and stripes once."""
        if colour_by is not None:
            self._colour_of = colour_by
        self.codings = list(codings)
        colour = self._colour_of
        self._spans = [hl.Span(c.start, c.end, colour(c), i) for i, c in enumerate(self.codings)]
        self._segs = hl.segments(self._spans)
        to_qt = self.offsets.to_qt
        lanes = hl.lanes([(c.start, c.end) for c in self.codings])
        qcolour = self._qcolour
        self._lanes = {c.guid: (c.start, c.end, lane) for c, lane in zip(self.codings, lanes)}
        self.margin.set_bars([
            Bar(to_qt(c.start), to_qt(c.end), lane, qcolour(colour(c)), c.code_name, c.guid, i)
            for i, (c, lane) in enumerate(zip(self.codings, lanes))
        ])
        self._update_margin_geometry()
        self.viewport().update()

    def add_coding(self, c: ShownCoding) -> None:
        """Show one more coding without recomputing the rest (the fast path after coding)."""
        i = len(self.codings)
        self.codings.append(c)
        colour = self._colour_of(c)
        self._spans.append(hl.Span(c.start, c.end, colour, i))
        self._segs = hl.splice(self._segs, self._spans, c.start, c.end)
        lane = hl.free_lane(list(self._lanes.values()), c.start, c.end)
        self._lanes[c.guid] = (c.start, c.end, lane)
        to_qt = self.offsets.to_qt
        self.margin.add_bar(Bar(to_qt(c.start), to_qt(c.end), lane, self._qcolour(colour),
                                c.code_name, c.guid, i))
        self._update_margin_geometry()
        self.viewport().update()

    def remove_coding(self, guid: str) -> bool:
        """Stop showing one coding; False if it was not shown."""
        i = next((k for k, c in enumerate(self.codings) if c is not None and c.guid == guid),
                 None)
        if i is None:
            return False
        c = self.codings[i]
        self.codings[i] = None  # keep indices stable for the segments' refs
        self._spans = [sp for sp in self._spans if sp.ref != i]
        self._segs = hl.splice(self._segs, self._spans, c.start, c.end)
        self._lanes.pop(guid, None)
        self.margin.remove_bar(guid)
        if self.selected_guid == guid:
            self.selected_guid = self.margin.selected_guid = None
        self.viewport().update()
        return True

    def update_coding(self, c: ShownCoding) -> None:
        """Same span, new details (memo, valence)."""
        for k, old in enumerate(self.codings):
            if old is not None and old.guid == c.guid:
                self.codings[k] = c
                return

    def shown_codings(self) -> list[ShownCoding]:
        return [c for c in self.codings if c is not None]

    def set_colour_by(self, colour_by: Callable[[ShownCoding], str]) -> None:
        self.set_codings(self.shown_codings(), colour_by)

    def _qcolour(self, colour: str) -> QColor:
        q = self._colours.get(colour)
        if q is None:
            q = self._colours[colour] = QColor(colour)
        return q

    def _brush(self, colour: str) -> tuple[QColor, QColor, QColor]:
        b = self._brushes.get(colour)
        if b is None:
            b = (QColor(hl.tint(colour, TINT_SINGLE)), QColor(hl.tint(colour, TINT_STRIPE)),
                 QColor(colour))
            self._brushes[colour] = b
        return b

    # -- selection in code points ------------------------------------------------------
    def selection_cp(self) -> tuple[int, int]:
        cur = self.textCursor()
        return self.offsets.from_qt_range(cur.selectionStart(), cur.selectionEnd())

    def selected_text(self) -> str:
        a, b = self.selection_cp()
        return self.text[a:b]

    def select_cp(self, start: int, end: int, reveal: bool = True) -> None:
        cur = self.textCursor()
        a, b = self.offsets.to_qt_range(start, end)
        cur.setPosition(a)
        cur.setPosition(b, QTextCursor.KeepAnchor)
        self.setTextCursor(cur)
        if reveal:
            self.reveal_cp(start)

    def reveal_cp(self, start: int) -> None:
        """Scroll so that `start` sits near the top third of the view."""
        top = geo.line_extent(self, self.offsets.to_qt(start))[0]
        sb = self.verticalScrollBar()
        sb.setValue(int(sb.value() + top - self.viewport().height() / 3))

    def _emit_selection(self) -> None:
        a, b = self.selection_cp()
        self.cpSelectionChanged.emit(a, b)

    def select_coding(self, guid: str | None, reveal: bool = True) -> ShownCoding | None:
        self.selected_guid = guid
        self.margin.selected_guid = guid
        found = next((c for c in self.codings if c is not None and c.guid == guid), None)
        if found is not None:
            self.select_cp(found.start, found.end, reveal)
        self.viewport().update()
        self.margin.update()
        return found

    def codings_at_cp(self, pos: int) -> list[ShownCoding]:
        seg = hl.segments_at(self._segs, pos)
        return [self.codings[i] for i in seg.refs] if seg else []

    def codings_at_point(self, point: QPoint) -> list[ShownCoding]:
        """Codings under a viewport point that is on text."""
        pos = geo.exact_position(self, point)
        if pos < 0:
            return []
        return self.codings_at_cp(self.offsets.from_qt(pos))

    def cp_at_point(self, point: QPoint) -> int:
        return self.offsets.from_qt(self.cursorForPosition(point).position())

    def tooltip_for(self, codings: Sequence[ShownCoding]) -> str:
        parts = []
        for c in codings:
            line = (f"<b style='color:{c.code_colour}'>■</b> <b>{html.escape(c.code_name)}</b>"
                    f" &nbsp;<span style='color:{c.coder_colour}'>"
                    f"{html.escape(_('coder'))}: {html.escape(c.coder_name)}</span>")
            if c.valence:
                line += " (+)" if c.valence > 0 else " (−)"
            if c.memo:
                line += f"<br/><i>{html.escape(_('Memo'))}:</i> {html.escape(c.memo)}"
            parts.append(line)
        return "<br/>".join(parts)

    # -- geometry used by the margin -----------------------------------------------------
    def visible_qt_range(self) -> tuple[int, int]:
        return geo.visible_range(self)

    def line_top(self, pos: int) -> float:
        return geo.line_extent(self, pos)[0]

    def line_bottom(self, pos: int) -> float:
        return geo.line_extent(self, pos)[1]

    def _update_margin_geometry(self) -> None:
        width = 0 if self.margin.isHidden() else self.margin.preferred_width()
        self.setViewportMargins(0, 0, width, 0)
        view = self.viewport().geometry()  # the margin sits beside it, left of the scroll bar
        self.margin.setGeometry(QRect(view.right() + 1, view.top(), width, view.height()))

    def set_stripes_visible(self, on: bool) -> None:
        self.margin.setVisible(on)
        self._update_margin_geometry()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._update_margin_geometry()

    # -- painting ----------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        if self._segs or self._band_turns:
            p = QPainter(self.viewport())
            rect = event.rect()
            a, b = geo.visible_range(self, rect.top(), rect.bottom())
            self._paint_bands(p, a, b)
            self._paint_highlights(p, a, b)
            p.end()
        super().paintEvent(event)

    def _paint_bands(self, p: QPainter, a: int, b: int) -> None:
        if not self._band_turns:
            return
        band = QColor(typography.INTERVIEWER_BAND)
        width = self.viewport().width()
        i = max(0, bisect_right(self._band_starts, a) - 1)
        while i < len(self._band_turns) and self._band_turns[i][0] < b:
            s, e = self._band_turns[i]
            i += 1
            if e <= a:
                continue
            top = geo.line_extent(self, max(s, a))[0] - 3
            bottom = geo.line_extent(self, max(s, min(e, b) - 1))[1] + 3
            p.fillRect(QRectF(0, top, width, bottom - top), band)

    def _paint_highlights(self, p: QPainter, a: int, b: int) -> None:
        segs = self._segs
        if not segs:
            return
        to_qt = self.offsets.to_qt
        i = hl.first_segment_ending_after(segs, self.offsets.from_qt(a))
        cp_b = self.offsets.from_qt(b)
        off = geo.scroll_offset(self)
        selected_rects: list[tuple[QRectF, QColor]] = []
        while i < len(segs) and segs[i].start < cp_b:
            seg = segs[i]
            i += 1
            rects = geo.range_rects(self, to_qt(seg.start), to_qt(seg.end), off)
            keys = seg.keys
            for r in rects:
                if len(keys) == 1:
                    p.fillRect(r, self._brush(keys[0])[0])
                else:
                    h = r.height() / len(keys)
                    for k, key in enumerate(keys):
                        p.fillRect(QRectF(r.x(), r.y() + k * h, r.width(), h + 0.5),
                                   self._brush(key)[1])
            if self.selected_guid and any(self.codings[j].guid == self.selected_guid
                                          for j in seg.refs):
                c = next(self.codings[j] for j in seg.refs
                         if self.codings[j].guid == self.selected_guid)
                selected_rects += [(r, QColor(self._colour_of(c))) for r in rects]
        for r, colour in selected_rects:
            p.setPen(QPen(colour.darker(120), 1.6))
            p.drawLine(r.bottomLeft(), r.bottomRight())

    # -- interaction -------------------------------------------------------------------
    def viewportEvent(self, event) -> bool:
        if event.type() == event.Type.ToolTip:
            found = self.codings_at_point(event.pos())
            if found:
                QToolTip.showText(event.globalPos(), self.tooltip_for(found), self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        super().mouseReleaseEvent(event)
        if event.button() == Qt.LeftButton and not self.textCursor().hasSelection():
            found = self.codings_at_point(event.position().toPoint())
            if event.modifiers() & Qt.ControlModifier and found:
                self.codingClicked.emit(found[-1].guid)

    def createMimeDataFromSelection(self) -> QMimeData:
        data = super().createMimeDataFromSelection()
        a, b = self.selection_cp()
        if self.document_guid and b > a:
            data.setData(SELECTION_MIME, f"{self.document_guid}\n{a}\n{b}".encode())
        return data

    # -- zoom --------------------------------------------------------------------------
    def zoom(self, steps: int) -> None:
        """Grow (+) or shrink (-) the text; 0 resets. Remembered across documents."""
        self._zoom = 0 if steps == 0 else max(-6, min(12, self._zoom + steps))
        self._apply_zoom()

    def _apply_zoom(self) -> None:
        f = typography.body_font()
        f.setPointSizeF(typography.BODY_POINT_SIZE * (1.1 ** self._zoom))
        self.document().setDefaultFont(f)
        self.margin.update()

    def zoom_level(self) -> int:
        return self._zoom

    def wheelEvent(self, event) -> None:
        if event.modifiers() & Qt.ControlModifier:
            self.zoom(1 if event.angleDelta().y() > 0 else -1)
            event.accept()
            return
        super().wheelEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.matches(QKeySequence.ZoomIn):
            self.zoom(1)
        elif event.matches(QKeySequence.ZoomOut):
            self.zoom(-1)
        else:
            super().keyPressEvent(event)


def open_for_benchmark(text: str, turns: Sequence[tuple[int, int, str]],
                       codings: Sequence[tuple[int, int, str, str]]) -> TranscriptView:
    """A shown TranscriptView for benchmarks/run.py (`viewer_open`).

    turns: (start, end, speaker) in code points, as stored (start is after the label);
    codings: (start, end, code_name, colour_hex). Returns the widget, shown at 1100x800.
    A QApplication must exist; the caller processes events to finish painting.
    """
    content = DocumentContent(
        "benchmark", "benchmark", text,
        [Turn(text.rfind("\n", 0, s) + 1, s, e, sp) for s, e, sp in turns],
        [ShownCoding(f"c{i}", f"k{name}", name, colour, 1, "Coder", "#1f77b4", s, e)
         for i, (s, e, name, colour) in enumerate(codings)],
    )
    view = TranscriptView()
    view.resize(1100, 800)
    view.show_document(content)
    view.show()
    return view
