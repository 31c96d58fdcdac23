"""Remove what a killed Sitat left behind in a folder: half-written temporary files of a save
(`.sitat-<pid>-*`) and the hidden project of an unfinished REFI import
(`.X.importing-*.sitat` with its -wal, -shm, -journal and .lock). Only files of exactly those
names, owned by this user, whose writing process no longer runs, are removed."""

from __future__ import annotations

import os
import re
import socket
import stat
import time
from pathlib import Path

from app.core.files.own import owned_by_me, pid_alive, process_started

# save_atomic's temporary files: `.sitat-<pid>-<mkstemp's 8 characters><suffix>`.
SAVE_TEMP = re.compile(r"\.sitat-(?P<pid>\d{1,7})-[a-z0-9_]{8}(\.[A-Za-z0-9]{1,8}){0,2}")
# Temporary files of older versions (no pid in the name): removed once they are a day old.
OLD_TEMP = re.compile(r"\.sitat-[a-z0-9_]{8}(\.[A-Za-z0-9]{1,8}){0,2}")
# The project a REFI import builds before moving it into place.
IMPORTING = re.compile(r"\..+\.importing-(?:(?P<pid>\d{1,7})-)?[0-9a-f]{8}\.sitat")
_COMPANIONS = ("-wal", "-shm", "-journal", ".lock")
OLD_AGE = 24 * 3600


def importing_name(stem: str, suffix: str, token: str) -> str:
    """The hidden name a REFI import writes its project under (with this process's id, so a
    later run can tell whether the import still runs)."""
    return f".{stem}.importing-{os.getpid()}-{token}{suffix}"


def _abandoned(pid: int | None, mtime: float, now: float) -> bool:
    """A file written by process `pid` at `mtime` is left over: the process is gone, or the
    number now belongs to a process started after the file was written."""
    if pid is None:
        return now - mtime > OLD_AGE
    if pid == os.getpid() or pid_alive(pid) and (process_started(pid) or 0) <= mtime + 1:
        return False
    return True


def _own_file(path: str) -> os.stat_result | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    if not stat.S_ISREG(info.st_mode) or not owned_by_me(info):
        return None
    return info


def _lock_holder(lock: str) -> tuple[str, int] | None:
    """(host, pid) of a lock file, or None when there is none or it is unreadable."""
    import json

    from app.core.locking import MAX_LOCK_BYTES
    from app.core.files.own import read_regular

    try:
        data = json.loads(read_regular(Path(lock), MAX_LOCK_BYTES))
        if isinstance(data.get("host"), str) and type(data.get("pid")) is int:
            return data["host"], data["pid"]
    except (OSError, ValueError, AttributeError):
        pass
    return None


def clean_folder(folder: str | os.PathLike) -> list[Path]:
    """Remove the leftovers in `folder` (not below it). Returns what was removed; a folder that
    cannot be listed or written is left as it is."""
    removed: list[Path] = []
    now = time.time()
    try:
        names = [e.name for e in os.scandir(folder)]
    except OSError:
        return removed
    for name in names:
        if not name.startswith("."):
            continue
        path = os.path.join(folder, name)
        m = SAVE_TEMP.fullmatch(name)
        if m or OLD_TEMP.fullmatch(name):
            info = _own_file(path)
            pid = int(m.group("pid")) if m else None
            if info is not None and _abandoned(pid, info.st_mtime, now):
                removed += _remove([path])
            continue
        m = IMPORTING.fullmatch(name)
        if m:
            info = _own_file(path)
            if info is None:
                continue
            holder = _lock_holder(path + ".lock")
            if holder is not None and holder[0] != socket.gethostname():
                continue  # an import running on another machine (a shared folder)
            pid = int(m.group("pid")) if m.group("pid") else holder[1] if holder else None
            if _abandoned(pid, info.st_mtime, now):
                removed += _remove([path] + [path + end for end in _COMPANIONS])
    return removed


def _remove(paths: list[str]) -> list[Path]:
    out = []
    for p in paths:
        try:
            os.unlink(p)  # a symbolic link is removed itself, never what it points to
            out.append(Path(p))
        except OSError:
            pass
    return out
