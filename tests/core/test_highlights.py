"""Overlap segments, stripe lanes and tints used to show codings."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.core.highlights import Span, blend, lanes, segments, segments_at, tint


def test_overlapping_spans_split_into_segments():
    segs = segments([Span(0, 10, "red", 0), Span(5, 15, "blue", 1), Span(20, 25, "red", 2)])
    assert [(s.start, s.end, s.keys) for s in segs] == [
        (0, 5, ("red",)), (5, 10, ("red", "blue")), (10, 15, ("blue",)), (20, 25, ("red",))]
    assert segments_at(segs, 7).refs == (0, 1)
    assert segments_at(segs, 17) is None


def test_same_colour_twice_is_one_key():
    segs = segments([Span(0, 10, "red", 0), Span(2, 4, "red", 1)])
    assert [s.keys for s in segs] == [("red",), ("red",), ("red",)]
    assert segs[1].refs == (0, 1)


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 20), st.integers(0, 3)), max_size=30))
def test_segments_cover_exactly_the_spans(raw):
    spans = [Span(a, a + n, k, i) for i, (a, n, k) in enumerate(raw)]
    segs = segments(spans)
    for pos in range(75):
        covering = {sp.ref for sp in spans if sp.start <= pos < sp.end}
        seg = segments_at(segs, pos)
        assert (set(seg.refs) if seg else set()) == covering
    assert all(a.end <= b.start for a, b in zip(segs, segs[1:]))


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 20)), max_size=40))
def test_lanes_never_overlap_and_are_minimal(raw):
    ranges = [(a, a + n) for a, n in raw]
    got = lanes(ranges)
    for i, (a, b) in enumerate(ranges):
        for j, (c, d) in enumerate(ranges):
            if i < j and got[i] == got[j]:
                assert b <= c or d <= a
    depth = max((sum(1 for a, b in ranges if a <= p < b) for p in range(75)), default=0)
    assert (max(got) + 1 if got else 0) == depth


def test_tint_and_blend():
    assert tint("#ff0000", 0.0) == "#ffffff" and tint("#ff0000", 1.0) == "#ff0000"
    assert blend(["#ff0000", "#0000ff"]) == "#800080"


@given(st.lists(st.tuples(st.integers(0, 50), st.integers(1, 20), st.integers(0, 3)), min_size=1,
                max_size=25), st.data())
def test_splice_after_adding_or_removing_equals_full_recompute(raw, data):
    from app.core.highlights import splice

    spans = [Span(a, a + n, k, i) for i, (a, n, k) in enumerate(raw)]
    victim = data.draw(st.integers(0, len(spans) - 1))
    without = [sp for sp in spans if sp.ref != victim]
    base = segments(without)
    added = splice(base, spans, spans[victim].start, spans[victim].end)
    removed = splice(segments(spans), without, spans[victim].start, spans[victim].end)
    for got, full in ((added, segments(spans)), (removed, base)):
        for pos in range(75):
            a, b = segments_at(got, pos), segments_at(full, pos)
            assert (a.refs if a else None) == (b.refs if b else None)
            assert (a.keys if a else None) == (b.keys if b else None)
