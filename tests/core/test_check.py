"""`check_project` finds damage made behind Sitat's back and is silent on a sound project."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from app.core.check import check_project
from app.core.project import Project
from app.models import Code, Coder, Coding, Document

TEXT = "Deltaker 1: Jeg ble tatt på alvor 🙂 av fastlegen."


def _fill(project):
    with project.write() as s:
        doc = Document(name="d", text=TEXT, length=len(TEXT),
                       sha256=hashlib.sha256(TEXT.encode()).hexdigest())
        code, coder = Code(name="Respekt"), Coder(name="Hanne")
        s.add_all([doc, code, coder])
        s.flush()
        s.add(Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id, start=12, end=33))


def test_sound_project_has_no_problems(project):
    _fill(project)
    assert check_project(project) == []


@pytest.mark.sqlite_only  # damages the .sitat file with sqlite3
def test_damage_is_reported(project_path):
    with Project.open(project_path) as p:
        _fill(p)
    con = sqlite3.connect(project_path)
    con.execute("UPDATE coding SET \"end\" = 500")
    con.execute("UPDATE document SET text = 'endret tekst'")
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute("INSERT INTO code (guid, name, parent_id, color, description, inclusion, exclusion,"
                " example, memo, sort_order, codable) VALUES ('g1','A',99,'#000000','','','','','',"
                "0,1)")
    con.execute("UPDATE code SET parent_id = (SELECT id FROM code WHERE name='A') "
                "WHERE name='Respekt'")
    con.execute("UPDATE code SET parent_id = (SELECT id FROM code WHERE name='Respekt') "
                "WHERE name='A'")
    con.commit()
    con.close()
    with Project.open(project_path, read_only=True) as p:
        kinds = {x.kind for x in check_project(p)}
    assert {"offsets", "hash", "length", "cycle"} <= kinds


@pytest.mark.sqlite_only  # damages the .sitat file with sqlite3 (foreign keys off)
def test_repair_fixes_what_can_be_fixed(cli, tmp_path):
    import sqlite3

    proj = tmp_path / "r.sitat"
    assert cli("new", proj).code == 0
    src = tmp_path / "a.txt"
    src.write_text("Intervjuer: Hei.\nDeltaker 1: Hei på deg.\n", encoding="utf-8")
    assert cli("import", proj, src).code == 0
    assert cli("code", proj, "--doc", "a", "--start", "0", "--end", "5", "--code", "X",
               "--coder", "H").code == 1  # no code X yet
    con = sqlite3.connect(proj)
    con.execute("PRAGMA foreign_keys = OFF")
    con.execute("INSERT INTO code (guid, name, parent_id, color, description, inclusion, "
                "exclusion, example, memo, sort_order, codable) VALUES "
                "('g1', 'A', 2, '#000000', '', '', '', '', '', 0, 1), "
                "('g2', 'B', 1, '#000000', '', '', '', '', '', 0, 1)")
    con.execute("INSERT INTO coder (guid, name, color) VALUES ('c', 'H', '#000000')")
    con.execute("INSERT INTO coding (guid, document_id, code_id, coder_id, start, \"end\", memo,"
                " created_at) VALUES ('x1', 1, 1, 1, 5, 999, '', '2025-01-01'), "
                "('x2', 77, 1, 1, 0, 3, '', '2025-01-01'), ('ok', 1, 2, 1, 0, 4, '', '2025-01-01')")
    con.execute("UPDATE document SET length = 3, sha256 = 'wrong'")
    con.commit()
    con.close()
    r = cli("check", proj, "--json")
    kinds = {p["kind"] for p in r.json()["problems"]}
    assert r.code == 1 and {"foreign_key", "offsets", "length", "hash", "cycle"} <= kinds
    r = cli("check", proj, "--repair", "--json")
    assert r.code == 0, r.out
    assert r.json()["ok"] and len(r.json()["repaired"]) >= 4
    assert cli("check", proj).code == 0
    rows = cli("codings", proj, "--json").json()
    assert [(x["start"], x["end"], x["text"]) for x in rows] == [(0, 4, "Inte")]
