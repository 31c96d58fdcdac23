"""Disagreement review: for chosen codes and two or more coders, every place where they differ (a
cluster of overlapping segments of one code in one document), each with a stable id, and the
lead's decision written as a consensus coder's codings (undoable: capture/restore)."""

from __future__ import annotations

import hashlib
import itertools
import re
from dataclasses import dataclass
from typing import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.core import codelog
from app.core.codebook import code_paths, resolve_code
from app.core.coding import check_span, get_or_create_coder
from app.core.lookup import get_coder, get_document, nfc
from app.core.team.places import Span, agreed, clusters, load_segments, merge_notes
from app.core.team.provenance import provenance_for
from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.models import Code, Coder, Coding, Document, ReviewDecision, new_guid, utcnow

DECISIONS = ("a", "b", "both", "neither", "edit")
DEFAULT_CONSENSUS = "Konsensus"
# Up to this many coders in a project, an id of three or more coders is found without being
# told which coders it was listed for (every set of them is tried).
SEARCH_ALL_SETS = 7
_ID = re.compile(r"d[0-9a-f]{10}")
_SPAN = re.compile(r"(\d+)\s*-\s*(\d+)")


def disagreement_id(document_guid: str, code_guid: str, coders: Sequence[str], start: int,
                    end: int) -> str:
    """'d' + the first 10 hex digits of sha1 over 'document guid|code guid|coder a|coder b|
    start|end' (three or more coders: every name in its place, sorted)."""
    raw = "|".join([document_guid, code_guid, *coders, str(start), str(end)])
    return "d" + hashlib.sha1(raw.encode("utf-8")).hexdigest()[:10]


@dataclass
class Disagreement:
    document_id: int
    document: str
    code_guid: str
    coders: tuple[str, ...]  # two in the order asked (A, B); three or more sorted by name
    start: int  # extent of the cluster of overlapping segments
    end: int
    spans: tuple[list[Span], ...]  # each coder's segments in the cluster
    decision: str | None = None
    document_guid: str = ""
    code: str = ""  # the code's path

    @property
    def id(self) -> str:
        return disagreement_id(self.document_guid, self.code_guid, self.coders, self.start,
                               self.end)

    @property
    def coder_a(self) -> str:
        return self.coders[0]

    @property
    def coder_b(self) -> str:
        """The other coder (three or more: the others joined by '|', as decisions are kept)."""
        return "|".join(self.coders[1:])

    @property
    def a_spans(self) -> list[Span]:
        return self.spans[0]

    @property
    def b_spans(self) -> list[Span]:
        return self.spans[1]

    @property
    def kind(self) -> str:
        if len(self.coders) == 2:
            if not self.b_spans:
                return "a_only"
            if not self.a_spans:
                return "b_only"
        return "partial" if any(not x for x in self.spans) else "boundary"

    @property
    def taken(self) -> str | None:
        """The decision as a user reads it: a coder's name instead of a, b or c2."""
        return decision_name(self, self.decision)

    def as_json(self) -> dict:
        out = {"id": self.id, "document": self.document, "code": self.code,
               "start": self.start, "end": self.end, "kind": self.kind,
               "coders": list(self.coders),
               "spans": {c: [list(x) for x in sp] for c, sp in zip(self.coders, self.spans)},
               "decision": self.taken}
        if len(self.coders) == 2:
            out["a"], out["b"] = [list(x) for x in self.a_spans], [list(x) for x in self.b_spans]
        return out

    def key(self) -> tuple:
        return (self.document_id, self.code_guid, self.coder_a, self.coder_b, self.start,
                self.end)


def decision_name(d: Disagreement, decision: str | None) -> str | None:
    if decision and len(d.coders) > 2 and re.fullmatch(r"c\d+", decision):
        i = int(decision[1:])
        return d.coders[i] if i < len(d.coders) else decision
    return decision


def coder_set(s: Session, names: Sequence[str], consensus: str | None = None) -> list[Coder]:
    """The coders compared: two in the order given, three or more sorted by name."""
    coders = [get_coder(s, n) for n in names]
    if len(coders) < 2 or len({c.id for c in coders}) != len(coders):
        raise InvalidInput(_("Choose two or more different coders to compare."))
    if consensus is not None and nfc(consensus) in {nfc(c.name) for c in coders}:
        raise InvalidInput(_("The consensus coder must be someone other than the coders "
                             "compared."))
    return coders if len(coders) == 2 else sorted(coders, key=lambda c: c.name)


class Names:
    """Names, guids and paths of documents and codes, read once."""

    def __init__(self, s: Session, doc_ids) -> None:
        self.docs = {i: (n, g) for i, n, g in s.execute(
            select(Document.id, Document.name, Document.guid).where(Document.id.in_(doc_ids)))}
        self.paths = code_paths(s)
        self.code_guids = dict(s.execute(select(Code.id, Code.guid)).all())

    def make(self, doc_id, code_id, coders, start, end, spans, decided) -> Disagreement:
        guid = self.code_guids[code_id]
        name, doc_guid = self.docs[doc_id]
        return Disagreement(doc_id, name, guid, tuple(c.name for c in coders), start, end,
                            spans, decided.get((doc_id, guid, start, end)), doc_guid,
                            self.paths.get(code_id, ""))


