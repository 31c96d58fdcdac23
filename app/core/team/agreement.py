"""Inter-coder agreement: character-level percent agreement and Cohen's kappa for two coders,
segment matching by overlap, and Krippendorff's alpha (binary, character units) for two or more
coders - per code and document, per code, and overall.

For coders A and B (the first two given), a code and a document of N characters, each coder's
codings of the code are united first (a coder's own overlaps never count twice), then
a = characters both coded, b = only A, c = only B, d = neither (N - a - b - c),
po = (a + d) / N, pe = ((a + b)(a + c) + (c + d)(b + d)) / N², kappa = (po - pe) / (1 - pe),
null when pe = 1. Pooled figures (per code over documents, overall over codes and documents)
sum a, b, c, d first and apply the same formulas.

Alpha treats every character as a unit rated coded (1) or not coded (0) by each of the m coders
(all units pairable). A character that k coders coded adds k(k-1)/(m-1) to the coincidence o11,
(m-k)(m-k-1)/(m-1) to o00 and k(m-k)/(m-1) to each of o01 and o10; the marginals are n1 = sum
of k, n0 = sum of m - k, n = n0 + n1, and alpha = 1 - (n - 1) o01 / (n0 n1), null when n0 or n1
is 0. The sums run over elementary intervals (the text split at every boundary of every coder's
united codings), never character by character.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from numbers import Real

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.core.codebook import code_paths, join_path, resolve_code, split_path, subtree_ids
from app.core.lookup import get_coder, get_document, nfc
from app.core.team.intervals import (
    Span,
    clip,
    coverage,
    intersection_length,
    iou,
    normalise,
    total_length,
)
from app.errors import InvalidInput
from app.i18n import _
from app.models import Code, Coder, Coding, Document


# -- figures -----------------------------------------------------------------------------------
@dataclass
class Counts:
    """Characters both coded (a), only A (b), only B (c), neither (d)."""

    a: int = 0
    b: int = 0
    c: int = 0
    d: int = 0

    def add(self, other: "Counts") -> None:
        self.a += other.a
        self.b += other.b
        self.c += other.c
        self.d += other.d

    @property
    def n(self) -> int:
        return self.a + self.b + self.c + self.d

    @property
    def percent_agreement(self) -> float | None:
        """(a + d) / N as a fraction (0.934 is 93.4 %); None when N = 0."""
        return (self.a + self.d) / self.n if self.n else None

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa, computed exactly in integers; None when pe = 1 (or N = 0)."""
        a, b, c, d, n = self.a, self.b, self.c, self.d, self.n
        expected = (a + b) * (a + c) + (c + d) * (b + d)  # pe * N²
        if n == 0 or expected == n * n:
            return None
        return (n * (a + d) - expected) / (n * n - expected)


@dataclass
class AlphaSums:
    """The binary coincidence totals for Krippendorff's alpha with `coders` coders per unit:
    `disagreeing` = sum of k(m-k) over characters = (m-1) * o01, `coded` = n1, `uncoded` = n0."""

    coders: int
    disagreeing: int = 0
    coded: int = 0
    uncoded: int = 0

    def add(self, other: "AlphaSums") -> None:
        self.disagreeing += other.disagreeing
        self.coded += other.coded
        self.uncoded += other.uncoded

    @property
    def alpha(self) -> float | None:
        n0, n1 = self.uncoded, self.coded
        if n0 == 0 or n1 == 0:
            return None
        n = n0 + n1
        return 1 - ((n - 1) * self.disagreeing) / ((self.coders - 1) * n0 * n1)


@dataclass
class DocumentAgreement:
    document: str
    counts: Counts


@dataclass
class CodeAgreement:
    code: str
    counts: Counts
    alpha_sums: AlphaSums
    segments_matched: int = 0
    segments_unmatched: int = 0
    documents: list[DocumentAgreement] = field(default_factory=list)

    @property
    def alpha(self) -> float | None:
        return self.alpha_sums.alpha

    @property
    def share_matched(self) -> float | None:
        total = self.segments_matched + self.segments_unmatched
        return self.segments_matched / total if total else None


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _figures(counts: Counts) -> dict:
    return {"percent_agreement": _r(counts.percent_agreement), "kappa": _r(counts.kappa)}


def _abcd(counts: Counts) -> dict:
    return {"a": counts.a, "b": counts.b, "c": counts.c, "d": counts.d}


