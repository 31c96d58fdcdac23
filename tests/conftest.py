"""Shared fixtures: English messages, offscreen Qt, throw-away projects on either backend (a
.sitat file or a database in the throwaway PostgreSQL cluster of tests/pg.py), an in-process
CLI runner.

Backends: every test under tests/core that uses `backend` (directly, or through `project`,
`new_project` or `project_location`) runs twice, on "sqlite" and on "postgresql". A test or
module marked `sqlite_only` (its subject is the .sitat file itself) gets only the "sqlite"
parameter - it is not collected for PostgreSQL at all, so nothing is skipped there. Elsewhere
(tests/cli, tests/views ...) `backend` is "sqlite" unless a test parametrises it itself."""

from __future__ import annotations

import hashlib
import io
import os
import sys
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["SITAT_LANG"] = "en"

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


@pytest.fixture(autouse=True)
def _english():
    from app.i18n import set_language

    set_language("en")
    yield
    set_language("en")


@pytest.fixture(autouse=True)
def _no_window_left_registered():
    """After each test, the application names no main window ("sitat_window", which
    app.views.application sets): a window a test closed would otherwise stay named there, and
    the next test that reads the property (app.views.error_hook) would read a deleted object -
    a crash that depends on which tests ran before in the same process (xdist workers)."""
    yield
    widgets = sys.modules.get("PySide6.QtWidgets")
    app = widgets.QApplication.instance() if widgets is not None else None
    if app is not None:
        app.setProperty("sitat_window", None)


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    def json(self):
        import json

        return json.loads(self.out)


def run_cli(*args: str | os.PathLike) -> CliResult:
    """Run `sitat ARGS` in this process and capture what it prints."""
    from app.cli import main

    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse usage errors
            code = exc.code if isinstance(exc.code, int) else 1
    return CliResult(code, out.getvalue(), err.getvalue())


@pytest.fixture
def cli():
    return run_cli


