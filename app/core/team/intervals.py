"""Interval arithmetic on half-open [start, end) code-point spans, for agreement and review.

A *union* here is a sorted list of disjoint, non-touching, non-empty (start, end) pairs, as
`normalise` returns it. Everything works on intervals with linear merges (never one
character at a time), so the cost follows the number of codings, not the length of the text.
"""

from __future__ import annotations

from itertools import chain
from typing import Iterable, Iterator, Sequence

Span = tuple[int, int]


def normalise(spans: Iterable[Span]) -> list[Span]:
    """The union of `spans` in any order: sorted, empty spans dropped, overlapping and touching
    spans merged ([0, 5) and [5, 9) become [0, 9))."""
    out: list[Span] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def union(*unions: Iterable[Span]) -> list[Span]:
    """The union of several span collections (each in any order)."""
    return normalise(chain.from_iterable(unions))


def total_length(spans: Iterable[Span]) -> int:
    """Number of positions covered by a union (for overlapping input, normalise first)."""
    return sum(end - start for start, end in spans)


def clip(spans: Iterable[Span], low: int, high: int) -> list[Span]:
    """The parts of a union inside [low, high)."""
    out = []
    for start, end in spans:
        start, end = max(start, low), min(end, high)
        if start < end:
            out.append((start, end))
    return out


def _overlaps(a: Sequence[Span], b: Sequence[Span]) -> Iterator[Span]:
    """The non-empty pieces where two unions overlap, in order (a two-pointer merge)."""
    i = j = 0
    while i < len(a) and j < len(b):
        start = max(a[i][0], b[j][0])
        end = min(a[i][1], b[j][1])
        if start < end:
            yield start, end
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1


def intersection(a: Sequence[Span], b: Sequence[Span]) -> list[Span]:
    """The positions in both unions, as a union."""
    return list(_overlaps(a, b))


def intersection_length(a: Sequence[Span], b: Sequence[Span]) -> int:
    """Number of positions in both unions."""
    return sum(end - start for start, end in _overlaps(a, b))


def difference(a: Sequence[Span], b: Sequence[Span]) -> list[Span]:
    """The positions of union `a` that are not in union `b`, as a union."""
    out: list[Span] = []
    j = 0
    for start, end in a:
        while j < len(b) and b[j][1] <= start:
            j += 1
        k, cur = j, start
        while k < len(b) and b[k][0] < end:
            if b[k][0] > cur:
                out.append((cur, b[k][0]))
            cur = max(cur, b[k][1])
            k += 1
        if cur < end:
            out.append((cur, end))
    return out


def iou(x: Span, y: Span) -> float:
    """Intersection over union of two single spans: 1.0 for the same span, 0.0 for disjoint
    (or empty) spans."""
    inter = max(0, min(x[1], y[1]) - max(x[0], y[0]))
    whole = (x[1] - x[0]) + (y[1] - y[0]) - inter
    return inter / whole if whole > 0 else 0.0


def coverage(unions: Sequence[Sequence[Span]]) -> Iterator[tuple[int, int, int]]:
    """Elementary intervals (start, end, k) where k >= 1 of the given unions cover every
    position, split at every boundary of every union; uncovered stretches are left out.

    Each union must be normalised, so k counts distinct unions (e.g. coders)."""
    events = sorted(chain.from_iterable(((s, 1), (e, -1)) for u in unions for s, e in u))
    depth, last = 0, None
    for pos, step in events:
        if depth > 0 and pos > last:
            yield last, pos, depth
        depth += step
        last = pos