@dataclass
class AgreementReport:
    coders: list[str]
    overlap: float
    codes: list[CodeAgreement]

    @property
    def overall(self) -> Counts:
        total = Counts()
        for c in self.codes:
            total.add(c.counts)
        return total

    @property
    def overall_alpha(self) -> float | None:
        total = AlphaSums(len(self.coders))
        for c in self.codes:
            total.add(c.alpha_sums)
        return total.alpha

    @property
    def segments_matched(self) -> int:
        return sum(c.segments_matched for c in self.codes)

    @property
    def segments_unmatched(self) -> int:
        return sum(c.segments_unmatched for c in self.codes)

    def as_json(self) -> dict:
        overall = self.overall
        return {
            "coders": list(self.coders),
            "overlap": _r(self.overlap),
            "overall": {**_figures(overall), "alpha": _r(self.overall_alpha), **_abcd(overall),
                        "segments_matched": self.segments_matched,
                        "segments_unmatched": self.segments_unmatched},
            "codes": [{"code": c.code, **_figures(c.counts), "alpha": _r(c.alpha),
                       **_abcd(c.counts), "segments_matched": c.segments_matched,
                       "segments_unmatched": c.segments_unmatched,
                       "share_matched": _r(c.share_matched),
                       "documents": [{"document": d.document, **_figures(d.counts),
                                      **_abcd(d.counts)} for d in c.documents]}
                      for c in self.codes],
        }


# -- one code in one document ----------------------------------------------------------------
def matched_segments(xs: list[Span], ys: list[Span], overlap: float) -> int:
    """How many spans of `xs` have a span in `ys` with intersection over union >= overlap.

    ys is searched by start with bisect: IoU >= t needs y.start <= x.end - t|x| (the overlap
    is at least t|x|) and y.start >= x.end - |x|/t (the union is at most |x|/t)."""
    if not xs or not ys:
        return 0
    ys = sorted(ys)
    starts = [y[0] for y in ys]
    found = 0
    for x in xs:
        size = x[1] - x[0]
        if size <= 0:
            continue
        lo = bisect_left(starts, math.floor(x[1] - size / overlap))
        hi = bisect_right(starts, math.ceil(x[1] - overlap * size))
        if any(iou(x, ys[k]) >= overlap for k in range(lo, hi)):
            found += 1
    return found


def compare(spans: list[list[Span]], length: int, overlap: float):
    """Counts (first two coders), alpha sums (all coders), matched and unmatched segments
    (first two coders) for one code in one document of `length` characters; `spans` holds
    each coder's codings, in any order and possibly overlapping."""
    m = len(spans)
    unions = [clip(normalise(x), 0, length) for x in spans]
    both = intersection_length(unions[0], unions[1])
    only_a = total_length(unions[0]) - both
    only_b = total_length(unions[1]) - both
    counts = Counts(both, only_a, only_b, length - both - only_a - only_b)
    coded = sum(total_length(u) for u in unions)
    disagreeing = sum((end - start) * k * (m - k) for start, end, k in coverage(unions))
    sums = AlphaSums(m, disagreeing, coded, m * length - coded)
    matched = (matched_segments(spans[0], spans[1], overlap)
               + matched_segments(spans[1], spans[0], overlap))
    return counts, sums, matched, len(spans[0]) + len(spans[1]) - matched


# -- input -------------------------------------------------------------------------------------
def check_overlap(overlap) -> float:
    if isinstance(overlap, bool) or not isinstance(overlap, Real) or not 0 < overlap <= 1:
        raise InvalidInput(_("The overlap must be more than 0 and at most 1 (for example 0.9), "
                             "not {value}.").format(value=overlap))
    return float(overlap)


def _coders(s: Session, names: list[str]) -> list[int]:
    names = [nfc(n) for n in names or []]
    if len(names) < 2:
        raise InvalidInput(_("Agreement needs at least two coders; {n} given.").format(
            n=len(names)))
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InvalidInput(_("A coder is listed more than once: {names}.").format(
            names=", ".join(twice)))
    ids = dict(s.execute(select(Coder.name, Coder.id).where(Coder.name.in_(names))).all())
    return [ids[n] if n in ids else get_coder(s, n).id for n in names]


