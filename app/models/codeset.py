"""Code sets: named groups of codes across the tree (ATLAS.ti's code groups, MAXQDA's code
sets, REFI-QDA's Sets), and which codes belong to which set."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, new_guid
from app.models.codebook import Code

code_set_member = Table(
    "code_set_member", Base.metadata,
    Column("set_id", ForeignKey("code_set.id", ondelete="CASCADE"), primary_key=True),
    Column("code_id", ForeignKey("code.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class CodeSet(Base):
    """A named set of codes; a code may be in several sets, and leaves them when deleted."""

    __tablename__ = "code_set"

    id: Mapped[int] = mapped_column(primary_key=True)
    guid: Mapped[str] = mapped_column(String(36), unique=True, default=new_guid)
    name: Mapped[str] = mapped_column(String(300), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")

    codes: Mapped[list[Code]] = relationship(secondary=code_set_member, passive_deletes=True,
                                             order_by=Code.id)
