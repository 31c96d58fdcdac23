"""Undoable changes to a code's condensation (meaning units, condensates, illustrative quotes,
synthesis): the code's condensation is captured before and after."""

from __future__ import annotations

from typing import Callable

from app.core import workbench as wb
from app.core.displays import condensation as stc
from app.views.commands.base import CheckpointCommand
from app.views.session import Session


class CondensationCommand(CheckpointCommand):
    """`operation(s, code)` changes the condensation of the code with `code_guid`."""

    def __init__(self, session: Session, code_guid: str, text: str,
                 operation: Callable) -> None:
        super().__init__(session, text)
        self.code_guid, self.operation = code_guid, operation

    def _code(self, s):
        return wb.get_code_by_guid(s, self.code_guid)

    def capture(self, s):
        return stc.capture(s, self._code(s))

    def operate(self, s) -> None:
        self.operation(s, self._code(s))

    def restore(self, s, state) -> None:
        stc.restore(s, self._code(s), state)

    def refresh(self) -> None:
        self.session.condensationChanged.emit(self.code_guid)