def _documents(s: Session, names: list[str] | None) -> list[tuple[int, str, int]]:
    """(id, name, length) of the chosen documents (all, by name, when None), in order."""
    q = select(Document.id, Document.name, Document.length)
    if names is None:
        return list(s.execute(q.order_by(Document.name)).all())
    names = list(dict.fromkeys(names))
    found = {r[1]: r for r in s.execute(q.where(Document.name.in_(names))).all()}
    for n in names:
        if n not in found:
            d = get_document(s, n)  # typed in another Unicode form, or NotFound
            found[n] = (d.id, d.name, d.length)
    return list({found[n][0]: found[n] for n in names}.values())


def _code_rows(s: Session, refs: list[str]) -> list[tuple[str, set[int]]]:
    """(path, code ids pooled in the row) per given code: a codable code is itself, a group
    code pools its whole subtree."""
    paths = code_paths(s)
    by_path = {p: i for i, p in paths.items()}
    codable = dict(s.execute(select(Code.id, Code.codable)).all())
    rows: dict[int, tuple[str, set[int]]] = {}
    for ref in refs:
        cid = by_path.get(join_path(split_path(ref.strip())))
        if cid is None:
            cid = resolve_code(s, ref).id  # a guid or bare name, or NotFound
        if cid not in rows:
            rows[cid] = (paths[cid], {cid} if codable[cid] else subtree_ids(s, cid))
    return list(rows.values())


def _round_id(s: Session, name: str) -> int:
    from app.core.team.rounds import get_round

    return get_round(s, name).id


# -- the report --------------------------------------------------------------------------------
def agreement(s: Session, coders: list[str], codes: list[str] | None = None,
              documents: list[str] | None = None, overlap: float = 0.9,
              round_name: str | None = None) -> AgreementReport:
    """Agreement of `coders` (kappa and segments for the first two, alpha for all) per code
    path in `codes` (default: every codable code one of them used in the chosen documents, in
    codebook order) over `documents` (default: all, by name). With `round_name`, only the
    codings made in that round count (a later round on the same documents changes nothing)."""
    overlap = check_overlap(overlap)
    coder_ids = _coders(s, coders)
    docs = _documents(s, documents)
    rows = None if codes is None else _code_rows(s, codes)

    q = select(Coding.code_id, Coding.document_id, Coding.coder_id, Coding.start, Coding.end) \
        .where(Coding.coder_id.in_(coder_ids))
    if round_name is not None:
        q = q.where(Coding.round_id == _round_id(s, round_name))
    if rows is not None:
        q = q.where(Coding.code_id.in_({i for _p, ids in rows for i in ids}))
    if documents is not None:
        q = q.where(Coding.document_id.in_([d[0] for d in docs]))
    data = s.connection().execute(q).all()  # plain rows, no ORM loading

    if rows is None:
        used = {r[0] for r in data}
        codable = dict(s.execute(select(Code.id, Code.codable)).all())
        rows = [(path, {cid}) for cid, path in code_paths(s).items()
                if codable[cid] and cid in used]
    rows_of: dict[int, list[int]] = {}
    for r, (_path, ids) in enumerate(rows):
        for cid in ids:
            rows_of.setdefault(cid, []).append(r)
    position = {cid: k for k, cid in enumerate(coder_ids)}
    m = len(coder_ids)
    cells: dict[tuple[int, int], list[list[Span]]] = {}
    for code_id, doc_id, coder_id, start, end in data:
        for r in rows_of.get(code_id, ()):
            cell = cells.get((r, doc_id))
            if cell is None:
                cell = cells[(r, doc_id)] = [[] for _k in range(m)]
            cell[position[coder_id]].append((start, end))

    out = []
    for r, (path, _ids) in enumerate(rows):
        row = CodeAgreement(path, Counts(), AlphaSums(m))
        for doc_id, name, length in docs:
            cell = cells.get((r, doc_id))
            if cell is None:
                counts, sums = Counts(d=length), AlphaSums(m, 0, 0, m * length)
                matched = unmatched = 0
            else:
                counts, sums, matched, unmatched = compare(cell, length, overlap)
            row.counts.add(counts)
            row.alpha_sums.add(sums)
            row.segments_matched += matched
            row.segments_unmatched += unmatched
            row.documents.append(DocumentAgreement(name, counts))
        out.append(row)
    return AgreementReport(list(coders), overlap, out)
