"""What the main window's controllers (code, coding, project, team and export actions) may use
of the window, declared as a Protocol so they hold the window without importing main_window;
and their common base."""

from __future__ import annotations

from typing import Callable, Protocol, runtime_checkable

from PySide6.QtCore import SignalInstance
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSplitter, QStatusBar, QTabWidget

from app.views.panels import CodesPanel, DocumentsPanel
from app.views.search_panel import SearchPanel
from app.views.session import Session
from app.views.transcript import TranscriptView


@runtime_checkable
class WindowHost(Protocol):
    """The main window as its controllers see it (app.views.main_window.MainWindow); it is
    also the parent of the dialogs they open."""

    session: Session | None
    current_doc: str | None  # guid of the document in the transcript
    current_code: str | None  # guid of the code chosen in the tree
    docs: DocumentsPanel
    codes: CodesPanel
    transcript: TranscriptView
    search: SearchPanel
    lower_tabs: QTabWidget  # coded segments | search, under the transcript
    middle: QSplitter  # transcript over lower_tabs
    recent_menu: QMenu
    bundled_menu: QMenu  # File > Import a bundled codebook, filled when it opens
    projectRequested: SignalInstance  # (path) open this project file instead
    newProjectRequested: SignalInstance  # (path) create a project there and open it

    def statusBar(self) -> QStatusBar: ...

    def activateWindow(self) -> None: ...

    def add_action(self, menu: QMenu, text: str, slot: Callable, shortcut=None) -> QAction: ...

    def show_error(self, message: str) -> None: ...

    def show_document(self, guid: str | None) -> None: ...

    def close_session(self) -> None: ...


class WindowActions:
    """A controller of the main window: holds the window (the parent of the dialogs it opens)
    and acts on the window's open session (None when no project is open), transcript, and
    current document and code (read here; the window sets them)."""

    def __init__(self, window: WindowHost) -> None:
        self.window = window

    @property
    def session(self) -> Session | None:
        return self.window.session

    @property
    def transcript(self) -> TranscriptView:
        return self.window.transcript

    @property
    def current_doc(self) -> str | None:
        return self.window.current_doc

    @property
    def current_code(self) -> str | None:
        return self.window.current_code

    def status(self, message: str, ms: int = 6000) -> None:
        self.window.statusBar().showMessage(message, ms)
