"""Writing files the user asked for: through a temporary file in the target folder, moved into
place in one step, so a failed write never leaves half a file (or its temporary) behind."""

from __future__ import annotations

import os
import re
import stat
import tempfile
from pathlib import Path
from typing import Callable

from app.errors import InvalidInput
from app.i18n import _

# Characters XML 1.0 cannot hold (lxml and openpyxl refuse them); transcripts rarely have any.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` without the control characters a Word or Excel file cannot contain."""
    return _NOT_XML.sub("", text or "")


def save_atomic(out: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Write a file through `write(temporary path)` in the target folder, then move it into
    place in one step, so a failed export never leaves half a file behind."""
    out = Path(out)
    if not out.parent.is_dir():
        raise InvalidInput(_("The folder {folder} does not exist.").format(folder=out.parent))
    if out.is_dir():
        raise InvalidInput(_("Cannot write {name}: {reason}").format(
            name=out.name, reason=_("This is a folder, not a file.")))
    from app.core.leftovers import clean_folder

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
    from app.core.safefs import is_full

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


# -- cells of spreadsheets (CSV, XLSX) ----------------------------------------------------------
# OWASP "CSV injection": a cell that starts with one of these is run as a formula by Excel,
# LibreOffice and Google Sheets. Leading white space is skipped first, since some programs
# trim it on import.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)?")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet program could read text cell `text` as a formula. A plain signed
    number ("-1", "+0.25") is not: it cannot call anything and stays a number."""
    if not isinstance(text, str) or not text:
        return False
    if text.startswith(FORMULA_START):
        return not _PLAIN_NUMBER.fullmatch(text)
    rest = text.lstrip()
    return rest != text and rest.startswith(FORMULA_START)


def spreadsheet_safe(value):
    """A CSV cell as OWASP recommends: a text cell that could be read as a formula gets a
    leading apostrophe ("'=SUM(A1)"), so it is shown as text; numbers and other cells are
    returned unchanged (the csv module quotes separators and doubles quote marks)."""
    return "'" + value if formula_like(value) else value
