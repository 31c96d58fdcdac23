"""Systematic text condensation (STC) per code: meaning units (the code's passages in the
analysis scope, by default the overlapping codings of different coders united, so a passage
two coders coded is listed once with both), condensates (artificial first-person quotes)
linked to the codings they rest on, illustrative quotes, and the synthesis text. Every change
is one call in the caller's transaction; `capture`/`restore` give exact undo."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from app.core.codebook import path_of, resolve_code, subtree_ids
from app.errors import InvalidInput, NotFound
from app.i18n import _
from app.models import (
    Code,
    Coding,
    Condensate,
    Document,
    IllustrativeQuote,
    Synthesis,
    condensate_coding,
    utcnow,
)


@dataclass(frozen=True)
class MeaningUnit:
    """One passage of the code: `guid` is its first coding's (the one a condensate or an
    illustrative quote chosen here rests on), `guids` all of its codings'."""

    guid: str
    document: str
    start: int
    end: int
    text: str
    coder: str  # its coders, joined by ", "
    code: str
    guids: tuple[str, ...] = ()
    coders: tuple[str, ...] = ()


@dataclass
class CondensateInfo:
    guid: str
    text: str
    units: list[str] = field(default_factory=list)  # coding guids


@dataclass
class CodeCondensation:
    code: str
    units: list[MeaningUnit]
    condensates: list[CondensateInfo]
    illustrative: list[str]  # coding guids, in order
    synthesis: str

    def as_json(self) -> dict:
        return {"code": self.code, "synthesis": self.synthesis,
                "units": [u.__dict__ for u in self.units],
                "condensates": [c.__dict__ for c in self.condensates],
                "illustrative": self.illustrative}


def _code(s: Session, code) -> Code:
    return code if isinstance(code, Code) else resolve_code(s, code)


def _coding_ids(s: Session, guids: list[str]) -> dict[str, int]:
    found = {g: i for g, i in s.execute(select(Coding.guid, Coding.id)
                                        .where(Coding.guid.in_(list(guids))))}
    missing = [g for g in guids if g not in found]
    if missing:
        raise NotFound(_("These codings do not exist: {guids}.").format(guids=", ".join(missing)))
    return found


def meaning_units(s: Session, code, coders: list[str] | None = None,
                  scope=None) -> list[MeaningUnit]:
    """The passages of a code and its child codes in the analysis `scope` (a kind, an
    AnalysisScope or a resolved one; default segments) narrowed to `coders`, in document and
    text order."""
    from app.core.scope import AnalysisScope, ResolvedScope, passages

    c = _code(s, code)
    if isinstance(scope, ResolvedScope):
        r = scope
    elif isinstance(scope, AnalysisScope):
        r = AnalysisScope(scope.kind, tuple(coders or scope.coders), scope.round).resolve(s)
    else:
        r = AnalysisScope.of(scope, coders).resolve(s)
    found = passages(s, r, code_ids=subtree_ids(s, c.id), details=True)
    if not found:
        return []
    names = dict(s.execute(select(Document.id, Document.name)
                           .where(Document.id.in_({p.document_id for p in found}))).all())
    codes = dict(s.execute(select(Code.id, Code.name)).all())
    texts: dict[int, str] = {}
    out = []
    for p in sorted(found, key=lambda p: (names[p.document_id], p.start, p.end, p.code_id)):
        text = texts.get(p.document_id)
        if text is None:
            text = texts[p.document_id] = s.scalar(
                select(Document.text).where(Document.id == p.document_id)) or ""
        out.append(MeaningUnit(p.guids[0], names[p.document_id], p.start, p.end,
                               text[p.start:p.end], ", ".join(p.coders), codes[p.code_id],
                               p.guids, p.coders))
    return out


def condensation(s: Session, code, coders: list[str] | None = None,
                 scope=None) -> CodeCondensation:
    """A code's condensation: its meaning units in `scope` (see `meaning_units`), condensates,
    illustrative quotes and synthesis."""
    c = _code(s, code)
    conds = list(s.scalars(select(Condensate).where(Condensate.code_id == c.id)
                           .order_by(Condensate.position, Condensate.id)))
    links: dict[int, list[str]] = {}
    for cid, guid in s.execute(select(condensate_coding.c.condensate_id, Coding.guid)
                               .join(Coding, Coding.id == condensate_coding.c.coding_id)
                               .where(condensate_coding.c.condensate_id.in_([x.id for x in conds]))
                               .order_by(Coding.document_id, Coding.start)):
        links.setdefault(cid, []).append(guid)
    illustrative = list(s.scalars(select(Coding.guid).join(
        IllustrativeQuote, IllustrativeQuote.coding_id == Coding.id)
        .where(IllustrativeQuote.code_id == c.id).order_by(IllustrativeQuote.position)))
    synthesis = s.scalar(select(Synthesis.text).where(Synthesis.code_id == c.id)) or ""
    return CodeCondensation(path_of(s, c), meaning_units(s, c, coders, scope),
                            [CondensateInfo(x.guid, x.text, links.get(x.id, [])) for x in conds],
                            illustrative, synthesis)


