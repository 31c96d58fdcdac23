"""Shared fixtures: English messages, offscreen Qt, throw-away projects, an in-process CLI runner."""

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


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    from app.core.project import Project

    path = tmp_path / "p.sitat"
    Project.create(path, "Test").close()
    return path


@pytest.fixture
def project(project_path: Path):
    from app.core.project import Project

    p = Project.open(project_path)
    yield p
    p.close()


TEAM_TEXT = ("Moderator: Hvordan var det? 🙂\nDeltaker 1: Jeg ble hørt, og hun hadde tid.\n"
             "Deltaker 2: Jeg måtte forklare alt på nytt.\n")


def make_team_project(tmp_path: Path, name: str = "lag.sitat") -> Path:
    """A project made through the CLI for team tests: two short focus-group texts, fg-a and
    fg-b (TEAM_TEXT and their own name), and the ten characteristics codebook."""
    proj = tmp_path / name
    assert run_cli("new", proj).code == 0
    for doc in ("fg-a", "fg-b"):
        src = tmp_path / f"{doc}.txt"
        src.write_text(TEAM_TEXT + doc + "\n", encoding="utf-8")
        assert run_cli("import", proj, src).code == 0
    assert run_cli("codebook", "import", proj, ROOT / "app" / "data" / "codebooks" / "ti-kjennetegn.qdc").code == 0
    return proj
