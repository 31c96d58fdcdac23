"""A complete consensus of two or more coders: every agreed segment (a place where all of them
coded exactly the same spans with a code) copied to the consensus coder with memo and valence,
and a report of what is copied, already there, settled and still undecided. Settled
disagreements are already the consensus coder's codings (review.resolve writes them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Sequence

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from app.core.coding import VALENCE_TEXT, get_or_create_coder
from app.core.team.places import agreed, clusters, load_segments, merge_notes
from app.core.team.provenance import Provenance
from app.core.team.review import (
    DEFAULT_CONSENSUS,
    Disagreement,
    Names,
    coder_set,
    decided_for,
    scope_ids,
)
from app.models import Coding, Document, new_guid, utcnow


@dataclass
class ValenceConflict:
    """An agreed segment whose coders set different valences: copied without one."""

    document: str
    code: str
    start: int
    end: int
    valences: dict[str, int | None]  # coder -> +1, -1 or None ("+", "-", "" in JSON)
    guid: str  # the consensus coder's coding

    def as_json(self) -> dict:
        return {"document": self.document, "code": self.code, "start": self.start,
                "end": self.end, "guid": self.guid,
                "valences": {c: VALENCE_TEXT[v] for c, v in self.valences.items()}}


@dataclass
class ConsensusReport:
    consensus: str
    coders: list[str]
    codes: list[str] | None
    documents: list[str] | None
    copied: int = 0
    already_present: int = 0
    settled: int = 0
    undecided: list[Disagreement] = field(default_factory=list)
    valence_conflicts: list[ValenceConflict] = field(default_factory=list)
    added: list[dict] = field(default_factory=list)  # the rows written, for undo

    def as_json(self) -> dict:
        return {"consensus": self.consensus, "coders": self.coders, "codes": self.codes,
                "documents": self.documents, "agreed": self.copied + self.already_present,
                "copied": self.copied, "already_present": self.already_present,
                "settled": self.settled, "undecided": [d.as_json() for d in self.undecided],
                "valence_conflicts": [v.as_json() for v in self.valence_conflicts]}


def fill_consensus(s: Session, coders: Sequence[str], codes: Sequence[str] | None = None,
                   documents: Sequence[str] | None = None,
                   consensus: str = DEFAULT_CONSENSUS) -> ConsensusReport:
    """Copy every agreed segment of `coders` on `codes` (None: every code they used) in
    `documents` (None: all) to the consensus coder, once: a segment it already has is left as
    it is (running this again adds nothing). Caller's transaction."""
    cs = coder_set(s, coders, consensus)
    code_ids, doc_ids = scope_ids(s, codes, documents)
    target = get_or_create_coder(s, consensus)
    ids = [c.id for c in cs]
    segments = load_segments(s, ids, code_ids, doc_ids)
    names = Names(s, list({doc for doc, _c in segments}))
    decided = decided_for(s, cs)
    present = _present(s, target.id, code_ids, doc_ids)
    provenance = Provenance(s)
    report = ConsensusReport(target.name, [c.name for c in cs],
                             [names.paths[i] for i in code_ids] if code_ids else None,
                             [s.get(Document, i).name for i in doc_ids] if doc_ids else None)
    now = utcnow()
    for (doc_id, code_id), by_coder in sorted(
            segments.items(), key=lambda kv: (names.docs[kv[0][0]][0],
                                              names.paths.get(kv[0][1], ""))):
        notes = {c.id: {} for c in cs}
        for c in cs:
            for start, end, memo, valence in by_coder.get(c.id, ()):
                notes[c.id].setdefault((start, end), []).append((c.name, memo, valence))
        for start, end, spans in clusters(by_coder, ids):
            if not agreed(spans):
                d = names.make(doc_id, code_id, cs, start, end, spans, decided)
                if d.decision:
                    report.settled += 1
                else:
                    report.undecided.append(d)
                continue
            for span in spans[0]:
                memo, valence, differ = merge_notes(
                    [e for c in cs for e in notes[c.id][span]])
                found = present.get((doc_id, code_id, *span))
                if found is not None:
                    report.already_present += 1
                    guid, valence = found
                else:
                    round_id, version_id = provenance(doc_id, target.id)
                    guid = new_guid()
                    report.added.append({
                        "guid": guid, "document_id": doc_id, "code_id": code_id,
                        "coder_id": target.id, "start": span[0], "end": span[1], "memo": memo,
                        "valence": valence, "created_at": now, "round_id": round_id,
                        "codebook_version_id": version_id})
                if differ and valence is None:
                    report.valence_conflicts.append(ValenceConflict(
                        names.docs[doc_id][0], names.paths.get(code_id, ""), *span,
                        {c.name: notes[c.id][span][0][2] for c in cs}, guid))
    report.copied = len(report.added)
    add_rows(s, report.added)
    report.undecided.sort(key=lambda d: (d.document, d.start, d.end, d.code))
    return report


def _present(s: Session, coder_id: int, code_ids, doc_ids) -> dict[tuple, tuple[str, int]]:
    """The consensus coder's codings: (document, code, start, end) -> (guid, valence)."""
    q = select(Coding.document_id, Coding.code_id, Coding.start, Coding.end, Coding.guid,
               Coding.valence).where(Coding.coder_id == coder_id)
    if code_ids is not None:
        q = q.where(Coding.code_id.in_(code_ids))
    if doc_ids is not None:
        q = q.where(Coding.document_id.in_(doc_ids))
    return {(d, c, a, b): (g, v) for d, c, a, b, g, v in s.execute(q)}


def add_rows(s: Session, rows: list[dict]) -> None:
    """Write codings a fill made (again, on redo in the window)."""
    if rows:
        s.execute(Coding.__table__.insert(), rows)
    s.flush()


def remove_rows(s: Session, rows: list[dict]) -> None:
    """Take back the codings a fill made (undo in the window)."""
    guids = [r["guid"] for r in rows]
    for i in range(0, len(guids), 500):
        s.execute(delete(Coding).where(Coding.guid.in_(guids[i:i + 500])))
    s.expire_all()
