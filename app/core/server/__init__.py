"""Shared projects on a PostgreSQL server: a project URL (`postgresql://user@host/db`) in place
of a .sitat file. The same models and Alembic migrations; PostgreSQL's own concurrency replaces
the lock file, and the server (its administrator) keeps the backups."""

from app.core.server.location import ServerLocation, is_server_url

__all__ = ["ServerLocation", "is_server_url"]
