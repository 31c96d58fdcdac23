"""Report writing: condensates (STC), their meaning units, illustrative quotes, syntheses per
code, and matrix displays saved by name."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, new_guid, utcnow

condensate_coding = Table(
    "condensate_coding", Base.metadata,
    Column("condensate_id", ForeignKey("condensate.id", ondelete="CASCADE"), primary_key=True),
    Column("coding_id", ForeignKey("coding.id", ondelete="CASCADE"), primary_key=True,
           index=True),
)


class Condensate(Base):
    """An artificial first-person quote that condenses the meaning units it rests on."""

    __tablename__ = "condensate"

    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    code_id: Mapped[int] = mapped_column(ForeignKey("code.id", ondelete="CASCADE"), index=True)
    text: Mapped[str] = mapped_column(Text, default="")
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class IllustrativeQuote(Base):
    """A coding chosen to illustrate a code in the synthesis."""

    __tablename__ = "illustrative_quote"

    code_id: Mapped[int] = mapped_column(ForeignKey("code.id", ondelete="CASCADE"),
                                         primary_key=True)
    coding_id: Mapped[int] = mapped_column(ForeignKey("coding.id", ondelete="CASCADE"),
                                           primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)


class Synthesis(Base):
    """The synthesis text written for a code."""

    __tablename__ = "synthesis"

    code_id: Mapped[int] = mapped_column(ForeignKey("code.id", ondelete="CASCADE"),
                                         primary_key=True)
    text: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


class SavedDisplay(Base):
    """A matrix display saved by name: its specification (rows, columns, cells, filters)."""

    __tablename__ = "saved_display"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    spec: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
