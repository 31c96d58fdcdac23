"""Team work: frozen codebook versions, the log of code operations, and coding rounds."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, new_guid, utcnow


class CodebookVersion(Base):
    """The codebook frozen at one moment, as JSON (codes with guid, parent, name, definition)."""

    __tablename__ = "codebook_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    memo: Mapped[str] = mapped_column(Text, default="")
    snapshot: Mapped[str] = mapped_column(Text)


class CodeEvent(Base):
    """One code operation (create, rename, move, merge, split, definition, delete, import)."""

    __tablename__ = "code_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Kept when a coder copy's log is merged back, so each operation is logged once.
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(200), default="")
    operation: Mapped[str] = mapped_column(String(20))
    code_guid: Mapped[str] = mapped_column(String(36), index=True)
    # The code's path at the time, and what changed, as JSON.
    path: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[str] = mapped_column(Text, default="{}")


round_document = Table(
    "round_document", Base.metadata,
    Column("round_id", ForeignKey("round.id", ondelete="CASCADE"), primary_key=True),
    Column("document_id", ForeignKey("document.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)
round_coder = Table(
    "round_coder", Base.metadata,
    Column("round_id", ForeignKey("round.id", ondelete="CASCADE"), primary_key=True),
    Column("coder_id", ForeignKey("coder.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Round(Base):
    """A coding round: a document set, its coders, and the codebook version in force."""

    __tablename__ = "round"

    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    codebook_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("codebook_version.id", ondelete="SET NULL"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    memo: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    # A closed round is a record: its figures, codebook and coders as they were when closed
    # (JSON in `record`); later changes to codes or codings never alter them.
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    closed_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    record: Mapped[str | None] = mapped_column(Text, nullable=True)

    version: Mapped[CodebookVersion | None] = relationship()


class ReviewDecision(Base):
    """A research lead's decision on one disagreement between two coders (a cluster of
    overlapping segments of one code in one document); the result is the consensus coder's
    codings, the decision row remembers that the disagreement was settled (also 'neither')."""

    __tablename__ = "review_decision"
    __table_args__ = (
        UniqueConstraint("document_id", "code_guid", "coder_a", "coder_b", "start", "end",
                         name="uq_review_decision_cluster"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"),
                                             index=True)
    code_guid: Mapped[str] = mapped_column(String(36))
    coder_a: Mapped[str] = mapped_column(String(200))
    coder_b: Mapped[str] = mapped_column(String(200))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    decision: Mapped[str] = mapped_column(String(10))  # a, b, both, neither, edit
    consensus: Mapped[str] = mapped_column(String(200))
    actor: Mapped[str] = mapped_column(String(200), default="")
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
