"""Interval arithmetic for agreement: unions, lengths, intersections, IoU and coverage checked
against a brute-force model (sets of positions) on small ranges."""

from __future__ import annotations

from collections import Counter

from hypothesis import given
from hypothesis import strategies as st

from app.core.team import intervals as iv


def _span(draw_pair):
    a, b = draw_pair
    return (min(a, b), max(a, b))


spans = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 60)).map(_span), max_size=12)


def positions(items) -> set[int]:
    return {p for start, end in items for p in range(start, end)}


def is_union(items) -> bool:
    """Sorted, non-empty, neither overlapping nor touching."""
    return all(s < e for s, e in items) and all(
        items[i][1] < items[i + 1][0] for i in range(len(items) - 1))


def test_examples():
    assert iv.normalise([(30, 50), (10, 40), (60, 60), (50, 55)]) == [(10, 55)]
    assert iv.intersection([(0, 10), (20, 30)], [(5, 25)]) == [(5, 10), (20, 25)]
    assert iv.difference([(0, 10), (20, 30)], [(5, 25)]) == [(0, 5), (25, 30)]
    assert iv.iou((10, 40), (20, 60)) == 0.4
    assert iv.iou((0, 5), (5, 9)) == 0.0
    assert iv.iou((3, 3), (3, 3)) == 0.0
    assert list(iv.coverage([[(0, 6)], [(0, 4)], [(2, 8)]])) == [
        (0, 2, 2), (2, 4, 3), (4, 6, 2), (6, 8, 1)]


@given(spans)
def test_normalise_is_the_union_and_idempotent(items):
    u = iv.normalise(items)
    assert is_union(u)
    assert positions(u) == positions(items)
    assert iv.normalise(u) == u
    assert iv.total_length(u) == len(positions(items))


@given(spans, spans)
def test_union_of_several(x, y):
    assert positions(iv.union(x, y)) == positions(x) | positions(y)
    assert iv.union(x, y) == iv.union(y, x)


@given(spans, spans)
def test_intersection_and_difference_match_sets(x, y):
    ux, uy = iv.normalise(x), iv.normalise(y)
    both = iv.intersection(ux, uy)
    assert is_union(iv.normalise(both)) and positions(both) == positions(x) & positions(y)
    assert iv.intersection_length(ux, uy) == len(positions(x) & positions(y))
    assert iv.intersection_length(ux, uy) == iv.intersection_length(uy, ux)
    only = iv.difference(ux, uy)
    assert is_union(only) and positions(only) == positions(x) - positions(y)


@given(spans, st.integers(0, 60), st.integers(0, 60))
def test_clip(x, low, high):
    assert positions(iv.clip(iv.normalise(x), low, high)) == {
        p for p in positions(x) if low <= p < high}


@given(st.tuples(st.integers(0, 60), st.integers(0, 60)).map(_span),
       st.tuples(st.integers(0, 60), st.integers(0, 60)).map(_span))
def test_iou_is_bounded_symmetric_and_matches_sets(x, y):
    value = iv.iou(x, y)
    assert 0.0 <= value <= 1.0
    assert value == iv.iou(y, x)
    px, py = positions([x]), positions([y])
    expected = len(px & py) / len(px | py) if px | py else 0.0
    assert value == expected
    if px and x == y:
        assert value == 1.0


@given(st.lists(spans, min_size=1, max_size=4))
def test_coverage_counts_every_position(lists):
    unions = [iv.normalise(x) for x in lists]
    depth = Counter(p for u in unions for p in positions(u))
    pieces = list(iv.coverage(unions))
    seen: dict[int, int] = {}
    for start, end, k in pieces:
        assert start < end and k >= 1
        for p in range(start, end):
            assert p not in seen
            seen[p] = k
    assert seen == dict(depth)
    assert [p[0] for p in pieces] == sorted(p[0] for p in pieces)
