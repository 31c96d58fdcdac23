"""Alembic environment and schema versions of the project file."""
