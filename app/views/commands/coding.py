"""Undoable codings: code a selection, remove a coding, its memo, and "code all hits" of a
search. Undo and redo put back the very same codings (same guids)."""

from __future__ import annotations

from app.core import workbench as wb
from app.core.coding import code_still_there, coding_unchanged
from app.core.documents import document_still_there
from app.i18n import _
from app.views.commands.base import SessionCommand
from app.views.session import Session


class ApplyCodingCommand(SessionCommand):
    def __init__(self, session: Session, document_guid: str, code_guid: str, code_name: str,
                 start: int, end: int, document_name: str = "") -> None:
        super().__init__(session, _("Code with {code}").format(code=code_name))
        self.document_guid, self.code_guid = document_guid, code_guid
        self.code_name, self.document_name = code_name, document_name
        self.start, self.end = start, end
        self.snapshot: wb.CodingSnapshot | None = None
        self.shown: wb.ShownCoding | None = None

    def apply(self, s) -> None:
        # deleted by someone else since this window showed them: say so by name
        document_still_there(s, self.document_guid, self.document_name)
        code_still_there(s, self.code_guid, self.code_name)
        coder = wb.ensure_coder(s, self.session.coder_name)
        self.snapshot = wb.apply_code(s, self.document_guid, self.code_guid, coder.id,
                                      self.start, self.end)
        self.shown = wb.shown_coding(s, self.snapshot.guid)

    def reapply(self, s) -> None:
        wb.restore_coding(s, self.snapshot)

    def revert(self, s) -> None:
        coding_unchanged(s, self.snapshot, self.text())  # nobody else changed or removed it
        wb.delete_coding(s, self.snapshot.guid)

    def refresh(self) -> None:  # the window follows these two, counts included
        self.session.codingAdded.emit(self.document_guid, self.shown)

    def refresh_undone(self) -> None:
        self.session.codingRemoved.emit(self.document_guid, self.shown)


class RemoveCodingCommand(SessionCommand):
    def __init__(self, session: Session, coding: wb.ShownCoding, document_guid: str) -> None:
        super().__init__(session, _("Remove coding {code}").format(code=coding.code_name))
        self.coding, self.document_guid = coding, document_guid
        self.snapshot: wb.CodingSnapshot | None = None

    def apply(self, s) -> None:
        self.snapshot = wb.delete_coding(s, self.coding.guid)

    def revert(self, s) -> None:
        document_still_there(s, self.snapshot.document_guid, "")
        code_still_there(s, self.snapshot.code_guid, self.coding.code_name)
        wb.restore_coding(s, self.snapshot)
        self.coding = wb.shown_coding(s, self.coding.guid)

    def refresh(self) -> None:
        self.session.codingRemoved.emit(self.document_guid, self.coding)

    def refresh_undone(self) -> None:
        self.session.codingAdded.emit(self.document_guid, self.coding)


class CodingMemoCommand(SessionCommand):
    def __init__(self, session: Session, coding: wb.ShownCoding, document_guid: str,
                 memo: str) -> None:
        super().__init__(session, _("Memo on coding {code}").format(code=coding.code_name))
        self.guid, self.document_guid = coding.guid, document_guid
        self.new, self.old = memo, coding.memo
        self.shown: wb.ShownCoding | None = None

    def _set(self, s, memo: str) -> None:
        wb.set_coding_memo(s, self.guid, memo)
        self.shown = wb.shown_coding(s, self.guid)

    def apply(self, s) -> None:
        self._set(s, self.new)

    def revert(self, s) -> None:
        self._set(s, self.old)

    def refresh(self) -> None:
        self.session.codingUpdated.emit(self.document_guid, self.shown)


class CodeHitsCommand(SessionCommand):
    """Code every hit (spread to sentence, paragraph or turn) in one transaction; undo removes
    exactly the codings it made. `hits` is a list of hits or a search stream
    (app.core.search.stream): a stream is walked from its first hit, a batch at a time, inside
    the same transaction, and let go of once the codings are made."""

    def __init__(self, session: Session, hits, code_path: str, spread: str) -> None:
        super().__init__(session, _("Code {n} hits with {code}").format(n=len(hits),
                                                                         code=code_path))
        self.hits, self.code_path, self.spread = hits, code_path, spread
        self.snapshots: list[wb.CodingSnapshot] = []

    @property
    def made(self) -> int:
        return len(self.snapshots)

    def apply(self, s) -> None:
        from app.core.search.service import code_hits_made

        made = code_hits_made(s, self.hits, self.code_path, self.session.coder_name,
                              self.spread)
        self.snapshots = [wb.snapshot_coding(s, g) for g in made]
        self.hits = ()  # redo puts back the snapshots; the hits are not needed again

    def reapply(self, s) -> None:
        for snap in self.snapshots:
            wb.restore_coding(s, snap)

    def revert(self, s) -> None:
        for snap in self.snapshots:
            wb.delete_coding(s, snap.guid)

    def refresh(self) -> None:
        self.session.codingsChanged.emit(None)
        self.session.countsChanged.emit()