def file_digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def project_digest(location) -> str:
    """What "the project is unchanged" means on either backend: a .sitat file's bytes, or
    every row of every table of a shared project (read over a connection of its own)."""
    from app.core.server.location import ServerLocation, is_server_url

    if not is_server_url(location):
        return file_digest(location)
    import psycopg

    url = ServerLocation.parse(location).url
    digest = hashlib.sha256()
    with psycopg.connect(dbname=url.database, user=url.username, host=url.query.get("host"),
                         autocommit=True) as con:
        tables = [r[0] for r in con.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
        for table in tables:
            columns = con.execute(f'SELECT * FROM "{table}" LIMIT 0').description
            order = ", ".join(str(i + 1) for i in range(len(columns)))
            digest.update(table.encode())
            for row in con.execute(f'SELECT * FROM "{table}" ORDER BY {order}'):
                digest.update(repr(row).encode())
    return digest.hexdigest()


from tests.pg import pg_cluster  # noqa: E402,F401  (one cluster per session/xdist worker)

BACKENDS = ("sqlite", "postgresql")
BOTH_BACKENDS_UNDER = ROOT / "tests" / "core"


def pytest_generate_tests(metafunc):
    """`backend` is parametrised sqlite/postgresql for tests under tests/core, sqlite only for
    a test marked sqlite_only."""
    if "backend" not in metafunc.fixturenames:
        return
    if any(m.name == "backend" for m in metafunc.definition.iter_markers("parametrize")):
        return  # the test chose its backends itself
    path = Path(str(metafunc.definition.path))
    if not path.is_relative_to(BOTH_BACKENDS_UNDER):
        return
    only_sqlite = metafunc.definition.get_closest_marker("sqlite_only") is not None
    metafunc.parametrize("backend", BACKENDS[:1] if only_sqlite else BACKENDS, indirect=True)


@pytest.fixture
def backend(request) -> str:
    """Where the test's projects live: "sqlite" (a .sitat file) or "postgresql"."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def project_location(backend, tmp_path: Path, request):
    """Factory: project_location(title="Test", name="p") makes a new, empty, closed project on
    the test's backend and returns where it is - a .sitat file's Path (tmp_path/NAME.sitat),
    or a PostgreSQL URL (str) of a database of its own for the test."""
    from app.core.project import Project

    taken: list[str] = []

    def make(title: str = "Test", name: str = "p"):
        if backend == "sqlite":
            path = tmp_path / f"{name}.sitat"
            Project.create(path, title).close()
            return path
        cluster = request.getfixturevalue("pg_cluster")
        database = cluster.pool.take(title)  # tests/pg_pool.py: reused, exactly as new
        taken.append(database)
        return cluster.url(database)

    yield make
    if taken:
        cluster = request.getfixturevalue("pg_cluster")
        for database in taken:
            cluster.pool.give_back(database)


@pytest.fixture
def new_location(backend, tmp_path: Path, request):
    """Factory: new_location(name="p") is where a new project may be made (by an import, the
    CLI's `new` ...): tmp_path/NAME.sitat (not there yet), or the URL of a new, empty
    PostgreSQL database, dropped after the test. The same name gives the same location."""
    made: dict[str, object] = {}
    dropped: list[str] = []

    def make(name: str = "p"):
        if name not in made:
            if backend == "sqlite":
                made[name] = tmp_path / f"{name}.sitat"
            else:
                cluster = request.getfixturevalue("pg_cluster")
                database = cluster.create_database(template="template1")
                dropped.append(database)
                made[name] = cluster.url(database)
        return made[name]

    yield make
    if dropped:
        cluster = request.getfixturevalue("pg_cluster")
        for database in dropped:
            cluster.drop_database(database)


@pytest.fixture
def copy_of(backend, new_location):
    """Factory: copy_of(path, name="p") is a copy of the project file `path` on the test's
    backend, open for writing (closed after the test): a copied file, or the file published
    into a new database (app.core.server.publish: every row, the same ids and guids)."""
    import shutil

    from app.core.project import Project

    opened: list = []

    def make(path: Path, name: str = "p"):
        if backend == "sqlite":
            target = new_location(name)
            shutil.copyfile(path, target)
        else:
            from app.core.server.publish import publish_project

            target = new_location(name)
            with Project.open(path, read_only=True) as source:
                publish_project(source, target)
        p = Project.open(target)
        opened.append(p)
        return p

    yield make
    for p in opened:
        p.close()


@pytest.fixture
def new_project(project_location):
    """Factory: new_project(title="Test", name="p") is a new, empty project on the test's
    backend, open for writing (closed after the test)."""
    from app.core.project import Project

    opened: list = []

    def make(title: str = "Test", name: str = "p"):
        p = Project.open(project_location(title, name))
        opened.append(p)
        return p

    yield make
    for p in opened:
        p.close()


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    """A new, empty project file (SQLite whatever the backend: for tests of the file)."""
    from app.core.project import Project

    path = tmp_path / "p.sitat"
    Project.create(path, "Test").close()
    return path


@pytest.fixture
def project(backend, request):
    """A new, empty project open for writing, on the test's backend (on SQLite it is the
    file `project_path`)."""
    from app.core.project import Project

    if backend == "sqlite":
        location = request.getfixturevalue("project_path")
    else:
        location = request.getfixturevalue("project_location")("Test", "p")
    p = Project.open(location)
    yield p
    p.close()


TEAM_TEXT = ("Moderator: Hvordan var det? 🙂\nDeltaker 1: Jeg ble hørt, og hun hadde tid.\n"
             "Deltaker 2: Jeg måtte forklare alt på nytt.\n")


def make_team_project(tmp_path: Path, name: str = "lag.sitat", location=None):
    """A project made through the CLI for team tests: two short focus-group texts, fg-a and
    fg-b (TEAM_TEXT and their own name), and the ten characteristics codebook. It is made at
    `location` (see the new_location fixture) when given, else at tmp_path/name."""
    proj = tmp_path / name if location is None else location
    assert run_cli("new", proj).code == 0
    for doc in ("fg-a", "fg-b"):
        src = tmp_path / f"{doc}.txt"
        src.write_text(TEAM_TEXT + doc + "\n", encoding="utf-8")
        assert run_cli("import", proj, src).code == 0
    assert run_cli("codebook", "import", proj, ROOT / "app" / "data" / "codebooks" / "ti-kjennetegn.qdc").code == 0
    return proj
