"""A project written by the first schema is upgraded in place when opened, its data intact."""

from __future__ import annotations

import sqlite3

from app.core.project import APPLICATION_ID, Project, _alembic_config, schema_head


def test_project_from_schema_0001_is_upgraded(tmp_path):
    from alembic import command
    from sqlalchemy import create_engine

    path = tmp_path / "old.sitat"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        command.upgrade(_alembic_config(conn), "0001")
        conn.exec_driver_sql("INSERT INTO project (id, title, memo, created_at, revision) "
                             "VALUES ('p1', 'Gammel', '', '2025-01-01', 3)")
        conn.exec_driver_sql("INSERT INTO document (guid, name, text, length, sha256, "
                             "original_filename, source_format, imported_at, memo) VALUES "
                             "('d1', 'fg', 'Hei på deg', 10, 'x', 'fg.txt', 'txt', "
                             "'2025-01-01', '')")
    engine.dispose()
    with Project.open(path) as p:
        assert p.title == "Gammel"
        with p.read() as s:
            tables = {r[0] for r in s.connection().exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"round", "round_document", "round_coder", "codebook_version",
            "code_event"} <= tables
    con = sqlite3.connect(path)
    assert con.execute("SELECT version_num FROM alembic_version").fetchone()[0] == schema_head()
    assert con.execute("SELECT text FROM document").fetchone()[0] == "Hei på deg"
    con.close()
