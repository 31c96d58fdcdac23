"""`check_project` finds damage made behind Sitat's back and is silent on a sound project."""

from __future__ import annotations

import hashlib
import sqlite3

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
