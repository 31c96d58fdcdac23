"""What the window does with an error no action caught (a Qt slot that raised): a lost server
marks a shared project offline - the status bar says so and Sitat reconnects - instead of a
traceback on a terminal nobody reads; a Sitat error is shown in the user's words; anything else
is shown too, with the reassurance that one action is saved whole or not at all, and still
printed for a bug report."""

from __future__ import annotations

import sys
import traceback

from PySide6.QtWidgets import QApplication, QMessageBox

from app.core.server.changes import is_disconnect
from app.errors import SitatError
from app.i18n import _


def handle(exc_type, exc, tb) -> bool:
    """Tell the user about `exc` in the open window; True when it was handled quietly (a lost
    server, a Sitat error), False when it also deserves the default report."""
    app = QApplication.instance()
    window = app.property("sitat_window") if app is not None else None
    session = getattr(window, "session", None)
    if session is not None and session.project.shared and is_disconnect(exc):
        if not session.offline:  # reading only: the status bar says it, no dialog
            session.offline = True
            session.connectionLost.emit()  # the window shows the notice and reconnects
        return True
    if window is None:
        return False
    if isinstance(exc, SitatError):
        QMessageBox.warning(window, _("Sitat"), str(exc))
        return True
    QMessageBox.critical(
        window, _("Something went wrong"),
        _("Sitat met an error it did not expect: {error}\n\nYour project is safe: every action "
          "is saved whole or not at all. If this happens again, please report it with what you "
          "were doing.").format(error=f"{exc_type.__name__}: {exc}"))
    return False


def install() -> None:
    """Use `handle` for errors nothing caught (the window's event loop only)."""
    previous = sys.excepthook

    def hook(exc_type, exc, tb) -> None:
        try:
            handled = handle(exc_type, exc, tb)
        except Exception:  # noqa: BLE001 - the hook itself must never fail
            handled = False
        if not handled:
            if previous is not None:
                previous(exc_type, exc, tb)
            else:
                traceback.print_exception(exc_type, exc, tb)

    sys.excepthook = hook
