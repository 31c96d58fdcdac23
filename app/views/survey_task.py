"""Long survey work (reading a 20,000-row file for its preview, importing it in one
transaction) off the GUI thread: a plain Python thread runs the work, the GUI thread polls a
queue for progress and the result and shows a busy dialog meanwhile, so the window never
freezes. The work itself never touches Qt (signals emitted from worker threads have crashed
PySide6 builds, see app.views.importer)."""

from __future__ import annotations

import queue
import threading
from typing import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from app.errors import Cancelled, SitatError
from app.i18n import _


class Progress:
    """What the work may call while it runs: `step(done, total)` puts a progress event on the
    queue and raises Cancelled once the user pressed Cancel (the transaction then rolls back)."""

    def __init__(self) -> None:
        self.cancel = threading.Event()
        self.events: queue.SimpleQueue = queue.SimpleQueue()

    def step(self, done: int, total: int) -> None:
        if self.cancel.is_set():
            raise Cancelled(_("Cancelled: nothing was changed."))
        self.events.put(("progress", (int(done), int(total))))


class BackgroundTask(QObject):
    """`work(progress)` in a thread; `finished(result)`, `failed(message)` or `cancelled()`
    on the GUI thread. A SitatError is shown in its own words, anything else with the name of
    what was being done."""

    finished = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, work: Callable[[Progress], object], label: str,
                 parent: QWidget | None = None, cancellable: bool = True) -> None:
        super().__init__(parent)
        self.work, self.label = work, label
        self.progress = Progress()
        self.result = None
        self.error: str | None = None
        self.running = False
        self.worker = threading.Thread(target=self._run, name="sitat-survey", daemon=True)
        self.timer = QTimer(self)
        self.timer.setInterval(40)
        self.timer.timeout.connect(self._poll)
        self.dialog = QProgressDialog(label, _("Cancel") if cancellable else "", 0, 0, parent)
        if not cancellable:
            self.dialog.setCancelButton(None)
        self.dialog.setWindowTitle(_("Survey"))
        self.dialog.setWindowModality(Qt.WindowModal)
        self.dialog.setMinimumDuration(300)  # a quick job never flashes a dialog
        self.dialog.canceled.connect(self.progress.cancel.set)

    def start(self) -> None:
        self.running = True
        self.dialog.setValue(0)
        self.worker.start()
        self.timer.start()

    def _run(self) -> None:
        try:
            result = self.work(self.progress)
        except Cancelled:
            self.progress.events.put(("cancelled", None))
        except SitatError as exc:
            self.progress.events.put(("failed", str(exc)))
        except Exception as exc:  # noqa: BLE001 - said to the user, never a traceback
            self.progress.events.put(("failed", _("{what} failed: {reason}").format(
                what=self.label.rstrip(". "), reason=exc)))
        else:
            self.progress.events.put(("done", result))

    def _poll(self) -> None:
        while True:
            try:
                kind, value = self.progress.events.get_nowait()
            except queue.Empty:
                return
            if kind == "progress":
                done, total = value
                if total > 0:
                    self.dialog.setMaximum(total)
                    self.dialog.setValue(min(done, total))
                continue
            self.timer.stop()
            self.worker.join()
            self.running = False
            self.dialog.reset()
            self.dialog.hide()
            if kind == "done":
                self.result = value
                self.finished.emit(value)
            elif kind == "failed":
                self.error = value
                self.failed.emit(value)
            else:
                self.cancelled.emit()
            return
