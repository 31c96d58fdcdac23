"""Roles and blind rounds enforced by PostgreSQL (#20, app.core.server.roles): below Sitat, on
a raw psycopg connection as a team member's own login (what psql would do), a coder cannot
read another coder's codings on an open round's documents nor write the codebook, a reader
cannot write anything, the lead sees the round's codings only once it is closed; through
Sitat, a coder codes and is told clearly why a codebook change is refused."""

from __future__ import annotations

from urllib.parse import quote

import psycopg
import pytest

from app.core.codebook import create_code
from app.core.coding import code_text
from app.core.project import Project
from app.core.server.members import grant, init_server, members, revoke, whoami
from app.errors import NotPermitted
from tests.core.test_backends_team import NYTT, RESPEKT, TEXT, sitat  # the same team text
from tests.pg import SUPERUSER, pg_cluster, pg_url  # noqa: F401


def _span(quote: str) -> tuple[int, int]:
    start = TEXT.index(quote)
    return start, start + len(quote)


class Team:
    """A shared project set up for roles: documents fg-alna (in the open round R1, coders
    Hanne and Tor) and fg-bjerke (in no round); logins `<db>_hanne` and `<db>_tor` (coders),
    `<db>_lea` (lead), `<db>_rita` (reader)."""

    def __init__(self, cluster, url: str, tmp_path) -> None:
        self.cluster, self.url = cluster, url
        self.db = url.split("@/")[1].split("?")[0]
        for name in ("fg-alna", "fg-bjerke"):
            (tmp_path / f"{name}.txt").write_text(TEXT + name + "\n", encoding="utf-8")
            sitat("import", url, tmp_path / f"{name}.txt")
        sitat("codebook", "add", url, "Respekt")
        sitat("codebook", "add", url, "Gjentakelse")
        with Project.open(url) as p:
            init_server(p)
            grant(p, self.login("hanne"), "coder", "Hanne")
            grant(p, self.login("tor"), "coder", "Tor")
            grant(p, self.login("lea"), "lead")
            grant(p, self.login("rita"), "reader")
        sitat("round", "new", url, "R1", "--documents", "fg-alna", "--coders", "Hanne,Tor")
        self.code("hanne", "Hanne", "fg-alna", "Respekt", RESPEKT)
        self.code("tor", "Tor", "fg-alna", "Gjentakelse", NYTT)
        self.code("tor", "Tor", "fg-bjerke", "Gjentakelse", NYTT)

    def login(self, who: str) -> str:
        return f"{self.db}_{who}"

    def url_as(self, who: str) -> str:
        return self.url.replace(f"{SUPERUSER}@", f"{self.login(who)}@", 1)

    def connect(self, who: str) -> psycopg.Connection:
        """A raw connection as the person's own login, as psql would make it."""
        return psycopg.connect(host=str(self.cluster.root), user=self.login(who),
                               dbname=self.db, autocommit=True)

    def code(self, who: str, coder: str, doc: str, code: str, quote: str) -> None:
        with Project.open(self.url_as(who)) as p, p.write() as s:
            code_text(s, doc, code, coder, *_span(quote))

    def seen(self, who: str) -> set[tuple[str, str]]:
        """(document, coder) of every coding the person's connection can read."""
        with self.connect(who) as con:
            return set(con.execute(
                "SELECT d.name, c.name FROM coding g JOIN document d ON d.id = g.document_id "
                "JOIN coder c ON c.id = g.coder_id").fetchall())


@pytest.fixture(scope="module")
def team(pg_cluster, tmp_path_factory):  # noqa: F811
    """One team for the tests that change nothing (a refused statement changes nothing)."""
    from tests.pg import TEMPLATE

    name = pg_cluster.create_database(template=TEMPLATE)
    yield Team(pg_cluster, pg_cluster.url(name), tmp_path_factory.mktemp("team"))
    pg_cluster.drop_database(name)


@pytest.fixture
def fresh_team(pg_cluster, pg_url, tmp_path):  # noqa: F811
    """A team of its own, for a test that changes it."""
    return Team(pg_cluster, pg_url, tmp_path)


def test_a_coder_reads_only_their_own_codings_on_an_open_rounds_documents(team):
    assert team.seen("hanne") == {("fg-alna", "Hanne"), ("fg-bjerke", "Tor")}
    assert team.seen("tor") == {("fg-alna", "Tor"), ("fg-bjerke", "Tor")}
    with team.connect("hanne") as con:  # not by id or by guid either
        assert con.execute("SELECT count(*) FROM coding WHERE coder_id = "
                           "(SELECT id FROM coder WHERE name = 'Tor')").fetchone() == (1,)
        # nor can a coder relink their login to another coder
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("UPDATE server_member SET coder_id = (SELECT id FROM coder "
                        "WHERE name = 'Tor') WHERE login = current_user")


