"""Pure range arithmetic for showing codings: overlap segments, stripe lanes, colour blending.

Everything here works in code points on plain tuples, so a 300,000-character transcript with
thousands of codings is prepared in a few milliseconds and the GUI only converts the result.
"""

from __future__ import annotations

import heapq
from typing import Hashable, NamedTuple, Sequence


class Span(NamedTuple):
    """One coding seen by the display: [start, end), a colour key and its index in the caller's list."""

    start: int
    end: int
    key: Hashable
    ref: int


class Segment(NamedTuple):
    """A piece of text covered by the same codings; `keys` unique, in order of the codings' start."""

    start: int
    end: int
    keys: tuple
    refs: tuple[int, ...]


def segments(spans: Sequence[Span]) -> list[Segment]:
    """Split the covered text into maximal pieces where the set of covering spans is constant."""
    events: dict[int, tuple[list[Span], list[Span]]] = {}
    for sp in spans:
        if sp.end <= sp.start:
            continue
        ev = events.get(sp.start)
        if ev is None:
            ev = events[sp.start] = ([], [])
        ev[0].append(sp)
        ev = events.get(sp.end)
        if ev is None:
            ev = events[sp.end] = ([], [])
        ev[1].append(sp)
    out: list[Segment] = []
    # Active spans in order of (start, ref): spans starting here begin after every active one,
    # so they are appended (sorted by ref) and the order never needs a full sort.
    order: list[Span] = []
    keys: tuple = ()
    refs: tuple[int, ...] = ()
    prev = None
    for pos in sorted(events):
        if order and prev is not None and pos > prev:
            out.append(Segment(prev, pos, keys, refs))
        starting, ending = events[pos]
        if ending:
            gone = {sp.ref for sp in ending}
            order = [sp for sp in order if sp.ref not in gone]
        if starting:
            order.extend(sorted(starting, key=_by_ref) if len(starting) > 1 else starting)
        if starting or ending:
            refs = tuple(sp.ref for sp in order)
            keys = tuple(dict.fromkeys(sp.key for sp in order))
        prev = pos
    return out


def splice(segs: list[Segment], spans: Sequence[Span], start: int, end: int) -> list[Segment]:
    """`segs` with [start, end) recomputed from `spans` (after adding or removing one span there).

    Only the spans overlapping the window are looked at, so one coding more or less on a long
    transcript costs a fraction of a full `segments` run.
    """
    i = first_segment_ending_after(segs, start)
    j = i
    while j < len(segs) and segs[j].start < end:
        j += 1
    left = [segs[i]._replace(end=start)] if i < j and segs[i].start < start else []
    right = [segs[j - 1]._replace(start=end)] if i < j and segs[j - 1].end > end else []
    inside = []
    for seg in segments([sp for sp in spans if sp.start < end and sp.end > start]):
        if seg.end <= start or seg.start >= end:
            continue
        inside.append(seg._replace(start=max(seg.start, start), end=min(seg.end, end)))
    return segs[:i] + left + inside + right + segs[j:]


def free_lane(ranges_and_lanes: Sequence[tuple[int, int, int]], start: int, end: int) -> int:
    """The lowest lane not used by any (start, end, lane) overlapping [start, end)."""
    used = {lane for a, b, lane in ranges_and_lanes if a < end and b > start}
    lane = 0
    while lane in used:
        lane += 1
    return lane


def _by_ref(sp: Span) -> int:
    return sp.ref


def segments_at(segs: Sequence[Segment], pos: int) -> Segment | None:
    """The segment containing code point `pos` (binary search), or None."""
    lo, hi = 0, len(segs)
    while lo < hi:
        mid = (lo + hi) // 2
        if segs[mid].end <= pos:
            lo = mid + 1
        else:
            hi = mid
    if lo < len(segs) and segs[lo].start <= pos < segs[lo].end:
        return segs[lo]
    return None


def first_segment_ending_after(segs: Sequence[Segment], pos: int) -> int:
    """Index of the first segment whose end is after `pos` (for painting a visible range)."""
    lo, hi = 0, len(segs)
    while lo < hi:
        mid = (lo + hi) // 2
        if segs[mid].end <= pos:
            lo = mid + 1
        else:
            hi = mid
    return lo


def lanes(ranges: Sequence[tuple[int, int]]) -> list[int]:
    """Lane index per range so that ranges in one lane never overlap, using as few lanes as possible.

    Longer ranges starting at the same place get the outer (lower) lane, as in coding stripes.
    """
    order = sorted(range(len(ranges)), key=lambda i: (ranges[i][0], -ranges[i][1], i))
    result = [0] * len(ranges)
    busy: list[tuple[int, int]] = []  # (end, lane) of ranges still open
    free: list[int] = []
    next_lane = 0
    for i in order:
        start, end = ranges[i]
        while busy and busy[0][0] <= start:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            lane = heapq.heappop(free)
        else:
            lane, next_lane = next_lane, next_lane + 1
        result[i] = lane
        heapq.heappush(busy, (end, lane))
    return result


def parse_hex(colour: str) -> tuple[int, int, int]:
    c = colour.strip().lstrip("#")
    if len(c) == 3:
        c = "".join(ch * 2 for ch in c)
    try:
        return int(c[0:2], 16), int(c[2:4], 16), int(c[4:6], 16)
    except (ValueError, IndexError):
        return 136, 136, 136


def tint(colour: str, strength: float) -> str:
    """`colour` laid over white paper at `strength` (0..1), as #rrggbb: a readable highlight."""
    r, g, b = parse_hex(colour)
    mix = [round(255 + (v - 255) * strength) for v in (r, g, b)]
    return "#{:02x}{:02x}{:02x}".format(*mix)


def blend(colours: Sequence[str]) -> str:
    """The average of several colours (#rrggbb), for compact overlap indicators."""
    if not colours:
        return "#ffffff"
    rgb = [parse_hex(c) for c in colours]
    n = len(rgb)
    return "#{:02x}{:02x}{:02x}".format(*(round(sum(c[i] for c in rgb) / n) for i in range(3)))
