"""Who has a project open for writing: a lock file beside it (`P.sitat.lock`) naming the program,
user, machine, process and time. A second writer gets a clear message and can open the project
read-only; a lock left by a process that no longer runs on this machine is taken over."""

from __future__ import annotations

import errno
import getpass
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from app.core.files.own import (PID_MAX, DiskFull, is_full, pid_alive, read_regular, refuse_link,
                             write_exclusive)
from app.errors import ProjectError
from app.i18n import _

_held: dict[Path, int] = {}  # lock files this process holds -> how many opens


MAX_LOCK_BYTES = 64 * 1024  # a lock file is a line of JSON; anything bigger is not Sitat's


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
        return pid_alive(self.pid)


def lock_path(project_path: Path) -> Path:
    """`P.sitat.lock` beside the project, in its real folder (the lock itself is never
    resolved: a symbolic link there is refused, not followed)."""
    project_path = Path(project_path)
    return Path(os.path.realpath(project_path.parent)) / f"{project_path.name}.lock"


def read_lock(project_path: Path) -> LockInfo | None:
    """Who holds the lock, or None when there is no lock or it is not one Sitat wrote (garbage,
    an impossible pid, no host) - such a lock counts as left behind and can be taken over."""
    try:
        data = json.loads(read_regular(lock_path(project_path), MAX_LOCK_BYTES).decode("utf-8"))
        pid, host = data["pid"], data["host"]
        if type(pid) is not int or not 0 < pid < PID_MAX or not isinstance(host, str) \
                or not host:
            return None
        return LockInfo(pid, host, str(data.get("user", "")), str(data.get("program", "")),
                        str(data.get("since", "")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def _write(path: Path, program: str) -> None:
    info = {"pid": os.getpid(), "host": socket.gethostname(), "program": program,
            "user": _user(), "since": datetime.now().isoformat(timespec="seconds")}
    write_exclusive(path, json.dumps(info).encode("utf-8"), 0o644)


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001
        return ""


def _check_kind(path: Path, project_path: Path) -> None:
    """Refuse a lock path that is a symbolic link or a folder: Sitat made neither, and taking it
    over would mean deleting (or writing through to) something that is not a lock."""
    refuse_link(path)
    if path.is_dir():
        raise ProjectError(_("{lock} is a folder, not a lock file; {name} cannot be locked for "
                             "changes. Remove the folder, or open the project read-only.")
                           .format(lock=path, name=project_path.name))


def acquire(project_path: Path, program: str = "sitat") -> None:
    """Take the write lock (re-entrant within this process). Raises ProjectError naming the
    holder when another running program has it."""
    path = lock_path(project_path)
    if path in _held:
        _held[path] += 1
        return
    for _attempt in range(3):
        try:
            _check_kind(path, project_path)
            _write(path, program)
            _held[path] = 1
            return
        except FileExistsError:
            _check_kind(path, project_path)
            info = read_lock(project_path)
            if info is not None and info.pid == os.getpid() and \
                    info.host == socket.gethostname():
                _held[path] = 1  # ours, from an open that was not closed
                return
            if info is None or not info.alive():
                try:  # stale: the holder crashed; take it over (unlink never follows a link)
                    os.unlink(path)
                except FileNotFoundError:
                    pass
                except OSError as exc:
                    raise _cannot_lock(project_path, exc) from exc
                continue
            raise ProjectError(_(
                "{name} is open for changes in {program} by {user} on {host} since {since}. "
                "Close it there, or open it read-only.").format(
                    name=project_path.name, program=info.program or "Sitat",
                    user=info.user or "?", host=info.host, since=info.since.replace("T", " ")))
        except OSError as exc:
            # A folder where no lock can be written (read-only media): the project itself is
            # opened normally; SQLite's own locking still keeps writes apart.
            if exc.errno in (errno.EACCES, errno.EROFS):
                return
            raise _cannot_lock(project_path, exc) from exc
    raise ProjectError(_("Could not lock {name}; try again.").format(name=project_path.name))


def _cannot_lock(project_path: Path, exc: OSError) -> ProjectError:
    if is_full(exc):
        return DiskFull(_("The disk is full: {name} cannot be opened for changes (its lock "
                          "file cannot be written). Free some space, or open it read-only.")
                        .format(name=project_path.name))
    return ProjectError(_("Could not lock {name}: {reason}").format(
        name=project_path.name, reason=exc.strerror or exc))


def release(project_path: Path) -> None:
    path = lock_path(project_path)
    count = _held.get(path, 0)
    if count > 1:
        _held[path] = count - 1
        return
    _held.pop(path, None)
    info = read_lock(project_path)
    if info is not None and info.pid == os.getpid() and info.host == socket.gethostname():
        try:
            os.unlink(path)
        except OSError:
            pass