def add_condensate(s: Session, code, text: str, coding_guids: list[str]) -> str:
    c = _code(s, code)
    text = (text or "").strip()
    if not text:
        raise InvalidInput(_("A condensate needs a text."))
    ids = _coding_ids(s, coding_guids)
    _check_own(s, c, ids)
    position = (s.scalar(select(func.max(Condensate.position))
                         .where(Condensate.code_id == c.id)) or 0) + 1
    cond = Condensate(code_id=c.id, text=text, position=position)
    s.add(cond)
    s.flush()
    if ids:
        s.execute(insert(condensate_coding), [{"condensate_id": cond.id, "coding_id": i}
                                              for i in ids.values()])
    return cond.guid


def _check_own(s: Session, c: Code, ids: dict[str, int]) -> None:
    """InvalidInput unless every coding in `ids` is of code `c` or one of its child codes."""
    allowed = subtree_ids(s, c.id)
    wrong = [g for g, i in ids.items()
             if s.scalar(select(Coding.code_id).where(Coding.id == i)) not in allowed]
    if wrong:
        raise InvalidInput(_("A condensate can only rest on codings of {name} and its child "
                             "codes.").format(name=c.name))


def _condensate(s: Session, guid: str) -> Condensate:
    cond = s.scalar(select(Condensate).where(Condensate.guid == guid))
    if cond is None:
        raise NotFound(_("That condensate no longer exists."))
    return cond


def update_condensate(s: Session, guid: str, text: str | None = None,
                      coding_guids: list[str] | None = None) -> None:
    cond = _condensate(s, guid)
    if text is not None:
        if not text.strip():
            raise InvalidInput(_("A condensate needs a text."))
        cond.text = text.strip()
    if coding_guids is not None:
        ids = _coding_ids(s, coding_guids)
        linked = set(s.scalars(select(condensate_coding.c.coding_id)
                               .where(condensate_coding.c.condensate_id == cond.id)))
        # a unit it rested on already may stay (after a split it may be on the sibling code)
        _check_own(s, s.get(Code, cond.code_id), {g: i for g, i in ids.items()
                                                   if i not in linked})
        s.execute(delete(condensate_coding).where(condensate_coding.c.condensate_id == cond.id))
        if ids:
            s.execute(insert(condensate_coding), [{"condensate_id": cond.id, "coding_id": i}
                                                  for i in ids.values()])
    cond.updated_at = utcnow()
    s.flush()


def delete_condensate(s: Session, guid: str) -> None:
    s.delete(_condensate(s, guid))
    s.flush()


def set_illustrative(s: Session, code, coding_guid: str, on: bool = True) -> None:
    c = _code(s, code)
    coding_id = _coding_ids(s, [coding_guid])[coding_guid]
    row = s.get(IllustrativeQuote, (c.id, coding_id))
    if on and row is None:
        own = s.scalar(select(Coding.code_id).where(Coding.id == coding_id))
        if own not in subtree_ids(s, c.id):
            raise InvalidInput(_("That coding is coded with {other}, not with {name} or one of "
                                 "its child codes; an illustrative quote of {name} must be one "
                                 "of its own meaning units.").format(
                                     other=path_of(s, s.get(Code, own)), name=path_of(s, c)))
    if on and row is None:
        position = (s.scalar(select(func.max(IllustrativeQuote.position))
                             .where(IllustrativeQuote.code_id == c.id)) or 0) + 1
        s.add(IllustrativeQuote(code_id=c.id, coding_id=coding_id, position=position))
    elif not on and row is not None:
        s.delete(row)
    s.flush()


def set_synthesis(s: Session, code, text: str) -> None:
    c = _code(s, code)
    row = s.get(Synthesis, c.id)
    if row is None:
        row = Synthesis(code_id=c.id)
        s.add(row)
    row.text, row.updated_at = (text or "").strip(), utcnow()
    s.flush()


# -- exact undo --------------------------------------------------------------------------------
@dataclass(frozen=True)
class CondensationState:
    condensates: tuple[dict, ...]
    links: tuple[dict, ...]
    illustrative: tuple[dict, ...]
    synthesis: tuple[dict, ...]


def capture(s: Session, code) -> CondensationState:
    c = _code(s, code)
    conds = tuple(dict(r._mapping) for r in s.execute(
        Condensate.__table__.select().where(Condensate.code_id == c.id)))
    ids = [r["id"] for r in conds]
    links = tuple(dict(r._mapping) for r in s.execute(
        condensate_coding.select().where(condensate_coding.c.condensate_id.in_(ids))))
    ill = tuple(dict(r._mapping) for r in s.execute(
        IllustrativeQuote.__table__.select().where(IllustrativeQuote.code_id == c.id)))
    syn = tuple(dict(r._mapping) for r in s.execute(
        Synthesis.__table__.select().where(Synthesis.code_id == c.id)))
    return CondensationState(conds, links, ill, syn)


def restore(s: Session, code, state: CondensationState) -> None:
    c = _code(s, code)
    s.flush()
    s.execute(delete(Condensate).where(Condensate.code_id == c.id))
    s.execute(delete(IllustrativeQuote).where(IllustrativeQuote.code_id == c.id))
    s.execute(delete(Synthesis).where(Synthesis.code_id == c.id))
    for table, rows in ((Condensate.__table__, state.condensates),
                        (condensate_coding, state.links),
                        (IllustrativeQuote.__table__, state.illustrative),
                        (Synthesis.__table__, state.synthesis)):
        if rows:
            s.execute(table.insert(), list(rows))
    s.expire_all()
