"""`sitat server init|grant|revoke|members` (#20): IT sets a shared project up for roles and
gives logins their roles; the password is sent as a SCRAM verifier and never printed; a
member refused by their role gets a clear `error:` in their language; names and search
filters that try SQL injection are only names and values."""

from __future__ import annotations

import io

import psycopg
import pytest

from tests.conftest import run_cli
from tests.pg import SUPERUSER, pg_cluster, pg_url  # noqa: F401

TEXT = "Kari: Jeg ble møtt med respekt i bydelen, ærlig talt.\n"
EVIL = "x'); DROP TABLE coding; --"


def sitat(*args):
    r = run_cli(*args)
    assert r.code == 0, (args, r.err)
    return r


def _db(url: str) -> str:
    return url.split("@/")[1].split("?")[0]


def _as(url: str, login: str) -> str:
    return url.replace(f"{SUPERUSER}@", f"{login}@", 1)


def _admin(pg_cluster, url: str):  # noqa: F811
    return psycopg.connect(host=str(pg_cluster.root), user=SUPERUSER, dbname=_db(url))


@pytest.fixture
def shared(pg_url, tmp_path):  # noqa: F811
    """A shared project with a document and a code, set up for roles."""
    (tmp_path / "fg-alna.txt").write_text(TEXT, encoding="utf-8")
    sitat("import", pg_url, tmp_path / "fg-alna.txt")
    sitat("codebook", "add", pg_url, "Respekt")
    done = sitat("server", "init", pg_url, "--json").json()
    assert done["roles"]["coder"] == f"sitat_{_db(pg_url)}_coder"
    return pg_url


def test_init_grant_members_revoke(pg_cluster, shared, monkeypatch):  # noqa: F811
    db = _db(shared)
    again = sitat("server", "init", shared).out
    assert f"{db} is set up for roles:" in again and f"sitat_{db}_lead" in again
    monkeypatch.setattr("sys.stdin", io.StringIO("hemmelig-passord-42\n"))
    out = sitat("server", "grant", shared, f"{db}_hanne", "--role", "coder", "--coder",
                "Hanne", "--password-stdin")
    assert out.out.strip() == f"{db}_hanne is now a coder in {db}, coding as Hanne."
    assert "hemmelig" not in out.out + out.err
    sitat("server", "grant", shared, f"{db}_lea", "--role", "lead")
    with _admin(pg_cluster, shared) as con:
        verifier = con.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s",
                               (f"{db}_hanne",)).fetchone()[0]
        assert verifier.startswith("SCRAM-SHA-256$") and "hemmelig" not in verifier
        assert con.execute("SELECT rolpassword FROM pg_authid WHERE rolname = %s",
                           (f"{db}_lea",)).fetchone() == (None,)
    listed = sitat("server", "members", shared, "--json").json()
    assert listed == [{"login": f"{db}_hanne", "role": "coder", "coder": "Hanne"},
                      {"login": f"{db}_lea", "role": "lead", "coder": None}]
    # a lead changes role to reader: one role at a time
    sitat("server", "grant", shared, f"{db}_lea", "--role", "reader")
    assert sitat("server", "members", shared).out.splitlines() == [
        f"{db}_hanne\tcoder\tHanne", f"{db}_lea\treader\t"]
    assert sitat("server", "revoke", shared, f"{db}_lea").out.strip() == \
        f"{db}_lea no longer has a role in {db}."
    assert sitat("server", "revoke", shared, f"{db}_lea").out.strip() == \
        f"{db}_lea had no role in {db}."
    assert [m["login"] for m in sitat("server", "members", shared, "--json").json()] == [
        f"{db}_hanne"]


