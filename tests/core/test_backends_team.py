"""The integrity check, permanent pseudonymisation, blind coder copies written from a project
and merged back, on a .sitat file and on a shared project at a PostgreSQL URL (tests/pg.py):
the same steps give the same counts and codings on both."""

from __future__ import annotations

import sqlite3

import psycopg
import pytest

from app.core.backup import backup_project
from app.core.check import check_project, repair_project
from app.core.project import Project
from app.core.server import is_server_url
from app.core.storage_errors import storage_failure
from app.errors import ProjectError
from tests.conftest import run_cli
from tests.pg import SUPERUSER, pg_cluster, pg_url, project_target  # noqa: F401

TEXT = ("Intervjuer: Hvordan ble du møtt hos NAV i Alna? 😀\n"
        "Kari: Jeg ble møtt med respekt av Per, ærlig talt.\n"
        "Per: Kari måtte forklare alt på nytt, og det tok tid.\n")
RESPEKT = "møtt med respekt av Per"
NYTT = "forklare alt på nytt"


def sitat(*args):
    r = run_cli(*args)
    assert r.code == 0, (args, r.err)
    return r


def _span(quote: str) -> tuple[str, str]:
    start = TEXT.index(quote)
    return str(start), str(start + len(quote))


def _coded(target: str, tmp_path) -> None:
    src = tmp_path / "fg-alna.txt"
    src.write_text(TEXT, encoding="utf-8")
    sitat("import", target, src)
    sitat("codebook", "add", target, "Respekt")
    sitat("codebook", "add", target, "Gjentakelse")
    for code, quote, coder in (("Respekt", RESPEKT, "Hanne"), ("Gjentakelse", NYTT, "Tor")):
        start, end = _span(quote)
        sitat("code", target, "--doc", "fg-alna", "--code", code, "--coder", coder,
              "--start", start, "--end", end)


def _codings(target: str) -> list[tuple]:
    return sorted((c["code"], c["coder"], c["text"], c["memo"], c["round"])
                  for c in sitat("codings", target, "--json").json())


def _where(url: str) -> tuple[str, str]:
    """(database, socket folder) of a test cluster's URL."""
    return url.split("@/")[1].split("?")[0], url.split("?host=")[1]


def _raw(target: str, sql: str) -> None:
    """Run `sql` below Sitat with the database's checks off (as another program might)."""
    if is_server_url(target):
        dbname, host = _where(target)
        with psycopg.connect(host=host, user=SUPERUSER, dbname=dbname) as con:
            con.execute("SET session_replication_role = replica")  # foreign keys not enforced
            con.execute(sql)
    else:
        con = sqlite3.connect(target)
        con.execute("PRAGMA foreign_keys = OFF")
        con.execute(sql)
        con.commit()
        con.close()


def test_check_finds_and_repair_removes_the_same_on_both(project_target, tmp_path):
    _coded(project_target, tmp_path)
    name = _where(project_target)[0] if is_server_url(project_target) else "p.sitat"
    assert sitat("check", project_target).out.strip() == f"{name} is sound."
    _raw(project_target, 'INSERT INTO coding (guid, document_id, code_id, coder_id, start, "end", '
         "memo, created_at) VALUES ('g-orphan', 999, 1, 1, 0, 5, '', '2026-01-01 00:00:00')")
    _raw(project_target, 'UPDATE coding SET "end" = 9999 WHERE memo = \'\' AND start > 0 '
         "AND coder_id = (SELECT id FROM coder WHERE name = 'Tor')")
    with Project.open(project_target) as p:
        found = check_project(p)
        assert sorted(x.kind for x in found) == ["foreign_key", "offsets"]
        assert "refers to a missing row in document" in found[0].message
        done = repair_project(p)
        assert len(done) == 2 and "missing row in document" in done[0]
        assert check_project(p) == []
        summary = p.summary()
    assert (summary.documents, summary.codes, summary.codings) == (1, 2, 1)
    assert _codings(project_target) == [("Respekt", "Hanne", RESPEKT, "", None)]


def test_check_reports_a_rule_the_server_no_longer_enforces(pg_url):
    dbname, host = _where(pg_url)
    with psycopg.connect(host=host, user=SUPERUSER, dbname=dbname) as con:
        name = con.execute("SELECT conname FROM pg_constraint WHERE conrelid = 'coding'::regclass "
                           "AND confrelid = 'coder'::regclass").fetchone()[0]
        con.execute(f'ALTER TABLE coding DROP CONSTRAINT "{name}"')
        con.execute("ALTER TABLE code DISABLE TRIGGER ALL")
    with Project.open(pg_url, read_only=True) as p:
        found = [x.message for x in check_project(p) if x.kind == "constraint"]
    assert any("coding lacks its rule on coder_id" in m for m in found), found
    assert any("table code is switched off" in m for m in found), found
    assert run_cli("check", pg_url).code == 1


