"""Moving a project to a server and back (#20): `sitat publish` copies the sample project into
an empty PostgreSQL database row for row, `sitat checkout` brings it back as a file holding
the same rows, a refused publish changes nothing, a blind checkout holds one coder's codings
only, and codings made in it merge back into the server exactly once."""

from __future__ import annotations

import shutil

import psycopg
import pytest
from sqlalchemy import select

from app.core.demo import ensure_sample
from app.core.project import Project
from app.models import Base
from tests.conftest import run_cli
from tests.pg import SUPERUSER, pg_cluster, pg_url  # noqa: F401


def sitat(*args):
    r = run_cli(*args)
    assert r.code == 0, (args, r.err)
    return r


def _rows(target: str) -> dict[str, list[tuple]]:
    """Every row of every table of Sitat's schema, in primary key order."""
    out = {}
    with Project.open(target, read_only=True) as p, p.read() as s:
        for table in Base.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            out[table.name] = [tuple(r) for r in s.execute(select(table).order_by(*order))]
    return out


def _tables(pg_cluster, url: str) -> set[str]:  # noqa: F811
    dbname = url.split("@/")[1].split("?")[0]
    with psycopg.connect(host=str(pg_cluster.root), user=SUPERUSER, dbname=dbname) as con:
        return {r[0] for r in con.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}


@pytest.fixture(scope="module")
def published(pg_cluster, tmp_path_factory):  # noqa: F811
    """(sample project file, the URL it was published to)."""
    folder = tmp_path_factory.mktemp("publish")
    sample = folder / "eksempel.sitat"
    shutil.copy(ensure_sample(folder / "sample"), sample)
    url = pg_cluster.url(pg_cluster.create_database())
    done = sitat("publish", sample, url, "--json").json()
    assert done["rows"]["coding"] > 0
    return sample, url


def test_publish_and_checkout_keep_every_row(published, tmp_path):
    sample, url = published
    original = _rows(str(sample))
    assert len(original) == len(Base.metadata.sorted_tables)
    for name in ("coding", "code", "document", "speaker_turn", "code_event", "coder"):
        assert original[name], name  # the sample holds these: the comparison means something
    assert _rows(url) == original
    out = tmp_path / "tilbake.sitat"
    assert sitat("checkout", url, out, "--json").json()["path"] == str(out)
    assert _rows(str(out)) == original
    assert sitat("check", out).code == 0 and sitat("check", url).code == 0
    again = run_cli("checkout", url, out)  # never overwrites
    assert again.code == 1 and "already exists" in again.err
    assert _rows(str(out)) == original


def test_new_rows_on_the_server_get_new_ids(published, pg_cluster, tmp_path):  # noqa: F811
    sample, _url = published
    url = pg_cluster.url(pg_cluster.create_database())
    sitat("publish", sample, url)
    top = max(r[0] for r in _rows(url)["code"])
    sitat("codebook", "add", url, "Ny kode på tjeneren")  # a duplicate id would fail here
    names = {r[0]: r for r in _rows(url)["code"]}
    assert "Ny kode på tjeneren" in names[top + 1] and max(names) == top + 1


def test_publish_into_a_database_that_is_not_empty_changes_nothing(published, pg_url,
                                                                 pg_cluster):  # noqa: F811
    sample, _url = published
    before = _rows(pg_url)
    refused = run_cli("publish", sample, pg_url)
    assert refused.code == 1 and "already holds a Sitat project" in refused.err
    assert _rows(pg_url) == before
    other = pg_cluster.url(pg_cluster.create_database())
    dbname = other.split("@/")[1].split("?")[0]
    with psycopg.connect(host=str(pg_cluster.root), user=SUPERUSER, dbname=dbname) as con:
        con.execute("CREATE TABLE lager (id integer)")
    refused = run_cli("publish", sample, other)
    assert refused.code == 1 and "not an empty database" in refused.err
    assert _tables(pg_cluster, other) == {"lager"}


def _coder_codings(target: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for c in sitat("codings", target, "--json").json():
        counts[c["coder"]] = counts.get(c["coder"], 0) + 1
    return counts


def test_blind_checkout_holds_one_coders_codings_and_merges_back_once(published, tmp_path):
    _sample, url = published
    on_server = _coder_codings(url)
    coder = max(on_server, key=on_server.get)
    assert len(on_server) > 1  # others' codings exist, to be left out
    copy = tmp_path / "blind.sitat"
    made = sitat("checkout", url, copy, "--coder", coder, "--blind", "--json").json()
    assert made["blind"] and made["coder"] == coder
    assert _coder_codings(str(copy)) == {coder: on_server[coder]}
    assert made["codings"] == on_server[coder]
    assert run_cli("checkout", url, tmp_path / "x.sitat", "--blind").code == 1
    doc = sitat("codings", copy, "--json").json()[0]["document"]
    code = sitat("codings", copy, "--json").json()[0]["code"]
    sitat("code", copy, "--doc", doc, "--code", code, "--coder", coder, "--start", "0",
          "--end", "5", "--memo", "ny i kopien")
    first = sitat("merge", url, copy, "--json").json()["per_source"][0]
    second = sitat("merge", url, copy, "--json").json()["per_source"][0]
    assert first["codings_added"] == 1 and second["codings_added"] == 0
    memos = [c for c in sitat("codings", url, "--json").json() if c["memo"] == "ny i kopien"]
    assert len(memos) == 1 and memos[0]["coder"] == coder
    after = _coder_codings(url)
    assert after[coder] == on_server[coder] + 1
    assert {k: v for k, v in after.items() if k != coder} == {
        k: v for k, v in on_server.items() if k != coder}
