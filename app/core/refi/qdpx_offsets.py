"""The one place where REFI-QDA selection offsets become Sitat offsets (code points, LF, NFC).

Two dialects exist in the wild: NVivo for Windows counts UTF-16 code units in the source text
as written (CRLF counted as two); other tools count code points with a line end counted as
one (or write LF text). `SourceMap` maps both onto the normalised text that Sitat stores;
`choose_dialect` decides per project which one the file uses: first from which interpretation
keeps the selections inside their text; where the offsets leave that open, from the
selections' `name`s (some tools write the selected text there, or its first characters) and
then from word boundaries. A name is only ever a hint for that choice, never a reason to leave
out a selection that fits inside its text.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from dataclasses import dataclass

from app.core.importing.normalize import normalize

CODEPOINTS = "codepoints"
UTF16 = "utf16"
DIALECTS = (CODEPOINTS, UTF16)
_LINE_ENDS = re.compile("\r\n?|[\u2028\u2029\u0085\x0b\x0c]")
_SPACES = re.compile(r"\s+")


class SourceMap:
    """The normalised text of one source and position maps from both dialects onto it."""

    def __init__(self, raw: str) -> None:
        raw = raw.lstrip("\ufeff").rstrip("\x1a")
        # Step 1: line ends -> LF. raw_to_lf[i] for every raw boundary 0..len(raw) (floor/ceil
        # differ only inside a CRLF pair).
        lf_parts: list[str] = []
        raw_floor, raw_ceil = _positions(len(raw) + 1), _positions(len(raw) + 1)
        pos = lf_len = 0
        for m in _LINE_ENDS.finditer(raw):
            for i in range(pos, m.start()):
                raw_floor[i] = raw_ceil[i] = lf_len + (i - pos)
            lf_len += m.start() - pos
            lf_parts.append(raw[pos:m.start()])
            raw_floor[m.start()] = raw_ceil[m.start()] = lf_len
            for i in range(m.start() + 1, m.end()):
                raw_floor[i], raw_ceil[i] = lf_len, lf_len + 1
            lf_parts.append("\n")
            lf_len += 1
            pos = m.end()
        for i in range(pos, len(raw) + 1):
            raw_floor[i] = raw_ceil[i] = lf_len + (i - pos)
        lf_parts.append(raw[pos:])
        lf = "".join(lf_parts)
        # Step 2: NFC, composed run by run (a run starts at a character of combining class 0).
        self.lf_floor, self.lf_ceil, self.text = _nfc_maps(lf)
        self.checked = normalize(raw)  # raises ImportFailed for control characters, no text
        if self.checked != self.text:  # a composition across runs (rare): keep positions safe
            self.text = self.checked
            self.lf_floor = self.lf_ceil = None
        self.lf_length = len(lf)
        # UTF-16 units of the raw text -> raw index (None inside a surrogate pair).
        self.u16_floor = array("q")
        self.u16_ceil = array("q")
        for i, ch in enumerate(raw):
            self.u16_floor.append(i)
            self.u16_ceil.append(i)
            if ord(ch) > 0xFFFF:
                self.u16_floor.append(i)
                self.u16_ceil.append(i + 1)
        self.u16_floor.append(len(raw))
        self.u16_ceil.append(len(raw))
        self.raw_floor, self.raw_ceil = raw_floor, raw_ceil

    def _from_lf(self, start: int, end: int) -> tuple[int, int] | None:
        if self.lf_floor is None:
            return (start, end) if end <= len(self.text) else None
        return self.lf_floor[start], self.lf_ceil[end]

    def place(self, dialect: str, start: int, end: int) -> tuple[int, int] | None:
        """[start, end) in Sitat's code points, or None when outside the text or empty."""
        if start < 0 or end <= start:
            return None
        if dialect == CODEPOINTS:
            if end > self.lf_length:
                return None
            span = self._from_lf(start, end)
        else:
            if end >= len(self.u16_floor):
                return None
            a, b = self.u16_floor[start], self.u16_ceil[end]
            span = self._from_lf(self.raw_floor[a], self.raw_ceil[b])
        if span is None or span[0] >= span[1]:
            return None
        return span


