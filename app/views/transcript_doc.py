"""Build the read-only QTextDocument of a transcript: the text as stored, speaker labels bold in
the speaker's colour, space before each turn, comfortable line height. Formats are set per turn
(about a thousand calls for a two-hour interview), never per character.
"""

from __future__ import annotations

from typing import Sequence

from PySide6.QtGui import (
    QFont,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextOption,
)

from app.core.workbench import Turn
from app.views import typography
from app.views.offsets import OffsetMap


def build_document(text: str, turns: Sequence[Turn], offsets: OffsetMap,
                   parent=None) -> QTextDocument:
    doc = QTextDocument(parent)
    doc.setUndoRedoEnabled(False)
    doc.setDefaultFont(typography.body_font())
    doc.setDocumentMargin(typography.DOCUMENT_MARGIN_PX)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapAtWordBoundaryOrAnywhere)
    doc.setDefaultTextOption(option)
    doc.setPlainText(text)

    cursor = QTextCursor(doc)
    cursor.beginEditBlock()
    base = QTextBlockFormat()
    base.setLineHeight(typography.LINE_HEIGHT_PERCENT,
                       QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
    cursor.select(QTextCursor.Document)
    cursor.mergeBlockFormat(base)

    gap = QTextBlockFormat()
    gap.setTopMargin(typography.TURN_GAP_PX)
    colours = typography.speaker_colours([t.speaker for t in turns])
    label_formats: dict[str, QTextCharFormat] = {}
    for sp, colour in colours.items():
        f = QTextCharFormat()
        f.setFontWeight(QFont.DemiBold)
        f.setForeground(colour)
        label_formats[sp] = f
    for t in turns:
        a = offsets.to_qt(t.label_start)
        cursor.setPosition(a)
        cursor.mergeBlockFormat(gap)
        if t.start > t.label_start:
            cursor.setPosition(offsets.to_qt(t.start), QTextCursor.KeepAnchor)
            cursor.mergeCharFormat(label_formats[t.speaker])
    cursor.endEditBlock()
    return doc
