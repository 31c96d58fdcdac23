"""What the search index holds per entry: speaker turns and paragraphs ("units"), with runs of
short ones merged into one indexed passage so a transcript of a million one-line turns does not
become a million index entries. A merged passage keeps the exact range and speaker of every
turn in it ("parts"); searching splits what it matched back into those turns, so a hit, its
speaker, its sentence and the AND/NOT of a query stay those of one turn, as if each turn had
been indexed on its own."""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from typing import NamedTuple

SHORT = 100  # a unit shorter than this (in characters) may share a passage with its neighbours
GROUP_SPAN = 4000  # a merged passage ends once it spans this many characters ...
MAX_PARTS = 512  # ... or holds this many units
# Search keys: a unit of its own is known by its passage number; a turn inside a merged
# passage d by SUB + d * SLOTS + its place in the passage.
SUB = 1 << 40
SLOTS = 1024
assert MAX_PARTS <= SLOTS


class Unit(NamedTuple):
    start: int
    end: int
    speaker: str


@dataclass(frozen=True)
class Passage:
    start: int
    end: int
    parts: tuple[Unit, ...]  # more than one when merged

    @property
    def merged(self) -> bool:
        return len(self.parts) > 1

    def body(self, text: str) -> str:
        """The text to index: exactly [start, end), with what lies between the parts (speaker
        labels, line breaks) blanked out, so character offsets stay those of the text."""
        if not self.merged:
            return text[self.start:self.end]
        out, pos = [], self.start
        for u in self.parts:
            if u.start > pos:
                out.append(" " * (u.start - pos))
            out.append(text[u.start:u.end])
            pos = u.end
        return "".join(out)

    def speakers(self) -> str:
        """Every speaker of the passage, comma-separated (the index's speaker filter field)."""
        return ",".join(sorted({u.speaker for u in self.parts if u.speaker}))

    def stored_parts(self) -> list[tuple[int, int, str]]:
        """(start, end, speaker) of each part, relative to the passage's start."""
        return [(u.start - self.start, u.end - self.start, u.speaker) for u in self.parts]


def units(text: str, turns: list[tuple[int, int, str]]) -> list[Unit]:
    """Speaker turns, and paragraphs for text outside any turn; each with its exact range."""
    out: list[Unit] = []
    pos = 0
    for start, end, speaker in sorted(tuple(t) for t in turns):
        if start > pos:  # text between turns (a gap of a line break or a label is common)
            cut = text.rfind("\n", pos, start) + 1 or pos
            if cut - pos > 2 or (cut > pos and text[pos:cut].strip()):
                out += _paragraphs(text, pos, cut)
        if end > start and (not text[start].isspace() or text[start:end].strip()):
            out.append(Unit(start, end, speaker))
        if end > pos:
            pos = end
    out += _paragraphs(text, pos, len(text))
    return out


def _paragraphs(text: str, lo: int, hi: int) -> list[Unit]:
    out, start = [], lo
    while start < hi:
        cut = text.find("\n\n", start, hi)
        end = hi if cut < 0 else cut
        if text[start:end].strip():
            out.append(Unit(start, end, ""))  # paragraphs are kept only with words in them
        start = end + 2 if cut >= 0 else hi
    return out


def passages(found: list[Unit]) -> list[Passage]:
    """The units in index passages: a unit of SHORT characters or more stands alone; runs of
    shorter ones share a passage (up to GROUP_SPAN characters or MAX_PARTS units)."""
    out: list[Passage] = []
    run: list[Unit] = []

    def flush() -> None:
        if run:
            out.append(Passage(run[0].start, run[-1].end, tuple(run)))
            run.clear()

    for u in found:
        if u.end - u.start >= SHORT:
            flush()
            out.append(Passage(u.start, u.end, (u,)))
            continue
        if run and (u.end - run[0].start > GROUP_SPAN or len(run) >= MAX_PARTS):
            flush()
        run.append(u)
    flush()
    return out


class Parts:
    """The turns inside the merged passages of one open index reader, read from its stored
    fields when first needed; `merged` is the set of merged passage numbers."""

    def __init__(self, reader) -> None:
        self.reader = reader
        self.merged: set[int] = _merged_docs(reader)
        self._parts: dict[int, list[tuple[int, int, str]]] = {}
        self._starts: dict[int, list[int]] = {}

    def of(self, d: int) -> list[tuple[int, int, str]]:
        """(start, end, speaker) of the parts of merged passage `d`, relative to it."""
        got = self._parts.get(d)
        if got is None:
            got = self._parts[d] = list(self.reader.stored_fields(d).get("parts") or [])
            self._starts[d] = [a for a, _b, _s in got]
        return got

    def keys(self, d: int) -> list[int]:
        """The search keys of passage `d`: itself, or one per part when merged."""
        if d not in self.merged:
            return [d]
        base = SUB + d * SLOTS
        return [base + k for k in range(len(self.of(d)))]

    def split(self, d: int, ranges) -> dict[int, list[tuple[int, int]]]:
        """Ranges (relative to passage `d`) by search key, relative to their part; a range
        reaching past the end of its part (a phrase across two turns) is dropped."""
        parts, starts = self.of(d), self._starts[d]
        out: dict[int, list[tuple[int, int]]] = {}
        base = SUB + d * SLOTS
        for a, b in ranges:
            k = bisect_right(starts, a) - 1
            if k < 0:
                continue
            lo, hi, _speaker = parts[k]
            if b <= hi:
                out.setdefault(base + k, []).append((a - lo, b - lo))
        return out

    def speaker_keys(self, d: int, speaker: str) -> list[int]:
        base = SUB + d * SLOTS
        return [base + k for k, (_a, _b, who) in enumerate(self.of(d)) if who == speaker]


def locate(key: int) -> tuple[int, int]:
    """(passage number, part number or -1) of a search key."""
    if key < SUB:
        return key, -1
    d, k = divmod(key - SUB, SLOTS)
    return d, k


def _merged_docs(reader) -> set[int]:
    from whoosh.reading import TermNotFound

    try:
        return set(reader.postings("merged", "1").all_ids())
    except (TermNotFound, KeyError):
        return set()
