"""The schema the migrations build is exactly the one app/models declares (Alembic's
compare_metadata), for a new project and for one upgraded from the first schema, and no
migration imports code from app/core (a past migration must never change with the code)."""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, create_engine
from sqlalchemy.dialects import sqlite
from sqlalchemy.schema import CreateIndex

from app.core.project import APPLICATION_ID, Project, _alembic_config
from app.models import Base

pytestmark = pytest.mark.sqlite_only  # the SQLite schema a .sitat file gets from the migrations

VERSIONS = Path(__file__).resolve().parents[2] / "app" / "migrations" / "versions"


def _differences(path: Path) -> list:
    """compare_metadata's differences, plus the expression indexes (which SQLite cannot
    reflect, so Alembic skips them): each must exist with the model's expression."""
    engine = create_engine(f"sqlite:///{path}")
    try:
        with engine.connect() as conn, warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=".*expression-based index")
            ctx = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "compare_server_default": True})
            found = compare_metadata(ctx, Base.metadata)
            stored = {name: " ".join(sql.split()) for name, sql in conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")}
    finally:
        engine.dispose()
    for table in Base.metadata.tables.values():
        for index in table.indexes:
            if any(not isinstance(e, Column) for e in index.expressions):
                want = " ".join(str(CreateIndex(index).compile(dialect=sqlite.dialect()))
                                .split())
                if stored.get(index.name, "").replace('"', "") != want.replace('"', ""):
                    found.append(("expression index", index.name, stored.get(index.name), want))
    return found


def test_new_project_schema_matches_models(tmp_path):
    path = tmp_path / "ny.sitat"
    Project.create(path, "Ny").close()
    assert _differences(path) == []


def test_upgraded_project_schema_matches_models(tmp_path):
    path = tmp_path / "gammel.sitat"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        command.upgrade(_alembic_config(conn), "0001")
        conn.exec_driver_sql("INSERT INTO project (id, title, memo, created_at, revision) "
                             "VALUES ('p1', 'Gammel', '', '2025-01-01', 3)")
    engine.dispose()
    Project.open(path).close()
    assert _differences(path) == []


@pytest.mark.parametrize("migration", sorted(VERSIONS.glob("*.py")), ids=lambda p: p.stem)
def test_migrations_are_self_contained(migration):
    tree = ast.parse(migration.read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            imported.add(node.module)
    assert not [m for m in imported if m == "app" or m.startswith("app.")], (
        f"{migration.name} imports project code: {sorted(imported)}")
