"""Many people at once: the window follows a shared project while others change it. A timer
asks for the project revision (one row) about once a second, off the GUI thread; when someone
else's action moved it, the document list, code tree, counts, the open transcript's highlights
and the coded segments are read again - the user's selection, scroll position and open document
stay - and search results are marked stale. When the server cannot be reached the status bar
says so, the window stays readable, changes are refused, and it retries (1, 2, 4 ... 30 s);
once back, the status clears and the view is refreshed. On a large project a refresh
spaces the next poll (COST_FACTOR), and none happens while a mouse button is down (the
next poll does it). A project file is not polled: only
this program writes it (its lock file keeps others out)."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QLabel

from app.i18n import _

POLL_MS = 1000
BACKOFF_S = (1, 2, 4, 8, 16, 30)
# A refresh may take a while on a large project (all panels read again on the GUI thread):
# the next poll waits this many times what the last refresh cost, so following others never
# takes more than about a quarter of the window's time (and stays within ~2 s).
COST_FACTOR = 3


class _Answer(QObject):
    """Carries a poll's result from its thread to the GUI thread (a queued signal)."""

    arrived = Signal(object, object, object)  # project, revision or None, error or None


class LiveSync(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.session = None
        self.seen: int | None = None  # the revision the window shows
        self.failures = 0
        self.pending = False  # others changed something not yet shown (the user was busy)
        self.last_cost = 0.0  # seconds the last refresh took
        self._thread: threading.Thread | None = None
        self._listening = None  # the session whose connectionLost is connected
        self._answer = _Answer(self)
        self._answer.arrived.connect(self._arrived)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.poll)
        self.label = QLabel(window)  # the offline notice, in the status bar while offline
        self.label.setStyleSheet("QLabel { color: white; background: #B03A2E; "
                                 "padding: 1px 8px; font-weight: bold; }")
        self.label.hide()
        # permanent (first on the right): a passing status message must not hide it
        window.statusBar().insertPermanentWidget(0, self.label)

    # -- following a session --------------------------------------------------------------------
    def follow(self, session) -> None:
        """Start following `session` (its project when shared; a project file: nothing)."""
        self.stop()
        self.session = session
        self.failures = 0
        self.pending, self.last_cost = False, 0.0
        self._show_offline(False)
        if session is None or not session.project.shared:
            return
        session.connectionLost.connect(self._lost_in_action)
        self._listening = session
        try:
            self.seen = session.project.revision()
        except Exception:  # noqa: BLE001 - the first poll says offline and retries
            self.seen = None
        self.timer.start(POLL_MS)

    def stop(self) -> None:
        """Stop polling (before the project closes): waits for a poll in flight."""
        self.timer.stop()
        listening, self._listening = self._listening, None
        if listening is not None:
            try:
                listening.connectionLost.disconnect(self._lost_in_action)
            except (RuntimeError, TypeError):  # the session's QObject is gone already
                pass
        self.session = None
        thread, self._thread = self._thread, None
        if thread is not None:
            thread.join(timeout=15)

    @property
    def offline(self) -> bool:
        return self.session is not None and self.session.offline

    # -- polling -------------------------------------------------------------------------------
    def poll(self) -> None:
        """Ask for the revision in a thread of its own (a server far away or gone must not
        freeze the window); the answer comes back to `_arrived`."""
        if self.session is None or (self._thread is not None and self._thread.is_alive()):
            return
        project = self.session.project
        self._thread = threading.Thread(target=self._ask, args=(project,), daemon=True,
                                        name="sitat-live")
        self._thread.start()

    def _ask(self, project) -> None:
        try:
            revision = project.revision()
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread, shown there
            self._answer.arrived.emit(project, None, exc)
            return
        self._answer.arrived.emit(project, revision, None)

    def _arrived(self, project, revision, error) -> None:
        session = self.session
        if session is None or project is not session.project:
            return  # a project closed or replaced meanwhile
        if error is not None:
            self._went_offline()
            return
        if session.offline or self.seen is None:
            self._came_back(revision)
        elif self._changed_by_others(revision) or self.pending:
            self.refresh()
        self.timer.start(self.interval())

    def interval(self) -> int:
        """Milliseconds to the next poll: a second, or longer after a costly refresh."""
        return max(POLL_MS, int(COST_FACTOR * self.last_cost * 1000))

    @staticmethod
    def user_busy() -> bool:
        """A mouse button is down (a selection being dragged, a code being dragged): a
        refresh now would pull the text or the list from under it."""
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QApplication

        return QApplication.mouseButtons() != Qt.NoButton

    def _changed_by_others(self, revision: int) -> bool:
        from app.core.server.changes import others_changed

        own = self.session.project.own_revisions
        changed = others_changed(self.seen, revision, own)
        self.seen = revision
        # copied at once: an import in a worker thread may add to it meanwhile
        own.difference_update({r for r in own.copy() if r <= revision})
        return changed

    # -- offline and back ----------------------------------------------------------------------
    def _lost_in_action(self) -> None:
        """An action found the server gone: retry soon (the poll says when it is back)."""
        self.failures = 0
        self._went_offline()

    def _went_offline(self) -> None:
        self.session.offline = True
        delay = BACKOFF_S[min(self.failures, len(BACKOFF_S) - 1)]
        self.failures += 1
        self._show_offline(True, delay)
        self.timer.start(delay * 1000)

    def _came_back(self, revision: int) -> None:
        self.session.offline = False
        self.failures = 0
        self.seen = revision
        self.session.project.own_revisions.clear()
        self._show_offline(False)
        self.window.statusBar().showMessage(
            _("Connected to the shared project again; the view is up to date."), 8000)
        self.refresh()

    def _show_offline(self, offline: bool, delay: int = 0) -> None:
        if offline:
            name = self.session.project.path.name
            self.label.setText(_("Offline: cannot reach the server of {name}. What you see "
                                 "stays; changes are not possible. Trying again in {seconds} "
                                 "s.").format(name=name, seconds=delay))
            self.label.show()
        else:
            self.label.hide()
            self.label.clear()

    # -- showing what others did -----------------------------------------------------------------
    def refresh(self) -> None:
        """Read again what the window shows, keeping the user's place (see module docstring);
        while the user holds a mouse button, at the next poll instead."""
        import time

        from app.views.live_refresh import refresh_window

        if self.user_busy():
            self.pending = True
            return
        self.pending = False
        started = time.perf_counter()
        try:
            refresh_window(self.window)
            self.last_cost = time.perf_counter() - started
        except Exception as exc:  # noqa: BLE001 - a read that finds the server gone
            from app.core.server.changes import is_disconnect

            if not is_disconnect(exc):
                raise
            self._went_offline()
