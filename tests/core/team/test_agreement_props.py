"""Properties of the agreement engine on random codings, against a brute-force model that
looks at every character: a + b + c + d = N, kappa symmetric in the two coders, alpha equal to
Krippendorff's coincidence-matrix definition applied character by character."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from pytest import approx

from app.core.team.agreement import AlphaSums, Counts, compare
from app.core.team.intervals import iou

LENGTH = 40


def _span(pair):
    a, b = sorted(pair)
    return (a, b + 1)


coder_spans = st.lists(st.tuples(st.integers(0, LENGTH - 1), st.integers(0, LENGTH - 1))
                       .map(_span), max_size=6, unique=True)
lengths = st.integers(1, LENGTH)
overlaps = st.sampled_from([0.3, 0.5, 0.75, 0.9, 1.0])


def coded(spans, length: int) -> list[int]:
    """1 where a character is inside any of the spans, else 0."""
    return [int(any(s <= p < e for s, e in spans)) for p in range(length)]


def brute_alpha(ratings: list[list[int]]) -> float | None:
    """Krippendorff's alpha, nominal, from the coincidence matrix: every unit (character) is
    rated by every coder; unit u with m_u values adds (number of c-k pairs)/(m_u - 1)."""
    m = len(ratings)
    units = list(zip(*ratings))
    o = {(c, k): 0.0 for c in (0, 1) for k in (0, 1)}
    for values in units:
        for i in range(m):
            for j in range(m):
                if i != j:
                    o[(values[i], values[j])] += 1 / (m - 1)
    n_c = {c: o[(c, 0)] + o[(c, 1)] for c in (0, 1)}
    n = n_c[0] + n_c[1]
    d_e = sum(n_c[c] * n_c[k] for c in (0, 1) for k in (0, 1) if c != k)
    if d_e == 0:
        return None
    d_o = o[(0, 1)] + o[(1, 0)]
    return 1 - (n - 1) * d_o / d_e


def brute_kappa(x: list[int], y: list[int]) -> float | None:
    n = len(x)
    po = sum(p == q for p, q in zip(x, y)) / n
    px, py = sum(x) / n, sum(y) / n
    pe = px * py + (1 - px) * (1 - py)
    return None if abs(1 - pe) < 1e-12 else (po - pe) / (1 - pe)


@settings(max_examples=200, deadline=None)
@given(coder_spans, coder_spans, lengths, overlaps)
def test_two_coders_match_the_character_model(a_spans, b_spans, length, overlap):
    counts, sums, matched, unmatched = compare([a_spans, b_spans], length, overlap)
    x, y = coded(a_spans, length), coded(b_spans, length)
    assert counts.a + counts.b + counts.c + counts.d == length
    assert counts.a == sum(p and q for p, q in zip(x, y))
    assert counts.b == sum(p and not q for p, q in zip(x, y))
    assert counts.c == sum(q and not p for p, q in zip(x, y))
    assert counts.percent_agreement == approx(sum(p == q for p, q in zip(x, y)) / length)
    expected = brute_kappa(x, y)
    assert (counts.kappa is None) == (expected is None)
    if expected is not None:
        assert counts.kappa == approx(expected, abs=1e-9)
    alpha = brute_alpha([x, y])
    assert (sums.alpha is None) == (alpha is None)
    if alpha is not None:
        assert sums.alpha == approx(alpha, abs=1e-9)
    # segments, brute force over all pairs
    hits = sum(any(iou(s, t) >= overlap for t in b_spans) for s in a_spans) \
        + sum(any(iou(t, s) >= overlap for s in a_spans) for t in b_spans)
    assert (matched, unmatched) == (hits, len(a_spans) + len(b_spans) - hits)


@settings(max_examples=200, deadline=None)
@given(coder_spans, coder_spans, lengths, overlaps)
def test_swapping_the_coders_keeps_kappa_alpha_and_segments(a_spans, b_spans, length, overlap):
    one = compare([a_spans, b_spans], length, overlap)
    two = compare([b_spans, a_spans], length, overlap)
    assert (one[0].a, one[0].b, one[0].c, one[0].d) == (two[0].a, two[0].c, two[0].b, two[0].d)
    assert one[0].kappa == two[0].kappa
    assert one[1].alpha == two[1].alpha
    assert one[2:] == two[2:]


@settings(max_examples=150, deadline=None)
@given(st.lists(coder_spans, min_size=3, max_size=5), lengths)
def test_alpha_for_several_coders_matches_the_character_model(spans, length):
    _counts, sums, _m, _u = compare(spans, length, 0.9)
    alpha = brute_alpha([coded(x, length) for x in spans])
    assert (sums.alpha is None) == (alpha is None)
    if alpha is not None:
        assert sums.alpha == approx(alpha, abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(coder_spans, coder_spans, lengths), min_size=1, max_size=4))
def test_pooled_figures_equal_one_long_document(docs):
    """Pooling sums a, b, c, d (and the coincidences) first: the same as laying the documents
    end to end as one text."""
    total, sums = Counts(), AlphaSums(2)
    xs, ys = [], []
    for a_spans, b_spans, length in docs:
        counts, part, _m, _u = compare([a_spans, b_spans], length, 0.9)
        total.add(counts)
        sums.add(part)
        xs += coded(a_spans, length)
        ys += coded(b_spans, length)
    expected = brute_kappa(xs, ys)
    assert (total.kappa is None) == (expected is None)
    if expected is not None:
        assert total.kappa == approx(expected, abs=1e-9)
    alpha = brute_alpha([xs, ys])
    assert (sums.alpha is None) == (alpha is None)
    if alpha is not None:
        assert sums.alpha == approx(alpha, abs=1e-9)
