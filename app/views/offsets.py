"""The one place that converts Sitat's code-point offsets to Qt's UTF-16 positions and back.

Stored offsets count Unicode code points; QTextDocument counts UTF-16 units, so every
character outside the Basic Multilingual Plane (emoji, some CJK) takes two Qt positions.
An `OffsetMap` is built once per text (a C-speed regex scan) and converts in O(log n).
"""

from __future__ import annotations

import re
from bisect import bisect_left

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


class OffsetMap:
    """Code point <-> UTF-16 conversion for one text."""

    __slots__ = ("_cp", "_u16", "length", "qt_length")

    def __init__(self, text: str) -> None:
        self._cp = [m.start() for m in _ASTRAL.finditer(text)]
        # UTF-16 position where each astral character starts.
        self._u16 = [p + i for i, p in enumerate(self._cp)]
        self.length = len(text)
        self.qt_length = len(text) + len(self._cp)

    @property
    def identity(self) -> bool:
        """True when the text has no astral characters, so both units agree."""
        return not self._cp

    def to_qt(self, cp: int) -> int:
        """UTF-16 position of code-point offset `cp`."""
        if not self._cp:
            return cp
        return cp + bisect_left(self._cp, cp)

    def from_qt(self, pos: int) -> int:
        """Code-point offset of UTF-16 position `pos`; the middle of a pair maps to its start."""
        if not self._cp:
            return pos
        return pos - bisect_left(self._u16, pos)

    def to_qt_range(self, start: int, end: int) -> tuple[int, int]:
        return self.to_qt(start), self.to_qt(end)

    def from_qt_range(self, start: int, end: int) -> tuple[int, int]:
        """Code-point range of a Qt selection; an end inside a surrogate pair takes the whole pair."""
        a, b = self.from_qt(start), self.from_qt(end)
        if b < self.length and self.to_qt(b) < end:
            b += 1
        return a, b
