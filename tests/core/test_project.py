"""Project files: creation, pragmas, refusing foreign or newer files untouched, transactions, cascades."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import func, select

from app.core.project import APPLICATION_ID, Project
from app.errors import ProjectError
from app.models import Code, Coder, Coding, Document, SpeakerTurn
from tests.conftest import file_digest, project_digest


@pytest.mark.sqlite_only  # SQLite's application id, WAL and pragmas
def test_create_sets_identity_wal_and_schema(tmp_path):
    path = tmp_path / "ny.sitat"
    with Project.create(path, "Evaluering Alna") as p:
        assert p.title == "Evaluering Alna"
        assert len(p.id) == 36
        pid = p.id
        with p.read() as s:
            assert s.connection().exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    con.close()
    with Project.open(path) as p:
        assert p.id == pid


def test_create_refuses_existing_file(project_location):
    where = project_location()
    before = project_digest(where)
    with pytest.raises(ProjectError, match="already (exists|holds a Sitat project)"):
        Project.create(where)
    assert project_digest(where) == before


@pytest.mark.sqlite_only  # files that are not projects
@pytest.mark.parametrize(
    "content",
    [b"", b"hello, this is a text file\n", bytes(range(256)) * 10, b"SQLite format 3\x00" + b"\0" * 50],
)
def test_open_non_project_leaves_file_untouched(tmp_path, content):
    path = tmp_path / "x.sitat"
    path.write_bytes(content)
    with pytest.raises(ProjectError):
        Project.open(path)
    assert path.read_bytes() == content


@pytest.mark.sqlite_only  # another program's SQLite file
def test_open_other_programs_sqlite_untouched(tmp_path):
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    con.execute("INSERT INTO notes (body) VALUES ('ikke sitat')")
    con.commit()
    con.close()
    before = file_digest(path)
    with pytest.raises(ProjectError, match="another program"):
        Project.open(path)
    assert file_digest(path) == before
    assert not (tmp_path / "other.db-wal").exists()


@pytest.mark.sqlite_only  # a .sitat file from a newer Sitat
def test_open_newer_schema_refused_untouched(project_path):
    con = sqlite3.connect(project_path)
    con.execute("UPDATE alembic_version SET version_num = '9999_future'")
    con.commit()
    con.close()
    before = file_digest(project_path)
    with pytest.raises(ProjectError, match="newer version"):
        Project.open(project_path)
    assert file_digest(project_path) == before


@pytest.mark.sqlite_only  # paths that are missing or folders
def test_open_missing_and_directory(tmp_path):
    with pytest.raises(ProjectError, match="does not exist"):
        Project.open(tmp_path / "nope.sitat")
    with pytest.raises(ProjectError, match="folder"):
        Project.open(tmp_path)


def _add_doc(s, name="d", text="Hei på deg 🙂 æøå"):
    doc = Document(name=name, text=text, length=len(text), sha256="x")
    s.add(doc)
    s.flush()
    return doc


def test_failed_action_changes_nothing(project):
    rev = project.revision()
    with pytest.raises(RuntimeError):
        with project.write() as s:
            _add_doc(s)
            raise RuntimeError("boom")
    with project.read() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 0
    assert project.revision() == rev


def test_read_only_refuses_writes(project_location):
    with Project.open(project_location(), read_only=True) as p:
        with pytest.raises(ProjectError, match="read-only"):
            with p.write():
                pass


def test_deletes_cascade_in_schema(project):
    with project.write() as s:
        doc = _add_doc(s)
        parent = Code(name="Respekt")
        s.add(parent)
        s.flush()
        child = Code(name="Bli hørt", parent_id=parent.id)
        coder = Coder(name="Hanne")
        s.add_all([child, coder])
        s.flush()
        s.add_all([
            Coding(document_id=doc.id, code_id=child.id, coder_id=coder.id, start=0, end=3),
            Coding(document_id=doc.id, code_id=parent.id, coder_id=coder.id, start=4, end=6),
            SpeakerTurn(document_id=doc.id, start=0, end=5, speaker="D1"),
        ])
    # Delete with plain SQL so only the schema's ON DELETE CASCADE can remove the children.
    with project.write() as s:
        s.execute(Code.__table__.delete().where(Code.name == "Respekt"))
    with project.read() as s:
        assert s.scalar(select(func.count()).select_from(Code)) == 0
        assert s.scalar(select(func.count()).select_from(Coding)) == 0
        assert s.scalar(select(func.count()).select_from(SpeakerTurn)) == 1
    with project.write() as s:
        s.execute(Document.__table__.delete())
    with project.read() as s:
        assert s.scalar(select(func.count()).select_from(SpeakerTurn)) == 0


def test_coding_range_constraint_in_schema(project):
    with pytest.raises(Exception):
        with project.write() as s:
            doc = _add_doc(s)
            code, coder = Code(name="A"), Coder(name="B")
            s.add_all([code, coder])
            s.flush()
            s.add(Coding(document_id=doc.id, code_id=code.id, coder_id=coder.id, start=5, end=5))
            s.flush()


@pytest.mark.sqlite_only  # SQLite's -wal and -shm files
def test_reading_leaves_no_wal_or_shm_behind(tmp_path, cli):
    """A read-only command must not leave SQLite's -wal and -shm beside the project (a
    `mode=ro` reader did), and it still cannot write."""
    import sqlalchemy

    from app.core.project import Project
    from app.errors import SitatError

    path = tmp_path / "p.sitat"
    assert cli("new", path).code == 0
    assert cli("docs", path).code == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.sitat"]
    with Project.open(path, read_only=True) as p:
        with pytest.raises((SitatError, sqlalchemy.exc.OperationalError)):
            with p.read() as s:
                s.execute(sqlalchemy.text("CREATE TABLE x (a)"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.sitat"]
