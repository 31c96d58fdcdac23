"""Import transcripts off the GUI thread: files are read and checked one by one in a worker
thread behind a progress dialog that can be cancelled; only when every file is ready are they
written, in one transaction, as an undoable command. Cancel before that and nothing changes.
Then the new transcripts are added to the search index in the background (Session.update_index)
when the project has one, so the next search does not wait for a full build.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.core.documents import PreparedDocument, prepare_files
from app.errors import SitatError
from app.i18n import _
from app.views.commands.documents import ImportDocumentsCommand
from app.views.session import Session


class _Reader:
    """Reads and checks the files in a plain Python thread. It never touches Qt: progress and
    the result go through a queue that the GUI thread polls (signals emitted from worker
    threads have crashed PySide6 builds)."""

    def __init__(self, paths: list[Path]) -> None:
        self.paths = paths
        self.cancel = threading.Event()
        self.events: queue.SimpleQueue = queue.SimpleQueue()

    def run(self) -> None:
        batch: list[PreparedDocument] = []
        path = self.paths[0] if self.paths else Path()
        try:
            for i, path in enumerate(self.paths):
                if self.cancel.is_set():
                    self.events.put(("done", None))
                    return
                self.events.put(("progress", (i, path.name)))
                batch += prepare_files([path])
        except SitatError as exc:
            self.events.put(("done", str(exc)))
            return
        except Exception as exc:  # noqa: BLE001 - shown as a message, never a traceback
            self.events.put(("done", _("Could not read {name}: {reason}").format(
                name=path.name, reason=exc)))
            return
        self.events.put(("done", None if self.cancel.is_set() else batch))


class ImportRunner(QObject):
    """One import: `start()` returns at once; `finished(list of names)` or `failed(message)`."""

    finished = Signal(list)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, session: Session, paths: list[Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.paths = [Path(p) for p in paths]
        self.reader = _Reader(self.paths)
        self.worker = threading.Thread(target=self.reader.run, name="sitat-import", daemon=True)
        self.timer = QTimer(self)
        self.timer.setInterval(40)
        self.timer.timeout.connect(self._poll)
        self.dialog = QProgressDialog(_("Reading transcripts..."), _("Cancel"), 0,
                                      len(self.paths), parent)
        self.dialog.setWindowTitle(_("Import"))
        self.dialog.setWindowModality(Qt.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.canceled.connect(self.cancel)

    def start(self) -> None:
        self.dialog.setValue(0)
        self.worker.start()
        self.timer.start()

    def cancel(self) -> None:
        self.reader.cancel.set()

    def _poll(self) -> None:
        while True:
            try:
                kind, value = self.reader.events.get_nowait()
            except queue.Empty:
                return
            if kind == "progress":
                self._progress(*value)
            else:
                self.timer.stop()
                self._done(value)
                return

    def _progress(self, i: int, name: str) -> None:
        self.dialog.setLabelText(_("Reading {name} ({i} of {n})").format(
            name=name, i=i + 1, n=len(self.paths)))
        self.dialog.setValue(i)

    def _done(self, result) -> None:
        self.worker.join()
        self.dialog.reset()
        self.dialog.hide()
        if result is None:
            self.cancelled.emit()
        elif isinstance(result, str):
            self.session.failed.emit(result)
            self.failed.emit(result)
        elif self.session.execute(ImportDocumentsCommand(self.session, result)):
            self.session.update_index()  # the new transcripts become searchable meanwhile
            self.finished.emit([p.name for p in result])
        else:
            self.failed.emit("")
        self.deleteLater()