def test_members_are_told_their_roles_rule_in_their_language(shared):
    db = _db(shared)
    sitat("server", "grant", shared, f"{db}_tor", "--role", "coder", "--coder", "Tor")
    sitat("server", "grant", shared, f"{db}_rita", "--role", "reader")
    tor, rita = _as(shared, f"{db}_tor"), _as(shared, f"{db}_rita")
    r = run_cli("--lang", "nb", "codebook", "add", tor, "Tillit")
    assert (r.code, r.err) == (1, "error: Du er koder i dette prosjektet: kodeboken kan bare "
                                  "endres av en leder.\n")
    r = run_cli("code", rita, "--doc", "fg-alna", "--code", "Respekt", "--coder", "Rita",
                "--start", "0", "--end", "4")
    assert (r.code, r.err) == (1, "error: You are a reader in this project: you can read it, "
                                  "but not change it.\n")
    r = run_cli("server", "grant", tor, f"{db}_x", "--role", "lead")
    assert r.code == 1 and f"Only the owner of {db} ({SUPERUSER})" in r.err
    sitat("code", tor, "--doc", "fg-alna", "--code", "Respekt", "--coder", "Tor",
          "--start", "0", "--end", "4")
    assert [(c["coder"], c["text"]) for c in sitat("codings", rita, "--json").json()] == [
        ("Tor", "Kari")]


def test_bad_grants_change_nothing(shared, tmp_path):
    db = _db(shared)
    for args, message in [
        (("--role", "reader", "--coder", "Rita"), "A reader does not code"),
        (("--role", "chief"), "invalid choice"),
    ]:
        r = run_cli("server", "grant", shared, f"{db}_rita", *args)
        assert r.code != 0 and message in r.err
    r = run_cli("server", "grant", shared, "pg_monitor", "--role", "reader")
    assert r.code == 1 and "names starting with pg_" in r.err
    r = run_cli("server", "grant", shared, f"sitat_{db}_lead", "--role", "lead")
    assert r.code == 1 and "group roles" in r.err
    r = run_cli("server", "grant", shared, SUPERUSER, "--role", "coder")
    assert r.code == 1 and "is a superuser" in r.err
    assert sitat("server", "members", shared).out.strip() == f"Nobody has a role in {db} yet."
    r = run_cli("server", "init", str(tmp_path / "p.sitat"))
    assert r.code == 1 and "is a project file" in r.err


def test_names_and_filters_that_try_sql_injection_are_only_names(pg_cluster, shared):  # noqa: F811
    login = f'{_db(shared)}"; DROP TABLE coding; --'
    sitat("server", "grant", shared, login, "--role", "coder", "--coder", EVIL)
    sitat("codebook", "add", shared, EVIL)
    sitat("attr", shared, "fg-alna", f"bydel={EVIL}")
    member = _as(shared, login.replace('"', "%22").replace(";", "%3B").replace(" ", "%20"))
    start = TEXT.index("respekt")
    sitat("code", member, "--doc", "fg-alna", "--code", EVIL, "--coder", EVIL,
          "--start", str(start), "--end", str(start + len("respekt")))
    for option, value in [("--where", f"bydel={EVIL}"), ("--in-coder", EVIL),
                          ("--in-code", EVIL)]:  # each filter finds the one passage
        found = sitat("search", member, "respekt", option, value, "--count", "--json").json()
        assert found["hits"] == 1, (option, found)
    found = sitat("search", member, "respekt", "--speaker", EVIL, "--count", "--json").json()
    assert found["hits"] == 0
    codings = sitat("codings", member, "--coder", EVIL, "--json").json()
    assert [(c["code"], c["coder"], c["text"]) for c in codings] == [(EVIL, EVIL, "respekt")]
    with _admin(pg_cluster, shared) as con:
        assert con.execute("SELECT count(*) FROM coding").fetchone() == (1,)
        assert con.execute("SELECT name FROM code ORDER BY id").fetchall() == [
            ("Respekt",), (EVIL,)]
        assert con.execute("SELECT rolname FROM pg_roles WHERE rolname = %s",
                           (login,)).fetchone() == (login,)
