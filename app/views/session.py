"""An open project in the window: the project, the current coder, the coder filter, the one undo
stack, and signals that tell panels what changed. Panels read through it; changes go through
commands (app/views/commands/) pushed with `execute`.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from app.core import workbench as wb
from app.core.project import Project
from app.errors import SitatError
from app.i18n import _

FILTER_MINE, FILTER_ALL, FILTER_CHOSEN = "mine", "all", "chosen"


class Session(QObject):
    codingsChanged = Signal(object)  # set of document guids, or None for every document
    codingAdded = Signal(str, object)  # document guid, ShownCoding
    codingRemoved = Signal(str, object)  # document guid, ShownCoding that was removed
    codingUpdated = Signal(str, object)  # document guid, ShownCoding (same span)
    countsChanged = Signal()  # numbers of codings changed (code tree, documents)
    codebookChanged = Signal()
    documentsChanged = Signal()
    coderChanged = Signal()
    filterChanged = Signal()
    failed = Signal(str)  # a message for the user
    jumpRequested = Signal(str, int, int, str)  # document guid, start, end, coding guid
    condensationChanged = Signal(str)  # code guid
    connectionLost = Signal()  # a shared project's server went away during an action

    def __init__(self, project: Project, coder_name: str, parent=None) -> None:
        super().__init__(parent)
        self.project = project
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(500)
        self.coder_name = coder_name.strip()
        from app.core.codelog import set_actor

        set_actor(self.coder_name)  # the codebook log names who changed a code
        self.filter_mode = FILTER_ALL
        self.chosen_coders: set[int] = set()
        self._search_index = None
        self._index_thread: threading.Thread | None = None
        # One idle connection held while the window has the project open: SQLite then does not
        # checkpoint the write-ahead log each time an action's own connection closes (some
        # 20 ms per coding in a 100 MB project); Project.close still checkpoints and closes it.
        self._keeper = None if project.read_only else project.engine.raw_connection()
        # a shared project whose server cannot be reached (app.views.live_sync sets it): the
        # window stays readable, and actions that write are refused before they start
        self.offline = False

    def search_index(self):
        """The project's search index, opened on first use and kept open while the project is
        (so a search does not reopen it; it follows the project by itself). Waits for the
        background update after an import (`update_index`), if one is running."""
        self.wait_for_index()
        if self._search_index is None:
            from app.core.search.index import ProjectIndex

            self._search_index = ProjectIndex(self.project)
        return self._search_index

    def update_index(self) -> None:
        """Add what changed (documents just imported) to the search index in a background
        thread, so the next search finds them without building the index again. A project
        never searched on this machine has no index yet: the first search builds it."""
        from app.core.search.index import ProjectIndex

        index = self.search_index()
        if not index.exists():
            return
        # An index object of its own: the window's keeps its searcher (an open list of hits
        # pages on from it) and reopens on the next search.
        own = ProjectIndex(self.project, folder=index.folder)
        self._index_thread = threading.Thread(target=_update_quietly, args=(own,),
                                              name="sitat-index", daemon=True)
        self._index_thread.start()

    def wait_for_index(self) -> None:
        """Wait for the background index update to finish (quick: only new documents)."""
        thread, self._index_thread = self._index_thread, None
        if thread is not None:
            thread.join()

    @property
    def path(self) -> Path:
        return self.project.path

    @property
    def title(self) -> str:
        return self.project.title

    def close(self) -> None:
        self.undo_stack.clear()
        self.wait_for_index()
        if self._keeper is not None:
            self._keeper.close()
            self._keeper = None
        if self._search_index is not None:
            self._search_index.close()
            self._search_index = None
        self.project.close()

    # -- reading -------------------------------------------------------------------------
    @contextmanager
    def read(self) -> Iterator:
        with self.project.read() as s:
            yield s

    def coders(self) -> list[wb.CoderInfo]:
        with self.read() as s:
            return wb.coders(s)

    def coder(self) -> wb.CoderInfo | None:
        """The current coder if already known to the project (created on first coding)."""
        return next((c for c in self.coders() if c.name == self.coder_name), None)

    # -- coder and filter ------------------------------------------------------------------
    def set_coder_name(self, name: str) -> None:
        from app.core.codelog import set_actor

        self.coder_name = name.strip()
        set_actor(self.coder_name)
        self.coderChanged.emit()
        if self.filter_mode == FILTER_MINE:
            self.filterChanged.emit()

    def set_filter(self, mode: str, chosen: set[int] | None = None) -> None:
        self.filter_mode = mode
        if chosen is not None:
            self.chosen_coders = set(chosen)
        self.filterChanged.emit()

    def visible_coder_ids(self) -> set[int] | None:
        """Coder ids whose codings are shown, or None for all coders."""
        if self.filter_mode == FILTER_ALL:
            return None
        if self.filter_mode == FILTER_MINE:
            me = self.coder()
            return {me.id} if me else set()
        return set(self.chosen_coders)

    def comparing(self) -> bool:
        """True when codings are coloured by coder (several chosen coders side by side)."""
        return self.filter_mode == FILTER_CHOSEN and len(self.chosen_coders) > 1

    # -- changing ----------------------------------------------------------------------
    def execute(self, command) -> bool:
        """Do a command (an app.views.commands.base.SessionCommand) now, in one transaction,
        and put it on the undo stack; False if refused."""
        if self.refuse_offline():
            return False
        try:
            command.first()
        except SitatError as exc:
            if not self.lost(exc):  # a lost server is said once, as offline
                self.failed.emit(str(exc))
            return False
        except Exception as exc:  # the database driver's own errors: a lost server?
            if not self.lost(exc):
                raise
            return False
        self.undo_stack.push(command)
        return True

    def offline_message(self) -> str:
        return _("The shared project is offline: the server cannot be reached, so nothing was "
                 "changed. Sitat keeps trying to reconnect; what you see stays readable.")

    def refuse_offline(self) -> bool:
        """True (and the user told) when the project is offline, so a change must not start."""
        if self.offline:
            self.failed.emit(self.offline_message())
        return self.offline

    def lost(self, exc: BaseException) -> bool:
        """An action failed because the shared project's server went away: say it is offline
        (the transaction was rolled back by the server) and let the window start retrying."""
        from app.core.server.changes import is_disconnect

        if not (self.project.shared and is_disconnect(exc)):
            return False
        self.offline = True
        self.connectionLost.emit()
        self.failed.emit(self.offline_message())
        return True

    def report(self, exc: Exception) -> None:
        """An undo/redo step failed (someone else changed what it touches, or the project was
        changed elsewhere): say so, start afresh."""
        from app.errors import EditConflict

        if self.lost(exc):
            pass
        elif isinstance(exc, EditConflict):
            self.failed.emit(str(exc))
        else:
            self.failed.emit(_("This step could not be undone or redone: {reason}").format(
                reason=exc) if isinstance(exc, SitatError) else str(exc))
        QTimer.singleShot(0, self.undo_stack.clear)
        QTimer.singleShot(0, self.refresh_all)

    def refresh_all(self) -> None:
        self.codebookChanged.emit()
        self.documentsChanged.emit()
        self.codingsChanged.emit(None)
        self.countsChanged.emit()


def _update_quietly(index) -> None:
    """Bring the index up to date; a failure is left for the next search, which tries again
    and says what went wrong."""
    try:
        index.ensure()
    except Exception:  # noqa: BLE001 - reported by the search that needs the index
        pass
    finally:
        index.close()