def decided_for(s: Session, coders: Sequence[Coder]) -> dict[tuple, str]:
    rest = "|".join(c.name for c in coders[1:])
    return {(r.document_id, r.code_guid, r.start, r.end): r.decision for r in s.scalars(
        select(ReviewDecision).where(ReviewDecision.coder_a == coders[0].name,
                                     ReviewDecision.coder_b == rest))}


def scope_ids(s: Session, codes: Sequence[str] | None, documents: Sequence[str] | None):
    """Code ids and document ids for the paths and names given (None: all)."""
    code_ids = list(dict.fromkeys(resolve_code(s, c).id for c in codes)) if codes else None
    doc_ids = list(dict.fromkeys(get_document(s, d).id for d in documents)) \
        if documents else None
    return code_ids, doc_ids


def find_disagreements(s: Session, coders: Sequence[str], codes: Sequence[str] | None = None,
                       documents: Sequence[str] | None = None) -> list[Disagreement]:
    """Every place where the coders differ on the codes (None: every code) in the documents
    (None: all), by document and text order, with any decision already taken."""
    cs = coder_set(s, coders)
    code_ids, doc_ids = scope_ids(s, codes, documents)
    ids = [c.id for c in cs]
    segments = load_segments(s, ids, code_ids, doc_ids)
    names = Names(s, list({doc for doc, _c in segments}))
    decided = decided_for(s, cs)
    out = [names.make(doc_id, code_id, cs, start, end, spans, decided)
           for (doc_id, code_id), by_coder in segments.items()
           for start, end, spans in clusters(by_coder, ids) if not agreed(spans)]
    out.sort(key=lambda d: (d.document, d.start, d.end, d.code))
    return out


def disagreements(s: Session, code_path: str, coder_a: str, coder_b: str,
                  documents: list[str] | None = None) -> list[Disagreement]:
    """Every disagreement of two coders on one code, in document and text order."""
    return find_disagreements(s, [coder_a, coder_b], [code_path], documents)


def find_disagreement(s: Session, ident: str, coders: Sequence[str] | None = None
                      ) -> Disagreement:
    """The disagreement with this id, wherever it is: every pair of coders (both orders) and,
    in a project of up to SEARCH_ALL_SETS coders, every set of three or more is tried; or
    only `coders` when given."""
    ident = (ident or "").strip().lower()
    if not _ID.fullmatch(ident):
        raise InvalidInput(_("{id} is not a disagreement id; ids look like d1a2b3c4d5e "
                             "(see `sitat disagreements --json`).").format(id=ident))
    if coders:
        sets = [coder_set(s, coders)]
        everyone = sets[0]
    else:
        everyone = list(s.scalars(select(Coder).order_by(Coder.name)))
        sets = [list(p) for p in itertools.permutations(everyone, 2)]
        if len(everyone) <= SEARCH_ALL_SETS:
            sets += [list(c) for k in range(3, len(everyone) + 1)
                     for c in itertools.combinations(everyone, k)]
    segments = load_segments(s, [c.id for c in everyone])
    doc_guids = dict(s.execute(select(Document.id, Document.guid)).all())
    code_guids = dict(s.execute(select(Code.id, Code.guid)).all())
    sets = [(cs, [c.id for c in cs], [c.name for c in cs]) for cs in sets]
    for (doc_id, code_id), by_coder in segments.items():
        seen: dict[frozenset, list] = {}  # clusters of the coders present, shared by sets
        for cs, ids, names in sets:
            present = frozenset(by_coder).intersection(ids)
            if not present:
                continue
            if present not in seen:
                order = sorted(present)
                seen[present] = [(a, b, dict(zip(order, spans)))
                                 for a, b, spans in clusters(by_coder, order)]
            for start, end, by in seen[present]:
                spans = tuple(by.get(i, []) for i in ids)
                if not agreed(spans) and disagreement_id(
                        doc_guids[doc_id], code_guids[code_id], names, start, end) == ident:
                    return Names(s, [doc_id]).make(doc_id, code_id, cs, start, end, spans,
                                                     decided_for(s, cs))
    raise NotFound(_("There is no disagreement with the id {id} (any more): list them again "
                     "with `sitat disagreements`.").format(id=ident))


# -- decisions ---------------------------------------------------------------------------------
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
    d.decision = (state.decision or {}).get("decision")


