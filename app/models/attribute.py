"""Document attribute definitions (text, number, date, choice) and their values on documents."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base

ATTRIBUTE_TYPES = ("text", "number", "date", "choice")


class AttributeDefinition(Base):
    __tablename__ = "attribute_definition"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[str] = mapped_column(String(10), default="text")
    # Allowed values of a choice attribute, one per line, in display order.
    choices: Mapped[str] = mapped_column(Text, default="")
    sort_order: Mapped[int] = mapped_column(Integer, default=0)

    def choice_list(self) -> list[str]:
        return [c for c in self.choices.split("\n") if c]


class AttributeValue(Base):
    __tablename__ = "attribute_value"

    document_id: Mapped[int] = mapped_column(
        ForeignKey("document.id", ondelete="CASCADE"), primary_key=True
    )
    attribute_id: Mapped[int] = mapped_column(
        ForeignKey("attribute_definition.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # Stored as text: numbers in canonical decimal form, dates as ISO YYYY-MM-DD.
    value: Mapped[str] = mapped_column(Text)
