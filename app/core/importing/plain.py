"""Readers for plain text (.txt, .text) and Markdown (.md, .markdown) files.

Markdown is imported as its plain text: the markup (#, *, links ...) is kept exactly as
written, so what a user codes is what the file says and offsets match the file. Files over
MAX_TEXT_BYTES are refused from their size before they are read.
"""

from __future__ import annotations

from pathlib import Path

from app.core.importing.encoding import decode_text
from app.core.importing.limits import MAX_TEXT_BYTES, format_size
from app.core.importing.ziputil import ZIP_SIGNATURES, sniff_foreign
from app.errors import ImportFailed
from app.i18n import _


def too_large(size: int) -> ImportFailed:
    return ImportFailed(
        _("The file is {size}, more than the limit of {limit}. Split it into smaller files "
          "and import them one at a time.").format(
            size=format_size(size), limit=format_size(MAX_TEXT_BYTES)
        )
    )


def read_plain(path: Path) -> tuple[str, str]:
    """(text, encoding) of a .txt/.md file, decoded but not yet normalised."""
    from app.core.files.reading import read_capped

    data = read_capped(path, MAX_TEXT_BYTES, ImportFailed, too_large)
    if data.startswith(ZIP_SIGNATURES):
        raise ImportFailed(
            _("This is a Word or OpenDocument file, not plain text. Give it the right "
              "extension (.docx or .odt) and import it again.")
        )
    foreign = sniff_foreign(data[:16])
    if foreign is not None:
        raise foreign
    return decode_text(data)
