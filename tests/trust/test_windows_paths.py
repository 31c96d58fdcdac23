"""Sitat's file checks on a system without POSIX owners (Windows): no os.geteuid there, the
permission bits of a stat mean nothing, and os.kill(pid, 0) would END the process it asks
about (TerminateProcess). The checks must neither crash nor refuse the user's own files nor
kill a lock's holder."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app.core.files import own


@pytest.fixture
def no_owners(monkeypatch):
    monkeypatch.delattr(os, "geteuid", raising=False)


def test_without_owner_ids_own_files_and_folders_are_trusted(no_owners, tmp_path):
    folder = tmp_path / "idx"
    folder.mkdir(mode=0o777)
    os.chmod(folder, 0o777)  # as a Windows stat shows every folder
    info = os.lstat(folder)
    assert own.owned_by_me(info) and own.private_mode(info)
    assert own.trusted_folder(info)
    f = tmp_path / "key"
    f.write_bytes(b"x")
    os.chmod(f, 0o666)
    assert own.private_mode(os.lstat(f))


def test_with_owner_ids_the_checks_stay_strict(tmp_path):
    folder = tmp_path / "idx"
    folder.mkdir()
    os.chmod(folder, 0o777)
    assert not own.trusted_folder(os.lstat(folder))  # others could change it
    os.chmod(folder, 0o700)
    assert own.trusted_folder(os.lstat(folder))


def test_a_lock_holders_liveness_is_never_asked_with_a_signal_on_windows(monkeypatch):
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        asked: list[int] = []
        monkeypatch.setattr(own, "WINDOWS", True)
        monkeypatch.setattr(own, "_windows_pid_alive", lambda pid: asked.append(pid) or True)
        monkeypatch.setattr(own.os, "kill", lambda *a: pytest.fail("os.kill on Windows"))
        assert own.pid_alive(child.pid) and asked == [child.pid]
        assert child.poll() is None  # still running
    finally:
        monkeypatch.undo()
        child.kill()
        child.wait()
