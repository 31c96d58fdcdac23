"""Re-anchor codings from an old text onto its edited version by aligning the two texts.

The texts are aligned with difflib.SequenceMatcher (autojunk=False) in three passes so that
long transcripts stay fast: lines first, then words inside changed line regions, then
characters inside changed word regions that are small. The result is a list of matching
blocks (old start, new start, size) increasing in both texts. A coding is

- "exact" when its whole span lies inside one matching block (the text under it did not
  change) and the words at its edges are still whole words;
- "moved" when its start and end lie in matching blocks and the text at the mapped place is
  identical, or when its text (at least MIN_RELOCATE characters) occurs exactly once in each
  text (a passage cut and pasted elsewhere);
- otherwise a conflict with a reason ("deleted", "changed", "boundary"); it is never placed on
  other words.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from difflib import SequenceMatcher

EXACT, MOVED, CONFLICT = "exact", "moved", "conflict"
DELETED, CHANGED, BOUNDARY = "deleted", "changed", "boundary"
CHAR_LIMIT = 4000  # largest changed word region (each side) aligned character by character
MIN_RELOCATE = 20  # shortest coded text that may be found again elsewhere by its words
_TOKEN = re.compile(r"\S+\s*|\s+")

Block = tuple[int, int, int]  # (old start, new start, size)


@dataclass(frozen=True)
class Anchor:
    """Where one coding lands in the new text, or why it cannot be placed."""

    how: str  # EXACT, MOVED or CONFLICT
    start: int | None = None
    end: int | None = None
    reason: str = ""  # for conflicts: DELETED, CHANGED or BOUNDARY

    @property
    def placed(self) -> bool:
        return self.how != CONFLICT


def _offsets(parts: list[str]) -> list[int]:
    out = [0]
    for p in parts:
        out.append(out[-1] + len(p))
    return out


def _chars(old: str, new: str, a0: int, a1: int, b0: int, b1: int, blocks: list) -> None:
    if a1 - a0 > CHAR_LIMIT or b1 - b0 > CHAR_LIMIT:
        return  # too big to align letter by letter: left unmatched (conflicts, never wrong)
    sm = SequenceMatcher(None, old[a0:a1], new[b0:b1], autojunk=False)
    for i, j, n in sm.get_matching_blocks():
        if n:
            blocks.append((a0 + i, b0 + j, n))


def _words(old: str, new: str, a0: int, a1: int, b0: int, b1: int, blocks: list) -> None:
    a_tok = _TOKEN.findall(old, a0, a1)
    b_tok = _TOKEN.findall(new, b0, b1)
    a_off = [a0 + x for x in _offsets(a_tok)]
    b_off = [b0 + x for x in _offsets(b_tok)]
    sm = SequenceMatcher(None, a_tok, b_tok, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            blocks.append((a_off[i1], b_off[j1], a_off[i2] - a_off[i1]))
        elif tag == "replace":
            _chars(old, new, a_off[i1], a_off[i2], b_off[j1], b_off[j2], blocks)


def align(old: str, new: str) -> list[Block]:
    """Matching blocks of `old` and `new`, sorted, adjacent blocks joined."""
    if old == new:
        return [(0, 0, len(old))] if old else []
    a_lines = old.splitlines(keepends=True)
    b_lines = new.splitlines(keepends=True)
    a_off, b_off = _offsets(a_lines), _offsets(b_lines)
    blocks: list[Block] = []
    sm = SequenceMatcher(None, a_lines, b_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            blocks.append((a_off[i1], b_off[j1], a_off[i2] - a_off[i1]))
        elif tag == "replace":
            _words(old, new, a_off[i1], a_off[i2], b_off[j1], b_off[j2], blocks)
    blocks.sort()
    merged: list[Block] = []
    for a, b, n in blocks:
        if merged:
            pa, pb, pn = merged[-1]
            if pa + pn == a and pb + pn == b:
                merged[-1] = (pa, pb, pn + n)
                continue
        merged.append((a, b, n))
    return merged


def _is_word(text: str, i: int) -> bool:
    if i < 0 or i >= len(text):
        return False
    ch = text[i]
    return ch.isalnum() or ch == "_"


def _edges_kept(old: str, new: str, s: int, e: int, ns: int, ne: int) -> bool:
    """A span that starts (ends) inside a word must still start (end) at the same place in a
    word: the letters just outside it are letters in both texts, or in neither."""
    if _is_word(old, s) and _is_word(old, s - 1) != _is_word(new, ns - 1):
        return False
    if _is_word(old, e - 1) and _is_word(old, e) != _is_word(new, ne):
        return False
    return True


class Aligner:
    """Maps spans of `old` onto `new` through the alignment (built once per text pair)."""

    def __init__(self, old: str, new: str) -> None:
        self.old, self.new = old, new
        self.blocks = align(old, new)
        self._starts = [b[0] for b in self.blocks]

    def _block(self, pos: int) -> int | None:
        i = bisect_right(self._starts, pos) - 1
        if i >= 0:
            a, _b, n = self.blocks[i]
            if a <= pos < a + n:
                return i
        return None

    def _overlaps(self, s: int, e: int) -> bool:
        i = bisect_right(self._starts, e - 1) - 1
        return i >= 0 and self.blocks[i][0] + self.blocks[i][2] > s

    def _relocate(self, s: int, e: int) -> Anchor | None:
        seg = self.old[s:e]
        if len(seg.strip()) < MIN_RELOCATE or self.old.count(seg) != 1:
            return None
        if self.new.count(seg) != 1:
            return None
        ns = self.new.find(seg)
        if not _edges_kept(self.old, self.new, s, e, ns, ns + len(seg)):
            return None
        return Anchor(MOVED, ns, ns + len(seg))

    def place(self, s: int, e: int) -> Anchor:
        old, new = self.old, self.new
        if not (0 <= s < e <= len(old)):
            return Anchor(CONFLICT, reason=CHANGED)
        i, j = self._block(s), self._block(e - 1)
        if i is not None and i == j:
            a, b, _n = self.blocks[i]
            ns, ne = b + s - a, b + e - a
            if _edges_kept(old, new, s, e, ns, ne):
                return Anchor(EXACT, ns, ne)
            return Anchor(CONFLICT, reason=BOUNDARY)
        if i is not None and j is not None:
            ns = self.blocks[i][1] + s - self.blocks[i][0]
            ne = self.blocks[j][1] + e - self.blocks[j][0]
            if ns < ne and old[s:e] == new[ns:ne] and _edges_kept(old, new, s, e, ns, ne):
                return Anchor(MOVED, ns, ne)
        moved = self._relocate(s, e)
        if moved is not None:
            return moved
        return Anchor(CONFLICT, reason=CHANGED if self._overlaps(s, e) else DELETED)


def reanchor(old: str, new: str, spans: list[tuple[int, int]]) -> list[Anchor]:
    """Where each (start, end) span of `old` lands in `new` (see the module docstring)."""
    if not spans:
        return []
    aligner = Aligner(old, new)
    return [aligner.place(s, e) for s, e in spans]
