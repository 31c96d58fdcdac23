"""Places where coders meet: each coder's segments of one code in one document, grouped into
clusters of overlapping segments (agreed when every coder coded exactly the same spans), and
the memo and valence of a span several coders coded. Used by review and consensus."""

from __future__ import annotations

from typing import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Coding

Span = tuple[int, int]
Segments = dict[tuple[int, int], dict[int, list[tuple[int, int, str, int | None]]]]


def load_segments(s: Session, coder_ids: Sequence[int], code_ids: Sequence[int] | None = None,
                  document_ids: Sequence[int] | None = None) -> Segments:
    """(document id, code id) -> coder id -> that coder's (start, end, memo, valence)."""
    q = select(Coding.document_id, Coding.code_id, Coding.coder_id, Coding.start, Coding.end,
               Coding.memo, Coding.valence).where(Coding.coder_id.in_(list(coder_ids)))
    if code_ids is not None:
        q = q.where(Coding.code_id.in_(list(code_ids)))
    if document_ids is not None:
        q = q.where(Coding.document_id.in_(list(document_ids)))
    out: Segments = {}
    for doc_id, code_id, coder_id, start, end, memo, valence in s.execute(q):
        out.setdefault((doc_id, code_id), {}).setdefault(coder_id, []).append(
            (start, end, memo or "", valence))
    return out


def clusters(by_coder: dict[int, list], coder_ids: Sequence[int]):
    """Groups of overlapping segments across the coders (merely touching ones are apart):
    (start, end, each coder's distinct spans sorted) in text order."""
    items = sorted((seg[0], seg[1], i) for i, cid in enumerate(coder_ids)
                   for seg in by_coder.get(cid, ()))
    out: list[list] = []
    end = -1
    for start, stop, who in items:
        if not out or start >= end:
            out.append([start, stop, [set() for _c in coder_ids]])
            end = stop
        end = out[-1][1] = max(end, stop)
        out[-1][2][who].add((start, stop))
    return [(c[0], c[1], tuple(sorted(x) for x in c[2])) for c in out]


def agreed(spans: tuple[list[Span], ...]) -> bool:
    """Every coder coded exactly the same segments here."""
    return all(x == spans[0] for x in spans[1:])


def merge_notes(entries: Sequence[tuple[str, str, int | None]]) -> tuple[str, int | None, bool]:
    """Memo and valence for one span coded by several coders, from (coder, memo, valence):
    the memo when all wrote the same one, else each distinct memo prefixed with its coder(s);
    the common valence, or None when they differ -> (memo, valence, valences differ)."""
    coders = list(dict.fromkeys(c for c, _m, _v in entries))
    memos: dict[str, list[str]] = {}
    for coder, memo, _v in entries:
        if (memo or "").strip():
            who = memos.setdefault(memo.strip(), [])
            if coder not in who:
                who.append(coder)
    if len(memos) == 1 and len(next(iter(memos.values()))) == len(coders):
        memo = next(iter(memos))
    else:
        memo = "\n".join(f"{', '.join(who)}: {text}" for text, who in memos.items())
    values = {v for _c, _m, v in entries}
    return memo, (next(iter(values)) if len(values) == 1 else None), len(values) > 1
