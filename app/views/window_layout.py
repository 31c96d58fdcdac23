"""How the main window shares out its room: the code tree as wide as its names, the document
list as wide as its name and first attributes (more where the screen has room, never a
column cut at the edge), the transcript the rest with a readable line, the coded-segments pane tall
enough for about ten rows; and the window's own size, fitted to the screen the first time
and where the user left it afterwards."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSize
from PySide6.QtWidgets import QWidget

from app.views import settings

DEFAULT_SIZE = QSize(1500, 940)  # the window before it knows its screen (tests, screenshots)
READING_WIDTH = 560  # px of transcript text (about 75 characters) the transcript aims for
MIN_TRANSCRIPT_SHARE = 0.38  # the transcript never gets less of the width than this
MAX_CODES_SHARE = 0.3
DOCUMENT_COLUMNS = 2  # the document list shows at least the name and the first attribute
LOWER_SHARE = 0.4  # of the middle column's height: the coded segments and search tabs


@dataclass(frozen=True)
class Widths:
    documents: int
    transcript: int
    codes: int


def share_width(total: int, codes_need: int, docs_edges: list[int],
                transcript_need: int) -> Widths:
    """Split `total` px between the three columns.

    The code tree gets what its names need (up to MAX_CODES_SHARE). The document list ends at
    a column's edge (`docs_edges`: the width that shows the first 1, 2, ... columns whole), so
    no column is cut: at least DOCUMENT_COLUMNS of them, more while the transcript keeps
    `transcript_need`, and never so many that the transcript falls under
    MIN_TRANSCRIPT_SHARE. The transcript takes the rest."""
    codes = min(codes_need, int(total * MAX_CODES_SHARE))
    room = total - codes
    most = room - int(total * MIN_TRANSCRIPT_SHARE)
    fitting = [e for e in docs_edges if e <= most]
    if not fitting:  # not even the names fit whole: as much of them as there is room for
        docs = max(0, min(most, docs_edges[0])) if docs_edges else 0
    else:
        docs = fitting[min(DOCUMENT_COLUMNS, len(fitting)) - 1]
        docs = max([docs] + [e for e in fitting if e <= room - transcript_need])
    return Widths(docs, room - docs, codes)


def fit_panels(window) -> Widths:
    """Size the window's three columns (and the transcript over the lower tabs) to what they
    show now; called when a project is first shown in a window."""
    split = window.centralWidget()
    handles = split.handleWidth() * (split.count() - 1)
    total = max(split.width(), window.width()) - handles
    transcript = window.transcript
    margin = transcript.margin.preferred_width() or transcript.margin.label_room()
    height = max(window.middle.height(), window.height() - 120)  # below menus and toolbar
    widths = share_width(
        total,
        codes_need=window.codes.needed_width(),
        docs_edges=window.docs.column_edges(height - 70),  # below its filters
        transcript_need=READING_WIDTH + margin + transcript.verticalScrollBar().sizeHint().width()
        + 2 * transcript.frameWidth())
    split.setSizes([widths.documents, widths.transcript, widths.codes])
    lower = int(height * LOWER_SHARE)
    window.middle.setSizes([height - lower, lower])
    return widths


def place_on_screen(window: QWidget) -> None:
    """Where the user left the window last time; the first time, most of the screen (at least
    DEFAULT_SIZE where the screen has room for it)."""
    saved = settings.get("window/geometry")
    if isinstance(saved, QByteArray) and not saved.isEmpty() and window.restoreGeometry(saved):
        return
    screen = window.screen()
    if screen is None:
        return
    room = screen.availableGeometry()
    width = min(room.width(), max(DEFAULT_SIZE.width(), int(room.width() * 0.9)))
    height = min(room.height(), max(DEFAULT_SIZE.height(), int(room.height() * 0.9)))
    window.resize(width, height)
    window.move(room.x() + (room.width() - width) // 2, room.y() + (room.height() - height) // 2)


def remember_place(window: QWidget) -> None:
    settings.put("window/geometry", window.saveGeometry())
