"""Undoable document changes: import a batch of read transcripts, delete documents (undo puts
every row back with the same ids), set one attribute value."""

from __future__ import annotations

from app.core import workbench_docs as wd
from app.core.documents import PreparedDocument
from app.i18n import _
from app.views.commands.base import SessionCommand
from app.views.session import Session


class ImportDocumentsCommand(SessionCommand):
    def __init__(self, session: Session, batch: list[PreparedDocument]) -> None:
        super().__init__(session, _("Import {n} documents").format(n=len(batch)))
        self.batch = batch
        self.guids: list[str] | None = None

    def apply(self, s) -> None:
        self.guids = wd.add_documents(s, self.batch, self.guids)

    def revert(self, s) -> None:
        wd.remove_documents(s, self.guids)

    def refresh(self) -> None:
        self.session.documentsChanged.emit()
        self.session.countsChanged.emit()


class RemoveDocumentsCommand(SessionCommand):
    """Delete documents with their codings."""

    def __init__(self, session: Session, guids: list[str]) -> None:
        super().__init__(session, _("Delete {n} documents").format(n=len(guids)))
        self.guids = list(guids)
        self.snapshot: wd.DocumentsSnapshot | None = None

    def apply(self, s) -> None:
        self.snapshot = wd.snapshot_documents(s, self.guids)
        wd.remove_documents(s, self.guids)

    def revert(self, s) -> None:
        wd.restore_documents(s, self.snapshot)

    def refresh(self) -> None:
        self.session.documentsChanged.emit()
        self.session.codingsChanged.emit(None)
        self.session.countsChanged.emit()


class SetAttributeCommand(SessionCommand):
    """Set one attribute value on one document (empty removes it); undo restores the old one."""

    def __init__(self, session: Session, document_guid: str, name: str, value: str) -> None:
        super().__init__(session, _("Set {attribute}").format(attribute=name))
        self.document_guid, self.name, self.new = document_guid, name, value
        self.old: str | None = None

    def apply(self, s) -> None:
        old = wd.set_attribute(s, self.document_guid, self.name, self.new)
        if self.old is None:
            self.old = old

    def revert(self, s) -> None:
        wd.set_attribute(s, self.document_guid, self.name, self.old or "")

    def refresh(self) -> None:
        self.session.documentsChanged.emit()
