"""Privacy: the project's sensitive terms (names, places, institutions) and their pseudonyms."""

from __future__ import annotations

from sqlalchemy import Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class Pseudonym(Base):
    """A sensitive term and the pseudonym that replaces it in exports (or for good)."""

    __tablename__ = "pseudonym"

    id: Mapped[int] = mapped_column(primary_key=True)
    term: Mapped[str] = mapped_column(Text, unique=True)
    pseudonym: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(Text, server_default="name")
