"""Undoable commands for the workbench. Each step is one transaction through app/core, both ways,
and keeps guids stable so later commands on the stack still find what they refer to.
"""

from __future__ import annotations

from typing import Callable

from app.core import codelog, codetree
from app.core import workbench as wb
from app.i18n import _
from app.views.session import Session, SessionCommand


class ApplyCodingCommand(SessionCommand):
    def __init__(self, session: Session, document_guid: str, code_guid: str, code_name: str,
                 start: int, end: int) -> None:
        super().__init__(session, _("Code with {code}").format(code=code_name))
        self.document_guid, self.code_guid = document_guid, code_guid
        self.start, self.end = start, end
        self.snapshot: wb.CodingSnapshot | None = None
        self.shown: wb.ShownCoding | None = None

    def do(self) -> None:
        with self.session.project.write() as s:
            if self.snapshot is None:
                coder = wb.ensure_coder(s, self.session.coder_name)
                self.snapshot = wb.apply_code(s, self.document_guid, self.code_guid, coder.id,
                                              self.start, self.end)
                self.shown = wb.shown_coding(s, self.snapshot.guid)
            else:
                wb.restore_coding(s, self.snapshot)
        self.session.codingAdded.emit(self.document_guid, self.shown)

    def undo_it(self) -> None:
        with self.session.project.write() as s:
            wb.delete_coding(s, self.snapshot.guid)
        self.session.codingRemoved.emit(self.document_guid, self.shown)

    def notify(self) -> None:
        pass  # the window follows codingAdded / codingRemoved, counts included


class RemoveCodingCommand(SessionCommand):
    def __init__(self, session: Session, coding: wb.ShownCoding, document_guid: str) -> None:
        super().__init__(session, _("Remove coding {code}").format(code=coding.code_name))
        self.coding, self.document_guid = coding, document_guid
        self.snapshot: wb.CodingSnapshot | None = None

    def do(self) -> None:
        with self.session.project.write() as s:
            self.snapshot = wb.delete_coding(s, self.coding.guid)
        self.session.codingRemoved.emit(self.document_guid, self.coding)

    def undo_it(self) -> None:
        with self.session.project.write() as s:
            wb.restore_coding(s, self.snapshot)
            shown = wb.shown_coding(s, self.coding.guid)
        self.session.codingAdded.emit(self.document_guid, shown)

    def notify(self) -> None:
        pass  # the window follows codingAdded / codingRemoved, counts included


class CodingMemoCommand(SessionCommand):
    def __init__(self, session: Session, coding: wb.ShownCoding, document_guid: str,
                 memo: str) -> None:
        super().__init__(session, _("Memo on coding {code}").format(code=coding.code_name))
        self.guid, self.document_guid = coding.guid, document_guid
        self.new, self.old = memo, coding.memo

    def _set(self, memo: str) -> None:
        with self.session.project.write() as s:
            wb.set_coding_memo(s, self.guid, memo)
            shown = wb.shown_coding(s, self.guid)
        self.session.codingUpdated.emit(self.document_guid, shown)

    def do(self) -> None:
        self._set(self.new)

    def undo_it(self) -> None:
        self._set(self.old)

    def notify(self) -> None:
        pass


class CodebookCommand(SessionCommand):
    """A code tree edit done by `operation(session)` inside one transaction. The codebook and the
    codings of `scope` are checkpointed before and after, so undo and redo restore them exactly
    (same guids) instead of re-running the edit."""

    def __init__(self, session: Session, text: str, operation: Callable, scope: Callable) -> None:
        super().__init__(session, text)
        self.operation = operation
        self.scope = scope  # session -> set of code guids whose codings the edit touches
        self.before: codetree.Checkpoint | None = None
        self.after: codetree.Checkpoint | None = None
        self.result = None

    def do(self) -> None:
        with self.session.project.write() as s:
            if self.after is None:
                scope = set(self.scope(s))
                self.before = codetree.checkpoint(s, scope)
                self.result = self.operation(s)
                s.flush()
                self.after = codetree.checkpoint(s, scope)
            else:
                codetree.restore(s, self.after)
                codelog.record(s, "redo", "", "", what=self.text())

    def undo_it(self) -> None:
        with self.session.project.write() as s:
            codetree.restore(s, self.before)
            codelog.record(s, "undo", "", "", what=self.text())

    def notify(self) -> None:
        self.session.codebookChanged.emit()
        if self.before is not None and self.before.codings != (self.after.codings if self.after
                                                               else ()):
            self.session.codingsChanged.emit(None)
        self.session.countsChanged.emit()


class SetAttributeCommand(SessionCommand):
    """Set one attribute value on one document (empty removes it); undo restores the old one."""

    def __init__(self, session: Session, document_guid: str, name: str, value: str) -> None:
        super().__init__(session, _("Set {attribute}").format(attribute=name))
        self.document_guid, self.name, self.new = document_guid, name, value
        self.old: str | None = None

    def do(self) -> None:
        from app.core import workbench_docs as wd

        with self.session.project.write() as s:
            old = wd.set_attribute(s, self.document_guid, self.name, self.new)
        if self.old is None:
            self.old = old

    def undo_it(self) -> None:
        from app.core import workbench_docs as wd

        with self.session.project.write() as s:
            wd.set_attribute(s, self.document_guid, self.name, self.old or "")

    def notify(self) -> None:
        self.session.documentsChanged.emit()
