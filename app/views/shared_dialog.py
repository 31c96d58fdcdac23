"""File > Open shared project: a small dialog asking for a shared project's address (a
PostgreSQL URL) and, optionally, its password. The password goes into the in-memory connection
address only: never into settings, the recent list, the title or a message. Left empty,
libpq's own ~/.pgpass and PGPASSWORD are used."""

from __future__ import annotations

from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QWidget)

from app.core.server import ServerLocation, is_server_url
from app.errors import ProjectError
from app.i18n import _

PLACEHOLDER = "postgresql://user@host/database"


def location_with_password(url: str, password: str) -> ServerLocation:
    """The parsed location of `url`, with `password` (when given) for the connection only.
    A string that is no project address raises ProjectError with a message that does not
    repeat it (it might hold a password)."""
    url = url.strip()
    if not is_server_url(url):
        raise ProjectError(_("This is not the address of a shared project. It looks like "
                             "{example}.").format(example=PLACEHOLDER))
    try:
        location = ServerLocation.parse(url)
    except ProjectError:
        raise ProjectError(_("This is not the address of a shared project. It looks like "
                             "{example}.").format(example=PLACEHOLDER)) from None
    if password:
        location = ServerLocation(location.url.set(password=password))
    return location


def scrub(message: str, password: str) -> str:
    """`message` with the password (should a server ever repeat it) blotted out."""
    return message.replace(password, "***") if password else message


class SharedProjectDialog(QDialog):
    def __init__(self, parent: QWidget | None = None, url: str = "") -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Open shared project"))
        form = QFormLayout(self)
        note = QLabel(_("A shared project lives in a PostgreSQL database on a server. Leave "
                        "the password empty to use ~/.pgpass or PGPASSWORD. Sitat never "
                        "stores the password."))
        note.setWordWrap(True)
        form.addRow(note)
        self.url_edit = QLineEdit(url, self)
        self.url_edit.setPlaceholderText(PLACEHOLDER)
        self.url_edit.setMinimumWidth(380)
        form.addRow(_("Address:"), self.url_edit)
        self.password_edit = QLineEdit(self)
        self.password_edit.setEchoMode(QLineEdit.Password)
        self.password_edit.setPlaceholderText(_("(optional)"))
        form.addRow(_("Password:"), self.password_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, parent=self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        if url:
            self.password_edit.setFocus()

    def url(self) -> str:
        return self.url_edit.text().strip()

    def password(self) -> str:
        return self.password_edit.text()
