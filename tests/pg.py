"""A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder, a Unix socket in
that folder only (no TCP), run as an unprivileged user (PostgreSQL refuses root), stopped and
removed at the end - also when pytest itself is killed (a watchdog process does it then).
It never looks for, connects to or changes a system cluster."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SUPERUSER = "sitat_test"

# Runs detached beside pytest: when pytest is gone without stopping the cluster, the
# postmaster gets an immediate-shutdown signal and the folder is removed.
_WATCHDOG = r"""
import os, shutil, signal, sys, time
parent, root = int(sys.argv[1]), sys.argv[2]
pidfile = os.path.join(root, "data", "postmaster.pid")
while True:
    try:
        os.kill(parent, 0)
    except ProcessLookupError:
        break
    time.sleep(1)
try:
    with open(pidfile) as fh:
        pid = int(fh.readline())
    os.kill(pid, signal.SIGQUIT)
    for _ in range(100):
        os.kill(pid, 0)
        time.sleep(0.05)
except (OSError, ValueError):
    pass
shutil.rmtree(root, ignore_errors=True)
"""


def find_bindir() -> Path | None:
    """The newest Debian PostgreSQL (/usr/lib/postgresql/N/bin), or initdb on PATH."""
    def version(p: str) -> int:
        try:
            return int(Path(p).parent.parent.name)
        except ValueError:
            return 0

    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=version)
    if found:
        return Path(found[-1]).parent
    on_path = shutil.which("initdb")
    return Path(on_path).parent if on_path else None


def _service_account() -> pwd.struct_passwd | None:
    """Whom the cluster runs as: None (this user) unless we are root; then Debian's own
    `postgres` system user when the package made one, else `nobody`."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root, and neither a postgres nor a nobody user exists")


