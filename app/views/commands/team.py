"""Undoable team decisions: settling one disagreement (the consensus coder's codings and the
decision row are captured before and after) and filling in the agreed segments of a consensus
(the codings the fill wrote are taken back on undo and written again on redo)."""

from __future__ import annotations

from typing import Sequence

from app.core.team import consensus as consensus_core
from app.core.team import review
from app.i18n import _
from app.views.commands.base import CheckpointCommand, SessionCommand
from app.views.session import Session


class ReviewCommand(CheckpointCommand):
    def __init__(self, session: Session, item: review.Disagreement, decision: str,
                 consensus: str, span: tuple[int, int] | None = None) -> None:
        super().__init__(session, _("Settle disagreement ({decision})").format(
            decision=review.decision_name(item, decision)))
        self.item, self.decision, self.consensus, self.span = item, decision, consensus, span

    def capture(self, s) -> review.ReviewState:
        return review.capture(s, self.item, self.consensus)

    def operate(self, s) -> None:
        review.resolve(s, self.item, self.decision, self.consensus, self.span)

    def restore(self, s, state: review.ReviewState) -> None:
        review.restore(s, self.item, state, self.consensus)

    def refresh(self) -> None:
        self.session.codingsChanged.emit(None)
        self.session.countsChanged.emit()
        self.session.coderChanged.emit()


class ConsensusFillCommand(SessionCommand):
    """Copy every agreed segment of the coders to the consensus coder, as one step."""

    def __init__(self, session: Session, coders: Sequence[str], codes: Sequence[str] | None,
                 consensus: str) -> None:
        super().__init__(session, _("Fill in agreed segments"))
        self.coders, self.codes, self.consensus = list(coders), codes, consensus
        self.report: consensus_core.ConsensusReport | None = None

    def apply(self, s) -> None:
        self.report = consensus_core.fill_consensus(s, self.coders, self.codes, None,
                                                    self.consensus)

    def reapply(self, s) -> None:
        consensus_core.add_rows(s, self.report.added)

    def revert(self, s) -> None:
        consensus_core.remove_rows(s, self.report.added)

    def refresh(self) -> None:
        self.session.codingsChanged.emit(None)
        self.session.countsChanged.emit()
        self.session.coderChanged.emit()
