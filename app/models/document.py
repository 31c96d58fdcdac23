"""Documents (normalised transcript text) and their detected speaker turns."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, new_guid, utcnow


class Document(Base):
    __tablename__ = "document"

    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    name: Mapped[str] = mapped_column(String(500), unique=True)
    # Normalised once at import: LF line ends, NFC. Offsets everywhere are code points into it.
    text: Mapped[str] = mapped_column(Text)
    length: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    original_filename: Mapped[str] = mapped_column(String(1000), default="")
    source_format: Mapped[str] = mapped_column(String(20), default="txt")
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    memo: Mapped[str] = mapped_column(Text, default="")

    turns: Mapped[list["SpeakerTurn"]] = relationship(
        back_populates="document",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="SpeakerTurn.start",
    )


class SpeakerTurn(Base):
    __tablename__ = "speaker_turn"
    __table_args__ = (
        CheckConstraint("start >= 0 AND \"end\" > start", name="span"),
        Index("ix_speaker_turn_doc_start", "document_id", "start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    speaker: Mapped[str] = mapped_column(String(200))

    document: Mapped[Document] = relationship(back_populates="turns")
