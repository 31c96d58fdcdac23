"""Where text positions of a QTextEdit are on screen (viewport coordinates, UTF-16 positions).

Only blocks that are visible are asked for their layout, so this stays cheap on long documents.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, Qt
from PySide6.QtWidgets import QTextEdit


def scroll_offset(edit: QTextEdit) -> QPointF:
    return QPointF(edit.horizontalScrollBar().value(), edit.verticalScrollBar().value())


def visible_range(edit: QTextEdit, top: int | None = None, bottom: int | None = None
                  ) -> tuple[int, int]:
    """UTF-16 positions [a, b) of the blocks shown between viewport rows top..bottom.

    One hit test finds the first block; the rest is a short walk over laid-out blocks, so
    blocks below the view are never laid out just to be measured.
    """
    vp = edit.viewport()
    top = 0 if top is None else top
    bottom = vp.height() if bottom is None else bottom
    dy = edit.verticalScrollBar().value()
    block = edit.cursorForPosition(QPoint(0, top)).block()
    layout = edit.document().documentLayout()
    a = block.position()
    y_bottom = dy + bottom
    last = block
    while block.isValid():
        last = block
        if layout.blockBoundingRect(block).bottom() >= y_bottom:
            break
        block = block.next()
    return a, last.position() + last.length()


def _line_of(edit: QTextEdit, pos: int):
    doc = edit.document()
    block = doc.findBlock(pos)
    if not block.isValid():
        block = doc.lastBlock()
    layout = block.layout()
    line = layout.lineForTextPosition(max(0, min(pos - block.position(), block.length() - 1)))
    return block, layout, line


def line_extent(edit: QTextEdit, pos: int) -> tuple[float, float]:
    """(top, bottom) in viewport coordinates of the line holding UTF-16 position `pos`."""
    block, layout, line = _line_of(edit, pos)
    dy = edit.verticalScrollBar().value()
    top = layout.position().y() - dy
    if line.isValid():
        return top + line.y(), top + line.y() + line.height()
    r = edit.document().documentLayout().blockBoundingRect(block)
    return r.top() - dy, r.bottom() - dy


def range_rects(edit: QTextEdit, a: int, b: int, off: QPointF | None = None) -> list[QRectF]:
    """One rectangle per line piece of [a, b) (viewport coordinates)."""
    rects: list[QRectF] = []
    if b <= a:
        return rects
    off = scroll_offset(edit) if off is None else off
    block = edit.document().findBlock(a)
    while block.isValid():
        bpos = block.position()
        if bpos >= b:
            break
        layout = block.layout()
        s = max(a, bpos) - bpos
        e = min(b, bpos + block.length() - 1) - bpos
        count = layout.lineCount()
        if e > s and count:
            origin = layout.position() - off
            ox, oy = origin.x(), origin.y()
            line = layout.lineForTextPosition(s)
            n = line.lineNumber()
            while True:
                ls = line.textStart()
                if ls >= e:
                    break
                le = ls + line.textLength()
                x1 = line.cursorToX(s if s > ls else ls)[0]
                x2 = line.cursorToX(e if e < le else le)[0]
                if x2 > x1:
                    rects.append(QRectF(ox + x1, oy + line.y(), x2 - x1, line.height()))
                n += 1
                if n >= count:
                    break
                line = layout.lineAt(n)
        block = block.next()
    return rects


def exact_position(edit: QTextEdit, point: QPoint) -> int:
    """UTF-16 position under `point` (viewport coordinates) when it is on text, else -1."""
    p = QPointF(point) + scroll_offset(edit)
    return edit.document().documentLayout().hitTest(p, Qt.ExactHit)
