"""Shared projects: which PostgreSQL login codes as which Sitat coder (see app.core.server.roles;
the login's Sitat role is its membership of the project's group roles). Empty in a project file."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class ServerMember(Base):
    """A login of the project's server and the coder whose codings it may write (none for a
    reader, or a lead who does not code)."""

    __tablename__ = "server_member"

    login: Mapped[str] = mapped_column(String(63), primary_key=True)
    coder_id: Mapped[int | None] = mapped_column(
        ForeignKey("coder.id", ondelete="SET NULL"), nullable=True, index=True)
