"""Provenance of new codings: the round they are made in and the codebook version in force.

The round of a new coding is the latest (highest position) round that is not closed and
includes both the coding's document and its coder; none -> NULL. Its codebook version is the
round's version when the round has one, else the newest frozen version (by created_at, id),
else NULL. Every place that creates codings asks here (one row: `provenance_for`; many rows:
`Provenance`, which reads the rounds once).
"""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import CodebookVersion, Round, round_coder, round_document


def newest_version_id(s: Session) -> int | None:
    """The newest frozen codebook version (by created_at, id), or None."""
    return s.scalar(select(CodebookVersion.id)
                    .order_by(CodebookVersion.created_at.desc(), CodebookVersion.id.desc())
                    .limit(1))


def provenance_for(s: Session, document_id: int, coder_id: int) -> tuple[int | None, int | None]:
    """(round id, codebook version id) for a coding of `document_id` by `coder_id` made now."""
    s.flush()
    row = s.execute(
        select(Round.id, Round.codebook_version_id)
        .join(round_document, round_document.c.round_id == Round.id)
        .join(round_coder, round_coder.c.round_id == Round.id)
        .where(Round.closed_at.is_(None), round_document.c.document_id == document_id,
               round_coder.c.coder_id == coder_id)
        .order_by(Round.position.desc(), Round.id.desc()).limit(1)).first()
    if row is not None and row[1] is not None:
        return row[0], row[1]
    return (row[0] if row is not None else None), newest_version_id(s)


class Provenance:
    """`provenance_for` for many codings in one transaction: open rounds are read once."""

    def __init__(self, s: Session) -> None:
        s.flush()
        self._fallback = newest_version_id(s)
        rounds = s.execute(select(Round.id, Round.codebook_version_id)
                           .where(Round.closed_at.is_(None))
                           .order_by(Round.position.desc(), Round.id.desc())).all()
        ids = [r[0] for r in rounds]
        docs: dict[int, set[int]] = {i: set() for i in ids}
        coders: dict[int, set[int]] = {i: set() for i in ids}
        if ids:
            for rid, did in s.execute(select(round_document.c.round_id,
                                             round_document.c.document_id)
                                      .where(round_document.c.round_id.in_(ids))):
                docs[rid].add(did)
            for rid, cid in s.execute(select(round_coder.c.round_id, round_coder.c.coder_id)
                                      .where(round_coder.c.round_id.in_(ids))):
                coders[rid].add(cid)
        self._rounds = [(rid, vid, docs[rid], coders[rid]) for rid, vid in rounds]
        self._memo: dict[tuple[int, int], tuple[int | None, int | None]] = {}

    def __call__(self, document_id: int, coder_id: int) -> tuple[int | None, int | None]:
        key = (document_id, coder_id)
        found = self._memo.get(key)
        if found is None:
            found = (None, self._fallback)
            for rid, vid, docs, coders in self._rounds:
                if document_id in docs and coder_id in coders:
                    found = (rid, vid if vid is not None else self._fallback)
                    break
            self._memo[key] = found
        return found


def iso_utc(value: datetime | None) -> str | None:
    """A stored time (naive UTC) as ISO 8601 UTC to the second: 2026-12-05T21:40:00Z."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value.replace(microsecond=0).isoformat() + "Z"


def parse_utc(text: str | None) -> datetime | None:
    """An ISO 8601 time (with Z, an offset or none, meaning UTC) as naive UTC; None when it is
    missing or not a time."""
    text = (text or "").strip()
    if not text:
        return None
    if text[-1] in "zZ":
        text = text[:-1] + "+00:00"
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc).replace(tzinfo=None)
    return value