def test_pseudonymise_permanently_on_both(project_target, tmp_path):
    _coded(project_target, tmp_path)
    files_before = _table_files(project_target)
    sitat("pseudonyms", project_target, "add", "Per", "--as", "Ola")
    sitat("pseudonyms", project_target, "add", "Alna", "--as", "[bydel]", "--kind", "place")
    applied = run_cli("pseudonyms", project_target, "apply", "--key-out", tmp_path / "key.csv")
    assert applied.code == 0, applied.err
    assert "Warning" not in applied.err
    assert sitat("check", project_target).code == 0
    # the coding's text moved with the shorter name; the speaker label changed too
    assert _codings(project_target) == [("Gjentakelse", "Tor", NYTT, "", None),
                                        ("Respekt", "Hanne", "møtt med respekt av Ola", "", None)]
    found = run_cli("search", project_target, "Per", "--json")
    assert found.code == 0 and found.json() == []
    assert "Per" in (tmp_path / "key.csv").read_text(encoding="utf-8")
    if files_before:  # the old text's pages went with the old files (VACUUM FULL)
        assert _table_files(project_target).isdisjoint(files_before)


def _table_files(target: str) -> set[int]:
    """The files PostgreSQL keeps the text tables in (none for a project file)."""
    if not is_server_url(target):
        return set()
    dbname, host = _where(target)
    with psycopg.connect(host=host, user=SUPERUSER, dbname=dbname) as con:
        return {r[0] for r in con.execute(
            "SELECT relfilenode FROM pg_class WHERE relname IN ('document', 'speaker_turn')")}


def test_blind_copies_from_a_project_merge_back_the_same_on_both(project_target, tmp_path):
    _coded(project_target, tmp_path)
    made = sitat("--as", "Leder", "round", "new", project_target, "R1", "--documents",
                 "fg-alna", "--coders", "Anne,Bo", "--copies", tmp_path / "kopier",
                 "--json").json()
    copies = dict(zip(made["coders"], made["copies"]))
    for coder, copy in copies.items():
        assert not is_server_url(copy) and sitat("codings", copy, "--json").json() == []
        with Project.open(copy, read_only=True) as c:  # a project file of its own
            assert c.summary().documents == 1 and c.summary().codes == 2
        start, end = _span(RESPEKT)
        sitat("--as", coder, "code", copy, "--doc", "fg-alna", "--code", "Respekt", "--coder",
              coder, "--start", start, "--end", end, "--memo", f"{coder} så respekt")
    start, end = _span(NYTT)
    sitat("--as", "Bo", "code", copies["Bo"], "--doc", "fg-alna", "--code", "Gjentakelse",
          "--coder", "Bo", "--start", start, "--end", end)
    merged = sitat("--as", "Leder", "merge", project_target, *copies.values(), "--json").json()
    assert [(s["codings_added"], s["codings_duplicate"]) for s in merged["per_source"]] == [
        (1, 0), (2, 0)]
    again = sitat("merge", project_target, copies["Bo"], "--json").json()
    assert [(s["codings_added"], s["codings_duplicate"]) for s in again["per_source"]] == [
        (0, 2)]
    assert _codings(project_target) == [
        ("Gjentakelse", "Bo", NYTT, "", "R1"), ("Gjentakelse", "Tor", NYTT, "", None),
        ("Respekt", "Anne", RESPEKT, "Anne så respekt", "R1"),
        ("Respekt", "Bo", RESPEKT, "Bo så respekt", "R1"),
        ("Respekt", "Hanne", RESPEKT, "", None)]
    created = {c["created_at"][:4] for c in sitat("codings", project_target, "--json").json()}
    assert len(created) == 1 and created.pop().isdigit()
    assert sitat("check", project_target).code == 0
    if is_server_url(project_target):
        assert merged["backup"] is None  # the server's backups, not a file beside it
    else:
        assert merged["backup"]


def test_a_shared_project_is_backed_up_only_into_a_chosen_folder(pg_url, tmp_path):
    with Project.open(pg_url) as p:
        with pytest.raises(ProjectError, match="pg_dump"):
            backup_project(p)
        copy = backup_project(p, tmp_path)
        second = backup_project(p, tmp_path)
    assert copy.name.startswith(f"{_where(pg_url)[0]}.backup-")
    assert second != copy and copy.suffix == ".sitat"
    with Project.open(copy) as c:
        assert c.title == "Test" and c.summary().documents == 0


def test_sitat_backup_saves_a_project_file_with_the_same_codings(project_target, tmp_path):
    _coded(project_target, tmp_path)
    folder = tmp_path / "kopier"
    folder.mkdir()
    bare = run_cli("backup", project_target, "--json")
    if is_server_url(project_target):
        assert bare.code == 1 and "pg_dump" in bare.err and "Choose a folder" in bare.err
    else:
        assert bare.code == 0 and bare.json()["backup"].endswith(".sitat")
    saved = sitat("backup", project_target, "--folder", folder, "--json").json()["backup"]
    assert saved.startswith(str(folder)) and saved.endswith(".sitat")
    assert _codings(saved) == _codings(project_target)
    assert sitat("check", saved).code == 0
    assert sitat("summary", saved, "--json").json()["documents"] == 1


def test_server_failures_have_the_users_words():
    lost = psycopg.OperationalError("server closed the connection unexpectedly")
    assert "connection to the server was lost" in storage_failure(lost)
    full = psycopg.errors.DiskFull("could not extend file: No space left on device")
    assert "disk is full" in storage_failure(full)
    denied = psycopg.errors.InsufficientPrivilege("permission denied for table coding")
    assert "Permission denied" in storage_failure(denied)
    assert storage_failure(ValueError("x")) is None