def _positions(n: int) -> array:
    """n zeros as 8-byte integers: position maps hold one entry per character, and a list of
    Python ints costs over 100 bytes per character of a long transcript."""
    return array("q", bytes(8 * n))


def _nfc_maps(lf: str) -> tuple[array, array, str]:
    if lf.isascii() or unicodedata.is_normalized("NFC", lf):
        ident = array("q", range(len(lf) + 1))
        return ident, ident, lf
    floor, ceil = _positions(len(lf) + 1), _positions(len(lf) + 1)
    out: list[str] = []
    out_len = 0
    starts = [i for i, ch in enumerate(lf) if unicodedata.combining(ch) == 0 or i == 0]
    starts.append(len(lf))
    for a, b in zip(starts, starts[1:]):
        piece = unicodedata.normalize("NFC", lf[a:b])
        floor[a] = ceil[a] = out_len
        for i in range(a + 1, b):
            floor[i], ceil[i] = out_len, out_len + len(piece)
        out.append(piece)
        out_len += len(piece)
    floor[len(lf)] = ceil[len(lf)] = out_len
    return floor, ceil, "".join(out)


def clean(text: str) -> str:
    """Text compared with a selection's name: NFC, white space collapsed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


MIN_PREFIX = 12  # a name this long that begins the selected text counts as a shortened quote


def name_matches(name: str | None, text: str) -> bool:
    """Whether a selection's name reproduces its text: the same, or its beginning (a tool that
    writes the first characters of the quote, with or without an ellipsis)."""
    want, got = clean(name or ""), clean(text)
    if not want:
        return False
    if want == got:
        return True
    for ellipsis in ("…", "..."):
        if want.endswith(ellipsis) and len(want) > len(ellipsis) + 3:
            return got.startswith(want[: -len(ellipsis)].rstrip())
    return len(want) >= MIN_PREFIX and got.startswith(want)


def _on_word_edges(text: str, start: int, end: int) -> bool:
    left = start == 0 or not (text[start - 1].isalnum() and text[start].isalnum())
    right = end == len(text) or not (text[end - 1].isalnum() and text[end].isalnum())
    return left and right


@dataclass
class DialectChoice:
    dialect: str  # codepoints, utf16, or "" when no selection needed one
    undecided: bool  # both fit equally well and place some selections differently


def choose_dialect(items: list[tuple[SourceMap, int, int, str | None]],
                   origin: str = "") -> DialectChoice:
    """Pick the dialect of a whole project from all its selections (map, start, end, name).

    The dialect that keeps more selections inside their text wins. Where both keep the same
    number, the offsets leave a doubt, and it is settled by the names (how many reproduce the
    selected text), then by word boundaries, then by the file's origin (NVivo, or a Sitat
    export that says it counts UTF-16 units)."""
    differ = any(smap.place(CODEPOINTS, start, end) != smap.place(UTF16, start, end)
                 for smap, start, end, _name in items)
    if not differ:
        return DialectChoice(CODEPOINTS if items else "", False)
    scores = {}
    for dialect in DIALECTS:
        inside = names = edges = 0
        for smap, start, end, name in items:
            span = smap.place(dialect, start, end)
            if span is None:
                continue
            inside += 1
            names += name_matches(name, smap.text[span[0]:span[1]])
            edges += _on_word_edges(smap.text, *span)
        scores[dialect] = (inside, names, edges)
    if scores[CODEPOINTS] != scores[UTF16]:
        return DialectChoice(max(DIALECTS, key=lambda d: scores[d]), False)
    told = origin.lower()
    if "nvivo" in told or "utf-16" in told:
        return DialectChoice(UTF16, False)
    return DialectChoice(CODEPOINTS, True)