def test_closing_the_round_opens_the_codings_to_the_lead(fresh_team):
    blind = {("fg-bjerke", "Tor")}
    assert fresh_team.seen("lea") == blind and fresh_team.seen("rita") == blind
    with fresh_team.connect("lea") as con:  # the lead cannot change them unseen either
        assert con.execute("DELETE FROM coding").rowcount == 1
    with Project.open(fresh_team.url_as("lea")) as p:
        with p.write() as s:  # the codebook is the lead's
            create_code(s, "Tillit")
        with pytest.raises(NotPermitted, match="while a round is open.*close the round"):
            with p.write() as s:
                code_text(s, "fg-alna", "Tillit", "Hanne", *_span(NYTT))
    sitat("round", "close", fresh_team.url_as("lea"), "R1")
    assert fresh_team.seen("lea") == {("fg-alna", "Hanne"), ("fg-alna", "Tor")}
    assert fresh_team.seen("rita") == fresh_team.seen("lea")
    report = sitat("round", "report", fresh_team.url_as("lea"), "R1", "--json").json()
    assert sorted(report["coders"]) == ["Hanne", "Tor"]


@pytest.mark.parametrize("statement", [
    "INSERT INTO code (guid, name, color, description, inclusion, exclusion, example, memo, "
    "sort_order, codable) VALUES ('g', 'Ny', '#000', '', '', '', '', '', 0, true)",
    "UPDATE code SET name = 'Omdøpt'",
    "DELETE FROM code",
    "INSERT INTO codebook_version (name, created_at, created_by, memo, snapshot) "
    "VALUES ('v9', now(), '', '', '{}')",
    "DELETE FROM code_event",
    "UPDATE document SET name = 'x'",
    "UPDATE round SET closed_at = now()",
    "TRUNCATE coding",
])
def test_a_coder_cannot_write_the_codebook_or_the_rest(team, statement):
    with team.connect("hanne") as con, pytest.raises(psycopg.errors.InsufficientPrivilege):
        con.execute(statement)
    with team.connect("lea") as con:
        assert con.execute("SELECT name FROM code ORDER BY name").fetchall() == [
            ("Gjentakelse",), ("Respekt",)]
        assert con.execute("SELECT count(*) FROM round WHERE closed_at IS NULL").fetchone() \
            == (1,)


def test_a_coder_writes_only_as_themselves(fresh_team):
    with fresh_team.connect("hanne") as con:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # row-level security
            con.execute("INSERT INTO coding (guid, document_id, code_id, coder_id, start, "
                        "\"end\", memo, created_at) SELECT 'forged', d.id, k.id, c.id, 0, 5, "
                        "'', now() FROM document d, code k, coder c WHERE d.name = 'fg-alna' "
                        "AND k.name = 'Respekt' AND c.name = 'Tor'")
        assert con.execute("UPDATE coding SET memo = 'mine' WHERE true").rowcount == 1
        assert con.execute("DELETE FROM coding WHERE document_id = (SELECT id FROM document "
                           "WHERE name = 'fg-bjerke')").rowcount == 0  # Tor's: untouched
    assert ("fg-bjerke", "Tor") in fresh_team.seen("tor")


@pytest.mark.parametrize("statement", [
    "UPDATE coding SET memo = 'x'", "DELETE FROM document", "UPDATE project SET title = 'x'",
    "UPDATE project SET revision = revision + 1", "SELECT revision FROM project FOR UPDATE",
    "INSERT INTO coder (guid, name, color) VALUES ('g', 'Ny', '#000')",
    "DELETE FROM server_member", "TRUNCATE coding",
])
def test_a_reader_cannot_write_anything(team, statement):
    with team.connect("rita") as con, pytest.raises(psycopg.errors.InsufficientPrivilege):
        con.execute(statement)
    assert team.seen("tor") == {("fg-alna", "Tor"), ("fg-bjerke", "Tor")}


def _tables(con) -> list[str]:
    return [r[0] for r in con.execute("SELECT tablename FROM pg_tables WHERE schemaname = "
                                      "current_schema() ORDER BY tablename")]


@pytest.mark.parametrize("who, writable", [("rita", set()), ("hanne", {"coding"})])
def test_every_table_but_what_the_role_may_write_is_read_only(team, who, writable):
    with team.connect(who) as con:
        tables = _tables(con)
        assert len(tables) > 20 and "coding" in tables
        for table in tables:
            con.execute(f"SELECT * FROM {table} LIMIT 1")  # everything can be read
            for statement in (f"DELETE FROM {table} WHERE false",
                              f"INSERT INTO {table} SELECT * FROM {table} WHERE false",
                              f"TRUNCATE {table}"):
                if table in writable and not statement.startswith("TRUNCATE"):
                    con.execute(statement)
                    continue
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    con.execute(statement)


