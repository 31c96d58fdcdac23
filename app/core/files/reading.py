"""Reading files a user names: only ordinary (regular) files, never more than a size cap.

A named pipe (FIFO) makes `open()` wait forever for a writer, and a device such as /dev/zero
never ends; both are refused before anything is read. `regular_file` checks with stat;
`open_regular` opens without blocking (O_NONBLOCK) and checks the opened file with fstat, so a
file swapped for a pipe between the two steps is refused too; `read_capped` reads at most a
limit. Every refusal is a SitatError of the caller's kind, naming the file.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from app.errors import InvalidInput, SitatError
from app.i18n import _

ErrorType = type[SitatError]


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return _("a named pipe")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return _("a device")
    if stat.S_ISSOCK(mode):
        return _("a socket")
    return _("a special file")


def not_regular(path: Path, mode: int, error: ErrorType = InvalidInput) -> SitatError:
    """The refusal for a path that exists but is not an ordinary file."""
    if stat.S_ISDIR(mode):
        return error(_("{name} is a folder, not a file.").format(name=path.name))
    return error(
        _("{name} is not an ordinary file (it is {kind}); Sitat only reads ordinary "
          "files.").format(name=path.name, kind=_kind(mode))
    )


def _os_error(path: Path, exc: OSError, error: ErrorType) -> SitatError:
    if isinstance(exc, FileNotFoundError):
        return error(_("The file {name} does not exist.").format(name=path.name))
    if isinstance(exc, PermissionError):
        return error(_("Sitat is not allowed to read {name}. Check that you have access to "
                       "it.").format(name=path.name))
    return error(_("Cannot read {name}: {reason}").format(name=path.name,
                                                           reason=exc.strerror or exc))


def regular_file(path: str | os.PathLike, error: ErrorType = InvalidInput) -> Path:
    """`path` as a Path when it names an ordinary file (links followed); else raises `error`."""
    path = Path(path)
    try:
        info = path.stat()
    except (OSError, ValueError) as exc:  # ValueError: a NUL byte in the name
        raise (_os_error(path, exc, error) if isinstance(exc, OSError)
               else error(_("The file {name} does not exist.").format(name=path.name))) from None
    if not stat.S_ISREG(info.st_mode):
        raise not_regular(path, info.st_mode, error)
    return path


def open_regular(path: str | os.PathLike, error: ErrorType = InvalidInput) -> BinaryIO:
    """An ordinary file opened for binary reading; anything else is refused without waiting."""
    path = regular_file(path, error)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        if exc.errno == errno.ENXIO:  # a FIFO without a writer, swapped in after the check
            raise error(_("{name} is not an ordinary file (it is {kind}); Sitat only reads "
                          "ordinary files.").format(name=path.name, kind=_("a named pipe"))
                        ) from None
        raise _os_error(path, exc, error) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise not_regular(path, mode, error)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_capped(path: str | os.PathLike, limit: int, error: ErrorType = InvalidInput,
                too_large: Callable[[int], SitatError] | None = None) -> bytes:
    """The bytes of an ordinary file of at most `limit` bytes.

    A larger file raises `too_large(size)` when given, else `error` with a message naming the
    limit. Never reads more than limit + 1 bytes, so a file that grows while it is read (or
    lies about its size) cannot fill the memory.
    """
    path = Path(path)
    with open_regular(path, error) as fh:
        try:
            size = os.fstat(fh.fileno()).st_size
            data = b"" if size > limit else fh.read(limit + 1)
        except OSError as exc:
            raise _os_error(path, exc, error) from None
    if size > limit or len(data) > limit:
        size = max(size, len(data))
        if too_large is not None:
            raise too_large(size)
        from app.core.importing.limits import format_size

        raise error(_("{name} is {size}, more than the limit of {limit}.").format(
            name=path.name, size=format_size(size), limit=format_size(limit)))
    return data
