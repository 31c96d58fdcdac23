"""Crash safety: a child process is killed (SIGKILL) at random moments while it imports, merges
codes search hits or pseudonymises; afterwards the project passes `check` and every action happened entirely
or not at all. Each action is one transaction, so there is never a half-done state."""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.core.check import check_project
from app.core.project import Project

ROOT = Path(__file__).resolve().parents[2]
KILLS_PER_ACTION = 26  # x 4 actions = 104 kills

CHILD = """
import sys, os
sys.path.insert(0, {root!r})
os.environ["SITAT_INDEX_DIR"] = {index!r}
from pathlib import Path
from app.core.project import Project
from app.core.documents import add_prepared, prepare_files
from app.core.team.merge import merge_projects
from app.core.search.service import code_hits, search
action, project = sys.argv[1], sys.argv[2]
print("ready", flush=True)
sys.stdin.readline()
if action == "import":
    files = sorted(Path({sources!r}).glob("*.txt"))
    batch = prepare_files(files)
    for b in batch:
        b.name = "ny-" + b.name
    with Project.open(project) as p, p.write() as s:
        add_prepared(s, batch, allow_duplicate=True)
elif action == "merge":
    with Project.open(project) as p:
        merge_projects(p, [Path({copy!r})])
elif action == "pseudonymise":
    import uuid
    from app.core.privacy.replace import apply_permanently
    with Project.open(project) as p, p.write() as s:
        apply_permanently(s, Path({base!r}) / f"key-{{uuid.uuid4()}}.csv")
elif action == "code":
    with Project.open(project) as p:
        hits = search(p, "hjelp").hits
        with p.write() as s:
            code_hits(s, hits, "Samhandling", "Krasj", "sentence")
print("done", flush=True)
"""


def _counts(path: Path) -> tuple[int, int, int, int]:
    """What an action changes: documents, codings, documents with a pseudonym in them, listed
    sensitive terms."""
    con = sqlite3.connect(path)
    try:
        return (con.execute("SELECT COUNT(*) FROM document").fetchone()[0],
                con.execute("SELECT COUNT(*) FROM coding").fetchone()[0],
                con.execute("SELECT COUNT(*) FROM document WHERE text LIKE '%[Institusjon 1]%'")
                .fetchone()[0],
                con.execute("SELECT COUNT(*) FROM pseudonym").fetchone()[0])
    finally:
        con.close()


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    from app.core.sample import build_sample
    from app.core.team.copies import coder_copy

    base = tmp_path_factory.mktemp("crash")
    template = base / "template.sitat"
    build_sample(template).close()
    sources = base / "sources"
    sources.mkdir()
    for p in sorted((ROOT / "app" / "data" / "sample" / "bsb_demo" / "transcripts").glob("*.txt"))[:6]:
        shutil.copyfile(p, sources / p.name)
    copy = base / "copy.sitat"
    with Project.open(template) as p:
        coder_copy(p, "Tor", copy, blind=True)
        from app.core.privacy.terms import add_term

        with p.write() as s:  # what the pseudonymisation run replaces
            add_term(s, "NAV", kind="institution")
            add_term(s, "Kari")
    con = sqlite3.connect(copy)  # the copy gets new codings of its own to merge back
    con.execute("UPDATE coding SET start = start + 1, guid = guid || '-x'")
    con.commit()
    con.close()
    return base, template, sources, copy


def _run(setup, action: str, delay: float, tmp: Path) -> tuple[Path, bool]:
    base, template, sources, copy = setup
    project = tmp / f"{action}.sitat"
    for p in tmp.glob(f"{action}.sitat*"):
        p.unlink()
    shutil.copyfile(template, project)
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(root=str(ROOT), sources=str(sources), base=str(base),
                                            copy=str(copy), index=str(base / "idx")),
         action, str(project)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready"
    child.stdin.write("go\n")
    child.stdin.flush()
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    out = child.stdout.read()
    child.wait()
    return project, "done" in out


@pytest.mark.slow
@pytest.mark.parametrize("action", ["import", "merge", "code", "pseudonymise"])
def test_kills_leave_whole_actions_only(setup, action, tmp_path):
    template = setup[1]
    before = _counts(template)
    # one unkilled run tells how long the action takes and what "entirely" looks like
    t0 = time.perf_counter()
    project = tmp_path / f"{action}-full.sitat"
    shutil.copyfile(template, project)
    child = subprocess.run(
        [sys.executable, "-c", CHILD.format(root=str(ROOT), sources=str(setup[2]),
                                            base=str(setup[0]), copy=str(setup[3]),
                                            index=str(setup[0] / "idx")),
         action, str(project)], input="go\n", capture_output=True, text=True, timeout=120)
    assert "done" in child.stdout, child.stderr
    duration = time.perf_counter() - t0
    after = _counts(project)
    assert after != before
    rng = random.Random(f"crash-{action}")
    outcomes = {"before": 0, "after": 0}
    for _ in range(KILLS_PER_ACTION):
        killed, done = _run(setup, action, rng.uniform(0, duration * 0.9), tmp_path)
        counts = _counts(killed)
        assert counts in (before, after), (action, counts, before, after)
        outcomes["after" if counts == after else "before"] += 1
        with Project.open(killed) as p:  # the dead process's lock is taken over
            assert check_project(p) == []
    print(f"{action}: {KILLS_PER_ACTION} kills, outcomes {outcomes}")
    assert outcomes["before"] > 0  # some kills did land before the commit
