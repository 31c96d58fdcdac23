"""Names a user sees in lists and on the terminal (documents, attributes): no control characters.

A newline or ESC in a document name breaks lists and can drive the terminal it is printed
on; bidi overrides make a name read differently from what it is. Such characters are refused
in names a user types, and replaced by a space in names Sitat derives itself (from a file
name or a REFI-QDA source).
"""

from __future__ import annotations

import re

# C0 and C1 controls (tab and line ends included), DEL, line/paragraph separators, and the
# bidi marks, embeddings, overrides and isolates.
_CHARS = "\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069"
_CONTROL = re.compile(f"[{_CHARS}]")
_CONTROL_RUN = re.compile(f" *[{_CHARS}][ {_CHARS}]*")


def control_character(name: str) -> str | None:
    """The first control character in `name` as 'U+001B', or None when there is none."""
    m = _CONTROL.search(name)
    return None if m is None else f"U+{ord(m.group()):04X}"


def clean_derived(name: str) -> str:
    """A derived name with each run of control characters (and the spaces around it) replaced
    by one space."""
    return _CONTROL_RUN.sub(" ", name).strip()
