"""One project, two databases: the same core actions give the same results on a .sitat file and
on a shared project at a PostgreSQL URL (the throwaway cluster of tests/pg.py), and what only a
shared project has - the schema made by the same migrations, several people at once, a reader's
connection that cannot write, no password kept - works."""

from __future__ import annotations

import json
import threading

import psycopg
import pytest
from sqlalchemy import create_engine, text

from app.core import attributes as attrs
from app.core import codebook as cb
from app.core.coding import code_text, coding_counts, list_codings
from app.core.displays.matrix import build_matrix
from app.core.documents import import_files
from app.core.project import Project, _alembic_config
from app.errors import CodebookError, InvalidInput, ProjectError
from app.models import Base, Code, Coding
from tests.conftest import ROOT, TEAM_TEXT, run_cli
from tests.pg import SUPERUSER, any_project, pg_cluster, pg_url, project_target  # noqa: F401

TEXT = ("Intervjuer: Hvordan ble du møtt? 😀👍🏽\n"
        "Deltaker 1: Jeg ble møtt med respekt, ærlig talt.\n"
        "Deltaker 2: Jeg måtte forklare alt på nytt, og det tok tid.\n")


def _span(quote: str) -> tuple[int, int]:
    start = TEXT.index(quote)
    return start, start + len(quote)


def test_import_code_count_and_matrix_agree_on_both(any_project, tmp_path):
    src = tmp_path / "fg-alna.txt"
    src.write_text(TEXT, encoding="utf-8")
    before = any_project.revision()
    [result] = import_files(any_project, [src], attributes={"bydel": "Alna"})
    assert (result.document, result.chars, result.turns) == ("fg-alna", len(TEXT), 3)
    with any_project.write() as s:
        top = cb.create_code(s, "Respekt")
        cb.create_code(s, "Bli hørt", top)
        cb.create_code(s, "Gjentakelse")
    respekt = "møtt med respekt, ærlig talt"  # after an emoji: offsets are code points
    nytt = "forklare alt på nytt"
    with any_project.write() as s:
        code_text(s, "fg-alna", "Respekt/Bli hørt", "Hanne", *_span(respekt))
        code_text(s, "fg-alna", "Respekt/Bli hørt", "Tor", *_span(respekt))
        code_text(s, "fg-alna", "Gjentakelse", "Tor", *_span(nytt), valence=-1)
    assert any_project.revision() == before + 3  # one revision per action

    with any_project.read() as s:
        rows = list_codings(s, codes=["Respekt"])
        assert [(r.code, r.coder, r.text) for r in rows] == [
            ("Respekt/Bli hørt", "Hanne", respekt), ("Respekt/Bli hørt", "Tor", respekt)]
        ids = {c.name: c.id for c in s.query(Code)}
        assert coding_counts(s) == {ids["Bli hørt"]: 2, ids["Gjentakelse"]: 1}
        m = build_matrix(s, "codes", "bydel", "count")  # passages: two coders' one span is one
        assert dict(zip(m.rows, m.cells)) == {"Respekt": [0], "Respekt/Bli hørt": [1],
                                              "Gjentakelse": [1]}
        assert m.cols == ["Alna"] and m.total == 2
        codings = build_matrix(s, "codes", "coders", "count", scope="codings")
        assert dict(zip(codings.rows, codings.cells))["Respekt/Bli hørt"] == [1, 1]
    summary = any_project.summary()
    assert (summary.documents, summary.characters, summary.codes, summary.coders,
            summary.codings) == (1, len(TEXT), 3, 2, 3)


def test_a_failed_action_changes_nothing_on_both(any_project):
    with any_project.write() as s:
        cb.create_code(s, "Respekt")
    revision = any_project.revision()
    with pytest.raises(CodebookError):
        with any_project.write() as s:
            cb.create_code(s, "Tillit")
            cb.create_code(s, "Respekt")  # a sibling of the same name: the action fails
    assert any_project.revision() == revision
    with any_project.read() as s:
        assert [c.name for c in s.query(Code)] == ["Respekt"]


def test_the_cli_works_on_a_url_as_on_a_file(project_target, tmp_path):
    src = tmp_path / "fg-a.txt"
    src.write_text(TEAM_TEXT, encoding="utf-8")
    assert run_cli("import", project_target, src).code == 0
    qdc = ROOT / "app" / "data" / "codebooks" / "ti-kjennetegn.qdc"
    assert run_cli("codebook", "import", project_target, qdc).code == 0
    quote = "Jeg ble hørt"
    start = TEAM_TEXT.index(quote)
    coded = run_cli("code", project_target, "--doc", "fg-a", "--code",
                    "Grunnleggende kjennetegn/Respekt", "--coder", "Hanne", "--start",
                    str(start), "--end", str(start + len(quote)))
    assert coded.code == 0, coded.err
    listed = run_cli("codings", project_target, "--json")
    assert [(c["text"], c["coder"]) for c in listed.json()] == [(quote, "Hanne")]
    hits = run_cli("search", project_target, "hørt", "--json")
    assert hits.code == 0, hits.err
    assert [h["document"] for h in json.loads(hits.out)] == ["fg-a"]
    summary = run_cli("summary", project_target, "--json")
    assert summary.code == 0, summary.err
    assert summary.json()["documents"] == 1


