"""Read interview files (.txt, .md, .docx, .odt) into normalised text with speaker turns.

`read_file(path)` picks the reader from the extension, normalises the text once (see
normalize.py) and finds speaker turns (speakers.py). Every problem - a missing file, a
binary or damaged file, a zip bomb - is raised as ImportFailed with a message that names
the file and says what to do; nothing is written anywhere.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from app.core.importing.encoding import decode_text
from app.core.importing.limits import MAX_TEXT_BYTES, MAX_TEXT_CHARS, text_too_long
from app.core.importing.model import ImportedText, Turn
from app.core.importing.normalize import normalize
from app.core.importing.speakers import detect_turns
from app.core.importing.ziputil import pdf_file, rtf_file
from app.errors import ImportFailed
from app.i18n import _

__all__ = [
    "FORMATS", "ImportedText", "MAX_TEXT_BYTES", "MAX_TEXT_CHARS", "Turn", "decode_text",
    "detect_turns", "normalize", "read_file", "supported_extensions",
]

# Extension -> source_format.
FORMATS: dict[str, str] = {
    ".txt": "txt", ".text": "txt", ".md": "md", ".markdown": "md", ".docx": "docx", ".odt": "odt",
}


def supported_extensions() -> list[str]:
    return list(FORMATS)


def read_file(path: str | os.PathLike) -> ImportedText:
    """Read, decode, normalise and split one file into speaker turns.

    Raises ImportFailed (message naming the file) for anything that cannot be imported.
    """
    path = Path(path)
    try:
        return _read(path)
    except ImportFailed as exc:
        raise ImportFailed(
            _('Could not import "{name}": {reason}').format(name=path.name, reason=exc)
        ) from exc
    except RecursionError:
        reason = _("The contents of the document are damaged. Open it in Word or LibreOffice "
                   "and save it again.")
    except MemoryError:
        reason = _("The file is too large to import. Split it into smaller files and import "
                   "them one at a time.")
    except OSError as exc:
        reason = _os_reason(exc)
    raise ImportFailed(_('Could not import "{name}": {reason}').format(name=path.name,
                                                                        reason=reason))


def _read(path: Path) -> ImportedText:
    fmt = _format_of(path)
    size = _regular_file_size(path)
    encoding: str | None = None
    if size == 0:
        raise ImportFailed(_("The file is empty."))
    if fmt in ("txt", "md"):
        from app.core.importing.plain import read_plain

        raw, encoding = read_plain(path)
    elif fmt == "docx":
        from app.core.importing.docx import read_docx_text

        raw = read_docx_text(path)
    else:
        from app.core.importing.odt import read_odt_text

        raw = read_odt_text(path)
    if len(raw) > MAX_TEXT_CHARS:
        raise text_too_long(len(raw))
    text = normalize(raw)
    return ImportedText(text, detect_turns(text), fmt, encoding)


def _format_of(path: Path) -> str:
    ext = path.suffix.lower()
    if ext in FORMATS:
        return FORMATS[ext]
    if ext == ".doc":
        raise ImportFailed(
            _("This is the old Word format (.doc). Open it in Word or LibreOffice, save it "
              "as a Word document (.docx) and import that file.")
        )
    if ext == ".pdf":
        raise pdf_file()
    if ext == ".rtf":
        raise rtf_file()
    types = ", ".join(FORMATS)
    if not ext:
        raise ImportFailed(
            _("The file name has no extension, so its type is unknown. Sitat can import "
              "these types: {types}.").format(types=types)
        )
    raise ImportFailed(
        _("Files of type {ext} cannot be imported. Sitat can import these types: "
          "{types}.").format(ext=ext, types=types)
    )


def _regular_file_size(path: Path) -> int:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ImportFailed(_("The file does not exist. Check the name and the folder.")) from None
    if stat.S_ISDIR(info.st_mode):
        raise ImportFailed(_("This is a folder, not a file."))
    if not stat.S_ISREG(info.st_mode):
        raise ImportFailed(_("This is not an ordinary file."))
    if not os.access(path, os.R_OK):
        raise ImportFailed(_("Sitat is not allowed to read the file. Check that you have "
                             "access to it."))
    return info.st_size


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return _("The file does not exist. Check the name and the folder.")
    if isinstance(exc, PermissionError):
        return _("Sitat is not allowed to read the file. Check that you have access to it.")
    if isinstance(exc, IsADirectoryError):
        return _("This is a folder, not a file.")
    return _("The file could not be read ({problem}).").format(problem=exc.strerror or exc)
