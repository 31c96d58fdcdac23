"""Integrity check of a project: the database's own health (SQLite's quick_check on a project
file; on a shared project, PostgreSQL's catalogue: every constraint of Sitat's schema present,
validated and enforced), foreign keys, offsets, text hashes, code tree."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy import text

from app.core.server.integrity import constraint_problems, orphans

from app.core.project import Project
from app.i18n import _, counts


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
        if project.shared:
            for detail in constraint_problems(conn):
                problems.append(Problem("constraint", detail))
        else:
            result = conn.exec_driver_sql("PRAGMA quick_check").fetchall()
            if [r[0] for r in result] != ["ok"]:
                problems.append(Problem("sqlite", _("The database file is damaged: {detail}")
                                        .format(detail="; ".join(str(r[0]) for r in result[:5]))))
                return problems
        for table, rowid, parent, _key in _missing_parents(conn, project.shared):
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
                        "its text of {characters}.").format(
                            what=label, id=row_id, name=names[doc_id], start=start, end=end,
                            characters=counts.characters(length))))
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


def repair_project(project: Project) -> list[str]:
    """Repair what can be repaired, in one transaction; returns what was done (translated).

    Rows pointing to missing rows are removed; codings and speaker turns outside their text are
    removed; stored lengths and checksums are recomputed from the text (the text is what the
    user sees); a cycle in the code tree is broken by moving a code to the top level."""
    done: list[str] = []
    with project.write() as s:
        conn = s.connection()
        for table, rowid, parent, key in _missing_parents(conn, project.shared):
            if project.shared:  # the row's physical address, as SQLite's rowid
                sql = f'DELETE FROM "{table}" WHERE ctid = CAST(:k AS tid)'  # noqa: S608
                conn.execute(text(sql), {"k": key})
            else:
                conn.exec_driver_sql(f'DELETE FROM "{table}" WHERE rowid = ?',  # noqa: S608
                                     (rowid,))
            done.append(_("Removed row {rowid} of {table}, which referred to a missing row in "
                          "{parent}.").format(rowid=rowid, table=table, parent=parent))
        docs = conn.execute(text("SELECT id, name, text, length, sha256 FROM document")).all()
        for doc_id, name, body, length, sha in docs:
            digest = hashlib.sha256(body.encode("utf-8")).hexdigest()
            if len(body) != length or digest != sha:
                conn.execute(text("UPDATE document SET length = :n, sha256 = :h WHERE id = :i"),
                             {"n": len(body), "h": digest, "i": doc_id})
                done.append(_("Document {name}: length and checksum recomputed from its "
                              "text.").format(name=name))
            for table, label in (("coding", _("codings")), ("speaker_turn", _("speaker turns"))):
                n = conn.execute(text(
                    f'DELETE FROM {table} WHERE document_id = :i AND NOT '  # noqa: S608
                    f'(start >= 0 AND start < "end" AND "end" <= :n)'),
                    {"i": doc_id, "n": len(body)}).rowcount
                if n:
                    done.append(_("Document {name}: removed {n} {what} outside its text.")
                                .format(name=name, n=n, what=label))
        parent_of = dict(conn.execute(text("SELECT id, parent_id FROM code")).all())
        for code_id in list(parent_of):
            seen, cur = set(), code_id
            while cur is not None and cur not in seen:
                seen.add(cur)
                cur = parent_of.get(cur)
            if cur is not None:  # a cycle through `cur`: cut it there
                conn.execute(text("UPDATE code SET parent_id = NULL WHERE id = :i"), {"i": cur})
                parent_of[cur] = None
                done.append(_("The code tree had a cycle; code {id} was moved to the top "
                              "level.").format(id=cur))
    return done


def _missing_parents(conn, shared: bool) -> list[tuple]:
    """(table, row, parent table, key to delete it by) of every row that refers to a missing
    row: SQLite's foreign_key_check, or the same found by query on PostgreSQL."""
    if shared:
        return orphans(conn)
    return [(t, rowid, parent, rowid)
            for t, rowid, parent, _fk in conn.exec_driver_sql("PRAGMA foreign_key_check").all()]
