"""The one-row table that identifies a Sitat project: its UUID, title and project memo."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, new_guid, utcnow


class ProjectInfo(Base):
    __tablename__ = "project"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_guid)
    title: Mapped[str] = mapped_column(String(500), default="")
    memo: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Bumped on every committed change of documents/codings, so derived data (search index)
    # can tell when it is stale.
    revision: Mapped[int] = mapped_column(default=0)
