"""Who has a project open for writing: a lock file beside it (`P.sitat.lock`) naming the program,
user, machine, process and time. A second writer gets a clear message and can open the project
read-only; a lock left by a process that no longer runs on this machine is taken over."""

from __future__ import annotations

import getpass
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.errors import ProjectError
from app.i18n import _

_held: dict[Path, int] = {}  # lock files this process holds -> how many opens


@dataclass(frozen=True)
class LockInfo:
    pid: int
    host: str
    user: str
    program: str
    since: str

    def alive(self) -> bool:
        """False only when the holder surely no longer runs (same machine, no such process)."""
        if self.host != socket.gethostname():
            return True
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def lock_path(project_path: Path) -> Path:
    return Path(f"{project_path}.lock")


def read_lock(project_path: Path) -> LockInfo | None:
    try:
        data = json.loads(lock_path(project_path).read_text(encoding="utf-8"))
        return LockInfo(int(data["pid"]), str(data["host"]), str(data.get("user", "")),
                        str(data.get("program", "")), str(data.get("since", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _write(path: Path, program: str) -> None:
    info = {"pid": os.getpid(), "host": socket.gethostname(), "program": program,
            "user": _user(), "since": datetime.now().isoformat(timespec="seconds")}
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(info, fh)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001
        return ""


def acquire(project_path: Path, program: str = "sitat") -> None:
    """Take the write lock (re-entrant within this process). Raises ProjectError naming the
    holder when another running program has it."""
    path = lock_path(project_path).resolve()
    if path in _held:
        _held[path] += 1
        return
    for _attempt in range(3):
        try:
            _write(path, program)
            _held[path] = 1
            return
        except FileExistsError:
            info = read_lock(project_path)
            if info is not None and info.pid == os.getpid() and \
                    info.host == socket.gethostname():
                _held[path] = 1  # ours, from an open that was not closed
                return
            if info is None or not info.alive():
                try:  # stale: the holder crashed; take it over
                    path.unlink()
                except FileNotFoundError:
                    pass
                continue
            raise ProjectError(_(
                "{name} is open for changes in {program} by {user} on {host} since {since}. "
                "Close it there, or open it read-only.").format(
                    name=project_path.name, program=info.program or "Sitat",
                    user=info.user or "?", host=info.host, since=info.since.replace("T", " ")))
        except OSError as exc:
            # A folder where no lock can be written (read-only media): the project itself is
            # opened normally; SQLite's own locking still keeps writes apart.
            if exc.errno in (13, 30):
                return
            raise
    raise ProjectError(_("Could not lock {name}; try again.").format(name=project_path.name))


def release(project_path: Path) -> None:
    path = lock_path(project_path).resolve()
    count = _held.get(path, 0)
    if count > 1:
        _held[path] = count - 1
        return
    _held.pop(path, None)
    info = read_lock(project_path)
    if info is not None and info.pid == os.getpid() and info.host == socket.gethostname():
        try:
            path.unlink()
        except FileNotFoundError:
            pass
