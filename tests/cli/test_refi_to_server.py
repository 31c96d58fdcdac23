"""`sitat refi import IN.qdpx URL` (#20): a REFI-QDA project goes straight into an empty shared
project with every document, code and coding; a database that already holds a project is
refused and left exactly as it was, and the address is shown without its password."""

from __future__ import annotations

import shutil

import psycopg

from app.core.demo import ensure_sample
from app.core.project import Project
from tests.conftest import run_cli
from tests.pg import SUPERUSER, pg_cluster  # noqa: F401


def _counts(target: str) -> tuple[int, int, int]:
    with Project.open(target, read_only=True) as p:
        s = p.summary()
        return s.documents, s.codes, s.codings


def test_refi_import_into_an_empty_server_database(pg_cluster, tmp_path):  # noqa: F811
    sample = tmp_path / "eksempel.sitat"
    shutil.copy(ensure_sample(tmp_path / "sample"), sample)
    qdpx = tmp_path / "eksempel.qdpx"
    assert run_cli("refi", "export", str(sample), str(qdpx)).code == 0

    url = pg_cluster.url(pg_cluster.create_database())
    done = run_cli("refi", "import", str(qdpx), url, "--json")
    assert done.code == 0, done.err
    report = done.json()
    assert _counts(url) == _counts(str(sample)) == (
        report["documents"], report["codes"], report["codings"])

    # A second import into the same database is refused and changes nothing.
    with psycopg.connect(host=str(pg_cluster.root), user=SUPERUSER,
                         dbname=url.split("@/")[1].split("?")[0]) as con:
        before = con.execute("SELECT count(*), max(revision) FROM coding, project").fetchone()
        again = run_cli("refi", "import", str(qdpx), url)
        assert again.code == 1 and again.err.startswith("error: ")
        assert con.execute("SELECT count(*), max(revision) FROM coding, project").fetchone() \
            == before


def test_refi_import_message_hides_the_password(pg_cluster, tmp_path):  # noqa: F811
    sample = tmp_path / "eksempel.sitat"
    shutil.copy(ensure_sample(tmp_path / "sample"), sample)
    qdpx = tmp_path / "eksempel.qdpx"
    assert run_cli("refi", "export", str(sample), str(qdpx)).code == 0
    url = pg_cluster.url(pg_cluster.create_database())
    user, rest = url.split("@/", 1)
    secret = f"{user}:hemmelig-passord@/{rest}"  # trust auth ignores it
    done = run_cli("refi", "import", str(qdpx), secret)
    assert done.code == 0, done.err
    assert "hemmelig-passord" not in done.out + done.err
    assert "created" in done.out or "opprettet" in done.out