def parse_take(d: Disagreement, take: str) -> tuple[str, Span | None]:
    """What `--take` says: a or b (two coders), a coder's name, both (everyone's segments),
    neither, or an edited span S-E in code points -> (decision, span)."""
    text = (take or "").strip()
    m = _SPAN.fullmatch(text)
    if m:
        return "edit", (int(m[1]), int(m[2]))
    low = text.lower()
    if low in ("both", "all", "neither"):
        return ("both" if low == "all" else low), None
    if low in ("a", "b") and len(d.coders) == 2:
        return low, None
    for i, name in enumerate(d.coders):
        if nfc(name) == nfc(text):
            return ("ab"[i] if len(d.coders) == 2 else f"c{i}"), None
    raise InvalidInput(_("Take one of: {choices}, or an edited span START-END.").format(
        choices=", ".join(_choices(d))))


def _choices(d: Disagreement) -> list[str]:
    return (["a", "b"] if len(d.coders) == 2 else list(d.coders)) + ["both", "neither"]


def _chosen(s: Session, d: Disagreement, decision: str, code_id: int) -> dict[Span, list]:
    """span -> (coder, memo, valence) of the coders whose segments the decision takes."""
    if decision == "neither":
        return {}
    take = {"a": [0], "b": [1], "both": list(range(len(d.coders)))}.get(decision)
    if take is None:
        take = [int(decision[1:])]
    ids = {c.id: c.name for c in s.scalars(select(Coder).where(
        Coder.name.in_([d.coders[i] for i in take])))}
    out: dict[Span, list] = {}
    for coder_id, start, end, memo, valence in s.execute(
            select(Coding.coder_id, Coding.start, Coding.end, Coding.memo, Coding.valence)
            .where(Coding.document_id == d.document_id, Coding.code_id == code_id,
                   Coding.coder_id.in_(list(ids)), Coding.start >= d.start,
                   Coding.end <= d.end).order_by(Coding.start, Coding.end)):
        out.setdefault((start, end), []).append((ids[coder_id], memo, valence))
    return out


def resolve(s: Session, d: Disagreement, decision: str, consensus: str = DEFAULT_CONSENSUS,
            span: tuple[int, int] | None = None) -> None:
    """Settle one disagreement: the consensus coder gets A's, B's (or one named coder's),
    everyone's segments, none, or an edited span (caller's transaction), with the memo and
    valence of the segments taken. Deciding again replaces the earlier decision."""
    valid = DECISIONS if len(d.coders) == 2 else \
        ("both", "neither", "edit", *(f"c{i}" for i in range(len(d.coders))))
    if decision not in valid:  # a coder's name, or an edited span as text
        decision, given = parse_take(d, decision)
        span = span or given
    doc = s.get(Document, d.document_id)
    code = s.scalar(select(Code).where(Code.guid == d.code_guid))
    coder = get_or_create_coder(s, consensus)
    if nfc(coder.name) in {nfc(c) for c in d.coders}:
        raise InvalidInput(_("The consensus coder must be someone other than the coders "
                             "compared."))
    if decision == "edit":
        if span is None:
            raise InvalidInput(_("Give the edited span."))
        check_span(doc, *span)
        if span[0] >= d.end or span[1] <= d.start:
            raise InvalidInput(_("The edited span {start}-{end} must overlap the "
                                 "disagreement ({d_start}-{d_end}).").format(
                start=span[0], end=span[1], d_start=d.start, d_end=d.end))
        chosen = {tuple(span): [(coder.name, "", None)]}
    else:
        chosen = _chosen(s, d, decision, code.id)
    s.execute(delete(Coding).where(*_consensus_in(s, d, coder.id, code.id)))
    row = _decision_row(s, d)
    if row is None:
        row = ReviewDecision(document_id=d.document_id, code_guid=d.code_guid,
                             coder_a=d.coder_a, coder_b=d.coder_b, start=d.start, end=d.end)
        s.add(row)
    row.decision, row.consensus = decision, coder.name
    row.actor, row.at = codelog.current_actor(), utcnow()
    round_id, version_id = provenance_for(s, d.document_id, coder.id)
    now = utcnow()
    rows = []
    for (a, b), entries in sorted(chosen.items()):
        memo, valence, _differ = merge_notes(entries)
        rows.append({"guid": new_guid(), "document_id": d.document_id, "code_id": code.id,
                     "coder_id": coder.id, "start": a, "end": b, "memo": memo,
                     "valence": valence, "created_at": now, "round_id": round_id,
                     "codebook_version_id": version_id})
    if rows:
        s.execute(Coding.__table__.insert(), rows)
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
    path = d.code or code_paths(s).get(
        s.scalar(select(Code.id).where(Code.guid == d.code_guid)), "")
    if d.kind == "partial":
        kind = _("only {coder} coded this").format(
            coder=", ".join(c for c, spans in zip(d.coders, d.spans) if spans))
    elif len(d.coders) > 2:
        kind = _("all coded this, with other boundaries")
    else:
        kind = {"a_only": _("only {coder} coded this").format(coder=d.coder_a),
                "b_only": _("only {coder} coded this").format(coder=d.coder_b),
                "boundary": _("both coded this, with other boundaries")}[d.kind]
    return f"{path} · {d.document} · {kind}"
