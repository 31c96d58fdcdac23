"""All or nothing under a crash: a `sitat survey import` process is killed (SIGKILL) inside its
write transaction - once when every row has been written but not committed, and at random
moments of a whole import - and the project holds either no survey or the whole survey, and
passes its integrity check."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.core.check import check_project
from app.core.project import Project
from tests.core.survey.import_files import HEADINGS, write_csv, write_mapping

pytestmark = pytest.mark.sqlite_only  # kills a process writing the .sitat file

ROOT = Path(__file__).resolve().parents[3]
RESPONDENTS = 3000
CHILD = """
import sys, time
sys.path.insert(0, {root!r})
import app.core.survey.importer as importer
from app.cli import main
if sys.argv[3] == "pause":  # stop inside the transaction, after every row was written
    write = importer.write_survey
    def paused(*args, **kwargs):
        result = write(*args, **kwargs)
        print("written", flush=True)
        time.sleep(60)
        return result
    importer.write_survey = paused
print("ready", flush=True)
sys.stdin.readline()
code = main(["survey", "import", sys.argv[1], sys.argv[2], "--map", sys.argv[4]])
print("done", code, flush=True)
"""
TABLES = ("survey", "survey_item", "respondent", "respondent_value", "survey_answer",
          "survey_text", "document", "attribute_value")


def _counts(path: Path) -> tuple:
    con = sqlite3.connect(path)
    try:
        return tuple(con.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in TABLES) + (
            con.execute("SELECT revision FROM project").fetchone()[0],)
    finally:
        con.close()


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    base = tmp_path_factory.mktemp("survey-kill")
    rng = random.Random(21)
    rows = [[f"R{n}", rng.choice(["Aktivitetshus", "Psykisk helsearbeid"]), "Alna",
             rng.randint(1, 4), rng.choice(["Litt enig", "Vet ikke", None]), rng.randint(1, 4),
             f"Kommentar nummer {n}" if n % 3 == 0 else None] for n in range(RESPONDENTS)]
    template = base / "template.sitat"
    Project.create(template, "Krasj").close()
    return template, write_csv(base / "svar.csv", HEADINGS, rows), write_mapping(base)


def _start(template: Path, project: Path, survey: Path, mapping: Path, mode: str):
    for p in project.parent.glob(project.name + "*"):
        p.unlink()
    project.write_bytes(template.read_bytes())
    child = subprocess.Popen([sys.executable, "-c", CHILD.format(root=str(ROOT)), str(project),
                              str(survey), mode, str(mapping)], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready"
    child.stdin.write("go\n")
    child.stdin.flush()
    return child


def _assert_sound(project: Path) -> None:
    with Project.open(project) as p:
        assert check_project(p) == []


def test_killed_inside_the_transaction_leaves_nothing(files, tmp_path):
    template, survey, mapping = files
    before = _counts(template)
    project = tmp_path / "k.sitat"
    child = _start(template, project, survey, mapping, "pause")
    assert child.stdout.readline().strip() == "written", child.stderr.read()
    child.send_signal(signal.SIGKILL)
    child.communicate()
    assert _counts(project) == before
    _assert_sound(project)


def test_killed_at_random_moments_leaves_all_or_nothing(files, tmp_path):
    template, survey, mapping = files
    before = _counts(template)
    project = tmp_path / "k.sitat"
    t0 = time.perf_counter()
    out, err = _start(template, project, survey, mapping, "run").communicate(timeout=120)
    duration = time.perf_counter() - t0
    assert "done 0" in out, err
    after = _counts(project)
    assert after[:3] == (1, 4, RESPONDENTS) and after[6] == RESPONDENTS // 3
    rng = random.Random("survey-kill")
    for _ in range(2):
        child = _start(template, project, survey, mapping, "run")
        time.sleep(rng.uniform(duration * 0.3, duration * 0.95))
        child.send_signal(signal.SIGKILL)
        child.communicate()
        assert _counts(project) in (before, after)
        _assert_sound(project)
