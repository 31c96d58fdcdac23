"""Disagreement review: for one code and two coders, every place where they differ (A only, B
only, other boundaries), and the lead's decision written as a consensus coder's codings."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.core import codelog
from app.core.codebook import path_of, resolve_code
from app.core.coding import check_span, get_or_create_coder
from app.core.lookup import get_coder, get_document
from app.errors import InvalidInput
from app.i18n import _
from app.models import Code, Coding, Document, ReviewDecision, new_guid, utcnow

DECISIONS = ("a", "b", "both", "neither", "edit")
DEFAULT_CONSENSUS = "Konsensus"


@dataclass
class Disagreement:
    document_id: int
    document: str
    code_guid: str
    coder_a: str
    coder_b: str
    start: int  # extent of the cluster of overlapping segments
    end: int
    a_spans: list[tuple[int, int]] = field(default_factory=list)
    b_spans: list[tuple[int, int]] = field(default_factory=list)
    decision: str | None = None

    @property
    def kind(self) -> str:
        if not self.b_spans:
            return "a_only"
        if not self.a_spans:
            return "b_only"
        return "boundary"

    def key(self) -> tuple:
        return (self.document_id, self.code_guid, self.coder_a, self.coder_b, self.start,
                self.end)


def _clusters(a: list[tuple[int, int]], b: list[tuple[int, int]]):
    """Groups of overlapping spans across both coders: (extent, a spans, b spans)."""
    items = sorted([(s, e, 0) for s, e in a] + [(s, e, 1) for s, e in b])
    out, cur, end = [], None, -1
    for s, e, who in items:
        if cur is None or s >= end:
            cur = [s, e, [], []]
            out.append(cur)
            end = e
        cur[1] = end = max(end, e)
        cur[2 + who].append((s, e))
    return [((c[0], c[1]), sorted(set(c[2])), sorted(set(c[3]))) for c in out]


def disagreements(s: Session, code_path: str, coder_a: str, coder_b: str,
                  documents: list[str] | None = None) -> list[Disagreement]:
    """Every disagreement in document and text order, with any decision already taken."""
    code = resolve_code(s, code_path)
    a, b = get_coder(s, coder_a), get_coder(s, coder_b)
    if a.id == b.id:
        raise InvalidInput(_("Choose two different coders to compare."))
    q = (select(Coding.document_id, Coding.coder_id, Coding.start, Coding.end)
         .where(Coding.code_id == code.id, Coding.coder_id.in_([a.id, b.id])))
    if documents:
        q = q.where(Coding.document_id.in_([get_document(s, d).id for d in documents]))
    spans: dict[int, tuple[list, list]] = {}
    for doc_id, coder_id, start, end in s.execute(q):
        spans.setdefault(doc_id, ([], []))[0 if coder_id == a.id else 1].append((start, end))
    names = {i: n for i, n in s.execute(select(Document.id, Document.name)
                                        .where(Document.id.in_(list(spans))))}
    decided = {(r.document_id, r.start, r.end): r.decision for r in s.scalars(
        select(ReviewDecision).where(ReviewDecision.code_guid == code.guid,
                                     ReviewDecision.coder_a == a.name,
                                     ReviewDecision.coder_b == b.name))}
    out = []
    for doc_id in sorted(spans, key=lambda i: names[i]):
        for (start, end), a_spans, b_spans in _clusters(*spans[doc_id]):
            if a_spans == b_spans:
                continue  # the coders agree exactly here
            out.append(Disagreement(doc_id, names[doc_id], code.guid, a.name, b.name, start,
                                    end, a_spans, b_spans, decided.get((doc_id, start, end))))
    return out


@dataclass(frozen=True)
class ReviewState:
    """The consensus codings around one disagreement and its decision row, for undo."""

    codings: tuple[dict, ...]
    decision: dict | None


def _consensus_in(s: Session, d: Disagreement, consensus_id: int, code_id: int):
    return (Coding.document_id == d.document_id, Coding.code_id == code_id,
            Coding.coder_id == consensus_id, Coding.start < d.end, Coding.end > d.start)


def _decision_row(s: Session, d: Disagreement):
    return s.scalar(select(ReviewDecision).where(
        ReviewDecision.document_id == d.document_id, ReviewDecision.code_guid == d.code_guid,
        ReviewDecision.coder_a == d.coder_a, ReviewDecision.coder_b == d.coder_b,
        ReviewDecision.start == d.start, ReviewDecision.end == d.end))


def capture(s: Session, d: Disagreement, consensus: str = DEFAULT_CONSENSUS) -> ReviewState:
    code = s.scalar(select(Code).where(Code.guid == d.code_guid))
    coder = get_or_create_coder(s, consensus)
    rows = tuple(dict(r._mapping) for r in s.execute(
        Coding.__table__.select().where(*_consensus_in(s, d, coder.id, code.id))))
    row = _decision_row(s, d)
    decision = None
    if row is not None:
        decision = {c.name: getattr(row, c.key) for c in ReviewDecision.__table__.columns}
    return ReviewState(rows, decision)


def restore(s: Session, d: Disagreement, state: ReviewState,
            consensus: str = DEFAULT_CONSENSUS) -> None:
    code = s.scalar(select(Code).where(Code.guid == d.code_guid))
    coder = get_or_create_coder(s, consensus)
    s.execute(delete(Coding).where(*_consensus_in(s, d, coder.id, code.id)))
    s.execute(delete(ReviewDecision).where(ReviewDecision.id.in_(
        [r.id for r in [_decision_row(s, d)] if r is not None])))
    if state.codings:
        s.execute(Coding.__table__.insert(), list(state.codings))
    if state.decision:
        s.execute(ReviewDecision.__table__.insert(), [state.decision])
    s.expire_all()


def resolve(s: Session, d: Disagreement, decision: str, consensus: str = DEFAULT_CONSENSUS,
            span: tuple[int, int] | None = None) -> None:
    """Settle one disagreement: the consensus coder gets A's, B's, both coders' segments, none,
    or an edited span (caller's transaction). Deciding again replaces the earlier decision."""
    if decision not in DECISIONS:
        raise InvalidInput(_("A decision is one of: {choices}.").format(
            choices=", ".join(DECISIONS)))
    doc = s.get(Document, d.document_id)
    code = s.scalar(select(Code).where(Code.guid == d.code_guid))
    coder = get_or_create_coder(s, consensus)
    if coder.name in (d.coder_a, d.coder_b):
        raise InvalidInput(_("The consensus coder must be someone other than the two coders "
                             "compared."))
    spans = {"a": d.a_spans, "b": d.b_spans, "both": sorted(set(d.a_spans) | set(d.b_spans)),
             "neither": []}.get(decision)
    if decision == "edit":
        if span is None:
            raise InvalidInput(_("Give the edited span."))
        check_span(doc, *span)
        spans = [tuple(span)]
    s.execute(delete(Coding).where(*_consensus_in(s, d, coder.id, code.id)))
    row = _decision_row(s, d)
    if row is None:
        row = ReviewDecision(document_id=d.document_id, code_guid=d.code_guid,
                             coder_a=d.coder_a, coder_b=d.coder_b, start=d.start, end=d.end)
        s.add(row)
    row.decision, row.consensus = decision, coder.name
    row.actor, row.at = codelog.current_actor(), utcnow()
    now = utcnow()
    if spans:
        s.execute(Coding.__table__.insert(), [
            {"guid": new_guid(), "document_id": d.document_id, "code_id": code.id,
             "coder_id": coder.id, "start": a, "end": b, "memo": "", "valence": None,
             "created_at": now} for a, b in spans])
    s.flush()
    d.decision = decision


def progress(items: list[Disagreement]) -> tuple[int, int]:
    """(resolved, total)."""
    return sum(1 for d in items if d.decision), len(items)


def excerpt(s: Session, d: Disagreement, context: int = 280) -> tuple[int, str]:
    """The whole lines around a disagreement, reaching at least `context` characters beyond it
    on each side: (offset of the excerpt's first character in the document, the excerpt)."""
    text = s.get(Document, d.document_id).text
    lo = text.rfind("\n", 0, max(0, d.start - context)) + 1
    hi = text.find("\n", min(len(text), d.end + context))
    hi = len(text) if hi < 0 else hi
    return lo, text[lo:hi]


def describe(s: Session, d: Disagreement) -> str:
    code = s.scalar(select(Code).where(Code.guid == d.code_guid))
    kinds = {"a_only": _("only {coder} coded this").format(coder=d.coder_a),
             "b_only": _("only {coder} coded this").format(coder=d.coder_b),
             "boundary": _("both coded this, with other boundaries")}
    return f"{path_of(s, code)} · {d.document} · {kinds[d.kind]}"
