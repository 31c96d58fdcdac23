"""A project written by the first schema is upgraded in place when opened, its data intact."""

from __future__ import annotations

import sqlite3

import pytest

from app.core.project import APPLICATION_ID, Project, _alembic_config, schema_head

# .sitat files written by old schemas (test_backends.py upgrades an old shared project)
pytestmark = pytest.mark.sqlite_only


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


def test_provenance_upgrade_keeps_meaning_units_and_quotes(tmp_path):
    """0005 copies the coding table; the rows that point at codings (condensates' meaning
    units, illustrative quotes) must survive the copy, and a span may then be coded again in
    another round but not twice in the same one."""
    from alembic import command
    from sqlalchemy import create_engine

    path = tmp_path / "r.sitat"
    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys = ON")
        conn.exec_driver_sql(f"PRAGMA application_id = {APPLICATION_ID}")
        command.upgrade(_alembic_config(conn), "0004")
        run = conn.exec_driver_sql
        run("INSERT INTO project (id, title, memo, created_at, revision) VALUES "
            "('p1', 'Runder', '', '2025-01-01', 1)")
        run("INSERT INTO document (id, guid, name, text, length, sha256, original_filename, "
            "source_format, imported_at, memo) VALUES (1, 'd1', 'fg', 'Hei på deg, Åse', 15, "
            "'x', 'fg.txt', 'txt', '2025-01-01', '')")
        run("INSERT INTO code (id, guid, name, color, description, inclusion, exclusion, "
            "example, memo, sort_order, codable) VALUES (1, 'c1', 'Respekt', '#888888', '', "
            "'', '', '', '', 0, 1)")
        run("INSERT INTO coder (id, guid, name, color) VALUES (1, 'k1', 'Hanne', '#1f77b4')")
        run("INSERT INTO coding (id, guid, document_id, code_id, coder_id, start, \"end\", "
            "memo, valence, created_at) VALUES (7, 'g7', 1, 1, 1, 0, 3, 'memo', 1, "
            "'2025-02-03 10:00:00')")
        run("INSERT INTO condensate (id, guid, code_id, text, position, created_at, "
            "updated_at) VALUES (1, 'n1', 1, 'Jeg blir hilst på.', 0, '2025-01-01', "
            "'2025-01-01')")
        run("INSERT INTO condensate_coding (condensate_id, coding_id) VALUES (1, 7)")
        run("INSERT INTO illustrative_quote (code_id, coding_id, position) VALUES (1, 7, 0)")
        run("INSERT INTO code_event (at, actor, operation, code_guid, path, details) VALUES "
            "('2025-01-01', 'Hanne', 'create', 'c1', 'Respekt', '{}')")
        run("INSERT INTO round (id, guid, name, created_at, memo, position) VALUES "
            "(1, 'r1', 'Runde 1', '2025-01-01', '', 1)")
    engine.dispose()
    Project.open(path).close()
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys = ON")
    assert con.execute("SELECT coding_id FROM condensate_coding").fetchall() == [(7,)]
    assert con.execute("SELECT coding_id FROM illustrative_quote").fetchall() == [(7,)]
    assert con.execute("SELECT guid, memo, valence, created_at, round_id FROM coding").fetchall() \
        == [("g7", "memo", 1, "2025-02-03 10:00:00", None)]
    assert len(con.execute("SELECT guid FROM code_event").fetchone()[0]) == 36
    insert = ("INSERT INTO coding (guid, document_id, code_id, coder_id, start, \"end\", memo, "
              "created_at, round_id) VALUES (?, 1, 1, 1, 0, 3, '', '2025-03-01', ?)")
    con.execute(insert, ("g8", 1))  # the same span again, in round 1: allowed
    for guid, round_id in (("g9", 1), ("g10", None)):
        try:
            con.execute(insert, (guid, round_id))
        except sqlite3.IntegrityError:
            continue
        raise AssertionError(f"a second coding of the same span in round {round_id} was stored")
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    con.close()
