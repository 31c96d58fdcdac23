"""A project open for writing is locked: a second writer (another process) is told who has it
and since when, can still open it read-only, and a lock left by a killed process is taken
over."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.core.project import Project
from app.errors import ProjectError

pytestmark = pytest.mark.sqlite_only  # the lock file beside a .sitat file

ROOT = Path(__file__).resolve().parents[2]
HOLDER = """
import sys, time
sys.path.insert(0, {root!r})
from app.core.project import Project
p = Project.open({path!r}, program="Sitat-vindu")
print("open", flush=True)
time.sleep(60)
"""


def _hold(path: Path) -> subprocess.Popen:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER.format(root=str(ROOT), path=str(path))],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "open"
    return proc


def test_second_writer_is_told_who_and_can_read(project_path, cli):
    proc = _hold(project_path)
    try:
        info = json.loads(Path(f"{project_path}.lock").read_text())
        assert info["pid"] == proc.pid and info["program"] == "Sitat-vindu"
        with pytest.raises(ProjectError, match="open for changes in Sitat-vindu"):
            Project.open(project_path)
        with Project.open(project_path, read_only=True) as p:
            assert p.summary().documents == 0
        r = cli("code", project_path, "--doc", "x", "--start", "0", "--end", "1",
                "--code", "A", "--coder", "B")
        assert r.code == 1 and "open for changes" in r.err and "read-only" in r.err
        assert cli("docs", project_path, "--json").code == 0  # reading is fine
    finally:
        proc.kill()
        proc.wait()


def test_stale_lock_of_a_killed_process_is_taken_over(project_path):
    proc = _hold(project_path)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert Path(f"{project_path}.lock").exists()  # left behind by the crash
    with Project.open(project_path) as p:
        info = json.loads(Path(f"{project_path}.lock").read_text())
        assert info["pid"] == os.getpid()
        with p.write():
            pass
    assert not Path(f"{project_path}.lock").exists()


def test_reopening_in_the_same_process_is_allowed_and_released(project_path):
    a = Project.open(project_path)
    b = Project.open(project_path)
    b.close()
    assert Path(f"{project_path}.lock").exists()  # a still holds it
    a.close()
    assert not Path(f"{project_path}.lock").exists()
    time.sleep(0)


def test_window_offers_read_only_when_another_program_writes(project_path, qtbot, tmp_path,
                                                               monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from app.views import settings
    from app.views.application import open_session

    settings.use_settings_dir(tmp_path / "settings")
    asked = []
    monkeypatch.setattr(QMessageBox, "question",
                        lambda *a, **k: asked.append(a[2]) or QMessageBox.Yes)
    proc = _hold(project_path)
    try:
        session = open_session(project_path)
        assert session is not None and session.project.read_only
        assert "Sitat-vindu" in asked[0]
        with pytest.raises(ProjectError, match="read-only"):
            with session.project.write():
                pass
        session.close()
    finally:
        proc.kill()
        proc.wait()


def test_a_full_disk_while_writing_the_lock_says_so_and_leaves_no_lock(project_path,
                                                                       monkeypatch):
    import errno

    from app.core import locking

    def full(fd, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(locking.os, "write", full)
    with pytest.raises(ProjectError, match="The disk is full: p.sitat cannot be opened"):
        Project.open(project_path)
    monkeypatch.undo()
    assert not Path(f"{project_path}.lock").exists()  # an empty lock would outlive us
    with Project.open(project_path) as p, p.write():
        pass


def test_a_lock_file_link_is_never_followed_nor_removed(project_path, tmp_path):
    victim = tmp_path / "notes.txt"
    victim.write_text("mine")
    lock = Path(f"{project_path}.lock")
    lock.symlink_to(victim)
    with pytest.raises(ProjectError, match="symbolic link"):
        Project.open(project_path)
    assert victim.read_text() == "mine" and lock.is_symlink()
    lock.unlink()
    lock.symlink_to(tmp_path / "nowhere")
    with pytest.raises(ProjectError, match="symbolic link"):
        Project.open(project_path)
    assert not (tmp_path / "nowhere").exists()