def test_sitat_as_a_coder_codes_and_explains_what_a_coder_may_not_do(fresh_team):
    with Project.open(fresh_team.url_as("hanne")) as p:
        assert whoami(p).role == "coder" and whoami(p).coder == "Hanne"
        with p.write() as s:  # the action locks the project row and bumps its revision
            code_text(s, "fg-alna", "Gjentakelse", "Hanne", *_span(NYTT))
        revision = p.revision()
        with pytest.raises(NotPermitted, match="codebook can only be changed by a lead"):
            with p.write() as s:
                create_code(s, "Tillit")
        with pytest.raises(NotPermitted, match="only your own codings, as Hanne"):
            with p.write() as s:
                code_text(s, "fg-bjerke", "Respekt", "Tor", *_span(RESPEKT))
        assert p.revision() == revision  # nothing of the refused actions was written
    assert ("fg-alna", "Hanne") in fresh_team.seen("hanne")
    with Project.open(fresh_team.url_as("rita")) as p:
        with pytest.raises(NotPermitted, match="You are a reader in this project"):
            with p.write() as s:
                code_text(s, "fg-bjerke", "Respekt", "Rita", *_span(RESPEKT))


def test_grant_revoke_members_and_names_that_try_sql_injection(fresh_team):
    login = f'{fresh_team.db}"); DROP TABLE coding; --'
    coder = "x'); DROP TABLE coding; --"
    with Project.open(fresh_team.url) as p:
        assert grant(p, login, "coder", coder).coder == coder
        assert (login, "coder", coder) in {(m.login, m.role, m.coder) for m in members(p)}
        create_code_as_owner(p, "k'); DROP TABLE code; --")
    with psycopg.connect(host=str(fresh_team.cluster.root), user=login,
                         dbname=fresh_team.db) as con:
        assert con.execute("SELECT current_user").fetchone() == (login,)
    as_login = quote(login, safe="")  # as a URL holds it
    with Project.open(fresh_team.url.replace(f"{SUPERUSER}@", f"{as_login}@", 1)) as p:
        assert whoami(p).coder == coder
        with p.write() as s:
            code_text(s, "fg-alna", "k'); DROP TABLE code; --", coder, *_span(RESPEKT))
    assert fresh_team.seen("lea") == {("fg-bjerke", "Tor")}  # blind for the lead, but there:
    with psycopg.connect(host=str(fresh_team.cluster.root), user=SUPERUSER,
                         dbname=fresh_team.db) as con:
        assert con.execute("SELECT c.name, k.name FROM coding g JOIN coder c ON c.id = "
                           "g.coder_id JOIN code k ON k.id = g.code_id WHERE c.name = %s",
                           (coder,)).fetchall() == [(coder, "k'); DROP TABLE code; --")]
    with Project.open(fresh_team.url) as p:
        assert revoke(p, login) is True and revoke(p, login) is False
        assert login not in {m.login for m in members(p)}
    with pytest.raises(psycopg.OperationalError, match="CONNECT"):  # no role: not even in
        psycopg.connect(host=str(fresh_team.cluster.root), user=login, dbname=fresh_team.db)


def create_code_as_owner(p, name: str) -> None:
    with p.write() as s:
        create_code(s, name)


def test_init_again_changes_nothing_and_the_owner_stays_unrestricted(fresh_team):
    with Project.open(fresh_team.url) as p:
        init_server(p)
        assert whoami(p).role == "owner"
        with pytest.raises(Exception, match="owns .* or is a superuser"):
            grant(p, SUPERUSER, "coder", "Sjef")
    assert fresh_team.seen("hanne") == {("fg-alna", "Hanne"), ("fg-bjerke", "Tor")}
    with psycopg.connect(host=str(fresh_team.cluster.root), user=SUPERUSER,
                         dbname=fresh_team.db) as con:
        assert con.execute("SELECT count(*) FROM coding").fetchone() == (3,)


def test_a_coders_checkout_holds_only_what_they_may_read_and_no_logins(team, tmp_path):
    import sqlite3

    out = tmp_path / "tor.sitat"
    sitat("checkout", team.url_as("tor"), out)
    con = sqlite3.connect(out)
    try:
        seen = set(con.execute(
            "SELECT d.name, c.name FROM coding g JOIN document d ON d.id = g.document_id "
            "JOIN coder c ON c.id = g.coder_id").fetchall())
        logins = con.execute("SELECT count(*) FROM server_member").fetchone()[0]
    finally:
        con.close()
    assert seen == {("fg-alna", "Tor"), ("fg-bjerke", "Tor")}  # not Hanne's, still blind
    assert logins == 0  # who logs in as which coder stays on the server
