"""Normalise imported text once (BOM, line ends, NFC); refuse text that is empty, invisible or has control codes.

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
# A character that shows: not white space, not zero-width or otherwise default-ignorable
# (ZWSP/ZWNJ/ZWJ, word joiner, BOM, soft hyphen, bidi marks, variation selectors ...).
_VISIBLE = re.compile(
    "[^\\s\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8]"
)


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
    if _VISIBLE.search(text) is None:
        raise ImportFailed(_("The file contains only invisible characters (such as zero-width "
                             "spaces) and no text."))
    return text
