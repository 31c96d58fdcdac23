"""Import transcripts off the GUI thread: files are read and checked one by one in a worker
thread behind a progress dialog that can be cancelled; only when every file is ready are they
written, in one transaction, as an undoable command. Cancel before that and nothing changes.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.core import workbench_docs as wd
from app.core.documents import PreparedDocument, prepare_files
from app.errors import SitatError
from app.i18n import _
from app.views.session import Session, SessionCommand


class _Reader(QObject):
    progress = Signal(int, str)
    done = Signal(object)  # list[PreparedDocument] | str (error) | None (cancelled)

    def __init__(self, paths: list[Path]) -> None:
        super().__init__()
        self.paths = paths
        self.cancel = threading.Event()

    @Slot()
    def run(self) -> None:
        batch: list[PreparedDocument] = []
        try:
            for i, path in enumerate(self.paths):
                if self.cancel.is_set():
                    self.done.emit(None)
                    return
                self.progress.emit(i, path.name)
                batch += prepare_files([path])
        except SitatError as exc:
            self.done.emit(str(exc))
            return
        except Exception as exc:  # noqa: BLE001 - shown as a message, never a traceback
            self.done.emit(_("Could not read {name}: {reason}").format(name=path.name,
                                                                       reason=exc))
            return
        self.done.emit(None if self.cancel.is_set() else batch)


class ImportDocumentsCommand(SessionCommand):
    def __init__(self, session: Session, batch: list[PreparedDocument]) -> None:
        super().__init__(session, _("Import {n} documents").format(n=len(batch)))
        self.batch = batch
        self.guids: list[str] | None = None

    def do(self) -> None:
        with self.session.project.write() as s:
            self.guids = wd.add_documents(s, self.batch, self.guids)

    def undo_it(self) -> None:
        with self.session.project.write() as s:
            wd.remove_documents(s, self.guids)

    def notify(self) -> None:
        self.session.documentsChanged.emit()
        self.session.countsChanged.emit()


class ImportRunner(QObject):
    """One import: `start()` returns at once; `finished(list of names)` or `failed(message)`."""

    finished = Signal(list)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, session: Session, paths: list[Path], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.paths = [Path(p) for p in paths]
        self.thread = QThread(self)
        self.reader = _Reader(self.paths)
        self.reader.moveToThread(self.thread)
        self.thread.started.connect(self.reader.run)
        self.reader.progress.connect(self._progress, Qt.QueuedConnection)
        self.reader.done.connect(self._done, Qt.QueuedConnection)
        self.dialog = QProgressDialog(_("Reading transcripts..."), _("Cancel"), 0,
                                      len(self.paths), parent)
        self.dialog.setWindowTitle(_("Import"))
        self.dialog.setWindowModality(Qt.WindowModal)
        self.dialog.setMinimumDuration(300)
        self.dialog.canceled.connect(self.cancel)

    def start(self) -> None:
        self.dialog.setValue(0)
        self.thread.start()

    def cancel(self) -> None:
        self.reader.cancel.set()

    def _progress(self, i: int, name: str) -> None:
        self.dialog.setLabelText(_("Reading {name} ({i} of {n})").format(
            name=name, i=i + 1, n=len(self.paths)))
        self.dialog.setValue(i)

    def _done(self, result) -> None:
        self.thread.quit()
        self.thread.wait()
        self.dialog.reset()
        self.dialog.hide()
        if result is None:
            self.cancelled.emit()
        elif isinstance(result, str):
            self.session.failed.emit(result)
            self.failed.emit(result)
        elif self.session.execute(ImportDocumentsCommand(self.session, result)):
            self.finished.emit([p.name for p in result])
        else:
            self.failed.emit("")
        self.deleteLater()


class RemoveDocumentsCommand(SessionCommand):
    """Delete documents with their codings; undo puts every row back with the same ids."""

    def __init__(self, session: Session, guids: list[str]) -> None:
        super().__init__(session, _("Delete {n} documents").format(n=len(guids)))
        self.guids = list(guids)
        self.snapshot: wd.DocumentsSnapshot | None = None

    def do(self) -> None:
        with self.session.project.write() as s:
            self.snapshot = wd.snapshot_documents(s, self.guids)
            wd.remove_documents(s, self.guids)

    def undo_it(self) -> None:
        with self.session.project.write() as s:
            wd.restore_documents(s, self.snapshot)

    def notify(self) -> None:
        self.session.documentsChanged.emit()
        self.session.codingsChanged.emit(None)
        self.session.countsChanged.emit()
