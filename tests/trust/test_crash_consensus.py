"""Crash safety of `sitat consensus`: a child process is killed (SIGKILL) at random moments
while it fills in the agreed segments of the sample project's two coders; afterwards the project
passes `check` and the consensus coder holds either none or all of the agreed segments (one
transaction, never a half-filled consensus)."""

from __future__ import annotations

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
KILLS = 24

CHILD = """
import sys
sys.path.insert(0, {root!r})
from app.cli import main
print("ready", flush=True)
sys.stdin.readline()
code = main(["consensus", sys.argv[1], "--coders", "Hanne,Tor", "--json"])
print("done" if code == 0 else "failed", flush=True)
"""


def _state(path: Path) -> tuple[int, frozenset]:
    """Every coding counted, and the consensus coder's spans."""
    con = sqlite3.connect(path)
    try:
        total = con.execute("SELECT COUNT(*) FROM coding").fetchone()[0]
        spans = frozenset(con.execute(
            "SELECT c.document_id, c.code_id, c.start, c.\"end\" FROM coding c "
            "JOIN coder k ON k.id = c.coder_id WHERE k.name = 'Konsensus'").fetchall())
        return total, spans
    finally:
        con.close()


def _agreed(path: Path) -> frozenset:
    """What a research lead expects: the spans Hanne and Tor both coded with a code, where
    neither coded anything else overlapping with that code."""
    con = sqlite3.connect(path)
    try:
        rows = con.execute("SELECT c.document_id, c.code_id, c.start, c.\"end\", k.name "
                           "FROM coding c JOIN coder k ON k.id = c.coder_id "
                           "WHERE k.name IN ('Hanne', 'Tor')").fetchall()
    finally:
        con.close()
    by = {}
    for doc, code, start, end, coder in rows:
        by.setdefault((doc, code, start, end), set()).add(coder)
    out = set()
    for (doc, code, start, end), coders in by.items():
        if coders != {"Hanne", "Tor"}:
            continue
        others = [k for k, who in by.items() if k[:2] == (doc, code) and k[2:] != (start, end)
                  and (who != {"Hanne", "Tor"}) and k[2] < end and start < k[3]]
        if not others:
            out.add((doc, code, start, end))
    return frozenset(out)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    from app.core.sample import build_sample

    path = tmp_path_factory.mktemp("crash-consensus") / "template.sitat"
    build_sample(path).close()
    return path


def _start(project: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", CHILD.format(root=str(ROOT)), str(project)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


@pytest.mark.slow
def test_killed_consensus_holds_none_or_all_agreed_segments(template, tmp_path):
    before = _state(template)
    agreed = _agreed(template)
    assert before[1] == frozenset() and len(agreed) > 100
    full = tmp_path / "full.sitat"
    shutil.copyfile(template, full)
    t0 = time.perf_counter()
    child = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT)), str(full)],
                           input="go\n", capture_output=True, text=True, timeout=120)
    duration = time.perf_counter() - t0
    assert child.stdout.rstrip().endswith("done"), child.stderr
    after = _state(full)
    assert after == (before[0] + len(agreed), agreed)
    rng = random.Random("crash-consensus")
    outcomes = {"before": 0, "after": 0}
    for i in range(KILLS):
        project = tmp_path / f"killed-{i}.sitat"
        shutil.copyfile(template, project)
        proc = _start(project)
        assert proc.stdout.readline().strip() == "ready"
        proc.stdin.write("go\n")
        proc.stdin.flush()
        time.sleep(rng.uniform(0, duration * 0.9))
        proc.send_signal(signal.SIGKILL)
        proc.stdout.read()
        proc.wait()
        state = _state(project)
        assert state in (before, after), (i, state[0], len(state[1]))
        outcomes["after" if state == after else "before"] += 1
        with Project.open(project) as p:  # the dead process's lock is taken over
            assert check_project(p) == []
        for leftover in tmp_path.glob(f"killed-{i}.sitat*"):
            leftover.unlink()
    print(f"consensus: {KILLS} kills, outcomes {outcomes}")
    assert outcomes["before"] > 0
