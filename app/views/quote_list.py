"""A list of quotes in which each quote reads as text and its source line (document, speaker,
coders, round, where it is) sits under it smaller and grey, so the two never look alike."""

from __future__ import annotations

import html
import math

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QPalette, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
)

QuoteRole = Qt.UserRole + 11  # the quote's text, as shown
SourceRole = Qt.UserRole + 12  # the line that says where it comes from
SOURCE_GREY = "#6b6b6b"
SOURCE_SIZE = 0.85  # of the quote's font size


def add_quote(view: QListWidget, quote: str, source: str, data=None) -> QListWidgetItem:
    """One quote with its source line; the item's text is both (copying or reading it aloud
    gives everything), `data` goes to Qt.UserRole."""
    item = QListWidgetItem(f"{quote}\n{source}" if source else quote, view)
    item.setData(QuoteRole, quote)
    item.setData(SourceRole, source)
    item.setToolTip(f"{quote}\n\n{source}" if source else quote)
    if data is not None:
        item.setData(Qt.UserRole, data)
    return item


class QuoteDelegate(QStyledItemDelegate):
    """Paints a quote item: the quote wrapped to the list's width in the list's font, the source
    line under it smaller and grey (lighter text on the selection colour when selected)."""

    def _document(self, option, index, width: int, selected: bool) -> QTextDocument:
        quote = index.data(QuoteRole)
        source = index.data(SourceRole) or ""
        if quote is None:
            quote = index.data(Qt.DisplayRole) or ""
        text = option.palette.color(QPalette.HighlightedText if selected else QPalette.Text)
        grey = text if selected else QColor(SOURCE_GREY)
        size = option.font.pointSizeF() * SOURCE_SIZE if option.font.pointSizeF() > 0 else 8
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setDocumentMargin(4)
        doc.setTextWidth(max(50, width))
        body = f'<p style="margin:0; color:{text.name()}">{html.escape(quote)}</p>'
        if source:
            body += (f'<p style="margin-top:2px; margin-bottom:0; color:{grey.name()};'
                     f' font-size:{size:.1f}pt">{html.escape(source)}</p>')
        doc.setHtml(body)
        return doc

    def paint(self, painter, option, index) -> None:
        self.initStyleOption(option, index)
        widget = option.widget
        style = widget.style() if widget else QApplication.style()
        selected = bool(option.state & QStyle.State_Selected)
        doc = self._document(option, index, option.rect.width(), selected)
        option.text = ""
        style.drawControl(QStyle.CE_ItemViewItem, option, painter, widget)
        painter.save()
        painter.translate(option.rect.topLeft())
        painter.setClipRect(0, 0, option.rect.width(), option.rect.height())
        doc.documentLayout().draw(painter, QAbstractTextDocumentLayout.PaintContext())
        painter.restore()

    def sizeHint(self, option, index) -> QSize:
        view = self.parent()
        width = view.viewport().width() - 2 * view.spacing() if view is not None else 400
        doc = self._document(option, index, width, False)
        return QSize(width, math.ceil(doc.size().height()) + 2)
