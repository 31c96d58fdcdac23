"""Writing files the user asked for: through a temporary file in the target folder, moved into
place in one step, so a failed write never leaves half a file (or its temporary) behind."""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path
from typing import Callable

from app.errors import InvalidInput
from app.i18n import _

def save_atomic(out: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Write a file through `write(temporary path)` in the target folder, then move it into
    place in one step, so a failed export never leaves half a file behind."""
    out = Path(out)
    if not out.parent.is_dir():
        raise InvalidInput(_("The folder {folder} does not exist.").format(folder=out.parent))
    if out.is_dir():
        raise InvalidInput(_("Cannot write {name}: {reason}").format(
            name=out.name, reason=_("This is a folder, not a file.")))
    from app.core.files.leftovers import clean_folder

    clean_folder(out.parent)  # what a killed save left here before
    tmp: str | None = None
    try:
        # mkstemp creates the file exclusively (O_EXCL: never through a planted link); the
        # process id in the name tells a later run whether the writer still runs.
        fd, tmp = tempfile.mkstemp(dir=out.parent, prefix=f".sitat-{os.getpid()}-",
                                   suffix=out.suffix[:9])
        os.close(fd)
        write(Path(tmp))
        os.chmod(tmp, _file_mode(out))  # mkstemp makes 0600; give what a plain save would
        os.replace(tmp, out)  # replaces a link at `out` itself, never what it points to
        tmp = None
    except OSError as exc:
        raise InvalidInput(_("Cannot write {name}: {reason}").format(
            name=out.name, reason=_reason(exc))) from exc
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except OSError:
                pass
    return out


def _reason(exc: OSError) -> str:
    from app.core.files.own import is_full

    if is_full(exc):
        return _("the disk is full")
    return exc.strerror or str(exc)


def _file_mode(out: Path) -> int:
    """The mode a replaced file had, or what the user's umask gives a new file."""
    try:
        info = out.lstat()
        if stat.S_ISREG(info.st_mode):
            return stat.S_IMODE(info.st_mode)
    except OSError:
        pass
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return 0o666 & ~mask


def write_bytes_atomic(out: str | os.PathLike, data: bytes) -> Path:
    """Write `data` to `out` atomically (see `save_atomic`)."""
    return save_atomic(out, lambda tmp: tmp.write_bytes(data))