class Cluster:
    """One running throwaway cluster; `url(db)` gives a Sitat project URL for a database."""

    def __init__(self) -> None:
        bindir = find_bindir()
        if bindir is None:
            raise RuntimeError("PostgreSQL is not installed (./test.sh installs Debian's "
                               "postgresql package when missing)")
        self.bindir = bindir
        self.account = _service_account()
        self.root = Path(tempfile.mkdtemp(prefix="sitat-pg-"))
        self.data = self.root / "data"
        self._watchdog: subprocess.Popen | None = None
        self._counter = 0
        try:
            if self.account is not None:
                os.chown(self.root, self.account.pw_uid, self.account.pw_gid)
            started = time.perf_counter()
            self._run("initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust",
                      "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions")
            self._watchdog = subprocess.Popen(
                [sys.executable, "-c", _WATCHDOG, str(os.getpid()), str(self.root)],
                start_new_session=True, stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            options = (f"-k {self.root} -c listen_addresses='' -c fsync=off "
                       "-c synchronous_commit=off -c full_page_writes=off "
                       "-c max_connections=60")
            self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "log"), "-w",
                      "-t", "60", "-o", options, "start")
            self.start_seconds = time.perf_counter() - started
        except BaseException:
            self.stop()
            raise

    def _run(self, program: str, *args: str) -> None:
        kwargs = {}
        if self.account is not None:
            kwargs = {"user": self.account.pw_uid, "group": self.account.pw_gid,
                      "extra_groups": []}
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C",
               "HOME": str(self.root)}
        done = subprocess.run([str(self.bindir / program), *args], cwd=self.root, env=env,
                              capture_output=True, text=True, **kwargs)
        if done.returncode != 0:
            log = self.root / "log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(f"{program} failed: {done.stderr or done.stdout}\n{tail}")

    # -- databases ----------------------------------------------------------------------
    def url(self, dbname: str) -> str:
        return f"postgresql://{SUPERUSER}@/{dbname}?host={self.root}"

    def admin(self):
        import psycopg

        return psycopg.connect(host=str(self.root), user=SUPERUSER, dbname="postgres",
                               autocommit=True)

    def create_database(self, template: str | None = None, name: str | None = None) -> str:
        """A new empty database (or a copy of `template`); returns its name. A copy is made
        with STRATEGY FILE_COPY: for a small template that is ~35 ms, against ~55 ms for the
        default WAL_LOG (which writes every page through the log)."""
        if name is None:
            self._counter += 1
            name = f"t{os.getpid()}_{self._counter}"
        with self._admin_connection() as con:
            con.execute(f'CREATE DATABASE "{name}"'
                        + (f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""))
        return name

    def _admin_connection(self):
        """The cluster's kept administrative connection (one per cluster, reused: a new
        connection per database would add a few ms to every test)."""
        import contextlib

        if getattr(self, "_admin", None) is None or self._admin.closed:
            self._admin = self.admin()
        return contextlib.nullcontext(self._admin)

    def drop_database(self, name: str) -> None:
        with self._admin_connection() as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    # -- end ------------------------------------------------------------------------------
    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove the folder; safe to call twice."""
        if getattr(self, "_admin", None) is not None:
            self._admin.close()
            self._admin = None
        if (self.data / "postmaster.pid").exists():
            try:
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "30",
                          "stop")
            except RuntimeError:
                self._kill_postmaster()
        if self._watchdog is not None:
            self._watchdog.send_signal(signal.SIGKILL)
            self._watchdog.wait()
            self._watchdog = None
        shutil.rmtree(self.root, ignore_errors=True)

    def _kill_postmaster(self) -> None:
        try:
            pid = int((self.data / "postmaster.pid").read_text().split("\n", 1)[0])
            os.kill(pid, signal.SIGQUIT)
            for _ in range(100):
                os.kill(pid, 0)
                time.sleep(0.05)
        except (OSError, ValueError):
            pass


# -- fixtures (import them into a test module, or a conftest, by name) ----------------------------
import pytest  # noqa: E402  (the cluster above is plain Python, usable outside pytest too)

TEMPLATE = "sitat_template"


@pytest.fixture(scope="session")
def pg_cluster():
    """The session's throwaway cluster, with a database `sitat_template` holding a new, empty
    Sitat project (the migrations run once; each test copies it)."""
    from app.core.project import Project

    from tests.pg_pool import ProjectPool

    cluster = Cluster()
    try:
        Project.create(cluster.url(cluster.create_database(name=TEMPLATE)), "Test").close()
        cluster.pool = ProjectPool(cluster, TEMPLATE)  # the backend fixtures' projects
        yield cluster
    finally:
        cluster.stop()


def copy_template(cluster: Cluster, title: str | None = None) -> str:
    """A new database holding a new, empty project (a copy of the template with an id of its
    own, and `title` when given); returns its name. Drop it with cluster.drop_database."""
    import uuid

    import psycopg

    name = cluster.create_database(template=TEMPLATE)
    with psycopg.connect(host=str(cluster.root), user=SUPERUSER, dbname=name,
                         autocommit=True) as con:
        if title is None:
            con.execute("UPDATE project SET id = %s", (str(uuid.uuid4()),))
        else:
            con.execute("UPDATE project SET id = %s, title = %s", (str(uuid.uuid4()), title))
    return name


@pytest.fixture
def pg_url(pg_cluster):
    """The URL of a fresh shared project (a copy of the template); dropped afterwards."""
    name = copy_template(pg_cluster)
    yield pg_cluster.url(name)
    pg_cluster.drop_database(name)


@pytest.fixture(params=["sqlite", "postgresql"])
def project_target(request, tmp_path):
    """A new, empty project to open: a .sitat file's path, or a shared project's URL."""
    if request.param == "sqlite":
        from app.core.project import Project

        path = tmp_path / "p.sitat"
        Project.create(path, "Test").close()
        return str(path)
    return request.getfixturevalue("pg_url")


@pytest.fixture
def any_project(project_target):
    """An open project on SQLite and on PostgreSQL (the test runs once for each)."""
    from app.core.project import Project

    p = Project.open(project_target)
    yield p
    p.close()
