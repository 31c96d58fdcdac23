"""Undoable team decisions: settling one disagreement between two coders (the consensus
coder's codings and the decision row are captured before and after)."""

from __future__ import annotations

from app.core.team import review
from app.i18n import _
from app.views.commands.base import CheckpointCommand
from app.views.session import Session


class ReviewCommand(CheckpointCommand):
    def __init__(self, session: Session, item: review.Disagreement, decision: str,
                 consensus: str, span: tuple[int, int] | None = None) -> None:
        super().__init__(session, _("Settle disagreement ({decision})").format(
            decision=decision))
        self.item, self.decision, self.consensus, self.span = item, decision, consensus, span

    def capture(self, s) -> review.ReviewState:
        return review.capture(s, self.item, self.consensus)

    def operate(self, s) -> None:
        review.resolve(s, self.item, self.decision, self.consensus, self.span)

    def restore(self, s, state: review.ReviewState) -> None:
        review.restore(s, self.item, state, self.consensus)
        self.item.decision = (state.decision or {}).get("decision")

    def refresh(self) -> None:
        self.session.codingsChanged.emit(None)
        self.session.countsChanged.emit()
        self.session.coderChanged.emit()
