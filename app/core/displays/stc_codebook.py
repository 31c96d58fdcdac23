"""Condensation (STC) through codebook work: condensates, illustrative quotes and syntheses
follow their codings when codes are merged or split, and guid-based checkpoints bring them
back when a code tree edit is undone.

Works on ids inside the caller's transaction and knows nothing of code paths (app.core.codebook
calls it; it must not call back).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from app.models import (
    Code,
    Coding,
    Condensate,
    IllustrativeQuote,
    Synthesis,
    condensate_coding,
    utcnow,
)


@dataclass
class Stranded:
    """A condensate of another code that now rests on codings outside that code."""

    code_id: int
    guid: str
    text: str
    code: str = ""  # the code's path (filled in by app.core.codebook)


@dataclass
class MergeCarry:
    """What a merge carried from the merged code to the code it went into."""

    condensates: int = 0
    illustrative: int = 0
    synthesis: bool = False
    stranded: list[Stranded] = field(default_factory=list)


@dataclass
class SplitCarry:
    """What a split did to the split code's condensates: re-homed to the new code (all their
    meaning units moved), kept (none moved), or kept resting on both codes (some moved)."""

    moved: int = 0
    stayed: int = 0
    both: list[str] = field(default_factory=list)  # texts of the condensates on both codes
    illustrative: int = 0  # illustrative quotes that followed their coding to the new code


def repoint_codings(s: Session, mapping: dict[int, int]) -> None:
    """Codings about to be deleted as duplicates (`old id -> the surviving id`): condensates
    and illustrative quotes that rest on them are moved to the surviving coding."""
    for old, new in mapping.items():
        for cid in list(s.scalars(select(condensate_coding.c.condensate_id)
                                  .where(condensate_coding.c.coding_id == old))):
            has = s.scalar(select(func.count()).select_from(condensate_coding).where(
                condensate_coding.c.condensate_id == cid, condensate_coding.c.coding_id == new))
            if has:
                s.execute(delete(condensate_coding).where(
                    condensate_coding.c.condensate_id == cid, condensate_coding.c.coding_id == old))
            else:
                s.execute(update(condensate_coding).where(
                    condensate_coding.c.condensate_id == cid, condensate_coding.c.coding_id == old)
                    .values(coding_id=new))
        for code_id in list(s.scalars(select(IllustrativeQuote.code_id)
                                      .where(IllustrativeQuote.coding_id == old))):
            if s.get(IllustrativeQuote, (code_id, new)) is not None:
                s.execute(delete(IllustrativeQuote).where(IllustrativeQuote.code_id == code_id,
                                                          IllustrativeQuote.coding_id == old))
            else:
                s.execute(update(IllustrativeQuote).where(
                    IllustrativeQuote.code_id == code_id, IllustrativeQuote.coding_id == old)
                    .values(coding_id=new))
    s.expire_all()


def _next_position(s: Session, model, code_id: int) -> int:
    return (s.scalar(select(func.max(model.position)).where(model.code_id == code_id)) or 0) + 1


def carry_on_merge(s: Session, source_id: int, target_id: int, heading: str) -> MergeCarry:
    """Move the condensates and illustrative quotes of code `source_id` to `target_id` (after
    the target's own, in their order) and append the source's synthesis to the target's under
    the line `heading`. Call before the source is deleted."""
    out = MergeCarry()
    position = _next_position(s, Condensate, target_id)
    for cond in s.scalars(select(Condensate).where(Condensate.code_id == source_id)
                          .order_by(Condensate.position, Condensate.id)):
        cond.code_id, cond.position = target_id, position
        position += 1
        out.condensates += 1
    position = _next_position(s, IllustrativeQuote, target_id)
    taken = set(s.scalars(select(IllustrativeQuote.coding_id)
                          .where(IllustrativeQuote.code_id == target_id)))
    for row in list(s.scalars(select(IllustrativeQuote)
                              .where(IllustrativeQuote.code_id == source_id)
                              .order_by(IllustrativeQuote.position))):
        coding_id = row.coding_id
        s.delete(row)
        if coding_id in taken:
            continue
        s.flush()
        s.add(IllustrativeQuote(code_id=target_id, coding_id=coding_id, position=position))
        taken.add(coding_id)
        position += 1
        out.illustrative += 1
    source_syn = s.get(Synthesis, source_id)
    if source_syn is not None and source_syn.text.strip():
        target_syn = s.get(Synthesis, target_id)
        if target_syn is None:
            target_syn = Synthesis(code_id=target_id, text="")
            s.add(target_syn)
        parts = [target_syn.text.strip()] if (target_syn.text or "").strip() else []
        parts.append(f"{heading}\n{source_syn.text.strip()}")
        target_syn.text, target_syn.updated_at = "\n\n".join(parts), utcnow()
        out.synthesis = True
    s.flush()
    return out


def _subtree(s: Session, code_id: int) -> set[int]:
    kids: dict[int | None, list[int]] = {}
    for cid, parent in s.execute(select(Code.id, Code.parent_id)):
        kids.setdefault(parent, []).append(cid)
    out, stack = set(), [code_id]
    while stack:
        cur = stack.pop()
        if cur not in out:
            out.add(cur)
            stack.extend(kids.get(cur, ()))
    return out


def stranded(s: Session, coding_ids: set[int]) -> list[Stranded]:
    """Condensates resting on any of `coding_ids` that now rest on a coding outside their own
    code and its child codes."""
    if not coding_ids:
        return []
    conds = set(s.scalars(select(condensate_coding.c.condensate_id)
                          .where(condensate_coding.c.coding_id.in_(list(coding_ids)))))
    out = []
    for cond in s.scalars(select(Condensate).where(Condensate.id.in_(list(conds)))
                          .order_by(Condensate.code_id, Condensate.position)):
        allowed = _subtree(s, cond.code_id)
        codes = set(s.scalars(select(Coding.code_id)
                              .join(condensate_coding, condensate_coding.c.coding_id == Coding.id)
                              .where(condensate_coding.c.condensate_id == cond.id)))
        if codes - allowed:
            out.append(Stranded(cond.code_id, cond.guid, cond.text))
    return out


def carry_on_split(s: Session, code_id: int, new_id: int, moved: set[int]) -> SplitCarry:
    """After the codings `moved` went from code `code_id` to the new code `new_id`: condensates
    whose meaning units all moved go to the new code; those with some moved stay and are
    named; illustrative quotes follow their coding."""
    out = SplitCarry()
    position = _next_position(s, Condensate, new_id)
    for cond in list(s.scalars(select(Condensate).where(Condensate.code_id == code_id)
                               .order_by(Condensate.position, Condensate.id))):
        units = set(s.scalars(select(condensate_coding.c.coding_id)
                              .where(condensate_coding.c.condensate_id == cond.id)))
        if units and units <= moved:
            cond.code_id, cond.position = new_id, position
            position += 1
            out.moved += 1
        elif units & moved:
            out.both.append(cond.text)
            out.stayed += 1
        else:
            out.stayed += 1
    position = _next_position(s, IllustrativeQuote, new_id)
    for row in list(s.scalars(select(IllustrativeQuote).where(
            IllustrativeQuote.code_id == code_id, IllustrativeQuote.coding_id.in_(list(moved)))
            .order_by(IllustrativeQuote.position))):
        coding_id = row.coding_id
        s.delete(row)
        s.flush()
        s.add(IllustrativeQuote(code_id=new_id, coding_id=coding_id, position=position))
        position += 1
        out.illustrative += 1
    s.flush()
    return out


# -- guid checkpoints for undo ----------------------------------------------------------------
@dataclass(frozen=True)
class StcCheckpoint:
    """The condensation of some codes (by guid) at one moment, held by guids so that it can be
    put back after the codes and codings it rests on were deleted and re-created."""

    codes: frozenset[str]
    condensates: tuple[tuple, ...] = ()  # (id, guid, code guid, text, position, created, updated)
    links: tuple[tuple[str, str], ...] = ()  # (condensate guid, coding guid)
    illustrative: tuple[tuple[str, str, int], ...] = ()  # (code guid, coding guid, position)
    syntheses: tuple[tuple[str, str, datetime], ...] = ()  # (code guid, text, updated_at)


def checkpoint(s: Session, code_guids) -> StcCheckpoint:
    s.flush()
    guids = frozenset(code_guids)
    ids = {i: g for i, g in s.execute(select(Code.id, Code.guid).where(Code.guid.in_(guids)))}
    if not ids:
        return StcCheckpoint(guids)
    conds = tuple((r.id, r.guid, ids[r.code_id], r.text, r.position, r.created_at, r.updated_at)
                  for r in s.execute(select(Condensate).where(Condensate.code_id.in_(ids)))
                  .scalars())
    links = tuple(s.execute(
        select(Condensate.guid, Coding.guid)
        .join(condensate_coding, condensate_coding.c.condensate_id == Condensate.id)
        .join(Coding, Coding.id == condensate_coding.c.coding_id)
        .where(Condensate.code_id.in_(ids))).all())
    ill = tuple((ids[code_id], coding_guid, position) for code_id, coding_guid, position in
                s.execute(select(IllustrativeQuote.code_id, Coding.guid,
                                 IllustrativeQuote.position)
                          .join(Coding, Coding.id == IllustrativeQuote.coding_id)
                          .where(IllustrativeQuote.code_id.in_(ids))))
    syn = tuple((ids[code_id], text, at) for code_id, text, at in s.execute(
        select(Synthesis.code_id, Synthesis.text, Synthesis.updated_at)
        .where(Synthesis.code_id.in_(ids))))
    return StcCheckpoint(guids, conds, tuple(map(tuple, links)), ill, syn)


def restore(s: Session, cp: StcCheckpoint) -> None:
    """Make the condensation of the checkpoint's codes exactly as it was (codes and codings
    that no longer exist are skipped)."""
    s.flush()
    code_ids = {g: i for g, i in s.execute(select(Code.guid, Code.id)
                                           .where(Code.guid.in_(cp.codes)))}
    cond_guids = [c[1] for c in cp.condensates]
    s.execute(delete(Condensate).where(Condensate.code_id.in_(list(code_ids.values()))))
    if cond_guids:
        s.execute(delete(Condensate).where(Condensate.guid.in_(cond_guids)))
    s.execute(delete(IllustrativeQuote).where(
        IllustrativeQuote.code_id.in_(list(code_ids.values()))))
    s.execute(delete(Synthesis).where(Synthesis.code_id.in_(list(code_ids.values()))))
    coding_guids = {g for _c, g in cp.links} | {g for _c, g, _p in cp.illustrative}
    codings = {g: i for g, i in s.execute(select(Coding.guid, Coding.id)
                                          .where(Coding.guid.in_(list(coding_guids))))}
    taken = set(s.scalars(select(Condensate.id).where(
        Condensate.id.in_([c[0] for c in cp.condensates]))))
    cond_ids: dict[str, int] = {}
    for cid, guid, code_guid, text, position, created, updated in cp.condensates:
        if code_guid not in code_ids:
            continue
        row = Condensate(guid=guid, code_id=code_ids[code_guid], text=text, position=position,
                         created_at=created, updated_at=updated)
        if cid not in taken:
            row.id = cid
        s.add(row)
        s.flush()
        cond_ids[guid] = row.id
    links = [{"condensate_id": cond_ids[c], "coding_id": codings[g]} for c, g in cp.links
             if c in cond_ids and g in codings]
    if links:
        s.execute(condensate_coding.insert(), links)
    for code_guid, coding_guid, position in cp.illustrative:
        if code_guid in code_ids and coding_guid in codings:
            s.add(IllustrativeQuote(code_id=code_ids[code_guid], coding_id=codings[coding_guid],
                                    position=position))
    for code_guid, text, updated in cp.syntheses:
        if code_guid in code_ids:
            s.add(Synthesis(code_id=code_ids[code_guid], text=text, updated_at=updated))
    s.flush()
    s.expire_all()
