"""The shared-project load test at a tiny size (#20): three coders apply and remove codings at
once on a throwaway PostgreSQL server while a lead builds matrices, and one more client is
killed with SIGKILL inside an open write. Every coding a coder saw saved is in the database
exactly once, nothing else is, the killed client's coding is not, and no coder saw an error."""

from __future__ import annotations

from benchmarks import corpus
from benchmarks.pg_kill import HOLD_SECONDS
from benchmarks.pg_load import run_load


def test_tiny_load_with_a_killed_client_loses_and_doubles_nothing(tmp_path):
    folder = corpus.build("small", base=tmp_path / "corpora")
    r = run_load(folder / "project.sitat", clients=3, passages=20, pause=0.01, kill=True,
                 durable=False)

    assert r["problems"] == []
    assert r["errors"] == {}  # no lock timeout, deadlock or serialisation error reached a coder
    applied, removed = r["apply"]["n"], r["remove"]["n"]
    assert applied + removed == 3 * 20 and removed >= 3
    assert r["codings_after"] == r["codings_before"] + applied - removed
    assert r["actions_committed"] == 3 + 3 * 20 + 1  # coder rows, actions, the victim's coder
    killed = r["killed"]
    assert killed["exitcode"] == -9
    # the server ended the dead client's session (and freed the project's row lock) at once
    assert killed["freed_s"] is not None and killed["freed_s"] < 2
    # the others waited at most for the victim's hold, never for a lock timeout (5 s)
    assert r["apply"]["max_ms"] < (HOLD_SECONDS + 4) * 1000
    assert r["matrix"]["n"] > 0 and r["agreement"]["n"] > 0


def test_a_hung_client_blocks_the_others_only_until_the_server_ends_its_transaction(
        tmp_path, monkeypatch):
    """A Sitat stopped inside an open write (as when its network is cut) holds the project
    row's lock; the server ends its idle transaction after IDLE_IN_TRANSACTION_MS (shortened
    here; 60 s in use), and another coder's action waits that long, then is saved."""
    import psycopg

    from app.core.project import Project
    from app.core.server import connect
    from app.core.server.publish import publish_project
    from benchmarks.pg_kill import frozen_client
    from tests.pg import SUPERUSER, Cluster

    monkeypatch.setattr(connect, "IDLE_IN_TRANSACTION_MS", 1500)  # the forked client's too
    folder = corpus.build("small", base=tmp_path / "corpora")
    cluster = Cluster()
    try:
        db = cluster.create_database()
        with Project.open(folder / "project.sitat", read_only=True) as p:
            publish_project(p, cluster.url(db))
        with psycopg.connect(host=str(cluster.root), user=SUPERUSER, dbname=db,
                             autocommit=True) as admin:
            r = frozen_client(cluster.url(db), admin)
    finally:
        cluster.stop()
    assert r["saved"] == 1 and r["stopped_left"] == 0
    assert 1.2 < r["waited_s"] < 4.5  # the idle limit, well inside the others' lock_timeout
