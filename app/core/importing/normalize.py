"""Normalise imported text once (BOM, line ends, NFC) and refuse text that is empty or has control codes.

Offsets into the result are stored, so nothing else is changed: spaces, tabs and blank lines
stay as written. Line ends become LF: CRLF, lone CR, U+2028/U+2029, NEL (U+0085) and also the
vertical tab and form feed that Word writes into plain text for a manual line break or a page
break. A DOS end-of-file marker (Ctrl-Z) at the very end is dropped.
"""

from __future__ import annotations

import re
import unicodedata

from app.errors import ImportFailed
from app.i18n import _

_LINE_ENDS = re.compile("\r\n?|[\u2028\u2029\u0085\x0b\x0c]")
# C0 controls other than tab and LF, and DEL.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f]")


def normalize(text: str) -> str:
    """The text as stored: no leading BOM, LF line ends, NFC. Raises ImportFailed when unusable."""
    text = text.lstrip("\ufeff").rstrip("\x1a")
    text = _LINE_ENDS.sub("\n", text)
    if not text.isascii():
        text = unicodedata.normalize("NFC", text)
    bad = _CONTROL.search(text)
    if bad is not None:
        line = text.count("\n", 0, bad.start()) + 1
        raise ImportFailed(
            _("The text contains an invisible control character ({code}) on line {line}. "
              "Remove it in a text editor and try again.").format(
                code=f"U+{ord(bad.group()):04X}", line=line
            )
        )
    if not text.strip():
        raise ImportFailed(_("The file contains no text."))
    return text
