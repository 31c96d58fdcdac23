"""Creating, reading and removing the files Sitat keeps beside a project or in its cache without
ever following a symbolic link someone planted there: exclusive no-follow creation, capped
no-follow reads of regular files, private folders, and whether a process still runs."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from app.errors import ProjectError
from app.i18n import _

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
PID_MAX = 1 << 22  # Linux's largest possible pid (pid_max cannot be set higher)
FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


class LinkRefused(ProjectError):
    """A path where Sitat keeps a file of its own is a symbolic link (or another odd kind of
    file); it was left alone."""


class DiskFull(ProjectError):
    """The disk (or the user's quota) is full; nothing was changed."""


def is_link(path: Path) -> bool:
    return os.path.islink(path)


def refuse_link(path: Path) -> None:
    """Raise LinkRefused when `path` is a symbolic link (dangling or not)."""
    if is_link(path):
        raise LinkRefused(_("{name} is a symbolic link, not a file Sitat made; it was left "
                            "alone. Remove it and try again.").format(name=path))


def create_exclusive(path: Path, mode: int = 0o600) -> int:
    """A new file at `path`, opened for writing: raises FileExistsError when anything - a file,
    a folder or a symbolic link, even a dangling one - is already there (nothing is followed)."""
    return os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | _NOFOLLOW | _CLOEXEC, mode)


def write_exclusive(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Write `data` to a new file at `path` (see create_exclusive); on any failure (a full
    disk) the half-written file is removed again and the OSError raised."""
    fd = create_exclusive(path, mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        _unlink_quietly(path)
        raise
    os.close(fd)


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of the regular file `path`, at most `limit` (more raises ValueError). A symbolic
    link, folder, FIFO or device raises OSError (or IsADirectoryError) without being followed,
    opened for long or read."""
    fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _CLOEXEC)
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        if info.st_size > limit:
            raise ValueError(f"{path} is larger than {limit} bytes")
        chunks, size = [], 0
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                break
            size += len(chunk)
            if size > limit:
                raise ValueError(f"{path} is larger than {limit} bytes")
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _unlink_quietly(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def private_folder(path: Path) -> bool:
    """Make sure `path` is a folder of this user's that nobody else can write to: created 0700
    (with its missing parents) when absent. False - and nothing changed - when it is a symbolic
    link, not a folder, owned by someone else, or writable by group or others."""
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        parent = path.parent
        if parent != path and not parent.exists() and not is_link(parent):
            if not private_folder(parent):
                return False
        try:
            os.mkdir(path, 0o700)
        except FileExistsError:
            pass
        except OSError:
            return False
        try:
            info = os.lstat(path)
        except OSError:
            return False
    return trusted_folder(info)


WINDOWS = os.name == "nt"


def owned_by_me(info: os.stat_result) -> bool:
    """Is this stat result's owner this user? Where the system has no owner ids in a stat
    (Windows: st_uid is always 0), True: a user's profile folders are private there."""
    geteuid = getattr(os, "geteuid", None)
    return geteuid is None or info.st_uid == geteuid()


def private_mode(info: os.stat_result, bits: int = 0o077) -> bool:
    """No permission `bits` for group and others (POSIX); where the mode carries no such
    permissions (Windows), True."""
    return not hasattr(os, "geteuid") or not info.st_mode & bits


def trusted_folder(info: os.stat_result) -> bool:
    """A stat result (from lstat) of a folder only this user can change."""
    return (stat.S_ISDIR(info.st_mode) and owned_by_me(info)
            and private_mode(info, stat.S_IWGRP | stat.S_IWOTH))


def pid_alive(pid: int) -> bool:
    """False only when no process `pid` runs on this machine (an impossible pid runs not)."""
    if not 0 < pid < PID_MAX:
        return False
    if WINDOWS:  # os.kill(pid, 0) would END the process there (TerminateProcess)
        return _windows_pid_alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def _windows_pid_alive(pid: int) -> bool:
    """Windows: the process can be opened for a query and has not exited (never signalled)."""
    import ctypes

    kernel32 = ctypes.WinDLL("kernel32", use_last_error=True)  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return ctypes.get_last_error() == 5  # ERROR_ACCESS_DENIED: it runs, as someone else
    try:
        code = ctypes.c_ulong()
        if not kernel32.GetExitCodeProcess(handle, ctypes.byref(code)):
            return True
        return code.value == 259  # STILL_ACTIVE
    finally:
        kernel32.CloseHandle(handle)


def process_started(pid: int) -> float | None:
    """When process `pid` started (seconds since the epoch), where the system says (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks = int(fields[19])  # field 22, starttime: clock ticks after boot
        boot = next(int(line.split()[1]) for line in Path("/proc/stat").read_text().splitlines()
                    if line.startswith("btime "))
        return boot + ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, StopIteration):
        return None


def is_full(exc: BaseException) -> bool:
    """An OSError that means the disk (or the user's quota) is full."""
    return isinstance(exc, OSError) and exc.errno in FULL_ERRNOS
