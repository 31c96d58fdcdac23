"""Integrity check of a project: SQLite health, foreign keys, offsets, text hashes, code tree."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import text

from app.core.project import Project
from app.i18n import _


@dataclass
class Problem:
    kind: str
    message: str

    def as_json(self) -> dict:
        return {"kind": self.kind, "message": self.message}


def check_project(project: Project) -> list[Problem]:
    """Every problem found; an empty list means the project is sound."""
    problems: list[Problem] = []
    with project.read() as s:
        conn = s.connection()
        result = conn.exec_driver_sql("PRAGMA quick_check").fetchall()
        if [r[0] for r in result] != ["ok"]:
            problems.append(Problem("sqlite", _("The database file is damaged: {detail}").format(
                detail="; ".join(str(r[0]) for r in result[:5]))))
            return problems
        for table, rowid, parent, _fk in conn.exec_driver_sql("PRAGMA foreign_key_check"):
            problems.append(Problem("foreign_key", _(
                "Row {rowid} of {table} refers to a missing row in {parent}.").format(
                    rowid=rowid, table=table, parent=parent)))
        docs = conn.execute(text("SELECT id, name, text, length, sha256 FROM document")).all()
        lengths = {}
        for doc_id, name, body, length, sha in docs:
            lengths[doc_id] = len(body)
            if len(body) != length:
                problems.append(Problem("length", _(
                    "Document {name}: stored length {stored} differs from its text ({actual}).")
                    .format(name=name, stored=length, actual=len(body))))
            if hashlib.sha256(body.encode("utf-8")).hexdigest() != sha:
                problems.append(Problem("hash", _(
                    "Document {name}: the text does not match its checksum.").format(name=name)))
        names = {d[0]: d[1] for d in docs}
        for table, label in (("coding", _("coding")), ("speaker_turn", _("speaker turn"))):
            rows = conn.execute(text(
                f'SELECT id, document_id, start, "end" FROM {table}')).all()  # noqa: S608
            for row_id, doc_id, start, end in rows:
                length = lengths.get(doc_id)
                if length is None:
                    continue  # reported as a foreign-key problem
                if not (0 <= start < end <= length):
                    problems.append(Problem("offsets", _(
                        "A {what} ({id}) in document {name} has the range {start}-{end}, outside "
                        "its text of {length} characters.").format(
                            what=label, id=row_id, name=names[doc_id], start=start, end=end,
                            length=length)))
        parent_of = dict(conn.execute(text("SELECT id, parent_id FROM code")).all())
        for code_id in parent_of:
            seen, cur = set(), code_id
            while cur is not None:
                if cur in seen:
                    problems.append(Problem("cycle", _(
                        "The code tree has a cycle through code {id}.").format(id=code_id)))
                    break
                seen.add(cur)
                cur = parent_of.get(cur)
        n_info = conn.execute(text("SELECT COUNT(*) FROM project")).scalar_one()
        if n_info != 1:
            problems.append(Problem("project", _(
                "The project table should have one row but has {n}.").format(n=n_info)))
    return problems
