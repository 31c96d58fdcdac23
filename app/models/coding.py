"""Codings: a code applied by a coder to a half-open code-point range [start, end) of a document."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, new_guid, utcnow
from app.models.codebook import Code, Coder
from app.models.document import Document
from app.models.team import CodebookVersion, Round


class Coding(Base):
    __tablename__ = "coding"
    __table_args__ = (
        CheckConstraint("start >= 0 AND \"end\" > start", name="span"),
        CheckConstraint("valence IS NULL OR valence IN (-1, 1)", name="valence"),
        # One coder codes a span with a code once per round (a later round may code it again).
        Index("ux_coding_span", "document_id", "code_id", "coder_id", "start", "end",
              text("coalesce(round_id, 0)"), unique=True),
        Index("ix_coding_doc_start", "document_id", "start"),
        Index("ix_coding_code", "code_id"),
        Index("ix_coding_coder", "coder_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    code_id: Mapped[int] = mapped_column(ForeignKey("code.id", ondelete="CASCADE"))
    coder_id: Mapped[int] = mapped_column(ForeignKey("coder.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    memo: Mapped[str] = mapped_column(Text, default="")
    # +1 positive experience, -1 critical, None not set.
    valence: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    # Provenance: when it was made (kept through merge, copies and REFI), the coding round it
    # was made in (if any) and the codebook version in force then (if any was frozen).
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    round_id: Mapped[int | None] = mapped_column(
        ForeignKey("round.id", ondelete="SET NULL"), nullable=True, index=True)
    codebook_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("codebook_version.id", ondelete="SET NULL"), nullable=True)

    document: Mapped[Document] = relationship()
    code: Mapped[Code] = relationship()
    coder: Mapped[Coder] = relationship()
    round: Mapped["Round | None"] = relationship()
    version: Mapped["CodebookVersion | None"] = relationship()