# -- only a shared project ---------------------------------------------------------------------
def _schema_differences(url: str) -> list:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={"compare_type": True,
                                                         "compare_server_default": True})
            found = compare_metadata(ctx, Base.metadata)
            span = conn.execute(text("SELECT indexdef FROM pg_indexes "
                                     "WHERE indexname = 'ux_coding_span'")).scalar()
    finally:
        engine.dispose()
    if "COALESCE(round_id, 0)" not in (span or ""):
        found.append(("expression index", "ux_coding_span", span))
    return found


def test_new_makes_the_schema_in_an_empty_database_and_only_there(pg_cluster):
    name = pg_cluster.create_database()
    url = pg_cluster.url(name)
    made = run_cli("new", url, "--title", "Evaluering Oslo")
    assert made.code == 0, made.err
    assert _schema_differences(url) == []
    with Project.open(url, read_only=True) as p:
        assert (p.title, p.shared, p.path.name) == ("Evaluering Oslo", True, name)
    again = run_cli("new", url)
    assert again.code == 1 and "already holds a Sitat project" in again.err
    other = pg_cluster.create_database()
    with psycopg.connect(host=str(pg_cluster.root), user=SUPERUSER, dbname=other) as con:
        con.execute("CREATE TABLE invoices (id int)")
    with pytest.raises(ProjectError, match="not an empty database"):
        Project.create(pg_cluster.url(other))
    with pytest.raises(ProjectError, match="another program"):
        Project.open(pg_cluster.url(other))
    with pytest.raises(ProjectError, match="empty database"):
        Project.open(pg_cluster.url(pg_cluster.create_database()))


def test_an_old_shared_project_is_upgraded_by_the_same_migrations(pg_cluster):
    from alembic import command

    name = pg_cluster.create_database()
    url = pg_cluster.url(name)
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), "0001")
        conn.execute(text("INSERT INTO project (id, title, memo, revision, created_at) "
                          "VALUES ('p1', 'Gammel', '', 0, now())"))
    engine.dispose()
    with pytest.raises(ProjectError, match="opened for writing once"):
        Project.open(url, read_only=True)
    assert Project.needs_upgrade(url)
    with Project.open(url) as p:
        with p.write() as s:
            code = cb.create_code(s, "Respekt")
            assert code.guid
    assert not Project.needs_upgrade(url)
    assert _schema_differences(url) == []


def test_two_people_at_once_lose_nothing(pg_url):
    first, second = Project.open(pg_url), Project.open(pg_url)
    try:
        with first.write() as s:
            cb.create_code(s, "Respekt")
        with second.read() as s:  # no reloading: the other's action is there
            assert [c.name for c in s.query(Code)] == ["Respekt"]
        errors: list[BaseException] = []

        def add(project: Project, prefix: str) -> None:
            try:
                for i in range(15):
                    with project.write() as s:
                        cb.create_code(s, f"{prefix} {i}")
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=add, args=(p, n))
                   for p, n in ((first, "A"), (second, "B"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        with first.read() as s:
            names = [c.name for c in s.query(Code)]
        assert len(names) == 31 and len(set(names)) == 31
        assert first.revision() == second.revision() == 31  # every action counted once
    finally:
        first.close()
        second.close()


def test_a_reader_cannot_write_even_below_sitat(pg_url):
    with Project.open(pg_url, read_only=True) as p:
        with pytest.raises(ProjectError, match="read-only"):
            with p.write():
                pass
        with p.read() as s:  # the server itself refuses: the connection is read-only
            with pytest.raises(Exception, match="read-only transaction"):
                s.execute(text("UPDATE project SET title = 'x'"))
    with Project.open(pg_url, read_only=True) as p:
        assert p.title == "Test"


def test_a_password_in_the_url_is_never_shown(pg_url):
    url = pg_url.replace(f"{SUPERUSER}@", f"{SUPERUSER}:hemmelig@")
    with Project.open(url) as p:
        shown = f"{p.path} {p.path!r} {p.path.name}"
        assert "hemmelig" not in shown and SUPERUSER in str(p.path)
        with p.write() as s:
            cb.create_code(s, "Respekt")
        with pytest.raises(ProjectError, match="only on a project file"):
            p.path.parent  # no folder beside a shared project: backups are the server's


def test_the_database_itself_refuses_a_coding_twice(pg_url, tmp_path):
    """The unique span index over coalesce(round_id, 0) works on PostgreSQL too (a plain
    unique constraint would let two codings without a round through)."""
    from sqlalchemy.exc import IntegrityError

    src = tmp_path / "fg.txt"
    src.write_text(TEXT, encoding="utf-8")
    with Project.open(pg_url) as p:
        import_files(p, [src])
        with p.write() as s:
            cb.create_code(s, "Respekt")
        with p.write() as s:
            code_text(s, "fg", "Respekt", "Hanne", *_span("møtt med respekt"))
        revision = p.revision()
        with pytest.raises(IntegrityError):
            with p.write() as s:
                c = s.query(Coding).one()
                s.add(Coding(document_id=c.document_id, code_id=c.code_id, coder_id=c.coder_id,
                             start=c.start, end=c.end))
        with p.read() as s:
            assert s.query(Coding).count() == 1
        assert p.revision() == revision
